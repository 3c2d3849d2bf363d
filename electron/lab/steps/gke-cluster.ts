/**
 * The GKE dev cluster, created by Crossplane from three objects in Git: Network, Cluster and
 * NodePool. Done when gcloud lists the cluster as RUNNING (Google's word, not only Crossplane's).
 * Running it asks Flux to apply the custom resources now, then follows the managed resources
 * (Ready through watches, progress lines in the log as Crossplane reports them) and confirms with
 * `gcloud container clusters list`. A creation GCP refuses (quota, permissions) fails the step
 * with Google's message instead of waiting for a timeout. The cluster and its node pool are
 * reported as cloud resources with their creation time and an estimated cost per hour.
 */
import type { ResourceStatus } from '../../api/contract';
import type { LabInputs } from '../../api/inputs';
import { GKE_CLUSTER_FEE_PER_HOUR, nodePoolCostPerHour } from '../cloud/prices';
import type { KubeTarget } from '../kube/config';
import { conditionOf, toResourceStatus, type KubeObjectLike } from '../kube/status';
import { watchObjects } from '../kube/watch';
import type { StepContext } from '../plan/step';
import type { RunCommand } from '../tools/k3d';
import { gkeName, localContext, targetOf } from './clusters';
import { askFluxToApply, waitKustomizations } from './flux-chain';
import { fromCatalogue, runnerOf, type StepBehaviour, type StepDeps } from './deps';

/** GKE creation takes about ten minutes for real, and the node pool a few more. */
const DEFAULT_GKE_TIMEOUT_MS = 25 * 60_000;

export interface ManagedRef {
  apiVersion: string;
  kind: string;
  name: string;
}

export function managedResources(inputs: Partial<LabInputs>): ManagedRef[] {
  return [
    { apiVersion: 'compute.gcp.upbound.io/v1beta1', kind: 'Network', name: 'dev-network' },
    { apiVersion: 'container.gcp.upbound.io/v1beta2', kind: 'Cluster', name: gkeName(inputs) },
    { apiVersion: 'container.gcp.upbound.io/v1beta2', kind: 'NodePool', name: 'main-np' },
  ];
}

/** `gcloud container clusters list --format=json` items, the fields the lab reads. */
export interface GkeListItem {
  name: string;
  status: string;
  location: string;
  createTime?: string;
  endpoint?: string;
  currentNodeCount?: number;
  nodePools: Array<{ name: string; status?: string; machineType?: string; initialNodeCount?: number }>;
}

export function parseClusterList(stdout: string): GkeListItem[] {
  const text = stdout.trim();
  if (!text) return [];
  const parsed: unknown = JSON.parse(text);
  const items = (Array.isArray(parsed) ? parsed : [parsed]) as Array<Record<string, unknown>>;
  return items
    .filter((item) => typeof item.name === 'string')
    .map((item) => ({
      name: item.name as string,
      status: typeof item.status === 'string' ? item.status : 'STATUS_UNSPECIFIED',
      location: String(item.location ?? item.zone ?? ''),
      ...(typeof item.createTime === 'string' ? { createTime: item.createTime } : {}),
      ...(typeof item.endpoint === 'string' ? { endpoint: item.endpoint } : {}),
      ...(typeof item.currentNodeCount === 'number' ? { currentNodeCount: item.currentNodeCount } : {}),
      nodePools: (Array.isArray(item.nodePools) ? (item.nodePools as Array<Record<string, unknown>>) : []).map((pool) => ({
        name: String(pool.name ?? ''),
        ...(typeof pool.status === 'string' ? { status: pool.status } : {}),
        ...(typeof (pool.config as { machineType?: unknown } | undefined)?.machineType === 'string' ? { machineType: (pool.config as { machineType: string }).machineType } : {}),
        ...(typeof pool.initialNodeCount === 'number' ? { initialNodeCount: pool.initialNodeCount } : {}),
      })),
    }));
}

export const gcloudListArgv = (project: string): string[] => ['gcloud', 'container', 'clusters', 'list', '--format=json', `--project=${project}`];

export async function findGkeCluster(run: RunCommand, inputs: Partial<LabInputs>): Promise<GkeListItem | undefined> {
  const project = inputs.gcp?.project;
  if (!project) throw new Error('gcp.project is empty: enter your Google Cloud project id.');
  const result = await run({ argv: gcloudListArgv(project) });
  return parseClusterList(result.stdout).find((cluster) => cluster.name === gkeName(inputs));
}

/** The cluster and its node pools as cloud resources for the live board, with their cost. */
export function cloudResources(cluster: GkeListItem, inputs: Partial<LabInputs>): ResourceStatus[] {
  const running = cluster.status === 'RUNNING';
  const clusterStatus: ResourceStatus = {
    cluster: 'gcp',
    kind: 'GKE cluster',
    name: cluster.name,
    ready: running ? true : cluster.status === 'ERROR' ? false : null,
    message: `${cluster.status} in ${cluster.location}`,
    ...(cluster.createTime ? { createdAt: new Date(cluster.createTime).toISOString() } : {}),
    costPerHour: GKE_CLUSTER_FEE_PER_HOUR,
  };
  const pools = cluster.nodePools.map((pool): ResourceStatus => {
    const machineType = pool.machineType ?? inputs.clusters?.machineType ?? 'e2-standard-2';
    const nodes = pool.initialNodeCount ?? inputs.clusters?.minNodes ?? 1;
    const cost = nodePoolCostPerHour(machineType, nodes, inputs.clusters?.preemptible ?? true);
    return {
      cluster: 'gcp',
      kind: 'GKE node pool',
      name: `${cluster.name}/${pool.name}`,
      ready: pool.status === 'RUNNING' ? true : pool.status === 'ERROR' ? false : null,
      message: `${pool.status ?? 'UNKNOWN'}: ${nodes} x ${machineType}${inputs.clusters?.preemptible === false ? '' : ' (preemptible)'}`,
      ...(cluster.createTime ? { createdAt: new Date(cluster.createTime).toISOString() } : {}),
      ...(cost !== undefined ? { costPerHour: cost } : {}),
    };
  });
  return [clusterStatus, ...pools];
}

/** A creation GCP refused: Crossplane retries it, but a person has to act (quota, permissions). */
function creationRefused(object: KubeObjectLike): { message: string; since: number } | undefined {
  const synced = conditionOf(object, 'Synced');
  if (synced?.status !== 'False' || !/create failed/.test(synced.message ?? '')) return undefined;
  const conditions = ((object.status ?? {}) as { conditions?: Array<{ type?: string; lastTransitionTime?: string }> }).conditions ?? [];
  const since = Date.parse(conditions.find((c) => c.type === 'Synced')?.lastTransitionTime ?? '');
  return { message: synced.message!, since: Number.isNaN(since) ? 0 : since };
}

/**
 * Resolves when the managed resource is Ready. A refusal reported after the watch started, or
 * one that happened since `since` (the step's start), fails the wait at once. An older one may
 * be Crossplane's previous attempt (e.g. before the quota was raised): it fails the wait only if
 * Crossplane's next attempt does not change it within a grace period (its poll is a minute).
 */
export function waitManaged(ctx: StepContext, deps: StepDeps, target: KubeTarget, ref: ManagedRef, timeoutMs: number, since: number): Promise<ResourceStatus> {
  return new Promise((resolve, reject) => {
    let last: ResourceStatus | undefined;
    let listed = false;
    let settled = false;
    let stop: (() => void) | undefined;
    let grace: NodeJS.Timeout | undefined;
    const fail = (message: string): void =>
      finish(() => reject(new Error(`GCP refused to create ${ref.kind} ${ref.name}: ${message}. Crossplane keeps retrying; fix the cause, then retry this step.`)));
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(grace);
      ctx.signal.removeEventListener('abort', onAbort);
      stop?.();
      outcome();
    };
    const onAbort = (): void => finish(() => reject(ctx.signal.reason ?? new Error('cancelled')));
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(
      () => finish(() => reject(new Error(`${ref.kind} ${ref.name} was not Ready after ${Math.round(timeoutMs / 1000)} s: ${last?.message || 'it does not exist'}`))),
      timeoutMs,
    );
    watchObjects({
      ...target,
      apiVersion: ref.apiVersion,
      kind: ref.kind,
      fieldSelector: `metadata.name=${ref.name}`,
      onChange(object, deleted) {
        if (settled || object.metadata?.name !== ref.name) return;
        const refused = deleted ? undefined : creationRefused(object);
        const status = toResourceStatus(target.context, object, 'Ready', deleted);
        const shown: ResourceStatus = refused && status.ready !== true ? { ...status, ready: false, message: refused.message } : status;
        if (shown.message !== last?.message || shown.ready !== last?.ready) {
          deps.reportResource?.(shown);
          ctx.info(`${ref.kind} ${ref.name}: ${shown.ready === true ? 'Ready' : shown.message || 'waiting'}`);
        }
        last = shown;
        if (shown.ready === true) finish(() => resolve(shown));
        // Condition times have whole seconds.
        else if (refused && (listed || refused.since >= Math.floor(since / 1000) * 1000)) fail(refused.message);
        else if (refused) grace ??= setTimeout(() => fail(refused.message), Math.min(60_000, timeoutMs / 4));
        if (!refused && grace) {
          clearTimeout(grace);
          grace = undefined;
        }
      },
    }).then(
      (watch) => {
        if (settled) return watch.stop();
        stop = () => watch.stop();
        void watch.listed.then(() => (listed = true));
      },
      (error: unknown) => finish(() => reject(error)),
    );
  });
}

export const gkeClusterStep: StepBehaviour = (info, deps) => ({
  ...fromCatalogue(info),
  async check(ctx) {
    const cluster = await findGkeCluster(runnerOf(ctx), ctx.inputs);
    if (!cluster) return { done: false, detail: `gcloud lists no cluster ${gkeName(ctx.inputs)} in ${ctx.inputs.gcp?.project} yet` };
    for (const resource of cloudResources(cluster, ctx.inputs)) deps.reportResource?.(resource);
    recordFound(ctx, cluster);
    if (cluster.status !== 'RUNNING') return { done: false, detail: `GKE cluster ${cluster.name} is ${cluster.status}` };
    return { done: true, detail: `GKE cluster ${cluster.name} is RUNNING in ${cluster.location}`, outputs: outputsOf(cluster) };
  },
  async run(ctx) {
    const since = Date.now();
    const context = localContext(ctx.inputs);
    const run = runnerOf(ctx);
    const target = targetOf(context, deps);
    const timeoutMs = deps.readyTimeoutMs ?? DEFAULT_GKE_TIMEOUT_MS;
    ctx.info(`Asking Flux on ${context} to apply the network, cluster and node pool now.`);
    await askFluxToApply(ctx, deps, context, 'infrastructure-custom-resources');
    await waitKustomizations(ctx, deps, context, ['infrastructure-custom-resources']);
    ctx.info('Crossplane now asks Google for the network, the cluster and its node pool. Google takes about ten minutes; progress follows.');
    // Each is recorded the moment it is Ready, so a failure later still leaves it in the ledger for cleanup.
    await Promise.all(managedResources(ctx.inputs).map((ref) => waitManaged(ctx, deps, target, ref, timeoutMs, since).then(() => recordManaged(ctx, ref))));
    await run({ argv: ['kubectl', 'get', 'clusters.container.gcp.upbound.io', `--context=${context}`] });
    const cluster = await findGkeCluster(run, ctx.inputs);
    if (!cluster) throw new Error(`Crossplane says the cluster is Ready, but gcloud lists no cluster ${gkeName(ctx.inputs)} in ${ctx.inputs.gcp?.project}.`);
    const resources = cloudResources(cluster, ctx.inputs);
    for (const resource of resources) deps.reportResource?.(resource);
    if (cluster.status !== 'RUNNING') throw new Error(`GKE cluster ${cluster.name} is ${cluster.status}, not RUNNING.`);
    const cost = resources.reduce((sum, r) => sum + (r.costPerHour ?? 0), 0);
    ctx.info(`GKE cluster ${cluster.name} is RUNNING. Estimated cost while it runs: about $${cost.toFixed(2)} per hour; remember the cleanup.`);
    return outputsOf(cluster);
  },
});

/** A managed resource that became Ready, in the cleanup ledger; the cluster and pool carry the `lab` label. */
function recordManaged(ctx: StepContext, ref: ManagedRef): void {
  const project = ctx.inputs.gcp?.project;
  const zone = ctx.inputs.gcp?.zone || 'europe-west9-a';
  const labels = ctx.ledger ? { lab: ctx.ledger.sessionId } : undefined;
  const { machineType = 'e2-standard-2', minNodes = 1, preemptible = true } = ctx.inputs.clusters ?? {};
  if (ref.kind === 'Network') ctx.ledger?.record({ kind: 'gcp-network', name: ref.name, project });
  else if (ref.kind === 'Cluster') ctx.ledger?.record({ kind: 'gke-cluster', name: ref.name, project, zone, labels, costPerHour: GKE_CLUSTER_FEE_PER_HOUR });
  else ctx.ledger?.record({ kind: 'gke-node-pool', name: `${gkeName(ctx.inputs)}/${ref.name}`, project, zone, labels, costPerHour: nodePoolCostPerHour(machineType, minNodes, preemptible) });
}

/** The cluster gcloud lists, its node pools and its network, in the cleanup ledger (a rerun, or a ledger that missed them). */
function recordFound(ctx: StepContext, cluster: GkeListItem): void {
  const project = ctx.inputs.gcp?.project;
  const labels = ctx.ledger ? { lab: ctx.ledger.sessionId } : undefined;
  const createdAt = cluster.createTime && !Number.isNaN(Date.parse(cluster.createTime)) ? new Date(cluster.createTime).toISOString() : undefined;
  const resources = cloudResources(cluster, ctx.inputs);
  ctx.ledger?.record({ kind: 'gke-cluster', name: cluster.name, project, zone: cluster.location, labels, costPerHour: GKE_CLUSTER_FEE_PER_HOUR, createdAt });
  for (const pool of resources.filter((r) => r.kind === 'GKE node pool')) {
    ctx.ledger?.record({ kind: 'gke-node-pool', name: pool.name, project, zone: cluster.location, labels, costPerHour: pool.costPerHour, createdAt });
  }
  ctx.ledger?.record({ kind: 'gcp-network', name: managedResources(ctx.inputs)[0]!.name, project });
}

function outputsOf(cluster: GkeListItem): Record<string, string> {
  return { cluster: cluster.name, location: cluster.location, ...(cluster.endpoint ? { endpoint: cluster.endpoint } : {}) };
}
