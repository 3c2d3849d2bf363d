/**
 * A list+watch of one kind of object through @kubernetes/client-node's ListWatch: it re-watches
 * from the last resourceVersion when a stream ends and relists when the server answers 410 Gone.
 * Other errors (API server restarting, connection refused) restart it after a pause that doubles
 * with each failure in a row (up to a cap), so an unreachable cluster is not hammered.
 */
import * as k8s from '@kubernetes/client-node';
import { sharedKubeConfig, type KubeTarget } from './config';
import type { KubeObjectLike } from './status';

/** Exposes client-node's discovery-based path for a kind (plural, namespaced or not). */
class ObjectPaths extends k8s.KubernetesObjectApi {
  collection(apiVersion: string, kind: string, namespace?: string): Promise<string> {
    return this.specUriPath({ apiVersion, kind, metadata: namespace ? { namespace } : {} }, 'list');
  }
}

/**
 * ListWatch's stop only aborts the stream it holds at that moment: a list or a watch request
 * still in flight when it is stopped would open a stream nobody ends (and keep the process
 * alive). This Watch refuses to open streams once stopped and aborts the ones it opened.
 */
class StoppableWatch extends k8s.Watch {
  private stopped = false;
  private readonly open = new Set<AbortController>();
  /** Called as each watch request starts: ListWatch has applied any list it made before. */
  beforeWatch: () => void = () => undefined;
  /** Called when a watch stream opened (the server answered 200). */
  connected: () => void = () => undefined;

  override async watch(path: string, queryParams: Record<string, string | number | boolean | undefined>, callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void, done: (err: unknown) => void): Promise<AbortController> {
    if (this.stopped) {
      const refused = new AbortController();
      refused.abort();
      return refused;
    }
    this.beforeWatch();
    let controller: AbortController | undefined;
    const finished = (err: unknown): void => {
      if (controller) this.open.delete(controller);
      done(err);
    };
    controller = await super.watch(path, queryParams, callback, finished);
    if (this.stopped) controller.abort();
    else if (!controller.signal.aborted) {
      this.open.add(controller);
      this.connected();
    }
    return controller;
  }

  stop(): void {
    this.stopped = true;
    for (const controller of this.open) controller.abort();
    this.open.clear();
  }
}

export interface ObjectWatchOptions extends KubeTarget {
  apiVersion: string;
  kind: string;
  /** Omit for every namespace. */
  namespace?: string;
  fieldSelector?: string;
  /**
   * The context's kubeconfig, already loaded, for many watches of one cluster: client-node caches
   * a credential plugin's token (gke-gcloud-auth-plugin) per loaded kubeconfig, so sharing one
   * runs the plugin once rather than once per watch.
   */
  kubeConfig?: k8s.KubeConfig;
  onChange(object: KubeObjectLike, deleted: boolean): void;
  /** Errors the watch recovers from by restarting; for the log. */
  onError?(error: unknown): void;
  /** Each time a watch stream opened (after a relist when one was needed): the server answers again after errors. */
  onConnected?(): void;
  /** First pause before a restart after an error (default 1 s); it doubles per failure in a row. */
  restartDelayMs?: number;
  /** Longest pause between restarts (default 30 s). */
  maxRestartDelayMs?: number;
}

export interface ObjectWatch {
  /** Resolves once the first list arrived (the current objects have been reported). */
  readonly listed: Promise<void>;
  stop(): void;
}

export async function watchObjects(options: ObjectWatchOptions): Promise<ObjectWatch> {
  const kc = options.kubeConfig ?? sharedKubeConfig(options);
  const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
  const path = await kc.makeApiClient(ObjectPaths).collection(options.apiVersion, options.kind, options.namespace);
  const firstDelay = options.restartDelayMs ?? 1000;
  const maxDelay = Math.max(firstDelay, options.maxRestartDelayMs ?? 30_000);
  let failures = 0;
  let stopped = false;
  let restart: NodeJS.Timeout | undefined;
  let markListed: () => void = () => undefined;
  const listed = new Promise<void>((resolve) => (markListed = resolve));

  let justListed = false;
  const list = async (): Promise<k8s.KubernetesListObject<k8s.KubernetesObject>> => {
    const result = (await objects.list<k8s.KubernetesObject>(options.apiVersion, options.kind, options.namespace, undefined, undefined, undefined, options.fieldSelector)) as k8s.KubernetesListObject<k8s.KubernetesObject>;
    justListed = true;
    return result;
  };
  const watch = new StoppableWatch(kc);
  // The listed objects have been reported once the informer goes on to watch.
  watch.beforeWatch = () => {
    if (!justListed) return;
    justListed = false;
    markListed();
  };
  watch.connected = () => {
    failures = 0;
    if (!stopped) options.onConnected?.();
  };
  const informer = new k8s.ListWatch<k8s.KubernetesObject>(path, watch, list, false, undefined, options.fieldSelector);

  informer.on(k8s.ADD, (object) => stopped || options.onChange(object as KubeObjectLike, false));
  informer.on(k8s.UPDATE, (object) => stopped || options.onChange(object as KubeObjectLike, false));
  informer.on(k8s.DELETE, (object) => stopped || options.onChange(object as KubeObjectLike, true));
  informer.on(k8s.ERROR, (error) => {
    if (stopped) return;
    options.onError?.(error);
    clearTimeout(restart);
    const delay = Math.min(maxDelay, firstDelay * 2 ** Math.min(failures, 16));
    failures += 1;
    restart = setTimeout(() => {
      if (!stopped) informer.start().catch((e: unknown) => options.onError?.(e));
    }, delay);
  });
  informer.start().catch((error: unknown) => options.onError?.(error));

  return {
    listed,
    stop() {
      stopped = true;
      clearTimeout(restart);
      watch.stop();
      void informer.stop();
    },
  };
}
