import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliDeps } from '../../electron/hosts/cli/program';
import { startTestWorld, type TestWorld } from '../sim/world/test-world';

const fixture = resolve(__dirname, '../fixtures/lab.yaml');
let t: TestWorld;
beforeAll(async () => {
  t = await startTestWorld();
});
afterAll(async () => {
  await t?.dispose();
});

async function lab(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const unused = (): never => {
    throw new Error('doctor must not need the engine or the web host');
  };
  const deps: CliDeps = {
    version: '0.0.0-test',
    createEngine: unused,
    startWebHost: unused,
    staticDir: '/nonexistent',
    env: { ...t.world.env(), HOME: t.workDir, LANG: 'C' },
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    openBrowser: unused,
    waitForShutdown: unused,
  };
  const code = await runCli(deps, argv);
  return { code, stdout, stderr };
}

interface DoctorJson {
  ok: boolean;
  checks: Array<{ id: string; title: string; passed: boolean; description: string; fixes: string[] }>;
}

describe('lab doctor', () => {
  it('is listed in --help with its options', async () => {
    expect((await lab(['--help'])).stdout).toMatch(/^ {2}doctor \[options\] +check your machine/m);
    const help = await lab(['doctor', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--config <file>');
    expect(help.stdout).toContain('--json');
  });

  it('--json prints { ok, checks[] } with every check, and the exit code follows ok', async () => {
    const { code, stdout } = await lab(['doctor', '--config', fixture, '--json']);
    const report = JSON.parse(stdout) as DoctorJson;
    expect(Object.keys(report)).toEqual(['ok', 'checks']);
    expect(report.checks.map((check) => check.id)).toEqual([
      'docker', 'asdf', 'tool:k3d', 'tool:kubectl', 'tool:flux2', 'tool:kubeseal', 'tool:kustomize', 'tool:helm', 'tool:gcloud',
      'disk', 'memory', 'ports', 'github-token', 'github-repository', 'gcloud-auth', 'gcloud-project', 'gcloud-apis', 'gke-auth-plugin',
    ]);
    for (const check of report.checks) {
      expect(Object.keys(check).sort()).toEqual(['description', 'fixes', 'id', 'passed', 'title']);
      // Every failure says what to do.
      if (!check.passed) expect(check.fixes.length, check.id).toBeGreaterThan(0);
    }
    expect(report.checks.find((check) => check.id === 'docker')!.passed).toBe(true);
    expect(report.checks.find((check) => check.id === 'github-repository')!.passed).toBe(true);
    // A fresh simulated project has no APIs enabled yet.
    expect(report.checks.find((check) => check.id === 'gcloud-apis')).toMatchObject({ passed: false, fixes: [expect.stringMatching(/^gcloud services enable /)] });
    expect(report.ok).toBe(false);
    expect(code).toBe(1);
  });

  it('prints ✔/✗ lines with fixes; docker down fails the docker check with "Start Docker"', async () => {
    await t.control('/faults', { enable: ['docker-down'] });
    try {
      const { code, stdout, stderr } = await lab(['doctor']);
      expect(code).toBe(1);
      expect(stdout).toMatch(/^✗ Docker is running: Docker is not running: Cannot connect to the Docker daemon/m);
      expect(stdout).toMatch(/^ {4}→ Start Docker/m);
      expect(stdout).toMatch(/^✔ k3d 5\.9\.x: k3d 5\.9\.\d+$/m);
      expect(stdout).toMatch(/\d+ of \d+ checks failed\.\n$/);
      expect(stderr).toMatch(/^lab: \d+ checks? failed\n$/);
      // Without lab.yaml there is no repository to check.
      expect(stdout).not.toContain('GitHub owner and repository');
    } finally {
      await t.control('/faults', { disable: ['docker-down'] });
    }
  });

  it('never prints the GitHub token', async () => {
    await t.control('/faults', { enable: ['github-token-scopes'] });
    try {
      const { stdout, stderr } = await lab(['doctor', '--config', fixture, '--json']);
      const token = t.world.env().GITHUB_TOKEN!;
      expect(stdout + stderr).not.toContain(token);
      expect((JSON.parse(stdout) as DoctorJson).checks.find((check) => check.id === 'github-token')).toMatchObject({ passed: false, fixes: [expect.stringMatching(/tick "repo"/)] });
    } finally {
      await t.control('/faults', { disable: ['github-token-scopes'] });
    }
  });

  it('a broken lab.yaml names the field and exits 1 without running checks', async () => {
    const file = join(t.workDir, 'lab.yaml');
    writeFileSync(file, 'github:\n  owner: lab-student\n  token: ghp_x1234567\ngcp:\n  project: gitops-lab-sim\nworkspaceDir: w\n');
    const { code, stdout, stderr } = await lab(['doctor', '--config', file]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^lab: lab\.yaml: github\.token: a token does not belong in this file/);
  });
});
