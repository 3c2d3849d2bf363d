import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { GcpState } from '../gcp/types.js';
import { emptyGcpState } from '../gcp/types.js';

/** A simulated docker container (k3d nodes are containers). */
export interface DockerContainer {
  name: string;
  image: string;
  status: 'running' | 'exited';
  labels: Record<string, string>;
  network: string;
  created: string;
}

export interface DockerNetwork {
  name: string;
  id: string;
  subnet: string;
}

export interface K3dClusterRecord {
  name: string;
  servers: number;
  agents: number;
  /** The host port of the cluster's simulated API server (what the kubeconfig points at). */
  apiPort: number;
  apiHost: string;
  token: string;
  created: string;
}

export interface AsdfState {
  plugins: string[];
  /** plugin -> installed versions */
  installs: Record<string, string[]>;
}

/** Everything the world knows, persisted as `world.json` and served by `GET /world`. */
export interface WorldState {
  version: 1;
  docker: { containers: DockerContainer[]; networks: DockerNetwork[]; volumes: string[] };
  k3d: { clusters: K3dClusterRecord[] };
  asdf: AsdfState;
  gcp: GcpState;
  /** The simulated GitHub's user; repositories live in the github module's own data dir. */
  github: { user: SimulatedGitHubUser };
  faults: string[];
}

export interface SimulatedGitHubUser {
  login: string;
  token: string;
  scopes: string[];
}

export function emptyWorldState(): WorldState {
  return {
    version: 1,
    docker: { containers: [], networks: [], volumes: [] },
    k3d: { clusters: [] },
    asdf: { plugins: [], installs: {} },
    gcp: emptyGcpState(),
    github: {
      user: { login: 'lab-student', token: `ghp_${randomBytes(18).toString('hex').slice(0, 36)}`, scopes: ['repo', 'admin:public_key', 'delete_repo'] },
    },
    faults: [],
  };
}

export function worldFile(stateDir: string): string {
  return join(stateDir, 'world.json');
}

export function loadWorldState(stateDir: string): WorldState | undefined {
  const file = worldFile(stateDir);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as WorldState;
}

/** Writes then renames, so a reader (`sim report`, a crash) never sees half a file. */
export function writeJsonAtomic(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
  renameSync(tmp, file);
}
