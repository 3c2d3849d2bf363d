/**
 * A list+watch of one kind of object through @kubernetes/client-node's ListWatch: it re-watches
 * from the last resourceVersion when a stream ends and relists when the server answers 410 Gone.
 * Other errors (API server restarting, connection refused) restart it after a pause.
 */
import * as k8s from '@kubernetes/client-node';
import { loadKubeConfig, type KubeTarget } from './config';
import type { KubeObjectLike } from './status';

/** Exposes client-node's discovery-based path for a kind (plural, namespaced or not). */
class ObjectPaths extends k8s.KubernetesObjectApi {
  collection(apiVersion: string, kind: string, namespace?: string): Promise<string> {
    return this.specUriPath({ apiVersion, kind, metadata: namespace ? { namespace } : {} }, 'list');
  }
}

export interface ObjectWatchOptions extends KubeTarget {
  apiVersion: string;
  kind: string;
  /** Omit for every namespace. */
  namespace?: string;
  fieldSelector?: string;
  onChange(object: KubeObjectLike, deleted: boolean): void;
  /** Errors the watch recovers from by restarting; for the log. */
  onError?(error: unknown): void;
  restartDelayMs?: number;
}

export interface ObjectWatch {
  /** Resolves once the first list arrived (the current objects have been reported). */
  readonly listed: Promise<void>;
  stop(): void;
}

export async function watchObjects(options: ObjectWatchOptions): Promise<ObjectWatch> {
  const kc = loadKubeConfig(options);
  const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
  const path = await kc.makeApiClient(ObjectPaths).collection(options.apiVersion, options.kind, options.namespace);
  const list = () =>
    objects.list<k8s.KubernetesObject>(options.apiVersion, options.kind, options.namespace, undefined, undefined, undefined, options.fieldSelector) as Promise<
      k8s.KubernetesListObject<k8s.KubernetesObject>
    >;
  const informer = new k8s.ListWatch<k8s.KubernetesObject>(path, new k8s.Watch(kc), list, false, undefined, options.fieldSelector);
  let stopped = false;
  let restart: NodeJS.Timeout | undefined;
  let markListed: () => void = () => undefined;
  const listed = new Promise<void>((resolve) => (markListed = resolve));

  informer.on(k8s.ADD, (object) => options.onChange(object as KubeObjectLike, false));
  informer.on(k8s.UPDATE, (object) => options.onChange(object as KubeObjectLike, false));
  informer.on(k8s.DELETE, (object) => options.onChange(object as KubeObjectLike, true));
  // CONNECT fires before each (re)list; the list has been applied once the watch call is made.
  informer.on(k8s.ERROR, (error) => {
    if (stopped) return;
    options.onError?.(error);
    clearTimeout(restart);
    restart = setTimeout(() => {
      if (!stopped) informer.start().then(markListed, (e: unknown) => options.onError?.(e));
    }, options.restartDelayMs ?? 1000);
  });
  informer.start().then(markListed, (error: unknown) => options.onError?.(error));

  return {
    listed,
    stop() {
      stopped = true;
      clearTimeout(restart);
      informer.stop();
    },
  };
}
