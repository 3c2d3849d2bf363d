import type { ChartContext } from '../flux/charts.js';
import { putWithStatus, readyDeployment } from '../flux/workloads.js';
import type { KubeObject } from '../kube/types.js';

/**
 * kube-prometheus-stack's Grafana reads its admin credentials from a Secret (on the lab's
 * clusters: `kube-prometheus-stack-grafana`, decrypted from a SealedSecret). While it is missing
 * the Grafana pod cannot start, so the release never becomes ready and Helm's wait times out.
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

function unavailable(deployment: KubeObject): KubeObject {
  const status = deployment.status as Record<string, unknown>;
  const at = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    ...deployment,
    status: {
      ...status,
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

/** Resolves when Grafana is up; throws Helm's failure once the wait times out. */
export async function waitForGrafana(ctx: ChartContext): Promise<void> {
  const { store, release } = ctx;
  const namespace = release.targetNamespace;
  const secretName = grafanaSecretName(release);
  const deploymentName = `${release.name}-grafana`;
  const grafana = readyDeployment({ name: deploymentName, namespace, image: 'docker.io/grafana/grafana:12.2.0', ownerLabels: ctx.ownerLabels });
  const secretPresent = (): boolean => Boolean(store.get('v1', 'Secret', namespace, secretName));
  if (secretPresent()) return;
  putWithStatus(store, unavailable(grafana), 'helm-controller');
  for (let waited = 0; waited < HELM_TIMEOUT_SECONDS; waited += RETRY_SECONDS) {
    await ctx.clock.after(RETRY_SECONDS);
    if (secretPresent()) {
      putWithStatus(store, grafana, 'helm-controller');
      return;
    }
  }
  throw new Error(`Helm install failed for release ${namespace}/${release.name} with chart ${release.chart}@${release.version}: context deadline exceeded`);
}
