import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeApiServer, KubeApiServerOptions } from '../kube/types.js';
import { nodeObject } from '../kube/seed.js';
import { writeJsonAtomic } from './state.js';

export type StartKubeApiServer = (options: KubeApiServerOptions) => Promise<KubeApiServer>;

export interface NodeSpec {
  name: string;
  roles: string[];
  kubeletVersion: string;
  labels?: Record<string, string>;
}

/**
 * Hosts the simulated clusters' API servers inside the world process, one per cluster id
 * (`k3d/NAME`, `gke/PROJECT/LOCATION/NAME`). Their stores are saved under `DIR/kube/` when the
 * world stops, so a restarted world serves the same objects on the same ports.
 */
export class KubeHost {
  private readonly servers = new Map<string, KubeApiServer>();

  constructor(
    private readonly stateDir: string,
    private readonly start: StartKubeApiServer | undefined,
  ) {}

  get available(): boolean {
    return this.start !== undefined;
  }

  get(id: string): KubeApiServer | undefined {
    return this.servers.get(id);
  }

  ids(): string[] {
    return [...this.servers.keys()];
  }

  async up(id: string, clusterName: string, options: { port?: number; kubernetesVersion: string; nodes: NodeSpec[] }): Promise<KubeApiServer> {
    const running = this.servers.get(id);
    if (running) return running;
    if (!this.start) throw new Error('no Kubernetes API server implementation was given to the world');
    const saved = this.stateFile(id);
    const gitVersion = `v${options.kubernetesVersion.replace(/^v/, '')}`;
    const server = await this.start({
      clusterName,
      kubernetesVersion: gitVersion,
      ...(options.port ? { port: options.port } : {}),
      ...(existsSync(saved) ? { state: JSON.parse(readFileSync(saved, 'utf8')) as unknown } : {}),
    });
    this.servers.set(id, server);
    options.nodes.forEach((node, index) => ensureNode(server, node, gitVersion, index));
    return server;
  }

  /** Stops the server and forgets its objects: the cluster is gone. */
  async down(id: string): Promise<void> {
    const server = this.servers.get(id);
    this.servers.delete(id);
    await server?.close();
    rmSync(this.stateFile(id), { force: true });
  }

  /** Saves every store and stops every server (the clusters live on in the saved state). */
  async closeAll(): Promise<void> {
    const all = [...this.servers.entries()];
    this.servers.clear();
    await Promise.all(
      all.map(async ([id, server]) => {
        try {
          writeJsonAtomic(this.stateFile(id), server.serialize());
        } finally {
          await server.close();
        }
      }),
    );
  }

  private stateFile(id: string): string {
    mkdirSync(join(this.stateDir, 'kube'), { recursive: true });
    return join(this.stateDir, 'kube', `${id.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);
  }
}

/** Nodes join a restored cluster too (the saved store may predate them). */
function ensureNode(server: KubeApiServer, node: NodeSpec, gitVersion: string, index: number): void {
  if (server.store.get('v1', 'Node', undefined, node.name)) return;
  const object = nodeObject(node.name, node.roles, gitVersion, index);
  object.metadata.labels = { ...(object.metadata.labels ?? {}), ...(node.labels ?? {}) };
  server.store.create(object);
}
