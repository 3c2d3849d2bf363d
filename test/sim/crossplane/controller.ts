import { createHash } from 'node:crypto';
import type { GcpModel } from '../gcp/model.js';
import { KubeError, type KubeObject, type ObjectStore, type StoreEvent } from '../kube/types.js';
import type { Clock } from '../world/clock.js';
import { realDurations } from '../world/durations.js';
import { conditionOf, setCondition, type Condition } from './conditions.js';
import { MANAGED_KINDS } from './external.js';
import { reconcileManaged } from './managed.js';
import { FAMILY_PACKAGE, FAMILY_PROVIDER_NAME, isFamilyMember, isFullyQualified, NOT_FULLY_QUALIFIED, packageCrds, packageForGroup, parsePackage } from './packages.js';

/**
 * Crossplane core plus the providers it runs: the package manager makes Provider objects
 * Installed and Healthy (installing their CRDs), and each healthy upjet GCP provider reconciles
 * its managed resources against the GCP model. A managed resource whose provider is gone is
 * reconciled by nobody, so it keeps its finalizer (crossplane/crossplane#4251).
 */

export const PROVIDER = { apiVersion: 'pkg.crossplane.io/v1', kind: 'Provider' } as const;

export interface CrossplaneOptions {
  store: ObjectStore;
  clock: Clock;
  gcp?: GcpModel;
}

export interface Crossplane {
  close(): void;
}

/** Shortest real delay of a requeue: keeps a fast time scale from spinning the CPU. */
const MIN_DELAY_MS = 20;

export function startCrossplane(options: CrossplaneOptions): Crossplane {
  const { store, clock, gcp } = options;
  const timers = new Set<NodeJS.Timeout>();
  const queued = new Set<string>();
  /** Providers whose package is being pulled and unpacked (becoming Healthy after a delay). */
  const installing = new Set<string>();
  let closed = false;

  const later = (realSeconds: number, action: () => void): void => {
    if (closed) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!closed) action();
    }, Math.max(MIN_DELAY_MS, realSeconds * clock.scale * 1000));
    timers.add(timer);
  };

  const enqueue = (kind: string, apiVersion: string, name: string, delaySeconds = 0): void => {
    const key = `${apiVersion}|${kind}|${name}`;
    if (queued.has(key)) return;
    queued.add(key);
    const run = (): void => {
      queued.delete(key);
      reconcile(apiVersion, kind, name);
    };
    if (delaySeconds > 0) later(delaySeconds, run);
    else queueMicrotask(() => (closed ? undefined : run()));
  };

  const healthyPackages = (): Set<string> => {
    const names = new Set<string>();
    for (const p of list(store, PROVIDER.apiVersion, PROVIDER.kind)) {
      if (p.metadata.deletionTimestamp || conditionOf(p, 'Healthy')?.status !== 'True') continue;
      names.add(parsePackage(String((p.spec as { package?: string } | undefined)?.package ?? '')).name);
    }
    return names;
  };

  const reconcile = (apiVersion: string, kind: string, name: string): void => {
    let object: KubeObject | undefined;
    try {
      object = store.get(apiVersion, kind, undefined, name);
    } catch {
      return;
    }
    if (!object) return;
    try {
      if (kind === PROVIDER.kind) return reconcileProvider(object);
      const pkg = packageForGroup(apiVersion.split('/')[0]!);
      const active = healthyPackages();
      // Nobody runs this kind's controller: the object stays as it is, finalizer and all.
      if (!gcp || !pkg || !active.has(pkg) || !active.has(FAMILY_PACKAGE)) return;
      const outcome = reconcileManaged(store, gcp, object);
      if (outcome.requeueAfter !== undefined) enqueue(kind, apiVersion, name, outcome.requeueAfter);
    } catch (error) {
      // A write raced with someone else's (409): look again soon, as a controller's workqueue would.
      if (error instanceof KubeError && (error.code === 409 || error.code === 404)) enqueue(kind, apiVersion, name, 1);
      else throw error;
    }
  };

  const reconcileProvider = (provider: KubeObject): void => {
    if (provider.metadata.deletionTimestamp) return;
    const source = String((provider.spec as { package?: string } | undefined)?.package ?? '');
    const status = (provider.status ?? {}) as { conditions?: Condition[] };
    let conditions = status.conditions ?? [];
    if (!isFullyQualified(source)) {
      // The real API server refuses such a Provider through the CRD's CEL rule; this store does
      // not evaluate CEL, so the package manager reports the same words instead of installing.
      conditions = setCondition(conditions, { type: 'Installed', status: 'False', reason: 'UnpackPackage', message: `spec.package: Invalid value: "string": ${NOT_FULLY_QUALIFIED}` });
      writeStatus(provider, { ...status, conditions });
      return;
    }
    if (conditionOf(provider, 'Healthy')?.status === 'True') return;
    const ref = parsePackage(source);
    const revision = `${provider.metadata.name}-${createHash('sha256').update(source).digest('hex').slice(0, 12)}`;
    conditions = setCondition(conditions, { type: 'Installed', status: 'True', reason: 'ActivePackageRevision' });
    if (!installing.has(provider.metadata.name)) {
      installing.add(provider.metadata.name);
      conditions = setCondition(conditions, { type: 'Healthy', status: 'Unknown', reason: 'UnknownPackageRevisionHealth' });
      writeStatus(provider, { ...status, conditions, currentRevision: revision, currentIdentifier: source });
      if (isFamilyMember(ref)) ensureFamily(ref.registry, ref.tag);
      later(realDurations.crossplaneProviderHealthy, () => {
        installing.delete(provider.metadata.name);
        for (const crd of packageCrds(ref)) {
          if (!store.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, crd.metadata.name)) store.create(crd);
        }
        const current = store.get(PROVIDER.apiVersion, PROVIDER.kind, undefined, provider.metadata.name);
        if (!current || current.metadata.deletionTimestamp) return;
        const currentStatus = (current.status ?? {}) as { conditions?: Condition[] };
        writeStatus(current, { ...currentStatus, conditions: setCondition(currentStatus.conditions ?? [], { type: 'Healthy', status: 'True', reason: 'HealthyPackageRevision' }) });
        // Resources created before their provider was healthy wait for this moment.
        resyncManaged();
      });
    }
  };

  const ensureFamily = (registry: string, tag: string): void => {
    const exists = list(store, PROVIDER.apiVersion, PROVIDER.kind).some((p) => parsePackage(String((p.spec as { package?: string } | undefined)?.package ?? '')).name === FAMILY_PACKAGE);
    if (exists) return;
    store.create({ apiVersion: PROVIDER.apiVersion, kind: PROVIDER.kind, metadata: { name: FAMILY_PROVIDER_NAME }, spec: { package: `${registry}/upbound/${FAMILY_PACKAGE}:${tag}` } });
  };

  const writeStatus = (object: KubeObject, status: Record<string, unknown>): void => {
    if (JSON.stringify(object.status ?? {}) === JSON.stringify(status)) return;
    const current = store.get(object.apiVersion, object.kind, undefined, object.metadata.name);
    if (current) store.updateStatus({ ...current, status });
  };

  const resyncManaged = (): void => {
    for (const t of MANAGED_KINDS) for (const o of list(store, t.apiVersion, t.kind)) enqueue(t.kind, t.apiVersion, o.metadata.name);
  };

  const onEvent = (event: StoreEvent): void => {
    const { apiVersion, kind, metadata } = event.object;
    if (event.type === 'DELETED') return;
    if (apiVersion === PROVIDER.apiVersion && kind === PROVIDER.kind) return enqueue(kind, apiVersion, metadata.name);
    const managed = MANAGED_KINDS.find((t) => t.kind === kind && t.apiVersion.split('/')[0] === apiVersion.split('/')[0]);
    if (managed) return enqueue(managed.kind, managed.apiVersion, metadata.name);
    // Credentials appearing (a SealedSecret decrypted, a ProviderConfig applied) unblock everything.
    if (kind === 'Secret' || kind === 'ProviderConfig') resyncManaged();
  };

  const unsubscribe = store.watch(onEvent);
  for (const p of list(store, PROVIDER.apiVersion, PROVIDER.kind)) enqueue(PROVIDER.kind, PROVIDER.apiVersion, p.metadata.name);
  resyncManaged();

  return {
    close() {
      closed = true;
      unsubscribe();
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}

/** Lists a kind, or nothing while its CRD is not installed. */
function list(store: ObjectStore, apiVersion: string, kind: string): KubeObject[] {
  try {
    return store.list(apiVersion, kind);
  } catch {
    return [];
  }
}
