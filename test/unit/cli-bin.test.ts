import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const bin = join(root, 'bin', 'lab.js');
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

function lab(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('bin/lab.js', () => {
  const temp = mkdtempSync(join(tmpdir(), 'lab-cli-bin-'));

  beforeAll(() => {
    if (!existsSync(join(root, 'out', 'cli', 'lab.mjs'))) {
      execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), 'node'], { cwd: root, stdio: 'inherit' });
    }
  });

  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  it('--version prints the package version', () => {
    const { code, stdout } = lab(['--version']);
    expect(code).toBe(0);
    expect(stdout).toBe(`${version}\n`);
  });

  it('--help lists the commands', () => {
    const { code, stdout } = lab(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: lab /);
    for (const command of ['serve', 'status', 'export-script']) expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });

  it('a bad option is an error with exit code 2', () => {
    const { code, stdout, stderr } = lab(['--no-such-option']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain("unknown option '--no-such-option'");
  });

  it('an unknown command is an error with exit code 2', () => {
    const { code, stderr } = lab(['deploy-everything']);
    expect(code).toBe(2);
    expect(stderr).toContain("unknown command 'deploy-everything'");
  });

  it('status --json reads a fresh data directory', () => {
    const { code, stdout } = lab(['status', '--json'], { LAB_DATA_DIR: join(temp, 'data') });
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as { steps: Record<string, { status: string }> };
    expect(json.steps.tools?.status).toBe('pending');
    expect(json.steps.apps?.status).toBe('pending');
  });

  it('without a build, says how to build and exits 1', () => {
    const copy = join(temp, 'pkg');
    mkdirSync(join(copy, 'bin'), { recursive: true });
    copyFileSync(bin, join(copy, 'bin', 'lab.js'));
    copyFileSync(join(root, 'package.json'), join(copy, 'package.json'));
    const result = spawnSync(process.execPath, [join(copy, 'bin', 'lab.js'), '--version'], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('npm run build');
  });

  it('serve prints the URL and exits 0 on SIGINT', async () => {
    const child = spawn(process.execPath, [bin, 'serve', '--port', '0'], {
      env: { ...process.env, LAB_DATA_DIR: join(temp, 'serve-data') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (c: Buffer) => {
          stdout += c.toString();
          if (stdout.includes('\n')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${stderr}`)));
      });
      expect(stdout).toMatch(/^GitOps Lab is running at http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}\n$/);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
