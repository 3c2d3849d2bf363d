import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLabYaml } from '../config/lab-yaml';
import { startTestWorld, type TestWorld } from '../../../test/sim/world/test-world';
import { createRunner } from '../run/runner';
import { toolVersion } from '../tools/versions';
import { doctorJson, formatDoctor, runDoctor, type Diagnostic, type DoctorContext } from './index';
import { dockerRunning } from './docker-check';
import { gcloudApis, gcloudAuthenticated, gcloudProject, gkeAuthPlugin } from './gcloud-checks';
import { githubRepository, githubToken } from './github-checks';
import { freeDisk, freeMemory, portsFree } from './host-checks';
import { toolDiagnostics } from './tool-checks';

const fixture = new URL('../../../test/fixtures/lab.yaml', import.meta.url).pathname;
let t: TestWorld;
beforeAll(async () => {
  t = await startTestWorld();
});
afterAll(async () => {
  await t?.dispose();
});

function context(extra: Partial<DoctorContext> = {}): DoctorContext {
  const env = { ...t.world.env(), HOME: t.workDir, LANG: 'C' };
  const runner = createRunner({ baseEnv: env, loginShell: false });
  return { run: (spec) => runner.run({ cwd: t.workDir, ...spec }), env, inputs: loadLabYaml(fixture).inputs, ...extra };
}

describe('docker check', () => {
  it('passes while the daemon runs; docker-down fails it with "start Docker"', async () => {
    expect(await dockerRunning.check(context())).toMatchObject({ passed: true });
    const down = await t.withFault('docker-down', () => dockerRunning.check(context()));
    expect(down.passed).toBe(false);
    expect(down.description).toContain('Cannot connect to the Docker daemon');
    expect(down.fixes[0]).toMatch(/^Start Docker/);
  });
});

describe('tool checks', () => {
  it('k3d, flux, kubeseal, kubectl, helm and gcloud are at supported versions; kustomize via kubectl', async () => {
    const results = Object.fromEntries(await Promise.all(toolDiagnostics.map(async (d) => [d.id, await d.check(context())] as const)));
    for (const id of ['asdf', 'tool:k3d', 'tool:flux2', 'tool:kubeseal', 'tool:kubectl', 'tool:helm', 'tool:gcloud', 'tool:kustomize']) {
      expect(results[id], id).toMatchObject({ passed: true });
    }
    expect(results['tool:kustomize']!.description).toMatch(/^kubectl \(built-in kustomize\) 5\.7\./);
  });

  it('asdf older than 0.16 is refused, because its commands differ', async () => {
    const old: DoctorContext['run'] = async (spec) => ({ exitCode: 0, stdout: 'v0.10.2-7b9a8a7\n', stderr: '', executable: spec.argv[0]!, durationMs: 1 });
    const asdf = toolDiagnostics.find((d) => d.id === 'asdf')!;
    expect(await asdf.check({ ...context(), run: old })).toMatchObject({ passed: false, description: expect.stringMatching(/^asdf 0\.10\.2-7b9a8a7 is older than 0\.16\.0/) });
  });

  it('a missing tool gets the exact asdf commands', async () => {
    const ctx = context();
    ctx.env = { ...ctx.env, PATH: '/nonexistent' };
    const runner = createRunner({ baseEnv: ctx.env, resolve: () => undefined });
    const k3d = toolDiagnostics.find((d) => d.id === 'tool:k3d')!;
    const result = await k3d.check({ ...ctx, run: runner.run });
    const pinned = toolVersion('k3d').pinned;
    expect(result).toEqual({ passed: false, description: 'k3d was not found or did not print its version.', fixes: ['asdf plugin add k3d', `asdf install k3d ${pinned}`, `asdf set --home k3d ${pinned}`] });
  });

  it('an unsupported version says why and how to install the pinned one', async () => {
    const fake: DoctorContext['run'] = async (spec) => ({ exitCode: 0, stdout: spec.argv[0] === 'k3d' ? 'k3d version v5.4.1\nk3s version v1.22.7-k3s1 (default)\n' : '', stderr: '', executable: spec.argv[0]!, durationMs: 1 });
    const k3d = toolDiagnostics.find((d) => d.id === 'tool:k3d')!;
    const result = await k3d.check({ ...context(), run: fake });
    expect(result.passed).toBe(false);
    expect(result.description).toBe('k3d is 5.4.1; the lab needs 5.9.x because the lab uses k3d 5.9 (k3s v1.35).');
    expect(result.fixes).toEqual([`asdf install k3d ${toolVersion('k3d').pinned}`, `asdf set --home k3d ${toolVersion('k3d').pinned}`]);
  });
});

describe('host checks', () => {
  it('disk and memory thresholds', async () => {
    const GB = 1024 ** 3;
    expect(await freeDisk.check(context({ freeDiskBytes: async () => 50 * GB }))).toMatchObject({ passed: true });
    const low = await freeDisk.check(context({ freeDiskBytes: async () => 3 * GB }));
    expect(low).toMatchObject({ passed: false, description: expect.stringMatching(/^Only 3\.0 GB free/) });
    expect(low.fixes[0]).toContain('docker system prune');
    expect(await freeMemory.check(context({ freeMemoryBytes: () => 8 * GB }))).toMatchObject({ passed: true });
    expect(await freeMemory.check(context({ freeMemoryBytes: () => 1 * GB }))).toMatchObject({ passed: false });
    expect((await freeDisk.check(context())).description).toMatch(/GB free on the disk holding /);
  });

  it('a port held by another process fails the ports check', async () => {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const busy = (server.address() as { port: number }).port;
    try {
      const result = await portsFree.check(context({ ports: [busy] }));
      expect(result).toMatchObject({ passed: false, description: `127.0.0.1 port ${busy} already in use.` });
      expect(result.fixes[0]).toContain(`lsof -i :${busy}`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await portsFree.check(context({ ports: [busy] }))).toMatchObject({ passed: true });
  });
});

describe('GitHub checks', () => {
  it('the simulated user\'s token passes, and the repository is usable', async () => {
    expect(await githubToken.check(context())).toMatchObject({ passed: true });
    expect(await githubRepository.check(context())).toMatchObject({ passed: true, description: 'lab-student/devflux does not exist yet; the lab will create it.' });
  });

  it('a rejected token fails with the way to get a new one', async () => {
    const result = await t.withFault('github-token-rejected', () => githubToken.check(context()));
    expect(result.passed).toBe(false);
    expect(result.description).toMatch(/401 Bad credentials/);
    expect(result.fixes[0]).toMatch(/"repo" scope .*export GITHUB_TOKEN/);
  });

  it('a token lacking scopes fails with "tick repo"', async () => {
    const result = await t.withFault('github-token-scopes', () => githubToken.check(context()));
    expect(result).toMatchObject({ passed: false, description: expect.stringMatching(/lacks the "repo" scope \(it has: no scopes\)/) });
    expect(result.fixes[0]).toMatch(/tick "repo"/);
  });

  it('no GITHUB_TOKEN at all', async () => {
    const ctx = context();
    const { GITHUB_TOKEN: _dropped, ...env } = ctx.env;
    expect(await githubToken.check({ ...ctx, env })).toMatchObject({ passed: false, description: 'GITHUB_TOKEN is not set.' });
    expect(githubRepository.applicable({ ...ctx, env })).toBe(false);
  });

  it('a personal repository for another owner is refused with the token\'s login', async () => {
    const ctx = context();
    const inputs = { ...ctx.inputs!, github: { ...ctx.inputs!.github, owner: 'someone-else' } };
    const result = await githubRepository.check({ ...ctx, inputs });
    expect(result).toMatchObject({ passed: false });
    expect(result.fixes[0]).toBe('Set github.owner to lab-student, or set github.personal to false if someone-else is an organization.');
  });
});

describe('gcloud checks', () => {
  it('signed in, project set as lab.yaml says; a different project is flagged', async () => {
    expect(await gcloudAuthenticated.check(context())).toMatchObject({ passed: true, description: 'Signed in as student@example.com.' });
    expect(await gcloudProject.check(context())).toMatchObject({ passed: true });
    const ctx = context();
    const other = await gcloudProject.check({ ...ctx, inputs: { ...ctx.inputs!, gcp: { ...ctx.inputs!.gcp, project: 'another-project' } } });
    expect(other).toEqual({ passed: false, description: 'gcloud is set to project gitops-lab-sim, but lab.yaml says another-project.', fixes: ['gcloud config set project another-project'] });
  });

  it('APIs: the fix enables exactly what is missing, after which the check passes', async () => {
    const before = await gcloudApis.check(context());
    expect(before.passed).toBe(false);
    expect(before.fixes).toEqual(['gcloud services enable container.googleapis.com compute.googleapis.com --project=gitops-lab-sim']);
    await t.exec('gcloud', ['services', 'enable', 'container.googleapis.com', 'compute.googleapis.com', '--project=gitops-lab-sim']);
    expect(await gcloudApis.check(context())).toMatchObject({ passed: true });
  });

  it('gke-gcloud-auth-plugin missing', async () => {
    expect(await gkeAuthPlugin.check(context())).toMatchObject({ passed: true });
    const missing = await t.withFault('gke-auth-plugin-missing', () => gkeAuthPlugin.check(context()));
    expect(missing).toMatchObject({ passed: false, fixes: ['gcloud components install gke-gcloud-auth-plugin', expect.any(String)] });
  });
});

describe('runDoctor', () => {
  it('skips what does not apply, turns a throwing check into a failure, and formats ✔/✗ with fixes', async () => {
    const ok: Diagnostic = { id: 'ok', title: 'Fine', applicable: () => true, check: async () => ({ passed: true, description: 'all good', fixes: [] }) };
    const skipped: Diagnostic = { id: 'skip', title: 'Skipped', applicable: () => false, check: async () => ({ passed: true, description: '', fixes: [] }) };
    const broken: Diagnostic = { id: 'broken', title: 'Broken', applicable: () => true, check: async () => { throw new Error('boom'); } };
    const outcomes = await runDoctor(context(), [ok, skipped, broken]);
    expect(outcomes.map((o) => [o.id, o.passed])).toEqual([['ok', true], ['broken', false]]);
    expect(outcomes[1]!.description).toBe('boom');
    expect(formatDoctor(outcomes)).toBe('✔ Fine: all good\n✗ Broken: boom\n    → Fix the error above, then run `lab doctor` again.\n1 of 2 checks failed.\n');
    expect(doctorJson(outcomes).ok).toBe(false);
  });

  it('a tool missing entirely (gcloud) becomes its install commands', async () => {
    const runner = createRunner({ baseEnv: { PATH: '/nonexistent' }, resolve: () => undefined });
    const [outcome] = await runDoctor({ ...context(), run: runner.run }, [gcloudAuthenticated]);
    expect(outcome).toMatchObject({ passed: false, description: 'gcloud was not found.', fixes: ['asdf plugin add gcloud', expect.stringMatching(/^asdf install gcloud /), expect.stringMatching(/^asdf set --home gcloud /)] });
  });
});
