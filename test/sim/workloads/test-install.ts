import { installChart, type ChartContext } from '../flux/charts.js';
import type { World } from '../world/world.js';

/**
 * Installs a chart on one of the world's clusters the way helm-controller does, for tests that
 * do not run Flux: same ChartContext, same hooks. Returns the function that stops what the
 * chart started (the controllers' onStop cleanups).
 */
export async function installTestChart(world: World, clusterId: string, release: { name: string; namespace: string; chart: string; version?: string; values?: Record<string, unknown> }): Promise<() => Promise<void>> {
  const server = world.kube.get(clusterId);
  if (!server) throw new Error(`no API server for ${clusterId}`);
  const cleanups: Array<() => void | Promise<void>> = [];
  const ctx: ChartContext = {
    store: server.store,
    server,
    clock: world.clock,
    faults: world.faults,
    gcp: world.gcp,
    clusterId,
    release: { name: release.name, namespace: release.namespace, targetNamespace: release.namespace, chart: release.chart, version: release.version ?? '1.0.0', values: release.values ?? {} },
    ownerLabels: { 'helm.toolkit.fluxcd.io/name': release.name, 'helm.toolkit.fluxcd.io/namespace': release.namespace },
    onStop: (cleanup) => void cleanups.push(cleanup),
  };
  const stop = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  };
  try {
    await installChart(ctx);
  } catch (error) {
    await stop();
    throw error;
  }
  return stop;
}
