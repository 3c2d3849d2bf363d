/**
 * The simulated API server's object store, as the simulated controllers and fake CLIs use it
 * in-process. HTTP clients (real kubectl, @kubernetes/client-node) reach the same store through
 * the server in server.ts; both paths share validation, resourceVersions and watch events.
 */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string }>;
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  object: KubeObject;
}

/** A Kubernetes-style failure: code, reason and message as a real API server words them. */
export class KubeError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'KubeError';
  }
}

export interface ObjectStore {
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
  list(apiVersion: string, kind: string, namespace?: string, labelSelector?: string): KubeObject[];
  /** Validates (CRD schema, strict) and stores a new object; throws KubeError (409 AlreadyExists, 422 Invalid...). */
  create(object: KubeObject): KubeObject;
  /** Replaces spec/metadata; status is kept unless the kind has no status subresource. */
  update(object: KubeObject): KubeObject;
  /** Replaces only status (the status subresource). */
  updateStatus(object: KubeObject): KubeObject;
  /** Create or update by name, like server-side apply with force. */
  apply(object: KubeObject, fieldManager: string): KubeObject;
  /** Marks for deletion (finalizers keep it, with deletionTimestamp set) or removes it. */
  delete(apiVersion: string, kind: string, namespace: string | undefined, name: string): void;
  /** Every change to every object of the cluster; returns the unsubscribe function. */
  watch(listener: (event: StoreEvent) => void): () => void;
}
