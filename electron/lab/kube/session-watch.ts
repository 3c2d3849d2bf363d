/**
 * The live status board's feed for the whole session, independent of running steps: for each
 * cluster the lab knows, watches of Flux Kustomizations, HelmReleases and GitRepositories, and of
 * the Crossplane objects the lab creates (Providers, GKE Cluster and NodePool, Network). Without
 * it the board would go stale once a step's own watch ends, and be empty after a restart.
 *
 * A kind is watched only while its CustomResourceDefinition exists, and that is learned from a
 * watch of that CRD: a fresh k3d cluster has no Flux kinds until Flux is installed, and
 * nothing here asks again on a timer. A cluster that cannot be reached is said once (and once
 * more when it answers again) while the watches retry with growing pauses.
 */
import type { LabEvent, ResourceStatus, Snapshot } from '../../api/contract';
import { k3dContext } from '../tools/k3d';
import type * as k8s from '@kubernetes/client-node';
import { hasContext, KubeContextMissing, loadKubeConfig, type KubeTarget } from './config';
import { managedResourceStatus, sameStatus, toResourceStatus, type KubeObjectLike } from './status';
import { watchObjects, type ObjectWatch } from './watch';

/** A kind the board shows: its CRD's name, the version the lab writes, and which condition tells its health. */
export interface WatchedKind {
  crd: string;
  apiVersion: string;
  kind: string;
  status(cluster: string, object: KubeObjectLike, deleted: boolean): ResourceStatus;
}

const byCondition = (condition: string) => (cluster: string, object: KubeObjectLike, deleted: boolean) => toResourceStatus(cluster, object, condition, deleted);

export const SESSION_KINDS: readonly WatchedKind[] = [
  { crd: 'kustomizations.kustomize.toolkit.fluxcd.io', apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', status: byCondition('Ready') },
  { crd: 'helmreleases.helm.toolkit.fluxcd.io', apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', status: byCondition('Ready') },
  { crd: 'gitrepositories.source.toolkit.fluxcd.io', apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', status: byCondition('Ready') },
  // A Provider says Installed, then Healthy once its controller runs; Healthy is what its CRDs wait for.
  { crd: 'providers.pkg.crossplane.io', apiVersion: 'pkg.crossplane.io/v1', kind: 'Provider', status: byCondition('Healthy') },
  { crd: 'networks.compute.gcp.upbound.io', apiVersion: 'compute.gcp.upbound.io/v1beta1', kind: 'Network', status: managedResourceStatus },
  { crd: 'clusters.container.gcp.upbound.io', apiVersion: 'container.gcp.upbound.io/v1beta2', kind: 'Cluster', status: managedResourceStatus },
  { crd: 'nodepools.container.gcp.upbound.io', apiVersion: 'container.gcp.upbound.io/v1beta2', kind: 'NodePool', status: managedResourceStatus },
];

export interface SessionWatchOptions {
  /** Environment holding KUBECONFIG / HOME (the engine's); default process.env. */
  env?: NodeJS.ProcessEnv;
  report(status: ResourceStatus): void;
  /** A cluster stopped or started answering: said once per change, not per retry. */
  notice?(message: string): void;
  /** First pause before a retry (default 1 s); doubles per failure in a row up to `maxRetryDelayMs` (default 30 s). */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  kinds?: readonly WatchedKind[];
}

export interface SessionWatch {
  /** Starts watching a context; nothing happens when it is watched already. */
  add(context: string): void;
  /** The contexts being watched. */
  contexts(): string[];
  /** Stops every watch and retry; nothing is reported afterwards. */
  close(): void;
}

export function createSessionWatch(options: SessionWatchOptions): SessionWatch {
  const watched = new Map<string, ContextWatch>();
  let closed = false;
  return {
    add(context) {
      if (closed || watched.has(context)) return;
      watched.set(
        context,
        watchContext(context, options, () => {
          watched.delete(context);
        }),
      );
    },
    contexts: () => [...watched.keys()],
    close() {
      closed = true;
      for (const watch of watched.values()) watch.stop();
      watched.clear();
    },
  };
}

interface ContextWatch {
  stop(): void;
}

interface CrdLike extends KubeObjectLike {
  spec?: { versions?: Array<{ name?: string; served?: boolean; storage?: boolean }> };
}

/** A kind's objects are watched while its CRD exists, at the version the CRD serves. */
interface KindFollower {
  crdWatch?: ObjectWatch;
  crdRetry?: NodeJS.Timeout;
  crdFailures: number;
  objects?: { version: string; watch?: ObjectWatch; retry?: NodeJS.Timeout; failures: number };
}

/**
 * One cluster: per kind of interest, a watch of its CRD (by name, so a cluster with hundreds of
 * large provider CRDs does not send them all) that starts and stops the watch of its objects.
 * `gone` is called when the kubeconfig no longer has the context (its cluster was deleted): its
 * objects are then reported deleted and nothing retries.
 */
function watchContext(context: string, options: SessionWatchOptions, gone: () => void): ContextWatch {
  const target: KubeTarget = { context, ...(options.env ? { env: options.env } : {}) };
  const kinds = options.kinds ?? SESSION_KINDS;
  const firstDelay = options.retryDelayMs ?? 1000;
  const maxDelay = Math.max(firstDelay, options.maxRetryDelayMs ?? 30_000);
  const watchTiming = { restartDelayMs: firstDelay, maxRestartDelayMs: maxDelay };
  const known = new Map<string, ResourceStatus>();
  const followers = new Map<WatchedKind, KindFollower>();
  let stopped = false;
  let unreachable = false;
  // One loaded kubeconfig for all the context's watches, its credentials fetched before they
  // start: a credential plugin (gke-gcloud-auth-plugin) then runs once, not once per watch. It is
  // loaded again after an error, in case k3d or gcloud rewrote the context meanwhile.
  let loaded: Promise<k8s.KubeConfig> | undefined;
  const kubeConfig = (): Promise<k8s.KubeConfig> =>
    (loaded ??= (async () => {
      const kc = loadKubeConfig(target);
      await kc.applyToFetchOptions({});
      return kc;
    })());

  const report = (status: ResourceStatus): void => {
    const key = `${status.kind}/${status.namespace ?? ''}/${status.name}`;
    if (sameStatus(known.get(key), status)) return;
    if (status.deleted) known.delete(key);
    else known.set(key, status);
    options.report(status);
  };
  const forgetKind = (kind: string): void => {
    for (const status of [...known.values()]) if (status.kind === kind) report({ ...status, ready: null, message: 'deleted', deleted: true });
  };
  const backoff = (failures: number): number => Math.min(maxDelay, firstDelay * 2 ** Math.min(failures, 16));

  function failed(error: unknown): void {
    if (stopped) return;
    loaded = undefined;
    if (error instanceof KubeContextMissing || !contextExists()) {
      stop();
      for (const kind of kinds) forgetKind(kind.kind);
      gone();
      return;
    }
    if (unreachable || !isUnreachable(error)) return;
    unreachable = true;
    options.notice?.(`The live status of ${context} is paused: its API server does not answer (${describe(error)}). Retrying in the background.`);
  }
  function answered(): void {
    if (!unreachable || stopped) return;
    unreachable = false;
    options.notice?.(`${context} answers again: the live status is current.`);
  }
  function contextExists(): boolean {
    try {
      return hasContext(target);
    } catch {
      // An unreadable kubeconfig (being rewritten by k3d or gcloud) is not a deleted context.
      return true;
    }
  }

  function followCrd(kind: WatchedKind, follower: KindFollower): void {
    if (stopped) return;
    // A kubeconfig that lost the context fails here: that is an outcome like any failed start.
    kubeConfig().then((kc) => watchObjects({
      ...target,
      ...watchTiming,
      kubeConfig: kc,
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      fieldSelector: `metadata.name=${kind.crd}`,
      onChange: (crd, deleted) => {
        if (crd.metadata?.name === kind.crd) crdChanged(kind, follower, deleted ? undefined : servedVersion(crd as CrdLike, kind.apiVersion));
      },
      onError: failed,
      onConnected: answered,
    })).then(
      (watch) => {
        if (stopped) return watch.stop();
        follower.crdFailures = 0;
        follower.crdWatch = watch;
      },
      (error: unknown) => {
        failed(error);
        if (stopped) return;
        follower.crdRetry = setTimeout(() => followCrd(kind, follower), backoff(follower.crdFailures++));
      },
    );
  }

  function crdChanged(kind: WatchedKind, follower: KindFollower, version: string | undefined): void {
    if (follower.objects?.version === version) return;
    if (follower.objects) {
      clearTimeout(follower.objects.retry);
      follower.objects.watch?.stop();
      follower.objects = undefined;
      forgetKind(kind.kind);
    }
    if (version) {
      follower.objects = { version, failures: 0 };
      followObjects(kind, follower, follower.objects);
    }
  }

  function followObjects(kind: WatchedKind, follower: KindFollower, entry: NonNullable<KindFollower['objects']>): void {
    const current = () => !stopped && follower.objects === entry;
    if (!current()) return;
    kubeConfig().then((kc) => watchObjects({
      ...target,
      ...watchTiming,
      kubeConfig: kc,
      apiVersion: entry.version,
      kind: kind.kind,
      onChange: (object, deleted) => {
        if (current()) report(kind.status(context, object, deleted));
      },
      onError: failed,
      onConnected: answered,
    })).then(
      (watch) => {
        if (!current()) return watch.stop();
        entry.failures = 0;
        entry.watch = watch;
      },
      (error: unknown) => {
        // Discovery may not serve a CRD's kind for a moment after the CRD appears.
        failed(error);
        if (!current()) return;
        entry.retry = setTimeout(() => followObjects(kind, follower, entry), backoff(entry.failures++));
      },
    );
  }

  function stop(): void {
    stopped = true;
    for (const follower of followers.values()) {
      clearTimeout(follower.crdRetry);
      follower.crdWatch?.stop();
      clearTimeout(follower.objects?.retry);
      follower.objects?.watch?.stop();
    }
    followers.clear();
  }

  for (const kind of kinds) {
    const follower: KindFollower = { crdFailures: 0 };
    followers.set(kind, follower);
    followCrd(kind, follower);
  }
  return { stop };
}

/** The lab's version when the CRD serves it, else the CRD's storage version (a newer or older provider). */
function servedVersion(crd: CrdLike, preferred: string): string | undefined {
  const [group, version] = preferred.split('/');
  const served = (crd.spec?.versions ?? []).filter((v) => v.served !== false && typeof v.name === 'string');
  const chosen = served.find((v) => v.name === version) ?? served.find((v) => v.storage) ?? served[0];
  return chosen ? `${group}/${chosen.name}` : undefined;
}

/**
 * A refused connection, a timeout or a 5xx: the server is down or restarting. A 4xx (a kind whose
 * CRD was just removed, a forbidden list) is about one kind and only retried.
 */
function isUnreachable(error: unknown): boolean {
  const e = (error ?? {}) as { statusCode?: unknown; code?: unknown };
  const status = typeof e.statusCode === 'number' ? e.statusCode : typeof e.code === 'number' ? e.code : undefined;
  return status === undefined || status >= 500;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  if (typeof error === 'object' && error !== null && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}

/** What the session watch needs of the engine: its events, its snapshot, and where statuses go. */
export interface LabSession {
  onEvent(listener: (event: LabEvent) => void): () => void;
  getSnapshot(params: Record<string, never>): Promise<Snapshot> | Snapshot;
  reportResource(status: ResourceStatus): void;
}

export type FollowLabOptions = Omit<SessionWatchOptions, 'report'>;

/**
 * Watches every context the lab knows: the local k3d cluster's when the kubeconfig has it (an
 * earlier session may have made it), and the context each step that succeeds hands on in its
 * outputs (`k3d-cluster`, `gke-credentials`), now and whenever another step succeeds.
 */
export function followLabSession(lab: LabSession, options: FollowLabOptions = {}): SessionWatch {
  const session = createSessionWatch({ ...options, report: (status) => lab.reportResource(status) });
  const unsubscribe = lab.onEvent((event) => {
    if (event.type === 'step' && event.state.status === 'succeeded' && event.state.outputs?.context) session.add(event.state.outputs.context);
  });
  let closed = false;
  void Promise.resolve()
    .then(() => lab.getSnapshot({}))
    .then(
    (snapshot) => {
      if (closed) return;
      for (const context of sessionContexts(snapshot, options.env)) session.add(context);
    },
    () => undefined,
  );
  return {
    add: (context) => session.add(context),
    contexts: () => session.contexts(),
    close() {
      closed = true;
      unsubscribe();
      session.close();
    },
  };
}

/**
 * The contexts the lab knows from its saved state: the local k3d cluster's when the kubeconfig
 * has it (an earlier session may have made it), and each succeeded step's `context` output. The
 * session watch keeps a step's context the kubeconfig lacks (it waits for it to come back);
 * `onlyInKubeconfig` drops it for a one-off read, which would only fail on it.
 */
export function sessionContexts(snapshot: Pick<Snapshot, 'inputs' | 'steps'>, env?: NodeJS.ProcessEnv, options: { onlyInKubeconfig?: boolean } = {}): string[] {
  const known = (context: string): boolean => hasContextSafely({ context, ...(env ? { env } : {}) });
  const contexts = new Set<string>();
  const local = k3dContext(snapshot.inputs.clusters?.k3dName || 'crossplane');
  if (known(local)) contexts.add(local);
  for (const state of Object.values(snapshot.steps)) if (state.status === 'succeeded' && state.outputs?.context) contexts.add(state.outputs.context);
  return options.onlyInKubeconfig ? [...contexts].filter((context) => context === local || known(context)) : [...contexts];
}

export function hasContextSafely(target: KubeTarget): boolean {
  try {
    return hasContext(target);
  } catch {
    return false;
  }
}
