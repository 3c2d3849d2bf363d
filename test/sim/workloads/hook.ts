import { onChartInstalled, type ChartContext } from '../flux/charts.js';
import type { ObjectStore } from '../kube/types.js';
import { gkeClusterOf } from './gke-cluster.js';
import { startLoadBalancerController } from './load-balancers.js';
import { waitForGrafana } from './observability.js';

/**
 * The dev cluster's workloads as GKE runs them: LoadBalancer Services get Google load balancers
 * (GKE's service controller, started with the cluster's first chart), and kube-prometheus-stack waits for Grafana's
 * Secret.
 */

const serviceControllers = new WeakSet<ObjectStore>();

function ensureLoadBalancers(ctx: ChartContext): void {
  const cluster = gkeClusterOf(ctx.clusterId, ctx.gcp);
  if (!cluster || !ctx.gcp || serviceControllers.has(ctx.store)) return;
  serviceControllers.add(ctx.store);
  const controller = startLoadBalancerController({ store: ctx.store, clock: ctx.clock, gcp: ctx.gcp, cluster });
  ctx.onStop(() => {
    controller.close();
    serviceControllers.delete(ctx.store);
  });
}

export async function workloadsChartHook(chart: string, ctx: ChartContext): Promise<void> {
  ensureLoadBalancers(ctx);
  if (chart === 'kube-prometheus-stack') await waitForGrafana(ctx);
}

onChartInstalled(workloadsChartHook);
