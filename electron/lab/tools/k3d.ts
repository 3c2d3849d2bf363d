/**
 * The k3d CLI: list, create and delete local clusters. Every call goes through the engine's
 * runner as an argument array, so it is journaled and shown as the person would type it.
 */
import type { CommandResult, CommandSpec } from '../run/types';

export type RunCommand = (spec: CommandSpec) => Promise<CommandResult>;

export interface K3dNode {
  name: string;
  role: string;
  running: boolean;
}

export interface K3dCluster {
  name: string;
  serversRunning: number;
  serversCount: number;
  agentsRunning: number;
  agentsCount: number;
  hasLoadbalancer: boolean;
  nodes: K3dNode[];
}

/** The kube context k3d writes for a cluster. */
export const k3dContext = (name: string): string => `k3d-${name}`;

export const k3dArgv = {
  list: (): string[] => ['k3d', 'cluster', 'list', '-o', 'json'],
  create: (name: string): string[] => ['k3d', 'cluster', 'create', name, '--wait'],
  start: (name: string): string[] => ['k3d', 'cluster', 'start', name, '--wait'],
  delete: (name: string): string[] => ['k3d', 'cluster', 'delete', name],
  /** Writes the cluster's context into the default kubeconfig and makes it current. */
  mergeKubeconfig: (name: string): string[] => ['k3d', 'kubeconfig', 'merge', name, '--kubeconfig-merge-default', '--kubeconfig-switch-context'],
};

const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/** Parses `k3d cluster list -o json` (LAB.md section 3): a JSON array, `hasLoadbalancer` absent when false. */
export function parseClusterList(json: string): K3dCluster[] {
  const text = json.trim();
  if (!text) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`k3d cluster list -o json printed something that is not JSON: ${text.slice(0, 200)}`);
  }
  if (!Array.isArray(parsed)) throw new Error('k3d cluster list -o json did not print a JSON array');
  return parsed.map((raw: Record<string, unknown>) => {
    const nodes = Array.isArray(raw.nodes) ? (raw.nodes as Array<Record<string, unknown>>) : [];
    return {
      name: String(raw.name ?? ''),
      serversRunning: num(raw.serversRunning),
      serversCount: num(raw.serversCount),
      agentsRunning: num(raw.agentsRunning),
      agentsCount: num(raw.agentsCount),
      hasLoadbalancer: raw.hasLoadbalancer === true,
      nodes: nodes.map((node) => ({
        name: String(node.name ?? ''),
        role: String(node.role ?? ''),
        running: (node.State as { Running?: unknown } | undefined)?.Running === true,
      })),
    };
  });
}

/** True when every server of the cluster runs (a stopped cluster is listed too). */
export function serversRunning(cluster: K3dCluster): boolean {
  return cluster.serversCount > 0 && cluster.serversRunning === cluster.serversCount;
}

export async function listClusters(run: RunCommand): Promise<K3dCluster[]> {
  return parseClusterList((await run({ argv: k3dArgv.list() })).stdout);
}

export async function findCluster(run: RunCommand, name: string): Promise<K3dCluster | undefined> {
  return (await listClusters(run)).find((cluster) => cluster.name === name);
}

export async function createCluster(run: RunCommand, name: string): Promise<void> {
  await run({ argv: k3dArgv.create(name) });
}

export async function startCluster(run: RunCommand, name: string): Promise<void> {
  await run({ argv: k3dArgv.start(name) });
}

/** Deleting a missing cluster is not an error for k3d (it logs `No clusters found`, exit 0). */
export async function deleteCluster(run: RunCommand, name: string): Promise<void> {
  await run({ argv: k3dArgv.delete(name) });
}

export async function mergeKubeconfig(run: RunCommand, name: string): Promise<void> {
  await run({ argv: k3dArgv.mergeKubeconfig(name) });
}
