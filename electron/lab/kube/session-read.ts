/**
 * The live status board's kinds read once, for `lab status`: a command that prints and exits has
 * no time for watches to fill the board, so it lists each kind on each cluster the lab knows. A
 * kind whose CRD is not installed yet lists nothing; a cluster that does not answer in time is
 * named with the reason instead of holding the command back.
 */
import * as k8s from '@kubernetes/client-node';
import type { ResourceStatus } from '../../api/contract';
import { authorizedKubeConfig, type KubeTarget } from './config';
import { isNotFound } from './read';
import { SESSION_KINDS, type WatchedKind } from './session-watch';
import type { KubeObjectLike } from './status';

export interface UnreachableCluster {
  cluster: string;
  message: string;
}

export interface LiveResources {
  resources: ResourceStatus[];
  unreachable: UnreachableCluster[];
}

export interface ReadLiveOptions {
  env?: NodeJS.ProcessEnv;
  kinds?: readonly WatchedKind[];
  /** Per cluster (default 10 s): a stopped k3d or an expired gcloud login must not hang the command. */
  timeoutMs?: number;
}

async function readContext(context: string, options: ReadLiveOptions): Promise<ResourceStatus[]> {
  const target: KubeTarget = { context, ...(options.env ? { env: options.env } : {}) };
  const api = k8s.KubernetesObjectApi.makeApiClient(await authorizedKubeConfig(target));
  const perKind = await Promise.all(
    (options.kinds ?? SESSION_KINDS).map(async (kind) => {
      try {
        const list = (await api.list(kind.apiVersion, kind.kind)) as { items?: KubeObjectLike[] };
        return (list.items ?? []).map((object) => kind.status(context, { ...object, kind: object.kind ?? kind.kind }, false));
      } catch (error) {
        if (isNotFound(error)) return [];
        throw error;
      }
    }),
  );
  return perKind.flat();
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

export async function readLiveResources(contexts: readonly string[], options: ReadLiveOptions = {}): Promise<LiveResources> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const outcomes = await Promise.allSettled(contexts.map((context) => withTimeout(readContext(context, options), timeoutMs, context)));
  const resources: ResourceStatus[] = [];
  const unreachable: UnreachableCluster[] = [];
  outcomes.forEach((outcome, index) => {
    if (outcome.status === 'fulfilled') resources.push(...outcome.value);
    else unreachable.push({ cluster: contexts[index]!, message: outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason) });
  });
  return { resources, unreachable };
}
