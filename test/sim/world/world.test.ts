import { existsSync, lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultRegistry } from './faults.js';
import { parseEnvFile } from './env-file.js';
import { repoRoot } from './repo-root.js';
import { runProcess, startTestWorld, type TestWorld } from './test-world.js';
import { startWorld } from './world.js';

let t: TestWorld;
beforeAll(async () => {
  t = await startTestWorld();
});
afterAll(async () => {
  await t?.dispose();
});

describe('the world process', () => {
  it('writes env.sh with every variable, and shims first on PATH', async () => {
    const dir = t.world.stateDir;
    const env = parseEnvFile(readFileSync(t.world.envFile, 'utf8'), '/usr/bin');
    expect(env.PATH).toBe(`${join(dir, 'bin')}:/usr/bin`);
    expect(env).toMatchObject({
      KUBECONFIG: join(dir, 'kubeconfig'),
      KUBECACHEDIR: join(dir, 'kube-cache'),
      LAB_DATA_DIR: join(dir, 'lab-data'),
      LAB_REHEARSAL: '1',
      LAB_SIM_CONTROL: t.world.url,
      CLOUDSDK_CONFIG: join(dir, 'gcloud'),
      GIT_CONFIG_GLOBAL: join(dir, 'gitconfig'),
      GITHUB_API_URL: t.world.github.apiUrl.replace(/\/$/, ''),
    });
    expect(env.GITHUB_TOKEN).toMatch(/^ghp_\w{36}$/);
    // What bash makes of it agrees with the parser.
    const sourced = await t.sh('echo "$PATH"; echo "$LAB_SIM_CONTROL"; command -v k3d gcloud docker asdf flux kubeseal kubectl helm');
    const [path, control, ...tools] = sourced.stdout.trim().split('\n');
    expect(path!.startsWith(`${join(dir, 'bin')}:`)).toBe(true);
    expect(control).toBe(t.world.url);
    expect(tools).toEqual(['k3d', 'gcloud', 'docker', 'asdf', 'flux', 'kubeseal', 'kubectl', 'helm'].map((n) => join(dir, 'bin', n)));
    expect(readFileSync(join(dir, 'bin', 'k3d'), 'utf8')).toBe(`#!/bin/sh\nexec '${process.execPath}' '${join(repoRoot(), 'out', 'sim', 'tool.mjs')}' k3d "$@"\n`);
    expect(lstatSync(join(dir, 'bin', 'kubectl')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, 'bin', 'kubectl'))).toBe(join(process.env.LAB_KUBE_TOOLS!, 'kubectl'));
    expect(readFileSync(join(dir, 'gitconfig'), 'utf8')).toContain(`insteadOf = https://github.com/`);
  });

  it('a real git clone of https://github.com/OWNER/REPO.git reaches the simulated GitHub', async () => {
    const api = t.world.env().GITHUB_API_URL;
    const created = await fetch(`${api}/user/repos`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.world.env().GITHUB_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'devflux', auto_init: true }),
    });
    expect(created.status).toBe(201);
    const cloned = await t.sh('git clone -q https://github.com/lab-student/devflux.git && git -C devflux log --oneline | wc -l');
    expect(cloned.code, cloned.stderr).toBe(0);
    expect(Number(cloned.stdout.trim())).toBeGreaterThan(0);
    const world = await t.control<{ github: { repositories: Array<{ fullName: string; commits: unknown[] }> } }>('/world');
    expect(world.body.github.repositories.map((r) => r.fullName)).toContain('lab-student/devflux');
  });

  it('POST /faults switches faults; unknown names are refused; the registry lists everyone\'s faults', async () => {
    expect(Object.keys(faultRegistry)).toEqual(expect.arrayContaining(['docker-down', 'k3d-create-fails', 'port-in-use', 'gcp-quota-exceeded', 'sa-key-forbidden', 'slow-network', 'github-token-rejected', 'github-token-scopes', 'helmrelease-never-ready', 'controller-crash']));
    expect((await t.control('/faults', { enable: ['k3d-create-fails', 'github-token-rejected'] })).body).toEqual({ active: ['github-token-rejected', 'k3d-create-fails'] });
    const failed = await t.exec('k3d', ['cluster', 'create', 'broken']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('Failed Cluster Start: Failed to start server k3d-broken-server-0');
    const rejected = await fetch(`${t.world.env().GITHUB_API_URL}/user`, { headers: { authorization: `Bearer ${t.world.env().GITHUB_TOKEN}` } });
    expect(rejected.status).toBe(401);
    const bad = await t.control<{ error: { kind: string; message: string } }>('/faults', { enable: ['no-such-fault'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('unknown fault "no-such-fault"');
    expect((await t.control('/faults', { set: ['slow-network'] })).body).toEqual({ active: ['slow-network'] });
    // Slower, not broken: the call still answers normally.
    expect((await t.exec('docker', ['version', '--format', '{{.Server.Version}}'])).stdout).toBe('28.5.1\n');
    expect((await t.control('/faults', { set: [] })).body).toEqual({ active: [] });
  });

  it('GET /world and `sim report` show clusters, GCP resources and GitHub repositories', async () => {
    expect((await t.exec('k3d', ['cluster', 'create', 'crossplane'])).code).toBe(0);
    t.world.gcp.createServiceAccount('p1', 'crossplane');
    t.world.gcp.createNetwork('p1', 'dev-network');
    const world = (await t.control<Record<string, any>>('/world')).body;
    expect(world.k3d.clusters.map((c: { name: string }) => c.name)).toEqual(['crossplane']);
    expect(world.gcp.projects.p1.serviceAccounts[0].email).toBe('crossplane@p1.iam.gserviceaccount.com');
    expect(world.gcp.projects.p1.networks[0].name).toBe('dev-network');
    expect(Object.keys(world.apiServers)).toEqual(['k3d-crossplane']);
    expect(world.github.user).toEqual({ login: 'lab-student', scopes: ['repo', 'admin:public_key', 'delete_repo'] });
    const saved = JSON.parse(readFileSync(join(t.world.stateDir, 'world.json'), 'utf8')) as Record<string, any>;
    expect(saved.k3d.clusters[0].name).toBe('crossplane');
    const report = await runProcess(process.execPath, ['--import', 'tsx', join(repoRoot(), 'test/sim/bin/sim.ts'), 'report', '--state', t.world.stateDir], { PATH: process.env.PATH ?? '' }, repoRoot());
    expect(report.code, report.stderr).toBe(0);
    const reported = JSON.parse(report.stdout) as Record<string, any>;
    expect(reported.k3d.clusters[0].name).toBe('crossplane');
    expect(reported.gcp.projects.p1.serviceAccounts[0].accountId).toBe('crossplane');
    expect(reported.github.repositories.map((r: { fullName: string }) => r.fullName)).toContain('lab-student/devflux');
    expect(report.stdout).not.toContain(t.world.env().GITHUB_TOKEN);
  });
});

describe('restarting the world', () => {
  it('resumes from world.json: the k3d cluster is served again on its old port, with its objects', async () => {
    const dir = t.world.stateDir;
    const before = await t.sh('kubectl create namespace kept >/dev/null && kubectl config view -o jsonpath="{.clusters[0].cluster.server}"');
    expect(before.code, before.stderr).toBe(0);
    await t.world.close();
    expect(existsSync(join(dir, 'kube', 'k3d-crossplane.json'))).toBe(true);
    const again = await startWorld({ stateDir: dir, timeScale: 0.001 });
    try {
      const env = { ...again.env(), HOME: t.workDir };
      const after = await runProcess('bash', ['-c', 'kubectl config view -o jsonpath="{.clusters[0].cluster.server}" && echo && kubectl get namespace kept -o name && k3d cluster list --no-headers'], env, t.workDir);
      expect(after.code, after.stderr).toBe(0);
      const [server, ns, listed] = after.stdout.trim().split('\n');
      expect(server).toBe(before.stdout);
      expect(ns).toBe('namespace/kept');
      expect(listed).toMatch(/^crossplane\s+1\/1/);
    } finally {
      await again.close();
      // dispose() closes the world again; closing twice must be harmless.
    }
  });
});
