import type { ChartContext } from '../flux/charts.js';
import { deploymentReady, readyDeployment } from '../flux/workloads.js';
import type { KubeObject, ObjectStore, StoreEvent } from '../kube/types.js';

/**
 * kube-prometheus-stack's Grafana reads its admin credentials from a Secret (on the lab's
 * clusters: `kube-prometheus-stack-grafana`, decrypted from a SealedSecret). While it is missing
 * the Grafana pod cannot start (CreateContainerConfigError), so the release never becomes ready
 * and Helm's wait times out.
 */

/** Helm's default `--timeout`, which a HelmRelease uses unless it sets `spec.timeout`. */
export const HELM_TIMEOUT_SECONDS = 300;
/** How often, in real seconds, the kubelet retries a pod whose Secret is missing. */
const RETRY_SECONDS = 10;

export function grafanaSecretName(release: ChartContext['release']): string {
  const grafana = (release.values.grafana ?? {}) as { admin?: { existingSecret?: unknown } };
  const existing = grafana.admin?.existingSecret;
  return typeof existing === 'string' && existing ? existing : `${release.name}-grafana`;
}

/** Grafana's Deployment as the chart renders it: admin credentials come from the Secret. */
function grafanaDeployment(ctx: ChartContext, secretName: string): KubeObject {
  const deployment = readyDeployment({ name: `${ctx.release.name}-grafana`, namespace: ctx.release.targetNamespace, image: 'docker.io/grafana/grafana:12.2.0', ownerLabels: ctx.ownerLabels });
  const spec = deployment.spec as { template: { spec: { containers: Array<Record<string, unknown>> } } };
  spec.template.spec.containers = spec.template.spec.containers.map((c) => ({
    ...c,
    env: [
      { name: 'GF_SECURITY_ADMIN_USER', valueFrom: { secretKeyRef: { name: secretName, key: 'admin-user' } } },
      { name: 'GF_SECURITY_ADMIN_PASSWORD', valueFrom: { secretKeyRef: { name: secretName, key: 'admin-password' } } },
    ],
  }));
  return deployment;
}

function unavailable(deployment: KubeObject): KubeObject {
  const at = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    ...deployment,
    status: {
      observedGeneration: 1,
      replicas: 1,
      updatedReplicas: 1,
      readyReplicas: 0,
      availableReplicas: 0,
      unavailableReplicas: 1,
      conditions: [
        { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.', lastUpdateTime: at, lastTransitionTime: at },
        { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${deployment.metadata.name}-7d9c6b5f4d" is progressing.`, lastUpdateTime: at, lastTransitionTime: at },
      ],
    },
  };
}

/** Writes the Deployment and its status, observed at its current generation (kubectl wait checks that). */
function put(store: ObjectStore, deployment: KubeObject): void {
  const { status, ...rest } = deployment;
  const stored = store.apply(rest as KubeObject, 'helm-controller');
  store.updateStatus({ ...stored, status: { ...(status as Record<string, unknown>), observedGeneration: stored.metadata.generation ?? 1 } });
}

const guarded = new WeakMap<ObjectStore, Set<string>>();

/**
 * Keeps Grafana unavailable for as long as its Secret is missing, whoever else starts pods, and
 * available once the Secret appears: the kubelet's view of a pod with a secretKeyRef.
 */
function guardGrafana(ctx: ChartContext, secretName: string): void {
  const { store } = ctx;
  const namespace = ctx.release.targetNamespace;
  const key = `${namespace}/${ctx.release.name}`;
  const keys = guarded.get(store) ?? new Set<string>();
  guarded.set(store, keys);
  if (keys.has(key)) return;
  keys.add(key);
  const desired = grafanaDeployment(ctx, secretName);
  const name = desired.metadata.name;
  let scheduled = false;
  let stopped = false;
  const sync = (): void => {
    scheduled = false;
    if (stopped) return;
    const current = store.get('apps/v1', 'Deployment', namespace, name);
    if (!current || current.metadata.deletionTimestamp) return;
    const secret = Boolean(store.get('v1', 'Secret', namespace, secretName));
    const observed = (current.status as { observedGeneration?: number } | undefined)?.observedGeneration === current.metadata.generation;
    if (secret && (!deploymentReady(current) || !observed)) put(store, desired);
    if (!secret && deploymentReady(current)) put(store, unavailable(desired));
  };
  const onEvent = (event: StoreEvent): void => {
    const { kind, metadata } = event.object;
    if (metadata.namespace !== namespace) return;
    if (!(kind === 'Deployment' && metadata.name === name) && !(kind === 'Secret' && metadata.name === secretName)) return;
    // Not inside the write that notified us (that writer may still be finishing its own update),
    // but before any request is answered: a GET served in between would see Grafana available.
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(() => {
      try {
        sync();
      } catch {
        // Lost a race with another writer: its event brings us back.
      }
    });
  };
  const unsubscribe = store.watch(onEvent);
  put(store, store.get('v1', 'Secret', namespace, secretName) ? desired : unavailable(desired));
  ctx.onStop(() => {
    stopped = true;
    unsubscribe();
    keys.delete(key);
  });
}

/** Resolves when Grafana is up; throws Helm's failure once the wait times out. */
export async function waitForGrafana(ctx: ChartContext): Promise<void> {
  const namespace = ctx.release.targetNamespace;
  const secretName = grafanaSecretName(ctx.release);
  guardGrafana(ctx, secretName);
  const secretPresent = (): boolean => Boolean(ctx.store.get('v1', 'Secret', namespace, secretName));
  for (let waited = 0; !secretPresent(); waited += RETRY_SECONDS) {
    if (waited >= HELM_TIMEOUT_SECONDS) {
      throw new Error(`Helm install failed for release ${namespace}/${ctx.release.name} with chart ${ctx.release.chart}@${ctx.release.version}: context deadline exceeded`);
    }
    await ctx.clock.after(RETRY_SECONDS);
  }
}
