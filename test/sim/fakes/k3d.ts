import { randomBytes } from 'node:crypto';
import type { ToolIo } from '../bin/tool-io.js';
import { callWorld, WorldError } from '../world/control-client.js';
import type { K3dClusterView } from '../world/k3d-service.js';
import { kubeconfigPath, removeContext, setContext } from '../world/kubeconfig-context.js';
import { k3sVersion, pinnedToolVersions } from '../world/tool-versions.js';
import { K3dLog } from './k3d-log.js';

const K3D_VERSION = `v${pinnedToolVersions.k3d}`;
const DOCKER_SOCKET_ERROR = 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?';

/** Flags of `k3d cluster create` that take a value (long and short forms). */
const CREATE_VALUE_FLAGS = new Set([
  '--api-port', '--servers', '-s', '--agents', '-a', '--k3s-arg', '--port', '-p', '--image', '-i', '--network', '--timeout', '--token',
  '--volume', '-v', '--env', '-e', '--registry-create', '--registry-use', '--registry-config', '--config', '-c', '--subnet',
  '--k3s-node-label', '--runtime-label', '--runtime-ulimit', '--host-alias', '--agents-memory', '--servers-memory', '--gpus', '--lb-config-override',
]);
const CREATE_BOOL_FLAGS = new Set([
  '--wait', '--no-lb', '--no-rollback', '--kubeconfig-update-default', '--kubeconfig-switch-context', '--no-image-volume', '--no-hostip',
  '--timestamps', '--verbose', '--trace',
]);

interface Parsed {
  positional: string[];
  values: Map<string, string[]>;
  bools: Map<string, boolean>;
  unknown?: string;
}

function parse(argv: string[], valueFlags: Set<string>, boolFlags: Set<string>): Parsed {
  const parsed: Parsed = { positional: [], values: new Map(), bools: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-') || arg === '-') {
      parsed.positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    if (valueFlags.has(flag)) {
      const value = inline ?? argv[++i];
      if (value === undefined) {
        parsed.unknown = `flag needs an argument: ${flag}`;
        return parsed;
      }
      parsed.values.set(flag, [...(parsed.values.get(flag) ?? []), value]);
    } else if (boolFlags.has(flag)) {
      parsed.bools.set(flag, inline === undefined ? true : inline === 'true');
    } else {
      parsed.unknown = flag.startsWith('--') ? `unknown flag: ${flag}` : `unknown shorthand flag: '${flag.slice(1, 2)}' in ${arg}`;
      return parsed;
    }
  }
  return parsed;
}

function value(parsed: Parsed, ...flags: string[]): string | undefined {
  for (const flag of flags) {
    const values = parsed.values.get(flag);
    if (values?.length) return values[values.length - 1];
  }
  return undefined;
}

/** Fake `k3d` v5.9: version, cluster create/list/delete, kubeconfig merge. */
export async function main(argv: string[], io: ToolIo): Promise<number> {
  const log = new K3dLog(io, Number(io.env.LAB_SIM_TIME_SCALE ?? '1') || 1);
  const [group, command, ...rest] = argv;
  if (group === 'version' || group === '--version') {
    if (command === '-o' && rest[0] === 'json') io.stdout.write(`${JSON.stringify({ k3d: K3D_VERSION, k3s: k3sVersion })}\n`);
    else io.stdout.write(`k3d version ${K3D_VERSION}\nk3s version ${k3sVersion} (default)\n`);
    return 0;
  }
  if (group === 'cluster') {
    switch (command) {
      case 'create':
      case 'add':
        return create(rest, io, log);
      case 'list':
      case 'ls':
      case 'get':
        return list(rest, io, log);
      case 'delete':
      case 'del':
      case 'rm':
        return remove(rest, io, log);
    }
  }
  if (group === 'kubeconfig' && command === 'merge') return merge(rest, io, log);
  return log.fatal(`unknown command "${[group, command].filter(Boolean).join(' ')}" for "k3d"`);
}

async function clusters(io: ToolIo): Promise<K3dClusterView[]> {
  return (await callWorld<{ clusters: K3dClusterView[] }>(io.env, '/k3d/clusters')).clusters;
}

/** k3d's hostname rules for cluster names (RFC 1123 label, at most 32 characters for k3d). */
function nameProblem(name: string): string | undefined {
  if (name.length > 32) return `cluster name must be <= 32 characters, but is ${name.length}`;
  if (name.startsWith('-') || name.endsWith('-')) return `Hostname [${name}] must not start or end with - (dash)`;
  if (!/^[A-Za-z0-9-]+$/.test(name)) return `Hostname [${name}] contains characters other than 'Aa-Zz', '0-9' or '-'`;
  return undefined;
}

async function create(argv: string[], io: ToolIo, log: K3dLog): Promise<number> {
  const parsed = parse(argv, CREATE_VALUE_FLAGS, CREATE_BOOL_FLAGS);
  if (parsed.unknown) return log.fatal(parsed.unknown);
  if (parsed.positional.length > 1) return log.fatal(`accepts at most 1 arg(s), received ${parsed.positional.length}`);
  const name = parsed.positional[0] ?? 'k3s-default';
  const problem = nameProblem(name);
  if (problem) return log.fatal(`Failed to create cluster: invalid cluster name: ${problem}`);
  const servers = Number(value(parsed, '--servers', '-s') ?? '1');
  const agents = Number(value(parsed, '--agents', '-a') ?? '0');
  if (!Number.isInteger(servers) || servers < 1 || !Number.isInteger(agents) || agents < 0) return log.fatal('invalid argument: --servers must be >= 1 and --agents >= 0');
  const apiPortArg = value(parsed, '--api-port');
  let apiHost: string | undefined;
  let apiPort: number | undefined;
  if (apiPortArg) {
    const match = /^(?:([^:]*):)?(\d+)$/.exec(apiPortArg);
    if (!match) return log.fatal(`Failed to parse API Port specification '${apiPortArg}'`);
    apiHost = match[1] || undefined;
    apiPort = Number(match[2]);
  }

  let existing: K3dClusterView[];
  try {
    existing = await clusters(io);
  } catch (error) {
    if (error instanceof WorldError && error.kind === 'docker-down') return dockerDown(name, log);
    throw error;
  }
  if (existing.some((c) => c.name === name)) return log.fatal(`Failed to create cluster '${name}' because a cluster with that name already exists`);

  log.info('Prep: Network');
  log.info(`Created network 'k3d-${name}'`);
  log.info(`Created image volume k3d-${name}-images`);
  log.info('Starting new tools node...');
  log.info(`Starting node 'k3d-${name}-tools'`);
  for (let i = 0; i < servers; i++) log.info(`Creating node 'k3d-${name}-server-${i}'`);
  for (let i = 0; i < agents; i++) log.info(`Creating node 'k3d-${name}-agent-${i}'`);
  log.info(`Creating LoadBalancer 'k3d-${name}-serverlb'`);
  log.info('Using the k3d-tools node to gather environment information');
  log.info('Starting new tools node...');
  log.info(`Starting node 'k3d-${name}-tools'`);
  log.info(`Starting cluster '${name}'`);
  log.info('Starting servers...');
  for (let i = 0; i < servers; i++) log.info(`Starting node 'k3d-${name}-server-${i}'`);

  let cluster: K3dClusterView;
  try {
    const created = await callWorld<{ cluster: K3dClusterView; timeScale: number }>(io.env, '/k3d/create', { name, servers, agents, apiHost, apiPort });
    log.setTimeScale(created.timeScale);
    cluster = created.cluster;
  } catch (error) {
    if (!(error instanceof WorldError)) throw error;
    if (error.kind === 'docker-down') return dockerDown(name, log);
    const node = String(error.data.node ?? `k3d-${name}-server-0`);
    if (error.kind === 'port-in-use') {
      log.error(
        `Failed Cluster Start: Failed to add one or more helper nodes: runtime failed to start node '${node}': docker failed to start container for node '${node}': ` +
          `Error response from daemon: driver failed programming external connectivity on endpoint ${node} (${randomBytes(32).toString('hex')}): ${error.message}`,
      );
    } else if (error.kind === 'create-failed') {
      log.error(
        `Failed Cluster Start: Failed to start server ${node}: runtime failed to start node '${node}': docker failed to start container for node '${node}': ` +
          'Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exit status 1',
      );
    } else if (error.kind === 'exists') {
      return log.fatal(`Failed to create cluster '${name}' because a cluster with that name already exists`);
    } else {
      throw error;
    }
    log.error('Failed to create cluster >>> Rolling Back');
    log.info(`Deleting cluster '${name}'`);
    log.info(`Deleting cluster network 'k3d-${name}'`);
    log.info('Deleting 1 attached volumes...');
    return log.fatal('Cluster creation FAILED, all changes have been rolled back!');
  }

  if (agents > 0) {
    log.info('Starting agents...');
    for (let i = 0; i < agents; i++) log.info(`Starting node 'k3d-${name}-agent-${i}'`);
  } else {
    log.info('All agents already running.');
  }
  log.info('Starting helpers...');
  log.info(`Starting node 'k3d-${name}-serverlb'`);
  log.info(`Injecting records for hostAliases (incl. host.k3d.internal) and for ${servers + agents + 2} network members into CoreDNS configmap...`);
  const updateDefault = parsed.bools.get('--kubeconfig-update-default') ?? true;
  const switchContext = updateDefault && (parsed.bools.get('--kubeconfig-switch-context') ?? true);
  if (updateDefault) {
    setContext(kubeconfigPath(io.env), { name: `k3d-${name}`, server: cluster.serverUrl, user: `admin@k3d-${name}` }, switchContext);
  }
  log.info(`Cluster '${name}' created successfully!`);
  if (!updateDefault) log.info('--kubeconfig-update-default=false --> sets --kubeconfig-switch-context=false');
  log.info('You can now use it like this:');
  if (updateDefault && !switchContext) io.stdout.write(`kubectl config use-context k3d-${name}\n`);
  io.stdout.write('kubectl cluster-info\n');
  return 0;
}

function dockerDown(name: string, log: K3dLog): number {
  log.error(`Failed to get nodes for cluster '${name}': docker failed to get containers with labels 'map[k3d.cluster:${name}]': failed to list containers: ${DOCKER_SOCKET_ERROR}`);
  log.info('Prep: Network');
  log.error(`Failed Cluster Preparation: Failed Network Preparation: failed to create cluster network: failed to check for duplicate docker networks: docker failed to list networks: ${DOCKER_SOCKET_ERROR}`);
  log.error('Failed to create cluster >>> Rolling Back');
  log.info(`Deleting cluster '${name}'`);
  log.error(`Failed to get nodes for cluster '${name}': docker failed to get containers with labels 'map[k3d.cluster:${name}]': failed to list containers: ${DOCKER_SOCKET_ERROR}`);
  log.error('failed to get cluster: No nodes found for given cluster');
  return log.fatal('Cluster creation FAILED, also FAILED to rollback changes!');
}

async function list(argv: string[], io: ToolIo, log: K3dLog): Promise<number> {
  const parsed = parse(argv, new Set(['--output', '-o']), new Set(['--no-headers', '--token', '--verbose', '--trace', '--timestamps']));
  if (parsed.unknown) return log.fatal(parsed.unknown);
  let all: K3dClusterView[];
  try {
    all = await clusters(io);
  } catch (error) {
    if (error instanceof WorldError && error.kind === 'docker-down') {
      return log.fatal(`Failed to get clusters: docker failed to get containers with labels 'map[app:k3d]': failed to list containers: ${DOCKER_SOCKET_ERROR}`);
    }
    throw error;
  }
  const selected = parsed.positional.length > 0 ? all.filter((c) => parsed.positional.includes(c.name)) : all;
  if (parsed.positional.length > 0 && selected.length < parsed.positional.length) return log.fatal('No nodes found for given cluster');
  const output = value(parsed, '--output', '-o');
  if (output === 'json') {
    io.stdout.write(`${JSON.stringify(selected.map(clusterJson))}\n`);
    return 0;
  }
  if (output && output !== 'json' && output !== 'yaml') return log.fatal(`Unknown output format '${output}'`);
  const rows = selected.map((c) => [c.name, `${c.servers}/${c.servers}`, `${c.agents}/${c.agents}`, 'true']);
  if (!parsed.bools.get('--no-headers')) rows.unshift(['NAME', 'SERVERS', 'AGENTS', 'LOADBALANCER']);
  io.stdout.write(tabwrite(rows, 6, 3));
  return 0;
}

/** liggitt/tabwriter as k3d configures it: minimum cell width, padding, last column unpadded. */
function tabwrite(rows: string[][], minWidth: number, padding: number): string {
  const columns = Math.max(0, ...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, i) => Math.max(minWidth, ...rows.map((r) => (r[i]?.length ?? 0) + padding)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('') + '\n').join('');
}

/** The JSON k3d prints for one cluster (field names from k3d's types; values of a fresh cluster). */
function clusterJson(c: K3dClusterView): Record<string, unknown> {
  const port = String(c.apiPort);
  const kubeAPI = { Port: '6443', Binding: { HostIp: c.apiHost, HostPort: port }, host: c.apiHost };
  const nodes = c.containers
    .filter((n) => n.labels['k3d.role'] !== 'loadbalancer')
    .map((n) => ({
      name: n.name,
      role: n.labels['k3d.role'],
      image: n.image,
      volumes: [`k3d-${c.name}-images:/k3d/images`],
      env: [`K3S_TOKEN=${c.token}`],
      Cmd: n.labels['k3d.role'] === 'server' ? ['server'] : ['agent'],
      portMappings: n.labels['k3d.role'] === 'server' ? { '6443/tcp': [{ HostIp: c.apiHost, HostPort: port }] } : {},
      restart: true,
      created: n.created,
      runtimeLabels: n.labels,
      Networks: [`k3d-${c.name}`],
      ExtraHosts: null,
      serverOpts: n.labels['k3d.role'] === 'server' ? { kubeAPI } : {},
      agentOpts: {},
      GPURequest: '',
      Memory: '',
      State: { Running: n.status === 'running', Status: n.status, Started: n.created },
      IP: { IP: '', Static: false },
      K3dEntrypoint: true,
    }));
  const lb = c.containers.find((n) => n.labels['k3d.role'] === 'loadbalancer');
  return {
    name: c.name,
    network: { name: `k3d-${c.name}`, id: '', ipam: { Managed: false }, Members: null },
    nodes,
    InitNode: null,
    kubeAPI,
    ...(lb
      ? {
          serverLoadBalancer: {
            name: lb.name,
            role: 'loadbalancer',
            image: lb.image,
            State: { Running: lb.status === 'running', Status: lb.status, Started: lb.created },
            config: { ports: { '6443.tcp': nodes.filter((n) => n.role === 'server').map((n) => n.name) }, settings: { workerConnections: 1024 } },
          },
        }
      : {}),
    imageVolume: `k3d-${c.name}-images`,
    volumes: [`k3d-${c.name}-images`],
    serversRunning: c.servers,
    serversCount: c.servers,
    agentsRunning: c.agents,
    agentsCount: c.agents,
    ...(lb ? { hasLoadbalancer: true } : {}),
  };
}

async function remove(argv: string[], io: ToolIo, log: K3dLog): Promise<number> {
  const parsed = parse(argv, new Set(['--config', '-c']), new Set(['--all', '-a', '--verbose', '--trace', '--timestamps']));
  if (parsed.unknown) return log.fatal(parsed.unknown);
  let names = parsed.positional;
  try {
    const existing = await clusters(io);
    if (parsed.bools.get('--all') || parsed.bools.get('-a')) names = existing.map((c) => c.name);
    else if (names.length === 0) names = ['k3s-default'];
    let deleted = 0;
    for (const name of names) {
      if (!existing.some((c) => c.name === name)) {
        log.info(`No nodes found for cluster '${name}', nothing to delete.`);
        continue;
      }
      log.info(`Deleting cluster '${name}'`);
      const result = await callWorld<{ deleted: boolean; timeScale: number }>(io.env, '/k3d/delete', { name });
      log.setTimeScale(result.timeScale);
      log.info(`Deleting cluster network 'k3d-${name}'`);
      log.info('Deleting 1 attached volumes...');
      log.info('Removing cluster details from default kubeconfig...');
      removeContext(kubeconfigPath(io.env), `k3d-${name}`, `admin@k3d-${name}`);
      log.info('Removing standalone kubeconfig file (if there is one)...');
      log.info(`Successfully deleted cluster ${name}!`);
      deleted++;
    }
    if (deleted === 0) log.info('No clusters found');
    return 0;
  } catch (error) {
    if (error instanceof WorldError && error.kind === 'docker-down') {
      return log.fatal(`Failed to get nodes for cluster '${names[0] ?? 'k3s-default'}': docker failed to get containers with labels 'map[k3d.cluster:${names[0] ?? 'k3s-default'}]': failed to list containers: ${DOCKER_SOCKET_ERROR}`);
    }
    throw error;
  }
}

async function merge(argv: string[], io: ToolIo, log: K3dLog): Promise<number> {
  const parsed = parse(argv, new Set(['--output', '-o']), new Set(['--kubeconfig-switch-context', '-s', '--kubeconfig-merge-default', '-d', '--all', '-a', '--overwrite']));
  if (parsed.unknown) return log.fatal(parsed.unknown);
  const all = await clusters(io);
  const selected = parsed.bools.get('--all') || parsed.bools.get('-a') ? all : all.filter((c) => parsed.positional.includes(c.name));
  if (selected.length === 0) return log.fatal('No nodes found for given cluster');
  const file = kubeconfigPath(io.env);
  for (const c of selected) setContext(file, { name: `k3d-${c.name}`, server: c.serverUrl, user: `admin@k3d-${c.name}` }, parsed.bools.get('--kubeconfig-switch-context') ?? parsed.bools.get('-s') ?? true);
  io.stdout.write(`${file}\n`);
  return 0;
}
