/** The machine itself: free disk, free memory, and the host ports the clusters will bind. */
import { statfs } from 'node:fs/promises';
import { createServer } from 'node:net';
import { freemem } from 'node:os';
import { failed, passed, type Diagnostic } from './types';

const GB = 1024 ** 3;
/** k3d pulls the k3s image and every chart's images into Docker's disk; 10 GB leaves headroom. */
export const MIN_FREE_DISK = 10 * GB;
/** A k3d server with Flux, Crossplane and its providers uses about 3 GB; 4 GB free is advised. */
export const MIN_FREE_MEMORY = 4 * GB;
/** The k3d API port the lab asks for (`--api-port 127.0.0.1:6550`, LAB.md pitfalls). */
export const DEFAULT_PORTS = [6550];

const gb = (bytes: number): string => `${(bytes / GB).toFixed(1)} GB`;

async function statfsFree(dir: string): Promise<number> {
  const stats = await statfs(dir);
  return Number(stats.bavail) * Number(stats.bsize);
}

export const freeDisk: Diagnostic = {
  id: 'disk',
  title: 'Free disk space >= 10 GB',
  applicable: () => true,
  async check(ctx) {
    // Docker's data usually lives on the system disk; the home folder is the best guess from outside.
    const dir = ctx.env.HOME || '/';
    const free = await (ctx.freeDiskBytes ?? statfsFree)(dir);
    if (free >= MIN_FREE_DISK) return passed(`${gb(free)} free on the disk holding ${dir}.`);
    return failed(
      `Only ${gb(free)} free on the disk holding ${dir}; cluster images need about ${gb(MIN_FREE_DISK)}.`,
      'Free some space: `docker system prune` removes unused images and stopped containers.',
      'On Docker Desktop, raise the virtual disk limit (Settings > Resources).',
    );
  },
};

export const freeMemory: Diagnostic = {
  id: 'memory',
  title: 'Free memory >= 4 GB (advised)',
  applicable: () => true,
  async check(ctx) {
    const free = (ctx.freeMemoryBytes ?? freemem)();
    if (free >= MIN_FREE_MEMORY) return passed(`${gb(free)} of memory free.`);
    return failed(`Only ${gb(free)} of memory free; the local cluster needs about ${gb(MIN_FREE_MEMORY)}.`, 'Close other applications, or give Docker Desktop more memory (Settings > Resources).');
  },
};

/** Listening is the only reliable test: another process may hold the port on any address. */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export const portsFree: Diagnostic = {
  id: 'ports',
  title: 'Cluster ports are free',
  applicable: () => true,
  async check(ctx) {
    const ports = ctx.ports ?? DEFAULT_PORTS;
    const busy: number[] = [];
    for (const port of ports) if (!(await portFree(port))) busy.push(port);
    if (busy.length === 0) return passed(`127.0.0.1 port${ports.length > 1 ? 's' : ''} ${ports.join(', ')} free.`);
    return failed(
      `127.0.0.1 port${busy.length > 1 ? 's' : ''} ${busy.join(', ')} already in use.`,
      ...busy.map((port) => `Find what uses port ${port} (\`lsof -i :${port}\`) and stop it; an old lab cluster is removed with \`k3d cluster delete <name>\`.`),
    );
  },
};
