import type { KubeObject, ObjectStore } from '../kube/types.js';
import { conditionsOf, safeGet } from './meta.js';
import { deploymentReady } from './workloads.js';

/**
 * kstatus, as far as the lab needs it: whether an object has become Current. Deployments by
 * their replicas, Flux objects and CRD-based objects by their Ready condition, everything else
 * as soon as it exists.
 */
export type HealthStatus = 'Current' | 'InProgress' | 'Failed' | 'NotFound';

export function healthOf(object: KubeObject | undefined): HealthStatus {
  if (!object) return 'NotFound';
  if (object.kind === 'Deployment') return deploymentReady(object) ? 'Current' : 'InProgress';
  const ready = conditionsOf(object).find((c) => c.type === 'Ready');
  if (!ready) return object.apiVersion.includes('toolkit.fluxcd.io') ? 'InProgress' : 'Current';
  const status = (object.status ?? {}) as { observedGeneration?: number };
  if (status.observedGeneration !== undefined && status.observedGeneration !== (object.metadata.generation ?? 1)) return 'InProgress';
  if (ready.status === 'True') return 'Current';
  return ready.status === 'False' && ready.reason !== 'Progressing' && ready.reason !== 'DependencyNotReady' ? 'Failed' : 'InProgress';
}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export function healthOfRef(store: ObjectStore, ref: ObjectRef): HealthStatus {
  return healthOf(safeGet(store, ref.apiVersion, ref.kind, ref.namespace, ref.name));
}

export function refId(ref: ObjectRef): string {
  return `${ref.kind}/${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}
