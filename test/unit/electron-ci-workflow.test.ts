import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const root = join(__dirname, '../..');
const workflow = parse(readFileSync(join(root, '.github/workflows/ci.yml'), 'utf8')) as Record<string, any>;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, any>;
type Step = { uses?: string; run?: string; with?: Record<string, unknown>; if?: string };
const steps = (job: string): Step[] => workflow.jobs[job].steps;
const runs = (job: string) => steps(job).map((s) => s.run ?? '').join('\n');

describe('.github/workflows/ci.yml', () => {
  it('pins every action to a major version of the official actions', () => {
    const uses = Object.keys(workflow.jobs).flatMap((job) => steps(job).flatMap((s) => (s.uses ? [s.uses] : [])));
    expect(uses.length).toBeGreaterThan(0);
    for (const action of uses) expect(action).toMatch(/^actions\/[a-z-]+@v\d+$/);
  });

  it('grants the jobs read-only access to the repository', () => {
    expect(workflow.permissions).toEqual({ contents: 'read' });
  });

  it('tests on Linux, macOS and Windows with Node 22 and the npm cache', () => {
    expect(workflow.jobs.test.strategy.matrix.os).toEqual(['ubuntu-latest', 'macos-latest', 'windows-latest']);
    const node = steps('test').find((s) => s.uses?.startsWith('actions/setup-node@'));
    expect(node?.with?.cache).toBe('npm');
    expect(String(node?.with?.['node-version']).replace('${{ env.NODE_VERSION }}', workflow.env.NODE_VERSION)).toBe('22');
    expect(runs('test')).toMatch(/^npm ci$/m);
    expect(runs('test')).toMatch(/^npm test$/m);
    const chromium = steps('test').find((s) => s.run?.includes('chromium'));
    expect(chromium?.if).toBe("runner.os == 'Linux'");
    expect(chromium?.run).toContain('CHROMIUM_PATH=');
  });

  it('runs the Electron smoke test under xvfb after a build and keeps the screenshot', () => {
    expect(workflow.jobs['electron-smoke']['runs-on']).toBe('ubuntu-latest');
    const commands = runs('electron-smoke');
    expect(commands.indexOf('npm run build')).toBeGreaterThan(commands.indexOf('npm ci'));
    expect(commands).toMatch(/^xvfb-run -a npm run test:electron$/m);
    expect(commands.indexOf('xvfb-run')).toBeGreaterThan(commands.indexOf('npm run build'));
    const upload = steps('electron-smoke').find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.if).toBe('always()');
    expect(upload?.with?.path).toBe('test-results/electron/');
    expect(pkg.scripts['test:electron']).toBe('vitest run --config vitest.electron.config.ts');
    expect(existsSync(join(root, 'vitest.electron.config.ts'))).toBe(true);
    expect(existsSync(join(root, 'test/electron/smoke.test.ts'))).toBe(true);
  });

  it('packages for each OS with its own target, never publishing, and uploads the installers', () => {
    const matrix = workflow.jobs.package.strategy.matrix.include as Array<Record<string, string>>;
    expect(Object.fromEntries(matrix.map((m) => [m.os, m.targets]))).toEqual({
      'ubuntu-latest': '--linux AppImage deb',
      'macos-latest': '--mac dmg',
      'windows-latest': '--win nsis',
    });
    expect(runs('package')).toContain('npx electron-builder --config electron-builder.yml --publish never ${{ matrix.targets }}');
    expect(workflow.jobs.package.needs).toEqual(['test', 'electron-smoke']);
    const upload = steps('package').find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.with?.path).toBe('${{ matrix.artifacts }}');
    for (const m of matrix) expect(m.artifacts).toMatch(/^dist\//);
  });
});
