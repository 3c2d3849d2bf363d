import type { KubeObject, ObjectStore } from '../kube/types.js';

/**
 * Workloads as a running cluster would show them once their pods are up: the simulator has no
 * kubelet, so a Deployment is written with the status its controller would report when Ready.
 */

function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface DeploymentSpec {
  name: string;
  namespace: string;
  image: string;
  labels?: Record<string, string>;
  replicas?: number;
  /** Labels that say which Helm release or Flux Kustomization owns the object. */
  ownerLabels?: Record<string, string>;
}

export function readyDeployment(spec: DeploymentSpec): KubeObject {
  const replicas = spec.replicas ?? 1;
  const labels = { 'app.kubernetes.io/name': spec.name, ...(spec.labels ?? {}) };
  const at = now();
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: spec.name, namespace: spec.namespace, labels: { ...labels, ...(spec.ownerLabels ?? {}) } },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'manager', image: spec.image }] } },
    },
    status: {
      observedGeneration: 1,
      replicas,
      readyReplicas: replicas,
      availableReplicas: replicas,
      updatedReplicas: replicas,
      conditions: [
        { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastUpdateTime: at, lastTransitionTime: at },
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${spec.name}-7d9c6b5f4d" has successfully progressed.`, lastUpdateTime: at, lastTransitionTime: at },
      ],
    },
  };
}

/** Creates the namespace when missing (Helm's `--create-namespace`, Flux's `install.createNamespace`). */
export function ensureNamespace(store: ObjectStore, name: string): void {
  if (!store.get('v1', 'Namespace', undefined, name)) store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

/**
 * Writes the object with its status: create-or-update for spec and metadata, then the status
 * subresource, since `apply` keeps the stored status of kinds that have one.
 */
export function putWithStatus(store: ObjectStore, object: KubeObject, fieldManager: string): KubeObject {
  const { status, ...rest } = object;
  const stored = store.apply(rest as KubeObject, fieldManager);
  if (status === undefined) return stored;
  return store.updateStatus({ ...stored, status });
}

/** True when a Deployment reports every wanted replica ready and the Available condition. */
export function deploymentReady(object: KubeObject): boolean {
  const spec = (object.spec ?? {}) as { replicas?: number };
  const status = (object.status ?? {}) as { readyReplicas?: number; conditions?: Array<{ type: string; status: string }> };
  const wanted = spec.replicas ?? 1;
  return (status.readyReplicas ?? 0) >= wanted && (status.conditions ?? []).some((c) => c.type === 'Available' && c.status === 'True');
}
