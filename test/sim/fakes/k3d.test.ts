import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startTestWorld, type TestWorld } from '../world/test-world.js';

let t: TestWorld;
beforeAll(async () => {
  t = await startTestWorld();
});
afterAll(async () => {
  await t?.dispose();
});

const ANSI = /\x1b\[[0-9;]*m/g;

describe('fake k3d against the simulated world', () => {
  it('creates a cluster that real kubectl can reach, with context k3d-NAME current', async () => {
    const created = await t.sh('k3d cluster create crossplane --wait && kubectl get nodes && kubectl config current-context');
    expect(created.code, created.stderr).toBe(0);
    const lines = created.stdout.replace(ANSI, '').split('\n');
    expect(lines).toContain('kubectl cluster-info');
    expect(lines.some((l) => /^INFO\[\d{4}\] Cluster 'crossplane' created successfully! *$/.test(l))).toBe(true);
    // Colours are forced, as k3d's logrus formatter does even without a terminal.
    expect(created.stdout).toContain('\x1b[36mINFO\x1b[0m[');
    expect(created.stdout).toMatch(/k3d-crossplane-server-0\s+Ready\s+control-plane,master/);
    expect(lines).toContain('k3d-crossplane');
    const kubeconfig = parse(readFileSync(t.world.env().KUBECONFIG!, 'utf8')) as { 'current-context': string; clusters: Array<{ name: string; cluster: { server: string } }> };
    expect(kubeconfig['current-context']).toBe('k3d-crossplane');
    const world = await t.control<{ docker: { containers: Array<{ name: string }>; networks: Array<{ name: string }> } }>('/world');
    expect(world.body.docker.containers.map((c) => c.name).sort()).toEqual(['k3d-crossplane-server-0', 'k3d-crossplane-serverlb']);
    expect(world.body.docker.networks.map((n) => n.name)).toEqual(['k3d-crossplane']);
  });

  it('lists clusters as k3d JSON', async () => {
    const listed = await t.sh('k3d cluster list -o json');
    expect(listed.code).toBe(0);
    const clusters = JSON.parse(listed.stdout) as Array<Record<string, unknown>>;
    expect(clusters).toHaveLength(1);
    const [c] = clusters as [Record<string, unknown>];
    expect(c).toMatchObject({ name: 'crossplane', network: { name: 'k3d-crossplane' }, serversRunning: 1, serversCount: 1, agentsRunning: 0, agentsCount: 0, hasLoadbalancer: true });
    expect((c.nodes as Array<{ name: string; role: string; State: { Running: boolean } }>).map((n) => [n.name, n.role, n.State.Running])).toEqual([['k3d-crossplane-server-0', 'server', true]]);
    const table = await t.sh('k3d cluster list');
    expect(table.stdout).toBe('NAME         SERVERS   AGENTS   LOADBALANCER\ncrossplane   1/1       0/0      true\n');
  });

  it('refuses a duplicate name with FATA on stderr and exit 1', async () => {
    const dup = await t.sh('k3d cluster create crossplane');
    expect(dup.code).toBe(1);
    expect(dup.stdout).toBe('');
    expect(dup.stderr.replace(ANSI, '')).toMatch(/^FATA\[\d{4}\] Failed to create cluster 'crossplane' because a cluster with that name already exists *\n$/);
  });

  it('deleting a missing cluster logs "No clusters found" and exits 0; LOG_COLORS=false drops the colours', async () => {
    const missing = await t.sh('k3d cluster delete nope', { LOG_COLORS: 'false' });
    expect(missing.code).toBe(0);
    expect(missing.stdout).not.toContain('\x1b[');
    expect(missing.stdout).toMatch(/level=info msg="No nodes found for cluster 'nope', nothing to delete."\n.*level=info msg="No clusters found"\n$/);
  });

  it('port-in-use fault: create fails with the bind error, rolls back, exits 1', async () => {
    await t.control('/faults', { enable: ['port-in-use'] });
    try {
      const failed = await t.sh('k3d cluster create other --api-port 6550');
      expect(failed.code).toBe(1);
      const err = failed.stderr.replace(ANSI, '');
      expect(err).toContain("driver failed programming external connectivity on endpoint k3d-other-serverlb");
      expect(err).toContain('Bind for 0.0.0.0:6550 failed: port is already allocated');
      expect(err).toMatch(/FATA\[\d{4}\] Cluster creation FAILED, all changes have been rolled back!/);
      const listed = JSON.parse((await t.sh('k3d cluster list -o json')).stdout) as Array<{ name: string }>;
      expect(listed.map((c) => c.name)).toEqual(['crossplane']);
    } finally {
      await t.control('/faults', { disable: ['port-in-use'] });
    }
  });

  it('docker-down fault: create fails with the Docker daemon wording', async () => {
    await t.control('/faults', { enable: ['docker-down'] });
    try {
      const failed = await t.sh('k3d cluster create down');
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?');
      expect(failed.stderr.replace(ANSI, '')).toMatch(/FATA\[\d{4}\] Cluster creation FAILED, also FAILED to rollback changes!/);
    } finally {
      await t.control('/faults', { disable: ['docker-down'] });
    }
  });

  it('deletes a cluster: containers, context and API server go away', async () => {
    const deleted = await t.sh('k3d cluster delete crossplane');
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout.replace(ANSI, '')).toMatch(/Successfully deleted cluster crossplane!/);
    const kubeconfig = parse(readFileSync(t.world.env().KUBECONFIG!, 'utf8')) as { contexts: Array<{ name: string }>; 'current-context'?: string };
    expect(kubeconfig.contexts.map((c) => c.name)).not.toContain('k3d-crossplane');
    const world = await t.control<{ docker: { containers: unknown[] }; k3d: { clusters: unknown[] }; apiServers: Record<string, string> }>('/world');
    expect(world.body.docker.containers).toEqual([]);
    expect(world.body.k3d.clusters).toEqual([]);
    expect(world.body.apiServers).toEqual({});
  });
});
