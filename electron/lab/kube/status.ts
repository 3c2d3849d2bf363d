/**
 * What a watched object's status says, in the shape the engine publishes (`ResourceStatus`):
 * its condition (Ready by default), the condition's message, and Flux's `dependsOn`.
 */
import type { ResourceStatus } from '../../api/contract';

export interface KubeObjectLike {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; generation?: number; creationTimestamp?: string | Date };
  spec?: unknown;
  status?: unknown;
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  observedGeneration?: number;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function conditionOf(object: KubeObjectLike, type: string): Condition | undefined {
  const conditions = isRecord(object.status) && Array.isArray(object.status.conditions) ? object.status.conditions : [];
  const found = conditions.find((c: unknown) => isRecord(c) && c.type === type) as Record<string, unknown> | undefined;
  if (!found) return undefined;
  return {
    type,
    status: String(found.status ?? 'Unknown'),
    ...(typeof found.reason === 'string' ? { reason: found.reason } : {}),
    ...(typeof found.message === 'string' ? { message: found.message } : {}),
    ...(typeof found.observedGeneration === 'number' ? { observedGeneration: found.observedGeneration } : {}),
  };
}

/**
 * True / false from the condition; null while it is unknown or describes an older generation
 * (a controller that has not seen the latest spec yet has not judged it).
 */
export function conditionState(object: KubeObjectLike, type: string): { ready: boolean | null; message: string } {
  const condition = conditionOf(object, type);
  if (!condition) return { ready: null, message: `waiting for the ${type} condition` };
  const generation = object.metadata?.generation;
  const observed = condition.observedGeneration ?? (isRecord(object.status) && typeof object.status.observedGeneration === 'number' ? object.status.observedGeneration : undefined);
  const message = condition.message ?? condition.reason ?? '';
  if (generation !== undefined && observed !== undefined && observed < generation) return { ready: null, message: message || 'reconciling' };
  if (condition.status === 'True') return { ready: true, message };
  if (condition.status === 'False') return { ready: false, message };
  return { ready: null, message };
}

/**
 * Whether a Flux Kustomization's outcome exists, for a step's check. Flux sets Ready to Unknown
 * ("Reconciliation in progress") at every periodic reconcile while keeping the last applied
 * revision, so a check that wanted Ready True would see a done step as not done now and then.
 * Only False (or nothing ever applied) means the outcome is missing.
 */
export function kustomizationApplied(object: KubeObjectLike): { applied: boolean; message: string } {
  const state = conditionState(object, 'Ready');
  if (state.ready === true) return { applied: true, message: state.message };
  if (state.ready === false) return { applied: false, message: state.message };
  const revision = lastAppliedRevision(object);
  return revision
    ? { applied: true, message: `${state.message || 'reconciling'} (last applied ${revision})` }
    : { applied: false, message: state.message };
}

/** The revision a Flux Kustomization last applied (`main@sha1:...`), or '' when it applied none. */
export function lastAppliedRevision(object: KubeObjectLike | undefined): string {
  const status = isRecord(object?.status) ? object.status : {};
  return typeof status.lastAppliedRevision === 'string' ? status.lastAppliedRevision : '';
}

/**
 * The Kustomization Flux holds for another (`namespace/name`), or undefined. kustomize-controller
 * answers Ready False, reason DependencyNotReady, whenever a dependency is not Ready or has not
 * applied the source's newest revision yet; it looks again every `--requeue-dependency` (30 s)
 * or when asked, so this is "not yet", never a verdict on the object itself. Every dependency reconciles now and
 * then (Ready is Unknown meanwhile), so a healthy chain shows this for a moment too.
 */
export function heldByDependency(object: KubeObjectLike): string | undefined {
  const ready = conditionOf(object, 'Ready');
  if (ready?.status !== 'False' || ready.reason !== 'DependencyNotReady') return undefined;
  const named = /dependency '([^'/]+)\/([^']+)'/.exec(ready.message ?? '');
  if (named) return `${named[1]}/${named[2]}`;
  return dependsOn(object)[0];
}

/** Flux `spec.dependsOn` as `namespace/name` (the namespace defaults to the object's own). */
export function dependsOn(object: KubeObjectLike): string[] {
  const spec = isRecord(object.spec) ? object.spec : {};
  const list = Array.isArray(spec.dependsOn) ? spec.dependsOn : [];
  return list
    .filter(isRecord)
    .filter((d) => typeof d.name === 'string')
    .map((d) => `${typeof d.namespace === 'string' && d.namespace ? d.namespace : (object.metadata?.namespace ?? '')}/${String(d.name)}`);
}

export function toResourceStatus(cluster: string, object: KubeObjectLike, condition = 'Ready', deleted = false): ResourceStatus {
  const { ready, message } = conditionState(object, condition);
  const deps = dependsOn(object);
  const spec = isRecord(object.spec) ? object.spec : {};
  const created = object.metadata?.creationTimestamp;
  return {
    cluster,
    kind: object.kind ?? '',
    ...(object.metadata?.namespace ? { namespace: object.metadata.namespace } : {}),
    name: object.metadata?.name ?? '',
    ready: deleted ? null : ready,
    message: deleted ? 'deleted' : message,
    ...(deps.length > 0 ? { dependsOn: deps } : {}),
    ...(spec.suspend === true ? { suspended: true } : {}),
    ...(deleted ? { deleted: true } : {}),
    ...(created ? { createdAt: new Date(created).toISOString() } : {}),
  };
}

/** Same status as before, for reporting only changes. */
export function sameStatus(a: ResourceStatus | undefined, b: ResourceStatus): boolean {
  return !!a && a.ready === b.ready && a.message === b.message && a.deleted === b.deleted && a.suspended === b.suspended && (a.dependsOn ?? []).join() === (b.dependsOn ?? []).join();
}

/**
 * A Crossplane managed resource (GKE Cluster, NodePool, Network): Ready as usual, except that a
 * Synced False (the provider's call to Google failed: quota, permissions) is shown as not ready
 * with Google's message, because Ready alone would only say "Creating" for as long as it retries.
 */
export function managedResourceStatus(cluster: string, object: KubeObjectLike, deleted = false): ResourceStatus {
  const status = toResourceStatus(cluster, object, 'Ready', deleted);
  if (deleted || status.ready === true) return status;
  const synced = conditionOf(object, 'Synced');
  if (synced?.status !== 'False') return status;
  return { ...status, ready: false, message: synced.message ?? synced.reason ?? status.message };
}
