import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GcpModel } from '../gcp/model.js';
// Chart hooks: installing these charts through Flux starts the simulated Crossplane and GKE workloads.
import '../crossplane/hook.js';
import '../workloads/hook.js';
import { startGitHubServer } from '../github/server.js';
import type { GitHubFault, GitHubServer } from '../github/types.js';
import { AsdfService } from './asdf-service.js';
import { createClock, type Clock } from './clock.js';
import { WorldError } from './control-client.js';
import { startControlServer, type ControlServer, type Routes } from './control-server.js';
import { realDurations, resolveTimeScale } from './durations.js';
import { writeEnvironment, parseEnvFile } from './env-file.js';
import { Faults, type FaultName } from './faults.js';
import { dockerDownError, K3dService } from './k3d-service.js';
import { withFluxControllers } from '../flux/world-hook.js';
import { defaultKubeApiServer } from './kube-default.js';
import { KubeHost, type StartKubeApiServer } from './kube-host.js';
import { publicView, type PublicWorld } from './public-view.js';
import { repoRoot } from './repo-root.js';
import { emptyWorldState, loadWorldState, worldFile, writeJsonAtomic, type WorldState } from './state.js';
import { ensureToolBundle } from './tool-bundle.js';
import { dockerVersion, gkeVersion } from './tool-versions.js';

export interface WorldOptions {
  /** Where world.json, env.sh, bin/, kubeconfig and every simulated service's data live. */
  stateDir: string;
  /** Seconds of simulation per real-world second; default from LAB_SIM_TIME_SCALE or 0.01. */
  timeScale?: number;
  faults?: string[];
  /** The Kubernetes API server implementation (default: test/sim/kube); null: clusters get none. */
  startKubeApiServer?: StartKubeApiServer | null;
  /** Start with time standing still until `world.clock.release()` (tests of in-between states). */
  holdClock?: boolean;
  /** Folder holding the real kubectl and helm (default: LAB_KUBE_TOOLS or .cache/kube-tools). */
  kubeToolsDir?: string;
}

export interface World {
  readonly url: string;
  readonly stateDir: string;
  readonly envFile: string;
  /** `process.env` as it is after sourcing env.sh. */
  env(base?: NodeJS.ProcessEnv): Record<string, string>;
  readonly clock: Clock;
  readonly faults: Faults;
  readonly gcp: GcpModel;
  readonly kube: KubeHost;
  readonly github: GitHubServer;
  snapshot(): Promise<PublicWorld>;
  close(): Promise<void>;
}

/** GcpModel methods the fake gcloud may call through `POST /gcp/METHOD` with `{args: [...]}`. */
const GCP_METHODS = [
  'project',
  'enableServices', 'listEnabledServices', 'createServiceAccount', 'listServiceAccounts', 'getServiceAccount', 'deleteServiceAccount',
  'addIamBinding', 'createKey', 'listKeys', 'deleteKey', 'createNetwork', 'getNetwork', 'listNetworks', 'deleteNetwork',
  'createCluster', 'getCluster', 'listClusters', 'deleteCluster', 'createNodePool', 'getNodePool', 'deleteNodePool',
  'createLoadBalancer', 'getLoadBalancer', 'listForwardingRules', 'deleteLoadBalancer',
] as const satisfies ReadonlyArray<keyof GcpModel>;

const GITHUB_FAULTS: GitHubFault[] = ['github-token-rejected', 'github-token-scopes'];

/**
 * Starts the simulated outside world: control server, GitHub, GCP, docker/k3d/asdf state, and
 * the API servers of every cluster that exists. Resumes from `DIR/world.json` when present.
 */
export async function startWorld(options: WorldOptions): Promise<World> {
  const stateDir = options.stateDir;
  mkdirSync(stateDir, { recursive: true });
  const root = repoRoot();
  const state: WorldState = loadWorldState(stateDir) ?? emptyWorldState();
  const clock = createClock(resolveTimeScale(options.timeScale), { held: options.holdClock ?? false });
  let closing = false;
  const persist = (): void => {
    if (closing) return;
    state.faults = faults.list();
    writeJsonAtomic(worldFile(stateDir), state);
  };
  const faults: Faults = new Faults([...state.faults, ...(options.faults ?? [])], () => {
    syncGitHubFaults();
    persist();
  });

  const toolBundle = await ensureToolBundle(root);
  const github = await startGitHubServer({ dataDir: join(stateDir, 'github'), users: [{ ...state.github.user, type: 'User', name: 'Lab Student', email: 'student@example.com' }] });
  const syncGitHubFaults = (): void => {
    for (const fault of GITHUB_FAULTS) github.setFault(fault, faults.has(fault));
  };
  syncGitHubFaults();

  const startApiServer = options.startKubeApiServer === null ? undefined : (options.startKubeApiServer ?? defaultKubeApiServer());
  const kube: KubeHost = new KubeHost(stateDir, withFluxControllers(startApiServer, () => ({ clock, faults, gcp, githubGitUrl: github.gitUrl, ...(options.kubeToolsDir ? { kubeToolsDir: options.kubeToolsDir } : {}) })));
  const gkeId = (project: string, location: string, name: string): string => `gke_${project}_${location}_${name}`;
  const gcp = new GcpModel(state.gcp, clock, faults, persist, {
    clusterRunning: async (project, cluster) => {
      if (!kube.available) return 0;
      const nodes = Array.from({ length: 3 }, (_, i) => ({
        name: `gke-${cluster.name}-default-pool-${cluster.id.slice(0, 8)}-${String.fromCharCode(97 + i)}${cluster.id.slice(8 + i, 11 + i)}`,
        roles: [],
        kubeletVersion: gkeVersion,
        labels: { 'cloud.google.com/gke-nodepool': 'default-pool', 'topology.kubernetes.io/zone': cluster.location },
      }));
      const server = await kube.up(gkeId(project, cluster.location, cluster.name), cluster.name, {
        ...(cluster.apiPort ? { port: cluster.apiPort } : {}),
        kubernetesVersion: gkeVersion,
        nodes,
      });
      return server.port;
    },
    clusterGone: (project, cluster) => kube.down(gkeId(project, cluster.location, cluster.name)),
  });
  const k3d = new K3dService(state, kube, faults, clock, persist);
  const asdf = new AsdfService(state.asdf, clock, persist);

  const apiServers = (): Record<string, string> => Object.fromEntries(kube.ids().map((id) => [id, kube.get(id)?.url ?? '']));
  const snapshot = async (): Promise<PublicWorld> => publicView(state, (await github.state()).repos, apiServers());

  const routes: Routes = {
    'GET /world': () => snapshot(),
    'GET /faults': () => ({ active: faults.list() }),
    'POST /faults': (body) => {
      if (Array.isArray(body.set)) faults.set(body.set as string[]);
      if (Array.isArray(body.enable)) faults.enable(...(body.enable as string[]));
      if (Array.isArray(body.disable)) faults.disable(...(body.disable as string[]));
      return { active: faults.list() };
    },
    'GET /docker/info': () => {
      if (faults.has('docker-down')) throw dockerDownError();
      const containers = state.docker.containers;
      return {
        serverVersion: dockerVersion.server,
        containers: containers.length,
        running: containers.filter((c) => c.status === 'running').length,
        images: new Set(containers.map((c) => c.image)).size,
        containerList: containers,
      };
    },
    'GET /k3d/clusters': () => ({ clusters: k3d.list() }),
    'POST /k3d/create': async (body) => ({
      cluster: await k3d.create({
        name: String(body.name),
        ...(typeof body.servers === 'number' ? { servers: body.servers } : {}),
        ...(typeof body.agents === 'number' ? { agents: body.agents } : {}),
        ...(typeof body.apiPort === 'number' ? { apiPort: body.apiPort } : {}),
        ...(typeof body.apiHost === 'string' ? { apiHost: body.apiHost } : {}),
      }),
      timeScale: clock.scale,
    }),
    'POST /k3d/delete': async (body) => ({ deleted: await k3d.delete(String(body.name)), timeScale: clock.scale }),
    'GET /asdf': () => asdf.snapshot(),
    'POST /asdf/plugin-add': (body) => ({ added: asdf.addPlugin(String(body.name)) }),
    'POST /asdf/install': async (body) => ({ installed: await asdf.install(String(body.plugin), String(body.version)) }),
    'GET /gcp/config': () => ({ account: state.gcp.account, defaultProject: state.gcp.defaultProject }),
    'POST /gcp/credentials': (body) => {
      const cluster = gcp.getCluster(String(body.project), String(body.location), String(body.name));
      return { cluster, authPluginMissing: faults.has('gke-auth-plugin-missing'), serverUrl: cluster.apiPort ? `http://127.0.0.1:${cluster.apiPort}` : undefined };
    },
  };
  for (const method of GCP_METHODS) {
    routes[`POST /gcp/${method}`] = async (body) => {
      const args = Array.isArray(body.args) ? body.args : [];
      return { result: (await (gcp[method] as (...a: unknown[]) => unknown).apply(gcp, args)) ?? null };
    };
  }
  const control: ControlServer = await startControlServer(routes, async () => {
    if (faults.has('slow-network' satisfies FaultName)) {
      // Network latency is not lab time, so it is scaled less: at the default scale a call still
      // waits a noticeable 300 ms.
      await new Promise((resolve) => setTimeout(resolve, realDurations.slowNetworkLatency * 1000 * Math.max(clock.scale, 0.1)));
    }
  });

  await k3d.resume();
  gcp.resume();
  const envFile = writeEnvironment({
    stateDir,
    controlUrl: control.url,
    timeScale: clock.scale,
    toolBundle,
    kubeToolsDir: options.kubeToolsDir ?? process.env.LAB_KUBE_TOOLS ?? join(root, '.cache', 'kube-tools'),
    gcp: { account: state.gcp.account, project: state.gcp.defaultProject },
    github: { apiUrl: github.apiUrl, gitUrl: github.gitUrl, login: state.github.user.login, token: state.github.user.token },
  });
  persist();

  return {
    url: control.url,
    stateDir,
    envFile,
    env: (base = process.env) => ({ ...(base as Record<string, string>), ...parseEnvFile(readFileSync(envFile, 'utf8'), base.PATH ?? '') }),
    clock,
    faults,
    gcp,
    kube,
    github,
    snapshot,
    async close() {
      if (closing) return;
      persist();
      closing = true;
      clock.stop();
      await gcp.settled();
      await Promise.allSettled([control.close(), github.close(), kube.closeAll()]);
    },
  };
}

export { WorldError };
