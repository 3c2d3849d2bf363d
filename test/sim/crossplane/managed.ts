import { randomBytes } from 'node:crypto';
import { GcpError } from '../gcp/errors.js';
import type { GcpModel } from '../gcp/model.js';
import type { KubeObject, ObjectStore } from '../kube/types.js';
import { setCondition, type Condition } from './conditions.js';
import { resolveCredentials, trackUsage } from './credentials.js';
import { externalKindOf } from './external.js';

/**
 * crossplane-runtime's managed reconciler for one upjet GCP resource: finalizer, external name,
 * connect (credentials), observe, create, update, delete with `deletionPolicy`, and the
 * Synced/Ready conditions with their real reasons.
 */

export const MANAGED_FINALIZER = 'finalizer.managedresource.crossplane.io';
const EXTERNAL_NAME = 'crossplane.io/external-name';
/** Real seconds between looks while an operation on Google's side is in progress (the provider polls). */
export const POLL_SECONDS = 10;

export interface ManagedOutcome {
  /** Look again after this many real-world seconds. */
  requeueAfter?: number;
}

interface Status {
  atProvider?: Record<string, unknown>;
  conditions?: Condition[];
  [key: string]: unknown;
}

/** crossplane-runtime words Google errors the way the googleapi Go client prints them. */
export function googleApiError(error: unknown): string {
  if (!(error instanceof GcpError)) return error instanceof Error ? error.message : String(error);
  const reason: Record<GcpError['status'], string> = {
    NOT_FOUND: 'notFound',
    ALREADY_EXISTS: 'alreadyExists',
    FAILED_PRECONDITION: 'failedPrecondition',
    PERMISSION_DENIED: 'forbidden',
    RESOURCE_IN_USE: 'resourceInUseByAnotherResource',
    INVALID_ARGUMENT: 'invalid',
    QUOTA_EXCEEDED: 'forbidden',
  };
  return `googleapi: Error ${error.code}: ${error.message}, ${reason[error.status]}`;
}

/** Terraform's diagnostics as upjet prints them inside its async errors. */
function diagnostics(summary: string): string {
  return `[{0 ${summary}  []}]`;
}

/**
 * Records a Kubernetes Event about the resource, as the managed reconciler's recorder does
 * (cluster-scoped objects' events live in `default`); best effort, like real events.
 */
function recordEvent(store: ObjectStore, mr: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
  const [group, version] = mr.apiVersion.split('/');
  const component = `managed/${group}/${version}, kind=${mr.kind.toLowerCase()}`;
  const at = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  try {
    store.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${mr.metadata.name}.${randomBytes(8).toString('hex')}`, namespace: 'default' },
      involvedObject: { apiVersion: mr.apiVersion, kind: mr.kind, name: mr.metadata.name, uid: mr.metadata.uid },
      reason,
      message,
      type,
      source: { component },
      firstTimestamp: at,
      lastTimestamp: at,
      count: 1,
    });
  } catch {
    // Events are best effort, as in Kubernetes.
  }
}

export function reconcileManaged(store: ObjectStore, gcp: GcpModel, mr: KubeObject): ManagedOutcome {
  const external = externalKindOf(mr.kind);
  if (!external) return {};
  const meta = mr.metadata;
  const spec = (mr.spec ?? {}) as { deletionPolicy?: string };
  const status: Status = { ...((mr.status ?? {}) as Status) };
  let conditions = status.conditions ?? [];
  const previousSynced = conditions.find((c) => c.type === 'Synced');
  /** The event reason that goes with a Synced error; recorded once per new error, not on every poll. */
  let warning: string | undefined;
  const synced = (ok: boolean, message?: string): void => {
    conditions = setCondition(conditions, ok ? { type: 'Synced', status: 'True', reason: 'ReconcileSuccess' } : { type: 'Synced', status: 'False', reason: 'ReconcileError', ...(message ? { message } : {}) });
    if (!ok && message && warning && (previousSynced?.status !== 'False' || previousSynced.message !== message)) recordEvent(store, mr, 'Warning', warning, message);
  };
  const ready = (reason: 'Available' | 'Creating' | 'Deleting' | 'Unavailable'): void => {
    conditions = setCondition(conditions, { type: 'Ready', status: reason === 'Available' ? 'True' : 'False', reason });
  };
  const save = (object: KubeObject): ManagedOutcome => {
    writeStatus(store, object, { ...status, conditions });
    return {};
  };

  if (!meta.deletionTimestamp && !(meta.finalizers ?? []).includes(MANAGED_FINALIZER)) {
    mr = store.update({ ...mr, metadata: { ...meta, finalizers: [...(meta.finalizers ?? []), MANAGED_FINALIZER] } });
  }
  const externalName = mr.metadata.annotations?.[EXTERNAL_NAME] ?? mr.metadata.name;
  if (!mr.metadata.deletionTimestamp && !mr.metadata.annotations?.[EXTERNAL_NAME]) {
    mr = store.update({ ...mr, metadata: { ...mr.metadata, annotations: { ...(mr.metadata.annotations ?? {}), [EXTERNAL_NAME]: externalName } } });
  }
  const deleting = Boolean(mr.metadata.deletionTimestamp);

  if (deleting && spec.deletionPolicy === 'Orphan') return removeFinalizer(store, mr);

  const connection = resolveCredentials(store, mr);
  if (!connection.ok) {
    warning = 'CannotConnectToProvider';
    synced(false, connection.message);
    return { ...save(mr), requeueAfter: 60 };
  }
  const project = connection.config.project;
  if (!deleting) trackUsage(store, mr, connection.config.configName);
  const resolved = external.resolve(store, mr, externalName);
  if (!resolved.ok) {
    if (deleting) return removeFinalizer(store, mr);
    warning = 'CannotResolveResourceReferences';
    synced(false, resolved.message);
    return { ...save(mr), requeueAfter: POLL_SECONDS };
  }
  const params = resolved.params;
  let observed;
  try {
    observed = external.observe(gcp, project, params);
  } catch (error) {
    warning = 'CannotObserveExternalResource';
    synced(false, `observe failed: ${googleApiError(error)}`);
    return { ...save(mr), requeueAfter: 60 };
  }
  if (observed.atProvider) status.atProvider = observed.atProvider;

  if (deleting) {
    if (!observed.exists) return removeFinalizer(store, mr);
    ready('Deleting');
    if (!observed.deleting) {
      const refusal = external.refuseDelete?.(params);
      if (refusal) {
        warning = 'CannotDeleteExternalResource';
        synced(false, `delete failed: async delete failed: failed to delete the resource: ${diagnostics(refusal)}`);
        conditions = setCondition(conditions, { type: 'LastAsyncOperation', status: 'False', reason: 'DestroyFailure', message: `async delete failed: failed to delete the resource: ${diagnostics(refusal)}` });
        return { ...save(mr), requeueAfter: 60 };
      }
      try {
        external.delete(gcp, project, params);
        recordEvent(store, mr, 'Normal', 'DeletedExternalResource', 'Successfully requested deletion of external resource');
      } catch (error) {
        const message = `async delete failed: failed to delete the resource: ${diagnostics(`Error waiting for Deleting ${mr.kind}: ${googleApiError(error)}`)}`;
        warning = 'CannotDeleteExternalResource';
        synced(false, `delete failed: ${message}`);
        conditions = setCondition(conditions, { type: 'LastAsyncOperation', status: 'False', reason: 'DestroyFailure', message });
        return { ...save(mr), requeueAfter: 60 };
      }
    }
    synced(true);
    return { ...save(mr), requeueAfter: POLL_SECONDS };
  }

  if (!observed.exists) {
    let waiting: string | undefined;
    try {
      waiting = external.create(gcp, project, params);
    } catch (error) {
      const message = `async create failed: failed to create the resource: ${diagnostics(`error creating ${mr.kind}: ${googleApiError(error)}`)}`;
      warning = 'CannotCreateExternalResource';
      synced(false, `create failed: ${message}`);
      conditions = setCondition(conditions, { type: 'LastAsyncOperation', status: 'False', reason: 'ApplyFailure', message });
      ready('Unavailable');
      return { ...save(mr), requeueAfter: 60 };
    }
    synced(true);
    ready('Creating');
    if (!waiting) {
      recordEvent(store, mr, 'Normal', 'CreatedExternalResource', 'Successfully requested creation of external resource');
      conditions = setCondition(conditions, { type: 'AsyncOperation', status: 'True', reason: 'Ongoing' });
      mr = annotate(store, mr, 'crossplane.io/external-create-pending');
    }
    try {
      const after = external.observe(gcp, project, params);
      if (after.atProvider) status.atProvider = after.atProvider;
    } catch {
      // Nothing to show yet.
    }
    return { ...save(mr), requeueAfter: POLL_SECONDS };
  }

  try {
    external.update?.(gcp, project, params);
  } catch (error) {
    warning = 'CannotUpdateExternalResource';
    synced(false, `update failed: ${googleApiError(error)}`);
    return { ...save(mr), requeueAfter: 60 };
  }
  synced(true);
  if (observed.ready) {
    ready('Available');
    conditions = setCondition(conditions, { type: 'AsyncOperation', status: 'True', reason: 'Finished' });
    conditions = setCondition(conditions, { type: 'LastAsyncOperation', status: 'True', reason: 'Success' });
    if (!mr.metadata.annotations?.['crossplane.io/external-create-succeeded']) mr = annotate(store, mr, 'crossplane.io/external-create-succeeded');
    // Drift detection: the provider observes on its poll interval.
    return { ...save(mr), requeueAfter: 60 };
  }
  ready('Creating');
  return { ...save(mr), requeueAfter: POLL_SECONDS };
}

function annotate(store: ObjectStore, mr: KubeObject, key: string): KubeObject {
  if (mr.metadata.annotations?.[key]) return mr;
  const at = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  return store.update({ ...mr, metadata: { ...mr.metadata, annotations: { ...(mr.metadata.annotations ?? {}), [key]: at } } });
}

function removeFinalizer(store: ObjectStore, mr: KubeObject): ManagedOutcome {
  const finalizers = (mr.metadata.finalizers ?? []).filter((f) => f !== MANAGED_FINALIZER);
  store.update({ ...mr, metadata: { ...mr.metadata, finalizers } });
  return {};
}

/** Writes status only when it differs, so the reconciler's own writes settle instead of looping. */
function writeStatus(store: ObjectStore, mr: KubeObject, status: Status): void {
  const current = store.get(mr.apiVersion, mr.kind, undefined, mr.metadata.name);
  if (!current) return;
  if (JSON.stringify(current.status ?? {}) === JSON.stringify(status)) return;
  store.updateStatus({ ...current, status });
}
