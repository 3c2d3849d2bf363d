import type { KubeObject } from '../kube/types.js';
import { CliError, StatusLog } from './cli-output.js';
import type { KubeClient } from './kube-client.js';
import { FLUX_NAMESPACE } from './meta.js';
import { deploymentReady } from './workloads.js';

/** `flux check [--pre]` (cmd/flux/check.go). */

export const KUBERNETES_CONSTRAINT = '>=1.33.0-0';

function atLeast(version: string, min: [number, number, number]): boolean {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!m) return false;
  const parts = [Number(m[1]), Number(m[2]), Number(m[3])];
  for (let i = 0; i < 3; i++) if (parts[i] !== min[i]) return (parts[i] as number) > (min[i] as number);
  return true;
}

export async function checkPrerequisites(log: StatusLog, client: KubeClient): Promise<boolean> {
  log.action('checking prerequisites');
  let gitVersion: string;
  try {
    gitVersion = (await client.version()).gitVersion;
  } catch (error) {
    log.failure(`Kubernetes API call failed: ${(error as Error).message}`);
    return false;
  }
  if (!atLeast(gitVersion, [1, 33, 0])) {
    log.failure(`Kubernetes version ${gitVersion} does not match ${KUBERNETES_CONSTRAINT}`);
    return false;
  }
  log.success(`Kubernetes ${gitVersion.replace(/^v/, '')} ${KUBERNETES_CONSTRAINT}`);
  return true;
}

export async function controllerDeployments(client: KubeClient): Promise<KubeObject[]> {
  const all = (await client.list('apps/v1', 'Deployment', FLUX_NAMESPACE)) ?? [];
  return all.filter((d) => d.metadata.labels?.['app.kubernetes.io/part-of'] === 'flux').sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
}

export async function check(log: StatusLog, client: KubeClient, pre: boolean): Promise<void> {
  const prereqs = await checkPrerequisites(log, client);
  if (pre) {
    if (!prereqs) throw new CliError('', 1);
    log.success('prerequisites checks passed');
    return;
  }
  let ok = prereqs;
  log.action('checking version in cluster');
  const ns = await client.get('v1', 'Namespace', undefined, FLUX_NAMESPACE);
  const version = ns?.metadata.labels?.['app.kubernetes.io/version'];
  if (version) {
    log.success(`distribution: flux-${version}`);
    log.success(`bootstrapped: ${ns?.metadata.labels?.['kustomize.toolkit.fluxcd.io/name'] ? 'true' : 'false'}`);
  } else {
    log.failure(`no flux installation found in the '${FLUX_NAMESPACE}' namespace`);
    ok = false;
  }
  log.action('checking controllers');
  const deployments = await controllerDeployments(client);
  if (deployments.length === 0) {
    log.failure(`no controllers found in the '${FLUX_NAMESPACE}' namespace with the label selector 'app.kubernetes.io/part-of=flux'`);
    ok = false;
  }
  for (const d of deployments) {
    const ready = deploymentReady(d);
    if (ready) log.success(`${d.metadata.name}: deployment ready`);
    else log.failure(`${d.metadata.name}: deployment not ready`);
    ok &&= ready;
    const image = (d.spec as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec.containers[0]?.image;
    if (image) log.action(image);
  }
  log.action('checking crds');
  const crds = ((await client.list('apiextensions.k8s.io/v1', 'CustomResourceDefinition')) ?? []).filter((c) => c.metadata.labels?.['app.kubernetes.io/part-of'] === 'flux').sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  for (const crd of crds) {
    const versions = (crd.spec as { versions: Array<{ name: string; storage?: boolean }> }).versions;
    log.success(`${crd.metadata.name}/${versions.find((v) => v.storage)?.name ?? versions[0]?.name ?? ''}`);
  }
  if (!ok) throw new CliError('check failed');
  log.success('all checks passed');
}
