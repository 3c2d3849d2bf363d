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
  /** The object, or undefined when it (or its kind) does not exist. */
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
  /** Whether the group's kind lives in namespaces, as discovery says; undefined when no version of it is served. */
  isNamespaced(group: string, kind: string): boolean | undefined;
}

/** A served API group/version/kind, as discovery, OpenAPI and validation see it. */
export interface ServedType {
  group: string;
  version: string;
  kind: string;
  /** Lower-case plural, the URL segment. */
  plural: string;
  namespaced: boolean;
  shortNames?: string[];
  hasStatusSubresource: boolean;
  categories?: string[];
  singular?: string;
  /** A CRD version's `additionalPrinterColumns` (kubectl get prints them from the server's Table). */
  printerColumns?: PrinterColumn[];
  /** A CRD version's `openAPIV3Schema`; absent for built-in kinds, which are checked structurally only. */
  schema?: Record<string, unknown>;
  /** Name of the CustomResourceDefinition that registered this type; absent for built-ins. */
  crd?: string;
}

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  format?: string;
  description?: string;
  priority?: number;
}

export interface KubeApiServerOptions {
  /** Shown in `/version` and used in logs; the kubeconfig context is chosen by whoever writes it. */
  clusterName: string;
  /** `gitVersion` of `/version`, e.g. `v1.35.0+k3s1`. */
  kubernetesVersion?: string;
  /** CRD YAML files installed at start (multi-document; non-CRD documents are skipped). */
  crdFiles?: string[];
  /** State from `serialize()` of a previous server, so the world can restart without losing it. */
  state?: unknown;
  /** Port to listen on (127.0.0.1); 0 or absent picks a free one. */
  port?: number;
  /** Nodes created at start (Ready, with the given roles), e.g. `k3d-lab-server-0` with `control-plane`. */
  nodes?: Array<{ name: string; roles?: string[] }>;
  /** Changes kept for watches resuming from a resourceVersion; older ones answer 410 Expired (default 1000). */
  watchHistorySize?: number;
}

/** Serves `GET /api/v1/namespaces/NS/services/[scheme:]NAME[:port]/proxy/PATH` for a simulated workload. */
export type ServiceProxyHandler = (path: string, method: string, body: Buffer) => Promise<{ status: number; headers?: Record<string, string>; body: string | Buffer }>;

export interface KubeApiServer {
  readonly url: string;
  readonly port: number;
  readonly store: ObjectStore;
  /** Registers a handler for the API server's service proxy (kubeseal fetches its certificate this way). */
  registerServiceProxy(namespace: string, service: string, handler: ServiceProxyHandler): void;
  serialize(): unknown;
  /** Ends every open watch stream, as an API server timeout or restart does; clients re-watch. */
  closeWatches(): void;
  close(): Promise<void>;
}
