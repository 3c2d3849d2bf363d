/**
 * The one-click removal of a leftover: the resource is deleted directly with gcloud or k3d,
 * without Git or Crossplane (its control plane may be gone, which is how it was left over).
 */
import { LabApiError, type LedgerEntry } from '../../api/contract';
import type { StepContext } from '../plan/step';
import { runnerOf } from '../steps/deps';
import { deleteForwardingRule, deleteGkeCluster, deleteNetwork, listForwardingRules } from '../tools/gcloud';
import { deleteCluster } from '../tools/k3d';

/** A zone (europe-west9-a) or a region (europe-west9): forwarding rules live in regions. */
const regionOf = (location: string): string => location.replace(/-[a-z]$/, '');

export async function removeLeftover(ctx: StepContext, entry: LedgerEntry): Promise<void> {
  const run = runnerOf(ctx);
  const project = entry.project ?? ctx.inputs.gcp?.project;
  const needProject = (): string => {
    if (!project) throw new LabApiError('bad-request', `${entry.id}: the ledger has no project for it and gcp.project is empty`);
    return project;
  };
  ctx.info(`Removing ${entry.kind} ${entry.name} directly.`);
  switch (entry.kind) {
    case 'gke-cluster': {
      const zone = entry.zone ?? ctx.inputs.gcp?.zone;
      if (!zone) throw new LabApiError('bad-request', `${entry.id}: the ledger has no zone for it and gcp.zone is empty`);
      return deleteGkeCluster(run, { name: entry.name, zone, project: needProject() });
    }
    case 'gke-node-pool':
      ctx.info(`${entry.name} goes with its cluster.`);
      return;
    case 'gcp-load-balancer': {
      const rules = await listForwardingRules(run, needProject());
      const rule = rules.find((r) => r.name === entry.name);
      if (!rule) return ctx.info(`gcloud lists no forwarding rule ${entry.name}: already gone.`);
      return deleteForwardingRule(run, { name: rule.name, region: rule.region || regionOf(entry.zone ?? ''), project: needProject() });
    }
    case 'gcp-network': {
      // Google refuses while a load balancer still uses the network.
      for (const rule of (await listForwardingRules(run, needProject())).filter((r) => r.network === entry.name)) {
        await deleteForwardingRule(run, { name: rule.name, region: rule.region, project: needProject() });
      }
      return deleteNetwork(run, { name: entry.name, project: needProject() });
    }
    case 'k3d-cluster':
      return deleteCluster(run, entry.name);
    default:
      throw new LabApiError('bad-request', `${entry.id}: a ${entry.kind} is removed by lab down (--delete-service-account, --delete-repository), not as a leftover`);
  }
}
