import type { BuildCache } from './build-cache.js';
import type { RsaKeyPair } from '../sealed/keys.js';
import type { GcpModel } from '../gcp/model.js';
import type { KubeApiServer, KubeObject, ObjectStore } from '../kube/types.js';
import type { Clock } from '../world/clock.js';
import type { Faults } from '../world/faults.js';
import type { FluxControllerName } from './components.js';

/** What every simulated Flux controller gets from the runtime in controllers.ts. */
export interface ControllerRuntime {
  store: ObjectStore;
  server: Pick<KubeApiServer, 'registerServiceProxy'>;
  clock: Clock;
  faults: Faults;
  clusterId: string;
  gcp?: GcpModel;
  githubGitUrl?: string;
  kubectl: string;
  sealingKeyBits?: number;
  /** The RSA pair for a sealing key of `sealingKeyBits` (default 4096), made ahead when it could be. */
  takeSealingKeyPair(): Promise<RsaKeyPair>;
  /** A JSON log line as the controller would print it (`flux logs` reads these). */
  log(controller: FluxControllerName, level: 'info' | 'error', object: KubeObject, message: string, error?: string): void;
  /** kustomize-controller's builds, kept by source revision and path. */
  builds: BuildCache;
  /** Local checkouts of GitRepository artifacts, by `namespace/name`. */
  artifacts: Map<string, { revision: string; dir: string }>;
  /** Asks for a reconcile of the object now (e.g. the source of a Kustomization whose artifact is gone). */
  enqueue(kind: string, namespace: string, name: string): void;
  onStop(cleanup: () => void | Promise<void>): void;
  onCrash(listener: (crashed: boolean) => void): void;
}

/** When to look again, in real-world seconds (the runtime scales them); undefined: only on change. */
export interface ReconcileResult {
  requeueAfter?: number;
}

export type Reconciler = (rt: ControllerRuntime, object: KubeObject) => Promise<ReconcileResult>;
