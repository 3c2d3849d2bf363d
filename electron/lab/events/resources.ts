/**
 * The latest status of every watched object (Flux Kustomizations, Crossplane resources, cloud
 * resources), so a window that connects late gets the whole picture in its snapshot and then
 * only changes as `resource` events. A deleted object is reported once, then forgotten.
 */
import type { ResourceStatus } from '../../api/contract';

export interface ResourceBoard {
  /** Records the status; returns false when nothing changed (no event needed). */
  update(status: ResourceStatus): boolean;
  list(): ResourceStatus[];
}

export function resourceKey(status: Pick<ResourceStatus, 'cluster' | 'kind' | 'namespace' | 'name'>): string {
  return [status.cluster, status.kind, status.namespace ?? '', status.name].join('\u0000');
}

export function createResourceBoard(): ResourceBoard {
  const byKey = new Map<string, ResourceStatus>();
  const serialized = new Map<string, string>();
  return {
    update(status) {
      const key = resourceKey(status);
      if (status.deleted) {
        const known = byKey.delete(key);
        serialized.delete(key);
        return known;
      }
      const text = JSON.stringify(status);
      if (serialized.get(key) === text) return false;
      byKey.set(key, { ...status });
      serialized.set(key, text);
      return true;
    },
    list() {
      return [...byKey.values()].map((status) => ({ ...status }));
    },
  };
}
