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

/**
 * An object API whose every request carries `signal`: a cluster that accepts the connection and
 * never answers must not keep the socket, and with it the process, alive after the read gave up.
 */
function abortableObjectApi(kc: k8s.KubeConfig, signal: AbortSignal): k8s.KubernetesObjectApi {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new Error(`context ${kc.getCurrentContext()} names no cluster server`);
  const configuration = k8s.createConfiguration({
    baseServer: new k8s.ServerConfiguration(server, {}),
    authMethods: { default: kc },
    promiseMiddleware: [
      {
        pre: async (request) => (request.setSignal(signal), request),
        post: async (response) => response,
      },
    ],
  });
  return new k8s.KubernetesObjectApi(configuration);
}

async function readContext(context: string, options: ReadLiveOptions, signal: AbortSignal): Promise<ResourceStatus[]> {
  const target: KubeTarget = { context, ...(options.env ? { env: options.env } : {}) };
  const api = abortableObjectApi(await authorizedKubeConfig(target), signal);
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

/** Reads one cluster, giving up (and aborting its requests) after `ms`. */
async function readContextWithin(context: string, options: ReadLiveOptions, ms: number): Promise<ResourceStatus[]> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${context} did not answer within ${Math.round(ms / 1000)} s`));
      controller.abort();
    }, ms);
  });
  const work = readContext(context, options, controller.signal);
  // The abort rejects the requests too; the race has already settled by then.
  work.catch(() => undefined);
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

export async function readLiveResources(contexts: readonly string[], options: ReadLiveOptions = {}): Promise<LiveResources> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const outcomes = await Promise.allSettled(contexts.map((context) => readContextWithin(context, options, timeoutMs)));
  const resources: ResourceStatus[] = [];
  const unreachable: UnreachableCluster[] = [];
  outcomes.forEach((outcome, index) => {
    if (outcome.status === 'fulfilled') resources.push(...outcome.value);
    else unreachable.push({ cluster: contexts[index]!, message: outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason) });
  });
  return { resources, unreachable };
}
