import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { GcpModel } from '../gcp/model.js';
import type { KubeApiServer, KubeObject, ObjectStore, StoreEvent } from '../kube/types.js';
import { generateRsaKeyPair, type RsaKeyPair } from '../sealed/keys.js';
import { ClockStopped, type Clock } from '../world/clock.js';
import type { Faults } from '../world/faults.js';
import { repoRoot } from '../world/repo-root.js';
import type { FluxControllerName } from './components.js';
import { reconcileHelmRelease } from './helm-controller.js';
import { BuildCache } from './build-cache.js';
import { reconcileKustomization } from './kustomize-controller.js';
import { FLUX_NAMESPACE, GIT_REPOSITORY, HELM_RELEASE, HELM_REPOSITORY, isReady, KUSTOMIZATION, REQUESTED_AT, safeGet, safeList } from './meta.js';
import type { ControllerRuntime, Reconciler } from './runtime.js';
import { reconcileGitRepository, reconcileHelmRepository } from './source-controller.js';
import { deploymentReady, readyDeployment } from './workloads.js';

/**
 * The Flux controllers of one simulated cluster, running inside the world process on the
 * cluster's ObjectStore. They stay idle until Flux is installed (its controller Deployments exist
 * and are Ready), then reconcile on change, on `reconcile.fluxcd.io/requestedAt`, and at each
 * object's `spec.interval` of the world's scaled clock.
 */

export interface FluxControllerOptions {
  store: ObjectStore;
  server: Pick<KubeApiServer, 'registerServiceProxy'>;
  clock: Clock;
  faults: Faults;
  /** The world's id of the cluster (`k3d-NAME`, `gke_PROJECT_ZONE_NAME`). */
  clusterId: string;
  gcp?: GcpModel;
  /** The simulated GitHub's git base URL, which `https://github.com/` is rewritten to. */
  githubGitUrl?: string;
  /** Folder holding the real kubectl (default: LAB_KUBE_TOOLS or .cache/kube-tools). */
  kubeToolsDir?: string;
  sealingKeyBits?: number;
}

export interface FluxLogLine {
  ts: string;
  level: 'info' | 'error';
  controller: FluxControllerName;
  controllerKind: string;
  name: string;
  namespace: string;
  msg: string;
  error?: string;
}

export interface FluxControllers {
  /** What the controllers have logged, oldest first (served to `flux logs`). */
  logs(): FluxLogLine[];
  /** Resolves once nothing is reconciling or queued to run at once. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

interface KindHandler {
  apiVersion: string;
  kind: string;
  controller: FluxControllerName;
  reconcile: Reconciler;
}

const HANDLERS: KindHandler[] = [
  { ...GIT_REPOSITORY, controller: 'source-controller', reconcile: reconcileGitRepository },
  { ...HELM_REPOSITORY, controller: 'source-controller', reconcile: reconcileHelmRepository },
  { ...KUSTOMIZATION, controller: 'kustomize-controller', reconcile: reconcileKustomization },
  { ...HELM_RELEASE, controller: 'helm-controller', reconcile: reconcileHelmRelease },
];

/** Sources whose new artifact their consumers react to at once. */
const SOURCE_KINDS: ReadonlySet<string> = new Set([GIT_REPOSITORY.kind, HELM_REPOSITORY.kind]);

/** Real-world seconds the `controller-crash` fault keeps the controllers down. */
const CRASH_DOWNTIME = 30;
const LOG_LIMIT = 2000;

export function startFluxControllers(options: FluxControllerOptions): FluxControllers {
  const { store, clock, faults } = options;
  const kubectl = join(options.kubeToolsDir ?? process.env.LAB_KUBE_TOOLS ?? join(repoRoot(), '.cache', 'kube-tools'), 'kubectl');
  const logLines: FluxLogLine[] = [];
  const cleanups: Array<() => void | Promise<void>> = [];
  const crashListeners: Array<(crashed: boolean) => void> = [];
  const notifyCrash = (on: boolean): void => {
    for (const listener of crashListeners) {
      try {
        listener(on);
      } catch {
        // One workload failing to crash must not keep the others up.
      }
    }
  };
  const running = new Map<string, Promise<void>>();
  const dirty = new Set<string>();
  /** Bumped per key on every reconcile, so an older interval timer knows it was superseded. */
  const epochs = new Map<string, number>();
  /** Generation + requestedAt last seen per key: status-only writes must not re-trigger. */
  const seen = new Map<string, string>();
  /**
   * The RSA pair of this cluster's first sealing key, begun as the cluster starts (the lab installs
   * sealed-secrets on each of its clusters): the chart's controller then finds the seconds of key
   * generation already spent, while the cluster waited for other things, instead of adding them to
   * the chain of steps that wait for the chart. A cluster that never installs it spent one thread's
   * CPU for nothing.
   */
  const keyBits = options.sealingKeyBits ?? 4096;
  let spareKeyPair: Promise<RsaKeyPair> | undefined;
  const prepareSealingKeyPair = (): void => {
    if (spareKeyPair || closed) return;
    spareKeyPair = generateRsaKeyPair(keyBits);
    // Whoever takes it sees a failure; an untaken one must not end the process.
    spareKeyPair.catch(() => undefined);
  };
  let closed = false;
  let crashed = false;
  let crashNoticed = false;

  const rt: ControllerRuntime = {
    store,
    server: options.server,
    clock,
    faults,
    clusterId: options.clusterId,
    ...(options.gcp ? { gcp: options.gcp } : {}),
    ...(options.githubGitUrl ? { githubGitUrl: options.githubGitUrl } : {}),
    ...(options.sealingKeyBits ? { sealingKeyBits: options.sealingKeyBits } : {}),
    kubectl,
    artifacts: new Map(),
    builds: new BuildCache(),
    log(controller, level, object, msg, error) {
      logLines.push({ ts: new Date().toISOString(), level, controller, controllerKind: object.kind.toLowerCase(), name: object.metadata.name, namespace: object.metadata.namespace ?? '', msg, ...(error ? { error } : {}) });
      if (logLines.length > LOG_LIMIT) logLines.splice(0, logLines.length - LOG_LIMIT);
    },
    enqueue: (kind, namespace, name) => enqueue(kind, namespace, name),
    takeSealingKeyPair() {
      const pair = spareKeyPair ?? generateRsaKeyPair(keyBits);
      spareKeyPair = undefined;
      return pair;
    },
    onStop: (cleanup) => void cleanups.push(cleanup),
    onCrash: (listener) => void crashListeners.push(listener),
  };

  const handlerOf = (kind: string): KindHandler | undefined => HANDLERS.find((h) => h.kind === kind);
  const keyOf = (kind: string, namespace: string, name: string): string => `${kind}/${namespace}/${name}`;

  function controllerUp(controller: FluxControllerName): boolean {
    const deployment = safeGet(store, 'apps/v1', 'Deployment', FLUX_NAMESPACE, controller);
    return !!deployment && deploymentReady(deployment);
  }

  function enqueue(kind: string, namespace: string, name: string): void {
    const key = keyOf(kind, namespace, name);
    if (closed) return;
    if (running.has(key)) {
      dirty.add(key);
      return;
    }
    const task = run(kind, namespace, name).finally(() => {
      running.delete(key);
      if (dirty.delete(key)) enqueue(kind, namespace, name);
    });
    running.set(key, task);
  }

  async function run(kind: string, namespace: string, name: string): Promise<void> {
    // Let the write that triggered us finish first: the store notifies synchronously.
    await new Promise((resolve) => setImmediate(resolve));
    const handler = handlerOf(kind);
    if (!handler || closed || crashed || !controllerUp(handler.controller)) return;
    const object = safeGet(store, handler.apiVersion, handler.kind, namespace, name);
    if (!object || object.metadata.deletionTimestamp) return;
    const key = keyOf(kind, namespace, name);
    const epoch = (epochs.get(key) ?? 0) + 1;
    epochs.set(key, epoch);
    seen.set(key, trigger(object));
    try {
      const result = await handler.reconcile(rt, object);
      if (result.requeueAfter !== undefined) requeue(kind, namespace, name, epoch, result.requeueAfter);
    } catch (error) {
      if (error instanceof ClockStopped || closed) return;
      rt.log(handler.controller, 'error', object, 'Reconciler error', (error as Error).message);
      requeue(kind, namespace, name, epoch, 30);
    }
  }

  function requeue(kind: string, namespace: string, name: string, epoch: number, seconds: number): void {
    clock.after(seconds).then(
      () => {
        if (epochs.get(keyOf(kind, namespace, name)) === epoch) enqueue(kind, namespace, name);
      },
      () => undefined,
    );
  }

  function trigger(object: KubeObject): string {
    return `${object.metadata.generation ?? 1}|${object.metadata.annotations?.[REQUESTED_AT] ?? ''}`;
  }

  function enqueueAll(): void {
    for (const handler of HANDLERS) {
      for (const object of safeList(store, handler.apiVersion, handler.kind)) enqueue(handler.kind, object.metadata.namespace ?? 'default', object.metadata.name);
    }
  }

  /**
   * Kustomizations fed by a GitRepository and HelmReleases whose chart comes from a HelmRepository
   * go on at once when their source has a new artifact, as the real controllers watch their
   * sources. An object held for a dependency does not: kustomize-controller and helm-controller
   * do not watch their dependencies and look again at their `--requeue-dependency` period
   * (realDurations.fluxRequeueDependency), unless someone asks (`flux reconcile`).
   */
  function enqueueConsumers(source: KubeObject): void {
    for (const handler of HANDLERS.filter((h) => h.kind === 'Kustomization' || h.kind === 'HelmRelease')) {
      for (const object of safeList(store, handler.apiVersion, handler.kind)) {
        const spec = (object.spec ?? {}) as {
          sourceRef?: { kind: string; name: string; namespace?: string };
          chart?: { spec?: { sourceRef?: { kind: string; name: string; namespace?: string } } };
        };
        const ns = object.metadata.namespace ?? 'default';
        const ref = handler.kind === 'Kustomization' ? spec.sourceRef : spec.chart?.spec?.sourceRef;
        if (ref?.kind === source.kind && ref.name === source.metadata.name && (ref.namespace ?? ns) === source.metadata.namespace) enqueue(handler.kind, ns, object.metadata.name);
      }
    }
  }

  /** Stands in for the kubelet and the Deployment controller: pods start, replicas turn Ready. */
  function startPods(deployment: KubeObject): void {
    clock.wait('podStartup').then(
      () => {
        if (closed) return;
        const current = safeGet(store, 'apps/v1', 'Deployment', deployment.metadata.namespace, deployment.metadata.name);
        if (!current || current.metadata.deletionTimestamp || deploymentReady(current)) return;
        const spec = (current.spec ?? {}) as { replicas?: number };
        const ready = readyDeployment({ name: current.metadata.name, namespace: current.metadata.namespace ?? 'default', image: '', replicas: spec.replicas ?? 1 });
        store.updateStatus({ ...current, status: { ...(ready.status as Record<string, unknown>), observedGeneration: current.metadata.generation ?? 1 } });
      },
      () => undefined,
    );
  }

  const lastReady = new Map<string, string>();
  /**
   * Controllers whose pods run. A controller lists everything it owns when it starts, not each
   * time its Deployment changes: a label Flux adds to it on apply restarts no pod.
   */
  const controllersUp = new Set<string>();
  function onEvent(event: StoreEvent): void {
    if (closed) return;
    const object = event.object;
    const namespace = object.metadata.namespace ?? 'default';
    if (object.kind === 'Deployment' && object.apiVersion === 'apps/v1') {
      if (event.type !== 'DELETED' && !deploymentReady(object)) startPods(object);
      if (namespace === FLUX_NAMESPACE && HANDLERS.some((h) => h.controller === object.metadata.name)) {
        const up = event.type !== 'DELETED' && deploymentReady(object);
        const cameUp = up && !controllersUp.has(object.metadata.name);
        if (up) controllersUp.add(object.metadata.name);
        else controllersUp.delete(object.metadata.name);
        if (cameUp) {
          for (const handler of HANDLERS.filter((h) => h.controller === object.metadata.name)) {
            for (const o of safeList(store, handler.apiVersion, handler.kind)) enqueue(handler.kind, o.metadata.namespace ?? 'default', o.metadata.name);
          }
        }
      }
      return;
    }
    const handler = handlerOf(object.kind);
    if (!handler || object.apiVersion.split('/')[0] !== handler.apiVersion.split('/')[0]) return;
    const key = keyOf(object.kind, namespace, object.metadata.name);
    if (event.type === 'DELETED') {
      seen.delete(key);
      epochs.delete(key);
      lastReady.delete(key);
      const artifact = rt.artifacts.get(`${namespace}/${object.metadata.name}`);
      if (object.kind === 'GitRepository' && artifact) {
        rt.artifacts.delete(`${namespace}/${object.metadata.name}`);
        void rm(artifact.dir, { recursive: true, force: true });
      }
      return;
    }
    if (seen.get(key) !== trigger(object)) enqueue(object.kind, namespace, object.metadata.name);
    const ready = isReady(object);
    // A source's consumers go on when it has a new artifact (the real SourceRevisionChangePredicate).
    if (!SOURCE_KINDS.has(object.kind)) return;
    const revision = String(((object.status ?? {}) as { artifact?: { revision?: string } }).artifact?.revision ?? '');
    const marker = `${ready}|${revision}`;
    if (ready && lastReady.get(key) !== marker) enqueueConsumers(object);
    lastReady.set(key, marker);
  }

  /** The `controller-crash` fault: down for a while, then back, catching up on everything. */
  async function crashWatch(): Promise<void> {
    while (!closed) {
      try {
        await clock.after(5);
      } catch {
        return;
      }
      const on = faults.has('controller-crash');
      if (on && !crashNoticed) {
        crashNoticed = true;
        crashed = true;
        notifyCrash(true);
        clock.after(CRASH_DOWNTIME).then(
          () => {
            crashed = false;
            notifyCrash(false);
            enqueueAll();
          },
          () => undefined,
        );
      } else if (!on) crashNoticed = false;
    }
  }

  // Where the real CLI reads the controller pods' logs, the simulated ones answer through the service proxy.
  for (const controller of ['helm-controller', 'kustomize-controller', 'notification-controller', 'source-controller'] as const) {
    options.server.registerServiceProxy(FLUX_NAMESPACE, controller, async (path) => {
      if (!path.startsWith('/logs')) return { status: 404, body: '404 page not found\n' };
      if (closed || crashed || !controllerUp(controller)) return { status: 503, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: `no endpoints available for service "${controller}"`, reason: 'ServiceUnavailable', code: 503 }) };
      const body = logLines.filter((l) => l.controller === controller).map((l) => JSON.stringify(l)).join('\n');
      return { status: 200, headers: { 'Content-Type': 'application/x-ndjson' }, body };
    });
  }
  for (const handler of HANDLERS) if (controllerUp(handler.controller)) controllersUp.add(handler.controller);
  prepareSealingKeyPair();
  const unsubscribe = store.watch(onEvent);
  for (const deployment of safeList(store, 'apps/v1', 'Deployment')) if (!deploymentReady(deployment)) startPods(deployment);
  enqueueAll();
  void crashWatch();

  return {
    logs: () => [...logLines],
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running.values()]);
    },
    async close() {
      closed = true;
      unsubscribe();
      await Promise.allSettled([...running.values()]);
      for (const cleanup of cleanups.splice(0)) await cleanup();
      for (const artifact of rt.artifacts.values()) await rm(artifact.dir, { recursive: true, force: true });
      rt.artifacts.clear();
    },
  };
}
