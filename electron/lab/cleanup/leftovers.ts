/**
 * Which resources are leftovers: still there although nothing should keep them. Two reasons:
 * - the lab is meant to be down (a teardown completed) and something it always removes is present;
 * - the control plane that manages it is gone: a GKE cluster, node pool or network whose k3d
 *   cluster (or Crossplane in it) is gone will never be deleted through GitOps, and a load
 *   balancer whose GKE cluster is gone will never be released by Kubernetes. They bill until
 *   someone removes them by hand.
 * Pure: the caller observes the world first and says whether the lab is meant to be down.
 */
import type { LedgerEntry, LedgerKind } from '../../api/contract';
import { k3dContext } from '../tools/k3d';

export interface LeftoverOptions {
  /** A teardown completed: the lab is meant to be down. */
  labDown?: boolean;
  /** Kube contexts known to have lost their control plane although the cluster runs (Crossplane removed by hand). */
  goneControlPlanes?: readonly string[];
  now?: Date;
}

export interface Leftover {
  entry: LedgerEntry;
  reason: string;
  ageMinutes: number;
  /** Exact commands that remove it, most direct first. */
  fixes: string[];
}

/** What a teardown always removes; the service account, its key and the repository only on request. */
const TORN_DOWN: ReadonlySet<LedgerKind> = new Set(['k3d-cluster', 'gke-cluster', 'gke-node-pool', 'gcp-network', 'gcp-load-balancer']);
/** Managed by Crossplane on the k3d cluster named in `entry.cluster`. */
const MANAGED_BY_CROSSPLANE: ReadonlySet<LedgerKind> = new Set(['gke-cluster', 'gke-node-pool', 'gcp-network']);

export function findLeftovers(entries: readonly LedgerEntry[], options: LeftoverOptions = {}): Leftover[] {
  const now = options.now ?? new Date();
  const planes = controlPlanes(entries, options.goneControlPlanes ?? []);
  const leftovers: Leftover[] = [];
  for (const entry of entries) {
    if (entry.state !== 'present') continue;
    const reason = leftoverReason(entry, planes, options.labDown === true);
    if (!reason) continue;
    leftovers.push({ entry, reason, ageMinutes: Math.max(0, Math.floor((now.getTime() - Date.parse(entry.createdAt)) / 60_000)), fixes: removalCommands(entry) });
  }
  return leftovers;
}

function leftoverReason(entry: LedgerEntry, planes: ControlPlanes, labDown: boolean): string | undefined {
  if (labDown && TORN_DOWN.has(entry.kind)) return 'still there although the lab was torn down';
  if (MANAGED_BY_CROSSPLANE.has(entry.kind) && planes.crossplaneGone(entry)) {
    return `its control plane (Crossplane on ${entry.cluster ?? 'the k3d cluster'}) is gone, so GitOps can no longer delete it`;
  }
  if (entry.kind === 'gcp-load-balancer' && planes.gkeGone(entry)) {
    return `the cluster whose Service created it (${entry.cluster ?? 'the GKE cluster'}) is gone, so Kubernetes can no longer release it`;
  }
  return undefined;
}

interface ControlPlanes {
  crossplaneGone(entry: LedgerEntry): boolean;
  gkeGone(entry: LedgerEntry): boolean;
}

/**
 * Which control planes are gone. An entry naming its managing context (`cluster`) is judged by
 * that context; one that does not is managed by the lab's own clusters: Crossplane on the k3d
 * cluster(s) the ledger records, Kubernetes on the GKE cluster(s) it records.
 */
function controlPlanes(entries: readonly LedgerEntry[], extra: readonly string[]): ControlPlanes {
  const gone = new Set(extra);
  const contexts = (kind: LedgerKind): Array<{ context: string; state: LedgerEntry['state'] }> =>
    entries
      .filter((e) => e.kind === kind)
      .map((e) => ({ context: kind === 'k3d-cluster' ? (e.cluster ?? k3dContext(e.name)) : gkeContext(e.project ?? '', e.zone ?? '', e.name), state: e.state }));
  for (const kind of ['k3d-cluster', 'gke-cluster'] as const) for (const c of contexts(kind)) if (c.state === 'gone') gone.add(c.context);
  const allGone = (kind: LedgerKind): boolean => {
    const list = contexts(kind);
    return list.length > 0 && list.every((c) => gone.has(c.context));
  };
  return {
    crossplaneGone: (entry) => (entry.cluster ? gone.has(entry.cluster) : allGone('k3d-cluster')),
    gkeGone: (entry) => (entry.cluster ? gone.has(entry.cluster) : allGone('gke-cluster')),
  };
}

/** The context `gcloud container clusters get-credentials` writes. */
export const gkeContext = (project: string, zone: string, cluster: string): string => `gke_${project}_${zone}_${cluster}`;

/** The commands that remove a resource directly, as a person would type them. */
export function removalCommands(entry: LedgerEntry): string[] {
  const project = entry.project ? ` --project=${entry.project}` : '';
  switch (entry.kind) {
    case 'gke-cluster':
      return [`gcloud container clusters delete ${entry.name} --zone=${entry.zone ?? 'ZONE'}${project} --quiet`];
    case 'gke-node-pool': {
      const [cluster, pool] = entry.name.split('/') as [string, string | undefined];
      return [`gcloud container node-pools delete ${pool ?? cluster} --cluster=${cluster} --zone=${entry.zone ?? 'ZONE'}${project} --quiet`];
    }
    case 'gcp-network':
      return [`gcloud compute networks delete ${entry.name}${project} --quiet`];
    case 'gcp-load-balancer':
      return [`gcloud compute forwarding-rules delete ${entry.name} --region=${entry.zone ?? 'REGION'}${project} --quiet`];
    case 'gcp-service-account':
      return [`gcloud iam service-accounts delete ${entry.name}${project} --quiet`];
    case 'gcp-service-account-key': {
      const [account, keyId] = entry.name.split('/keys/') as [string, string | undefined];
      return [`gcloud iam service-accounts keys delete ${keyId ?? entry.name} --iam-account=${account}${project} --quiet`];
    }
    case 'k3d-cluster':
      return [`k3d cluster delete ${entry.name}`];
    case 'github-repository':
      return [`gh repo delete ${entry.name}`];
  }
}

/**
 * The fixes for a set of leftovers: `lab down --force` first (it removes them in a safe order:
 * load balancers, then clusters, then the network), then each exact command in that same order.
 */
export function leftoverFixes(leftovers: readonly Leftover[]): string[] {
  if (leftovers.length === 0) return [];
  const order: LedgerKind[] = ['gcp-load-balancer', 'gke-node-pool', 'gke-cluster', 'gcp-network', 'k3d-cluster', 'gcp-service-account-key', 'gcp-service-account', 'github-repository'];
  const sorted = [...leftovers].sort((a, b) => order.indexOf(a.entry.kind) - order.indexOf(b.entry.kind));
  // Deleting a GKE cluster deletes its node pools with it.
  const clusters = new Set(sorted.filter((l) => l.entry.kind === 'gke-cluster').map((l) => `${l.entry.project}/${l.entry.name}`));
  const commands = sorted
    .filter((l) => !(l.entry.kind === 'gke-node-pool' && clusters.has(`${l.entry.project}/${l.entry.name.split('/')[0]}`)))
    .flatMap((l) => l.fixes);
  return ['lab down --force', ...commands];
}
