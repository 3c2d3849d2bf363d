import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestWorld, type TestWorld } from '../world/test-world.js';

let t: TestWorld;
beforeAll(async () => {
  t = await startTestWorld();
});
afterAll(async () => {
  await t?.dispose();
});

const DOWN = 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n';

describe('fake docker', () => {
  it('docker info succeeds with Client and Server sections on stdout', async () => {
    const info = await t.exec('docker', ['info']);
    expect(info.code).toBe(0);
    expect(info.stderr).toBe('');
    expect(info.stdout).toMatch(/^Client: Docker Engine - Community\n Version: {4}28\.5\.1\n/);
    expect(info.stdout).toContain('\nServer:\n Containers: 0\n');
    expect(info.stdout).toContain(' Server Version: 28.5.1\n');
  });

  it('docker version --format prints only the server version', async () => {
    const version = await t.exec('docker', ['version', '--format', '{{.Server.Version}}']);
    expect(version).toEqual({ code: 0, stdout: '28.5.1\n', stderr: '' });
  });

  it('docker-down: info prints the client block, then the daemon error on stderr, exit 1', async () => {
    await t.control('/faults', { enable: ['docker-down'] });
    try {
      const info = await t.exec('docker', ['info']);
      expect(info.code).toBe(1);
      expect(info.stdout).toMatch(/^Client: Docker Engine - Community\n[\s\S]*\n\nServer:\n$/);
      expect(info.stderr).toBe(DOWN);
      const version = await t.exec('docker', ['version', '--format', '{{.Server.Version}}']);
      expect(version).toEqual({ code: 1, stdout: '\n', stderr: DOWN });
    } finally {
      await t.control('/faults', { disable: ['docker-down'] });
    }
  });

  it('docker ps lists the k3d node containers', async () => {
    const created = await t.exec('k3d', ['cluster', 'create', 'ps-test']);
    expect(created.code, created.stderr).toBe(0);
    const ps = await t.exec('docker', ['ps']);
    expect(ps.code).toBe(0);
    const names = ps.stdout.trim().split('\n').slice(1).map((l) => l.split(/\s+/).pop());
    expect(names.sort()).toEqual(['k3d-ps-test-server-0', 'k3d-ps-test-serverlb']);
    const info = await t.exec('docker', ['info']);
    expect(info.stdout).toContain(' Containers: 2\n  Running: 2\n');
  });
});
