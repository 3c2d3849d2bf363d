/**
 * What the teardown asks the world before each move: the lab's resources as Google lists them
 * (gcloud), its managed resources as the k3d cluster holds them, and whether Crossplane's GCP
 * providers run there. The world is the truth; the ledger only says what to look for.
 */
import * as k8s from '@kubernetes/client-node';
import type { LabInputs } from '../../api/inputs';
import { LAB_PROVIDERS } from '../gitops/scaffold';
import { authorizedKubeConfig, hasContext, type KubeTarget } from '../kube/config';
import { readObject } from '../kube/read';
import { conditionOf, type KubeObjectLike } from '../kube/status';
import { findGkeCluster, managedResources, type GkeListItem, type ManagedRef } from '../steps/gke-cluster';
import { listForwardingRules, listNetworks, type ForwardingRuleInfo } from '../tools/gcloud';
import { findCluster } from '../tools/k3d';
import type { RunCommand } from '../tools/k3d';
import { k3dContextOf, LAB_NETWORK } from './teardown-catalogue';

export const PROVIDER_REF = { apiVersion: 'pkg.crossplane.io/v1', kind: 'Provider' } as const;
export const MANAGED_FINALIZER = 'finalizer.managedresource.crossplane.io';

export interface CloudLook {
  project: string;
  cluster?: GkeListItem;
  network: boolean;
  /** Forwarding rules (load balancers) on the lab's network. */
  rules: ForwardingRuleInfo[];
}

export const projectOf = (inputs: Partial<LabInputs>): string => {
  const project = inputs.gcp?.project;
  if (!project) throw new Error('gcp.project is empty: enter your Google Cloud project id.');
  return project;
};

export async function lookAtCloud(run: RunCommand, inputs: Partial<LabInputs>, what: { cluster?: boolean; network?: boolean; rules?: boolean } = { cluster: true, network: true, rules: true }): Promise<CloudLook> {
  const project = projectOf(inputs);
  const cluster = what.cluster ? await findGkeCluster(run, inputs) : undefined;
  const network = what.network ? (await listNetworks(run, project)).some((n) => n.name === LAB_NETWORK) : false;
  const rules = what.rules ? await labRules(run, project) : [];
  return { project, ...(cluster ? { cluster } : {}), network, rules };
}

export async function labRules(run: RunCommand, project: string): Promise<ForwardingRuleInfo[]> {
  return (await listForwardingRules(run, project)).filter((rule) => rule.network === LAB_NETWORK);
}

/** The k3d cluster's API, when its context exists and the cluster answers. */
export async function reachableK3d(inputs: Partial<LabInputs>, env: NodeJS.ProcessEnv | undefined): Promise<KubeTarget | undefined> {
  const target: KubeTarget = { context: k3dContextOf(inputs), ...(env ? { env } : {}) };
  if (!hasContext(target)) return undefined;
  try {
    await readObject(target, { apiVersion: 'v1', kind: 'Namespace', name: 'default' });
    return target;
  } catch {
    return undefined;
  }
}

export async function k3dExists(run: RunCommand, inputs: Partial<LabInputs>): Promise<boolean> {
  return (await findCluster(run, inputs.clusters?.k3dName || 'crossplane')) !== undefined;
}

export interface ManagedLook {
  ref: ManagedRef;
  object: KubeObjectLike;
}

/** The lab's managed resources of these kinds that exist in the k3d cluster. */
export async function managedPresent(target: KubeTarget, inputs: Partial<LabInputs>, kinds: readonly string[]): Promise<ManagedLook[]> {
  const found: ManagedLook[] = [];
  for (const ref of managedResources(inputs).filter((r) => kinds.includes(r.kind))) {
    const object = await readObject(target, ref);
    if (object) found.push({ ref, object });
  }
  return found;
}

/** Every object of a kind (none while its CRD is not installed). */
export async function listKind(target: KubeTarget, apiVersion: string, kind: string): Promise<KubeObjectLike[]> {
  const api = k8s.KubernetesObjectApi.makeApiClient(await authorizedKubeConfig(target));
  try {
    const list = (await api.list(apiVersion, kind)) as k8s.KubernetesListObject<k8s.KubernetesObject>;
    return list.items as KubeObjectLike[];
  } catch (error) {
    if ((error instanceof k8s.ApiException && error.code === 404) || /HTTP-Code: 404|Unrecognized API version and kind/.test(error instanceof Error ? error.message : '')) return [];
    throw error;
  }
}

/** The lab's GCP providers that are missing, being deleted or not Healthy; empty when Crossplane can act. */
export async function providersDown(target: KubeTarget): Promise<string[]> {
  const down: string[] = [];
  for (const name of LAB_PROVIDERS) {
    const provider = await readObject(target, { ...PROVIDER_REF, name });
    if (!provider) down.push(`${name} (missing)`);
    else if ((provider.metadata as { deletionTimestamp?: string } | undefined)?.deletionTimestamp) down.push(`${name} (being deleted)`);
    else if (conditionOf(provider, 'Healthy')?.status !== 'True') down.push(`${name} (not Healthy)`);
  }
  return down;
}

export const resourceName = (ref: ManagedRef): string => `${ref.kind === 'NodePool' ? 'nodepools' : ref.kind === 'Cluster' ? 'clusters' : 'networks'}.${ref.apiVersion.split('/')[0]}`;

/**
 * Sentences naming every managed cloud resource that still exists, asked of Google and of the
 * k3d cluster (when it answers): empty means the control plane may go.
 */
export async function cloudRemains(run: RunCommand, inputs: Partial<LabInputs>, env: NodeJS.ProcessEnv | undefined): Promise<string[]> {
  const look = await lookAtCloud(run, inputs);
  const out: string[] = [];
  if (look.cluster) out.push(`GKE cluster ${look.cluster.name} (${look.cluster.status}, gcloud lists it)`);
  for (const rule of look.rules) out.push(`load balancer ${rule.name} (${rule.ipAddress}) in ${rule.region} on network ${LAB_NETWORK}`);
  if (look.network) out.push(`network ${LAB_NETWORK} (gcloud lists it)`);
  const target = await reachableK3d(inputs, env);
  if (target) {
    for (const { ref } of await managedPresent(target, inputs, ['Cluster', 'NodePool', 'Network'])) out.push(`managed resource ${ref.kind} ${ref.name} in ${target.context}`);
  }
  return out;
}
