import { describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { get } from 'node:http';
import type { Snapshot } from '../../electron/api/contract';
import { phases, steps } from '../../electron/lab/plan/catalogue';
import { runCli, type CliDeps, type CliEngine, type CliEngineOptions } from '../../electron/hosts/cli/program';
import { startWebHost } from '../../electron/hosts/web/server';
import { openerFor } from '../../electron/hosts/cli/open-browser';
import { findPackageRoot, labVersion } from '../../electron/hosts/cli/package-info';
import { readFileSync } from 'node:fs';

function snapshot(): Snapshot {
  return {
    version: '9.9.9',
    rehearsal: true,
    phases: phases.map((p) => ({
      id: p.id,
      title: p.title,
      steps: steps
        .filter((s) => s.phase === p.id)
        .map((s) => ({ id: s.id, phase: s.phase, title: s.title, why: s.why, dependsOn: s.dependsOn, commands: s.commands({}), estimateSeconds: s.estimateSeconds, inputs: s.inputs })),
    })),
    steps: {
      tools: { status: 'succeeded', attempts: 1, startedAt: '2026-01-01T00:00:00Z', endedAt: '2026-01-01T00:01:00Z' },
      docker: { status: 'failed', attempts: 2, error: { message: 'Docker is not running\nsecond line', exitCode: 1 } },
      'github-access': { status: 'skipped', attempts: 0, skipReason: 'using an existing token' },
    },
    inputs: {},
    secrets: {},
    resources: [],
    cleanup: { steps: [], running: false, remaining: [], ledger: [], cost: { costPerHour: 0, costSoFar: 0, pricesAsOf: '2026-11' } },
  };
}

/** Records what the CLI did with the engine and what it printed. */
function harness(extra: Partial<CliDeps> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const log: string[] = [];
  const engineOptions: CliEngineOptions[] = [];
  let shutdown: () => void = () => undefined;
  const unused = (): never => {
    throw new Error('not used');
  };
  const engine: CliEngine = {
    getSnapshot: () => snapshot(),
    exportScript: () => ({ script: '#!/usr/bin/env bash\nk3d cluster create crossplane' }),
    setInputs: unused, setSecret: unused, runStep: unused, retryStep: unused, skipStep: unused, cancelStep: unused,
    runAll: unused, cancelAll: unused, readLog: unused, getJournal: unused, troubleshoot: unused,
    planTeardown: unused, runTeardown: unused, cancelTeardown: unused, removeLeftovers: unused,
    onEvent: () => () => undefined,
    start: async () => {
      log.push('start');
      return { notices: ['state was saved by an older version'] };
    },
    close: async () => void log.push('close'),
  };
  const deps: CliDeps = {
    version: '1.2.3',
    createEngine: (options) => {
      engineOptions.push(options);
      return engine;
    },
    startWebHost: async () => {
      throw new Error('not expected');
    },
    staticDir: '/nonexistent',
    env: { LAB_DATA_DIR: '/tmp/lab-data' },
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    openBrowser: (url) => void log.push(`open ${url}`),
    waitForShutdown: () => new Promise<void>((resolve) => (shutdown = resolve)),
    ...extra,
  };
  return { deps, out: () => out.join(''), err: () => err.join(''), log, engineOptions, shutdown: () => shutdown() };
}

describe('lab CLI (in-process)', () => {
  it('prints the version and exits 0', async () => {
    const h = harness();
    expect(await runCli(h.deps, ['--version'])).toBe(0);
    expect(h.out()).toBe('1.2.3\n');
  });

  it('lists the commands in --help and exits 0', async () => {
    const h = harness();
    expect(await runCli(h.deps, ['--help'])).toBe(0);
    for (const command of ['serve', 'status', 'export-script']) expect(h.out()).toContain(command);
    expect(h.out()).toMatch(/^  up \[options\]/m);
  });

  it.each([
    [['--bogus']],
    [['frobnicate']],
    [['status', '--bogus']],
    [['status', 'extra']],
    [['serve', '--port', 'eighty']],
    [['serve', '--port', '70000']],
    [['serve', '--port']],
    [[]],
  ])('exits 2 with an error for bad arguments %j', async (argv) => {
    const h = harness();
    expect(await runCli(h.deps, argv)).toBe(2);
    expect(h.err()).not.toBe('');
    expect(h.log).toEqual([]);
  });

  it('prints a status table with every step, grouped by phase', async () => {
    const h = harness();
    expect(await runCli(h.deps, ['status'])).toBe(0);
    const text = h.out();
    for (const phase of phases) expect(text).toContain(phase.title);
    for (const step of steps) expect(text).toMatch(new RegExp(`^  ${step.id} +${step.title.replace(/[()&]/g, '\\$&')} +\\w+`, 'm'));
    expect(text).toMatch(/^ {2}tools +Tools \(asdf\) +succeeded$/m);
    expect(text).toMatch(/^ {2}docker +Docker +failed +Docker is not running$/m);
    expect(text).toMatch(/^ {2}github-access +GitHub access +skipped +using an existing token$/m);
    expect(text).toMatch(/^ {2}k3d-cluster +k3d cluster +pending$/m);
    expect(text).toContain('Rehearsal');
    expect(h.log).toEqual(['close']);
    expect(h.engineOptions[0]?.env?.LAB_DATA_DIR).toBe('/tmp/lab-data');
  });

  it('prints status as JSON with steps keyed by id', async () => {
    const h = harness();
    expect(await runCli(h.deps, ['status', '--json'])).toBe(0);
    const json = JSON.parse(h.out()) as { version: string; steps: Record<string, { status: string; title: string; error?: string }> };
    expect(json.version).toBe('9.9.9');
    expect(Object.keys(json.steps)).toEqual(steps.map((s) => s.id));
    expect(json.steps.docker).toMatchObject({ status: 'failed', title: 'Docker', error: 'Docker is not running\nsecond line' });
    expect(json.steps['flux-preflight']?.status).toBe('pending');
  });

  it('prints the exported script', async () => {
    const h = harness();
    expect(await runCli(h.deps, ['export-script'])).toBe(0);
    expect(h.out()).toBe('#!/usr/bin/env bash\nk3d cluster create crossplane\n');
  });

  it('reports a failing engine with exit code 1 and closes it', async () => {
    const h = harness();
    const failing = h.deps.createEngine;
    h.deps.createEngine = (o) => ({ ...failing(o), getSnapshot: () => Promise.reject(new Error('state file is corrupt')) });
    expect(await runCli(h.deps, ['status'])).toBe(1);
    expect(h.err()).toContain('state file is corrupt');
    expect(h.log).toEqual(['close']);
  });

  it('serves the engine on the web host, prints the URL, opens it on --open and closes on shutdown', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lab-cli-'));
    try {
      await writeFile(join(dir, 'index.html'), '<!doctype html>');
      const h = harness({ startWebHost, staticDir: dir });
      const done = runCli(h.deps, ['serve', '--port', '0', '--open']);
      while (!h.out().includes('\n')) await new Promise((r) => setTimeout(r, 10));
      const url = /^GitOps Lab is running at (http:\/\/127\.0\.0\.1:(\d+)\/\?token=\S+)\n$/.exec(h.out());
      expect(url).not.toBeNull();
      expect(h.log).toEqual(['start', `open ${url![1]}`]);
      const status = await new Promise<number>((resolve, reject) =>
        get(url![1]!, (res) => (res.resume(), resolve(res.statusCode ?? 0))).on('error', reject),
      );
      expect(status).toBe(302);
      h.shutdown();
      expect(await done).toBe(0);
      expect(h.log.at(-1)).toBe('close');
      expect(h.err()).toBe('state was saved by an older version\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('warns when the web UI is not built', async () => {
    const h = harness({ startWebHost });
    const done = runCli(h.deps, ['serve']);
    while (!h.out().includes('\n')) await new Promise((r) => setTimeout(r, 10));
    h.shutdown();
    expect(await done).toBe(0);
    expect(h.err()).toMatch(/not built.*npm run build/);
  });
});

describe('lab CLI helpers', () => {
  it('opens the URL with each platform\'s opener, as a single argument', () => {
    const url = 'http://127.0.0.1:1234/?token=abc';
    expect(openerFor('linux', url)).toEqual(['xdg-open', url]);
    expect(openerFor('darwin', url)).toEqual(['open', url]);
    expect(openerFor('win32', url)).toEqual(['rundll32', 'url.dll,FileProtocolHandler', url]);
  });

  it('finds the package root from a nested folder and reads the version there when not built', () => {
    const root = findPackageRoot(join(__dirname, '..', '..', 'electron', 'hosts', 'cli'));
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };
    expect(manifest.name).toBe('gitops-lab');
    expect(labVersion()).toBe(manifest.version);
    expect(() => findPackageRoot(tmpdir())).toThrow(/cannot find the gitops-lab package/);
  });
});
