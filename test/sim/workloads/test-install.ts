import { installChart, type ChartContext } from '../flux/charts.js';
import type { World } from '../world/world.js';

/**
 * Installs a chart on one of the world's clusters the way helm-controller does, for tests that
 * do not drive Flux: same ChartContext, same hooks. What the chart started keeps running after
 * a failed install, as on a real cluster; `onStop` receives its cleanups either way.
 */
export async function installTestChart(
  world: World,
  clusterId: string,
  release: { name: string; namespace: string; chart: string; version?: string; values?: Record<string, unknown> },
  onStop: (stop: () => Promise<void>) => void,
): Promise<void> {
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
  onStop(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  await installChart(ctx);
}
