/**
 * Helm releases Flux gave up on. helm-controller's default remediation retries a failed install
 * or upgrade zero times and marks the release Stalled (RetriesExceeded); after that neither its
 * interval nor a plain reconcile request changes anything. A step that is run again, once the
 * person fixed the cause, asks for one more attempt (`flux reconcile helmrelease --force`) for
 * every stalled release of the cluster, because what the step waits for may depend on any of them
 * (crossplane-core's health check waits for the Crossplane release, for instance).
 */
import * as k8s from '@kubernetes/client-node';
import { authorizedKubeConfig, type KubeTarget } from '../kube/config';
import { conditionState, type KubeObjectLike } from '../kube/status';
import { FLUX_API } from '../gitops/versions';
import type { StepContext } from '../plan/step';
import { runnerOf } from './deps';

export const forceReleaseArgv = (name: string, namespace: string, context: string): string[] => [
  'flux', 'reconcile', 'helmrelease', name, '-n', namespace, '--force', `--context=${context}`,
];

/** Every HelmRelease of the cluster; none while Flux's CRDs are not installed. */
async function listReleases(target: KubeTarget): Promise<KubeObjectLike[]> {
  const api = k8s.KubernetesObjectApi.makeApiClient(await authorizedKubeConfig(target));
  try {
    return ((await api.list(FLUX_API.helmRelease, 'HelmRelease')).items ?? []) as KubeObjectLike[];
  } catch (error) {
    if (error instanceof k8s.ApiException && error.code === 404) return [];
    if (/HTTP-Code: 404|Unrecognized API version and kind/.test(error instanceof Error ? error.message : '')) return [];
    throw error;
  }
}

/** Forces one more install or upgrade of each stalled release; returns their `namespace/name`. */
export async function forceStalledReleases(ctx: StepContext, env: NodeJS.ProcessEnv | undefined, context: string): Promise<string[]> {
  const stalled = (await listReleases({ context, ...(env ? { env } : {}) })).filter((release) => conditionState(release, 'Stalled').ready === true);
  for (const release of stalled) {
    const name = release.metadata?.name ?? '';
    const namespace = release.metadata?.namespace ?? 'default';
    ctx.info(`HelmRelease ${namespace}/${name} failed before and Flux stopped retrying (${conditionState(release, 'Ready').message}): asking it to try once more.`);
    await runnerOf(ctx)({ argv: forceReleaseArgv(name, namespace, context) });
  }
  return stalled.map((release) => `${release.metadata?.namespace ?? 'default'}/${release.metadata?.name ?? ''}`);
}
