import type { GcpModel } from '../gcp/model.js';
import type { Clock } from '../world/clock.js';
import type { Faults } from '../world/faults.js';
import type { StartKubeApiServer } from '../world/kube-host.js';
import { startFluxControllers } from './controllers.js';

export interface FluxWorldDeps {
  clock: Clock;
  faults: Faults;
  gcp?: GcpModel;
  githubGitUrl?: string;
  kubeToolsDir?: string;
}

/**
 * Gives every cluster the world starts its Flux controllers: they run beside the cluster's API
 * server, stay idle until Flux is installed on it, and stop before the server closes.
 * `deps` is read when a cluster starts, so the world may finish building itself first.
 */
export function withFluxControllers(start: StartKubeApiServer | undefined, deps: () => FluxWorldDeps): StartKubeApiServer | undefined {
  if (!start) return undefined;
  return async (options) => {
    const server = await start(options);
    const world = deps();
    const flux = startFluxControllers({
      store: server.store,
      server,
      clock: world.clock,
      faults: world.faults,
      clusterId: options.clusterName,
      ...(world.gcp ? { gcp: world.gcp } : {}),
      ...(world.githubGitUrl ? { githubGitUrl: world.githubGitUrl } : {}),
      ...(world.kubeToolsDir ? { kubeToolsDir: world.kubeToolsDir } : {}),
    });
    const closeServer = server.close.bind(server);
    return Object.assign(server, {
      close: async () => {
        await flux.close();
        await closeServer();
      },
    });
  };
}
