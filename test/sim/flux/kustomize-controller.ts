import { KubeError, type KubeObject } from '../kube/types.js';
import { realDurations } from '../world/durations.js';
import { entryOf, refOfEntry, type InventoryEntry } from './inventory.js';
import { BuildError } from './kustomize-build.js';
import { conditionsOf, formatGoDuration, GIT_REPOSITORY, isReady, KUSTOMIZATION, mergeConditions, parseGoDuration, patchStatus, REQUESTED_AT, safeGet, type Condition } from './meta.js';
import { healthReader, UnsupportedExpression, type HealthCheckExpr } from './health-exprs.js';
import { refId, type ObjectRef } from './readiness.js';
import type { ControllerRuntime, ReconcileResult } from './runtime.js';

/** kustomize-controller: build with real kustomize, server-side apply into the store, prune, wait. */

interface KustomizationSpec {
  interval?: string;
  retryInterval?: string;
  timeout?: string;
  path?: string;
  prune?: boolean;
  wait?: boolean;
  suspend?: boolean;
  targetNamespace?: string;
  sourceRef: { kind: string; name: string; namespace?: string };
  dependsOn?: Array<{ name: string; namespace?: string }>;
  healthChecks?: Array<{ apiVersion?: string; kind: string; name: string; namespace?: string }>;
  healthCheckExprs?: HealthCheckExpr[];
}

const DEPENDENCY_REQUEUE = realDurations.fluxRequeueDependency;
const CLUSTER_SCOPED = new Set(['Namespace', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume', 'StorageClass', 'PriorityClass', 'Node', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'APIService', 'IngressClass']);

function namespaced(rt: ControllerRuntime, object: KubeObject): boolean {
  if (CLUSTER_SCOPED.has(object.kind)) return false;
  const group = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : '';
  if (!group || !group.includes('.')) return true;
  // Discovery's answer, as the controller's REST mapper has it (listing the CRDs copied megabytes
  // per object); a kind nobody serves stays namespaced here and fails its apply.
  return rt.store.isNamespaced(group, object.kind) ?? true;
}

function applyErrorMessage(object: KubeObject, error: unknown): string {
  const id = `${object.kind}/${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`;
  if (error instanceof KubeError) {
    if (error.code === 404 && /no kind/.test(error.message)) return `${id} dry-run failed: no matches for kind "${object.kind}" in version "${object.apiVersion}"`;
    return `${id} dry-run failed (${error.reason}): ${error.message}`;
  }
  return `${id} apply failed: ${(error as Error).message}`;
}

/** Apply order as Flux stages it: CRDs and Namespaces first, then everything else. */
function stage(object: KubeObject): number {
  return object.kind === 'CustomResourceDefinition' ? 0 : object.kind === 'Namespace' ? 1 : 2;
}

/**
 * Why a dependency holds a Kustomization back, as kustomize-controller's checkDependencies says
 * it: not reconciled at its latest generation, not Ready, or (when both read the same source)
 * not yet applied the revision this one is about to apply. Undefined: it may go on.
 */
function dependencyNotReady(dependency: KubeObject, sourceRef: KustomizationSpec['sourceRef'], sourceNs: string, revision: string): string | undefined {
  const status = (dependency.status ?? {}) as { observedGeneration?: number; lastAppliedRevision?: string };
  if (conditionsOf(dependency).length === 0 || status.observedGeneration !== (dependency.metadata.generation ?? 1)) return 'is not ready';
  if (!isReady(dependency)) return 'is not ready';
  const theirs = (dependency.spec as KustomizationSpec).sourceRef;
  const sameSource = theirs.kind === sourceRef.kind && theirs.name === sourceRef.name && (theirs.namespace ?? dependency.metadata.namespace ?? 'default') === sourceNs;
  if (sameSource && status.lastAppliedRevision !== revision) return 'revision is not up to date';
  return undefined;
}

export async function reconcileKustomization(rt: ControllerRuntime, object: KubeObject): Promise<ReconcileResult> {
  const spec = object.spec as KustomizationSpec;
  const { namespace = 'default', name } = object.metadata;
  const generation = object.metadata.generation ?? 1;
  const interval = parseGoDuration(spec.interval, 600);
  const retry = parseGoDuration(spec.retryInterval, interval);
  const timeout = parseGoDuration(spec.timeout, interval);
  const requested = object.metadata.annotations?.[REQUESTED_AT];
  if (spec.suspend) {
    // The real controller records the generation it saw whenever Ready is True, suspended or not,
    // so its dependents judge it by the revision it last applied.
    if (isReady(object)) patchStatus(rt.store, KUSTOMIZATION, namespace, name, (status) => ({ ...status, observedGeneration: generation }));
    return {};
  }
  const write = (updates: Array<Omit<Condition, 'lastTransitionTime'>>, extra: Record<string, unknown> = {}, drop: string[] = []): void => {
    patchStatus(rt.store, KUSTOMIZATION, namespace, name, (status, current) => ({
      ...status,
      ...extra,
      ...(requested ? { lastHandledReconcileAt: requested } : {}),
      observedGeneration: generation,
      conditions: mergeConditions(conditionsOf(current).filter((c) => !drop.includes(c.type)), updates, generation),
    }));
  };
  const fail = (reason: string, message: string, requeueAfter: number, extra: Record<string, unknown> = {}): ReconcileResult => {
    rt.log('kustomize-controller', 'error', object, 'Reconciliation failed', message);
    write([{ type: 'Ready', status: 'False', reason, message }], extra);
    return { requeueAfter };
  };

  // As the real controller: the source first, then the dependencies against its revision.
  const sourceNs = spec.sourceRef.namespace ?? namespace;
  const source = safeGet(rt.store, GIT_REPOSITORY.apiVersion, GIT_REPOSITORY.kind, sourceNs, spec.sourceRef.name);
  const artifact = rt.artifacts.get(`${sourceNs}/${spec.sourceRef.name}`);
  if (spec.sourceRef.kind !== 'GitRepository' || !source) {
    return fail('ArtifactFailed', `${spec.sourceRef.kind} '${sourceNs}/${spec.sourceRef.name}' not found`, retry);
  }
  if (!artifact || !isReady(source)) {
    if (isReady(source)) rt.enqueue('GitRepository', sourceNs, spec.sourceRef.name);
    return fail('ArtifactFailed', `Source artifact not found, retrying in ${formatGoDuration(DEPENDENCY_REQUEUE)}`, DEPENDENCY_REQUEUE);
  }
  const revision = artifact.revision;

  for (const dep of spec.dependsOn ?? []) {
    const depNs = dep.namespace ?? namespace;
    const found = safeGet(rt.store, KUSTOMIZATION.apiVersion, KUSTOMIZATION.kind, depNs, dep.name);
    const why = found ? dependencyNotReady(found, spec.sourceRef, sourceNs, revision) : `not found: kustomizations.kustomize.toolkit.fluxcd.io "${dep.name}" not found`;
    if (why) {
      if (found) rt.log('kustomize-controller', 'info', object, `Dependencies do not meet ready condition, retrying in ${formatGoDuration(DEPENDENCY_REQUEUE)}`);
      return fail('DependencyNotReady', `dependency '${depNs}/${dep.name}' ${why}`, DEPENDENCY_REQUEUE);
    }
  }
  if ((spec.dependsOn ?? []).length > 0) rt.log('kustomize-controller', 'info', object, 'All dependencies are ready, proceeding with reconciliation');
  write([{ type: 'Ready', status: 'Unknown', reason: 'Progressing', message: `Reconciliation in progress` }], { lastAttemptedRevision: revision });

  let objects: KubeObject[];
  try {
    objects = await rt.builds.build(revision, { artifactDir: artifact.dir, path: spec.path ?? './', kubectl: rt.kubectl });
  } catch (error) {
    const message = error instanceof BuildError ? error.message : String(error);
    return fail(/path not found/.test(message) ? 'ArtifactFailed' : 'BuildFailed', message, retry, { lastAttemptedRevision: revision });
  }

  const labels = { 'kustomize.toolkit.fluxcd.io/name': name, 'kustomize.toolkit.fluxcd.io/namespace': namespace };
  const applied: KubeObject[] = [];
  for (const candidate of objects.sort((a, b) => stage(a) - stage(b))) {
    const object_ = { ...candidate, metadata: { ...candidate.metadata, labels: { ...(candidate.metadata.labels ?? {}), ...labels } } };
    if (namespaced(rt, object_)) {
      if (spec.targetNamespace) object_.metadata.namespace = spec.targetNamespace;
      else object_.metadata.namespace ??= 'default';
    } else delete object_.metadata.namespace;
    try {
      applied.push(rt.store.apply(object_, 'kustomize-controller'));
    } catch (error) {
      return fail('ReconciliationFailed', applyErrorMessage(object_, error), retry, { lastAttemptedRevision: revision });
    }
  }
  rt.log('kustomize-controller', 'info', object, 'server-side apply completed');

  const entries: InventoryEntry[] = applied.map(entryOf).sort((a, b) => a.id.localeCompare(b.id));
  const previous = ((object.status as { inventory?: { entries?: InventoryEntry[] } } | undefined)?.inventory?.entries ?? []);
  if (spec.prune) {
    const keep = new Set(entries.map((e) => e.id));
    for (const stale of [...previous].reverse()) {
      if (keep.has(stale.id)) continue;
      const ref = refOfEntry(stale);
      const current = safeGet(rt.store, ref.apiVersion, ref.kind, ref.namespace, ref.name);
      // Only what this Kustomization still owns is garbage-collected.
      if (current?.metadata.labels?.['kustomize.toolkit.fluxcd.io/name'] !== name || current.metadata.labels['kustomize.toolkit.fluxcd.io/namespace'] !== namespace) continue;
      try {
        rt.store.delete(ref.apiVersion, ref.kind, ref.namespace, ref.name);
        rt.log('kustomize-controller', 'info', object, `${refId(ref)} deleted`);
      } catch {
        // Already gone: nothing to collect.
      }
    }
  }
  const inventory = { inventory: { entries } };

  // `wait: true` checks everything applied and ignores `healthChecks` (the CRD's own words).
  const checks: ObjectRef[] = spec.wait
    ? applied.map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}) }))
    : (spec.healthChecks ?? []).map((h) => ({ apiVersion: h.apiVersion ?? 'v1', kind: h.kind, name: h.name, ...(h.namespace ? { namespace: h.namespace } : {}) }));
  if (checks.length > 0) {
    let healthOfRef: ReturnType<typeof healthReader>;
    try {
      healthOfRef = healthReader(rt.store, spec.healthCheckExprs);
    } catch (error) {
      if (!(error instanceof UnsupportedExpression)) throw error;
      return fail('HealthCheckFailed', error.message, retry, { ...inventory, lastAttemptedRevision: revision });
    }
    write([{ type: 'Ready', status: 'Unknown', reason: 'Progressing', message: `Running health checks for revision ${revision} with a timeout of ${formatGoDuration(timeout)}` }], inventory);
    const deadline = Date.now() + timeout * rt.clock.scale * 1000;
    let pending = checks.filter((ref) => healthOfRef(ref) !== 'Current');
    while (pending.length > 0 && Date.now() < deadline) {
      await rt.clock.after(Math.min(realDurations.kustomizeHealthPoll, timeout));
      // Flux 2.8 and later stop waiting on a revision the source has moved past
      // (CancelHealthCheckOnNewRevision), and reconcile the new one at once: it may fix the wait.
      const latest = rt.artifacts.get(`${sourceNs}/${spec.sourceRef.name}`)?.revision;
      if (latest && latest !== revision) {
        rt.log('kustomize-controller', 'info', object, `New revision detected during health check, cancelling (current ${revision}, new ${latest})`);
        rt.enqueue(KUSTOMIZATION.kind, namespace, name);
        return { requeueAfter: retry };
      }
      pending = pending.filter((ref) => healthOfRef(ref) !== 'Current');
    }
    if (pending.length > 0) {
      const list = pending.map((ref) => `${refId(ref)} status: '${healthOfRef(ref)}'`).join(', ');
      const message = `health check failed after ${formatGoDuration(timeout)}: timeout waiting for: [${list}]`;
      rt.log('kustomize-controller', 'error', object, 'Reconciliation failed', message);
      write([{ type: 'Ready', status: 'False', reason: 'HealthCheckFailed', message }, { type: 'Healthy', status: 'False', reason: 'HealthCheckFailed', message }], { ...inventory, lastAttemptedRevision: revision });
      return { requeueAfter: retry };
    }
  }
  const message = `Applied revision: ${revision}`;
  write(
    [{ type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message }, ...(checks.length > 0 ? [{ type: 'Healthy', status: 'True' as const, reason: 'Succeeded', message: 'Health check passed' }] : [])],
    { ...inventory, lastAppliedRevision: revision, lastAttemptedRevision: revision },
    checks.length > 0 ? [] : ['Healthy'],
  );
  rt.log('kustomize-controller', 'info', object, `Reconciliation finished, next run in ${formatGoDuration(interval)}`);
  return { requeueAfter: interval };
}
