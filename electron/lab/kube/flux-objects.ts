/**
 * The live status board's feed: every Flux Kustomization and HelmRelease of a cluster, with
 * Ready, its message and dependsOn, reported each time one of them changes.
 */
import type { ResourceStatus } from '../../api/contract';
import type { KubeTarget } from './config';
import { sameStatus, toResourceStatus } from './status';
import { watchObjects, type ObjectWatch } from './watch';

export const FLUX_KINDS = [
  { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' },
  { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease' },
] as const;

export interface FluxObjectsWatch {
  /** Resolves when both kinds have been listed once. */
  readonly listed: Promise<void>;
  stop(): void;
}

export async function watchFluxObjects(target: KubeTarget, onStatus: (status: ResourceStatus) => void, onError?: (error: unknown) => void): Promise<FluxObjectsWatch> {
  const last = new Map<string, ResourceStatus>();
  const watches: ObjectWatch[] = [];
  try {
    for (const { apiVersion, kind } of FLUX_KINDS) {
      watches.push(
        await watchObjects({
          ...target,
          apiVersion,
          kind,
          onChange(object, deleted) {
            const status = toResourceStatus(target.context, object, 'Ready', deleted);
            const key = `${status.kind}/${status.namespace ?? ''}/${status.name}`;
            if (sameStatus(last.get(key), status)) return;
            if (deleted) last.delete(key);
            else last.set(key, status);
            onStatus(status);
          },
          ...(onError ? { onError } : {}),
        }),
      );
    }
  } catch (error) {
    for (const watch of watches) watch.stop();
    throw error;
  }
  return {
    listed: Promise.all(watches.map((w) => w.listed)).then(() => undefined),
    stop: () => watches.forEach((w) => w.stop()),
  };
}
