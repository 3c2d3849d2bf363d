import { onChartInstalled, type ChartContext } from '../flux/charts.js';
import { startCrossplane } from './controller.js';

/**
 * Installing the `crossplane` chart starts Crossplane core's package manager and, through it,
 * the providers' controllers on that cluster; they stop with the cluster's controllers.
 */
export function crossplaneChartHook(chart: string, ctx: ChartContext): void {
  if (chart !== 'crossplane') return;
  const crossplane = startCrossplane({ store: ctx.store, clock: ctx.clock, ...(ctx.gcp ? { gcp: ctx.gcp } : {}) });
  ctx.onStop(() => crossplane.close());
}

onChartInstalled(crossplaneChartHook);
