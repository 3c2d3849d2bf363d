import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { Clock } from './clock.js';
import { WorldError } from './control-client.js';
import type { Faults } from './faults.js';
import type { KubeHost } from './kube-host.js';
import type { DockerContainer, K3dClusterRecord, WorldState } from './state.js';
import { k3sVersion } from './tool-versions.js';

export interface K3dCreateRequest {
  name: string;
  servers?: number;
  agents?: number;
  /** From `--api-port [HOST:]PORT`; absent: a free port, as k3d picks a random one. */
  apiHost?: string;
  apiPort?: number;
}

export interface K3dClusterView extends K3dClusterRecord {
  containers: DockerContainer[];
  serverUrl: string;
}

const DOCKER_DOWN = 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?';

export function dockerDownError(): WorldError {
  return new WorldError(503, 'docker-down', DOCKER_DOWN);
}

/** k3d clusters as docker sees them (containers, a network, a volume) plus their API servers. */
export class K3dService {
  constructor(
    private readonly state: WorldState,
    private readonly kube: KubeHost,
    private readonly faults: Faults,
    private readonly clock: Clock,
    private readonly changed: () => void,
  ) {}

  list(): K3dClusterView[] {
    if (this.faults.has('docker-down')) throw dockerDownError();
    return [...this.state.k3d.clusters].sort((a, b) => a.name.localeCompare(b.name)).map((c) => this.view(c));
  }

  async create(req: K3dCreateRequest): Promise<K3dClusterView> {
    if (this.faults.has('docker-down')) throw dockerDownError();
    if (this.state.k3d.clusters.some((c) => c.name === req.name)) {
      throw new WorldError(409, 'exists', `a cluster named ${req.name} already exists`);
    }
    const servers = req.servers ?? 1;
    const agents = req.agents ?? 0;
    await this.clock.after(2);
    if (this.faults.has('k3d-create-fails')) {
      throw new WorldError(500, 'create-failed', `runtime failed to start node 'k3d-${req.name}-server-0'`, { node: `k3d-${req.name}-server-0` });
    }
    const port = req.apiPort ?? (await freePort());
    if (this.faults.has('port-in-use') || (req.apiPort !== undefined && !(await portIsFree(req.apiPort)))) {
      throw new WorldError(409, 'port-in-use', `Bind for 0.0.0.0:${port} failed: port is already allocated`, { node: `k3d-${req.name}-serverlb`, port });
    }
    const record: K3dClusterRecord = {
      name: req.name,
      servers,
      agents,
      apiPort: port,
      apiHost: req.apiHost ?? '0.0.0.0',
      token: randomBytes(10).toString('hex'),
      created: new Date().toISOString(),
    };
    await this.startApiServer(record);
    await this.clock.wait('k3dClusterCreate');
    this.addDockerObjects(record);
    this.state.k3d.clusters.push(record);
    this.changed();
    return this.view(record);
  }

  /** Returns false when there was no such cluster (k3d then says "No clusters found" and succeeds). */
  async delete(name: string): Promise<boolean> {
    if (this.faults.has('docker-down')) throw dockerDownError();
    const record = this.state.k3d.clusters.find((c) => c.name === name);
    if (!record) return false;
    await this.clock.wait('k3dClusterDelete');
    await this.kube.down(kubeId(name));
    const docker = this.state.docker;
    docker.containers = docker.containers.filter((c) => c.labels['k3d.cluster'] !== name);
    docker.networks = docker.networks.filter((n) => n.name !== `k3d-${name}`);
    docker.volumes = docker.volumes.filter((v) => v !== `k3d-${name}-images`);
    this.state.k3d.clusters = this.state.k3d.clusters.filter((c) => c !== record);
    this.changed();
    return true;
  }

  /** After a restart: serve every existing cluster again on its old port. */
  async resume(): Promise<void> {
    for (const record of this.state.k3d.clusters) await this.startApiServer(record);
  }

  private async startApiServer(record: K3dClusterRecord): Promise<void> {
    if (!this.kube.available) return;
    const nodes = [
      ...Array.from({ length: record.servers }, (_, i) => ({ name: `k3d-${record.name}-server-${i}`, roles: ['control-plane', 'master'], kubeletVersion: k3sVersion.replace(/-k3s\d+$/, '+k3s1') })),
      ...Array.from({ length: record.agents }, (_, i) => ({ name: `k3d-${record.name}-agent-${i}`, roles: [], kubeletVersion: k3sVersion.replace(/-k3s\d+$/, '+k3s1') })),
    ];
    try {
      await this.kube.up(kubeId(record.name), record.name, { port: record.apiPort, kubernetesVersion: k3sVersion.replace(/-k3s\d+$/, '+k3s1'), nodes });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw new WorldError(409, 'port-in-use', `Bind for 0.0.0.0:${record.apiPort} failed: port is already allocated`, { node: `k3d-${record.name}-serverlb`, port: record.apiPort });
      }
      throw error;
    }
  }

  private addDockerObjects(record: K3dClusterRecord): void {
    const { name } = record;
    const base = { app: 'k3d', 'k3d.cluster': name, 'k3d.cluster.network': `k3d-${name}`, 'k3d.cluster.imageVolume': `k3d-${name}-images`, 'k3d.version': 'v5.9.0' };
    const created = new Date().toISOString();
    const node = (nodeName: string, role: string, image: string): DockerContainer => ({
      name: nodeName,
      image,
      status: 'running',
      labels: { ...base, 'k3d.role': role, ...(role === 'server' ? { 'k3d.server.api.host': record.apiHost, 'k3d.server.api.port': String(record.apiPort) } : {}) },
      network: `k3d-${name}`,
      created,
    });
    const k3s = `docker.io/rancher/k3s:${k3sVersion}`;
    const docker = this.state.docker;
    for (let i = 0; i < record.servers; i++) docker.containers.push(node(`k3d-${name}-server-${i}`, 'server', k3s));
    for (let i = 0; i < record.agents; i++) docker.containers.push(node(`k3d-${name}-agent-${i}`, 'agent', k3s));
    docker.containers.push(node(`k3d-${name}-serverlb`, 'loadbalancer', 'ghcr.io/k3d-io/k3d-proxy:5.9.0'));
    const index = docker.networks.length + 18;
    docker.networks.push({ name: `k3d-${name}`, id: randomBytes(32).toString('hex'), subnet: `172.${index}.0.0/16` });
    docker.volumes.push(`k3d-${name}-images`);
  }

  private view(record: K3dClusterRecord): K3dClusterView {
    return {
      ...record,
      containers: this.state.docker.containers.filter((c) => c.labels['k3d.cluster'] === record.name),
      serverUrl: this.kube.get(kubeId(record.name))?.url ?? `http://127.0.0.1:${record.apiPort}`,
    };
  }
}

export function kubeId(k3dName: string): string {
  return `k3d-${k3dName}`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
