import { splitApiVersion } from '../kube/registry.js';
import type { KubeObject } from '../kube/types.js';
import type { ObjectRef } from './readiness.js';

/** Flux's inventory entries: `id` is `namespace_name_group_Kind`, `v` the version. */
export interface InventoryEntry {
  id: string;
  v: string;
}

export function entryOf(object: KubeObject): InventoryEntry {
  const { group, version } = splitApiVersion(object.apiVersion);
  return { id: `${object.metadata.namespace ?? ''}_${object.metadata.name}_${group}_${object.kind}`, v: version };
}

export function refOfEntry(entry: InventoryEntry): ObjectRef {
  const [namespace = '', name = '', group = '', kind = ''] = entry.id.split('_');
  return { apiVersion: group ? `${group}/${entry.v}` : entry.v, kind, name, ...(namespace ? { namespace } : {}) };
}
