/**
 * `lab up` in-process, with the real engine over small steps whose "world" is a set in memory:
 * exit codes, the plan, the progress display, a failure naming the step, resuming without
 * repeating done steps, and Ctrl-C.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../electron/lab/engine/index';
import type { StepDefinition } from '../../electron/lab/plan/step';
import { runCli, type CliDeps } from '../../electron/hosts/cli/program';
import { createProgress, formatPlan, lastLine } from '../../electron/hosts/cli/progress';
import { cliHarness, type CliHarness } from './cli-harness';

const LAB_YAML = `github:\n  owner: lab-student\ngcp:\n  project: gitops-lab-sim\nworkspaceDir: ./devflux\n`;

let dir: string;
let config: string;
/** What the fake steps have made; survives engines, as the real world does. */
let made: Set<string>;
let runs: string[];
let faults: Set<string>;
let hold: { release?: () => void; started?: () => void };

function step(id: string, dependsOn: string[], phase = 'prepare'): StepDefinition {
  return {
    id, phase, title: `Step ${id}`, why: '', dependsOn, estimateSeconds: 10, inputs: [],
    commands: () => [{ argv: ['true'] }],
    check: async () => ({ done: made.has(id), detail: made.has(id) ? `${id} exists` : `${id} missing` }),
    run: async (ctx) => {
      runs.push(id);
      ctx.info(`making ${id} for ${ctx.inputs.github.owner}`);
      if (faults.has(id)) throw new Error(`Insufficient regional quota to satisfy request for ${id}`);
      if (id === 'slow') {
        hold.started?.();
        await new Promise<void>((resolve, reject) => {
          hold.release = resolve;
          ctx.signal.addEventListener('abort', () => reject(new Error('cancelled')), { once: true });
        });
      }
      made.add(id);
      return id === 'c' ? { shopAddress: 'http://203.0.113.7' } : undefined;
    },
  };
}

const STEPS = () => [step('a', []), step('b', ['a']), step('c', ['b'], 'dev-cluster')];

/** Each engine gets a fresh data folder: nothing is saved between runs, only `made` survives. */
function harness(extra: Partial<CliDeps> = {}, steps: () => StepDefinition[] = STEPS): CliHarness {
  let engines = 0;
  return cliHarness(() => createEngine({ dataDir: join(dir, `data-${++engines}`), env: {}, steps: steps(), logWindowMs: 1 }), extra);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cli-up-'));
  config = join(dir, 'lab.yaml');
  writeFileSync(config, LAB_YAML);
  made = new Set();
  runs = [];
  faults = new Set();
  hold = {};
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('lab up: refusals before anything runs (exit 2)', () => {
  it('names the field of a bad lab.yaml', async () => {
    writeFileSync(config, LAB_YAML.replace('gitops-lab-sim', 'Bad_Project'));
    const h = harness();
    expect(await runCli(h.deps, ['up', '--config', config, '--yes'])).toBe(2);
    expect(h.err()).toContain('lab.yaml: gcp.project:');
    expect(runs).toEqual([]);
  });

  it('says which file is missing', async () => {
    const h = harness();
    expect(await runCli(h.deps, ['up', '--config', join(dir, 'nope.yaml'), '--yes'])).toBe(2);
    expect(h.err()).toContain('nope.yaml: cannot read the file (it does not exist)');
  });

  it('wants GITHUB_TOKEN in the environment', async () => {
    const h = harness({ env: {} });
    expect(await runCli(h.deps, ['up', '--config', config, '--yes'])).toBe(2);
    expect(h.err()).toContain('GITHUB_TOKEN: not set');
  });

  it('refuses to run without a terminal to ask on unless --yes', async () => {
    const h = harness({ isTTY: false });
    expect(await runCli(h.deps, ['up', '--config', config])).toBe(2);
    expect(h.err()).toContain('pass --yes');
    expect(runs).toEqual([]);
  });

  it('wants --config', async () => {
    const h = harness();
    expect(await runCli(h.deps, ['up', '--yes'])).toBe(2);
    expect(h.err()).toContain("required option '--config <file>'");
  });
});

describe('lab up: running', () => {
  it('shows the plan, runs every step in order with plain progress lines, exits 0 with the shop address', async () => {
    const h = harness();
    expect(await runCli(h.deps, ['up', '--config', config, '--yes']), h.err()).toBe(0);
    expect(runs).toEqual(['a', 'b', 'c']);
    const out = h.out();
    expect(out).toContain('• Step a (about 10s)');
    expect(out).toContain('3 steps to run');
    expect(out).toMatch(/▶ Step a\n[\s\S]*✔ Step a \(\d+s\)[\s\S]*▶ Step b[\s\S]*✔ Step c/);
    expect(out).toContain('Step a: making a for lab-student');
    expect(out).toContain('All 3 steps are done. The shop is at http://203.0.113.7');
    expect(out).not.toContain('\x1b[');
  });

  it('asks in a terminal and runs nothing when the answer is no', async () => {
    const questions: string[] = [];
    const h = harness({ isTTY: true, confirm: async (q) => (questions.push(q), false) });
    expect(await runCli(h.deps, ['up', '--config', config])).toBe(1);
    expect(questions).toEqual(['Run them now? [y/N] ']);
    expect(runs).toEqual([]);
    expect(h.err()).toContain('not confirmed');
  });

  it('a failure exits 1 naming the step and its message; after the fault is cleared a rerun skips done steps', async () => {
    faults.add('b');
    const first = harness();
    expect(await runCli(first.deps, ['up', '--config', config, '--yes'])).toBe(1);
    expect(first.err()).toContain('step "b" (Step b) failed: Insufficient regional quota to satisfy request for b');
    expect(first.err()).toContain('run lab up again');
    expect(runs).toEqual(['a', 'b']);

    faults.clear();
    runs = [];
    const second = harness();
    expect(await runCli(second.deps, ['up', '--config', config, '--yes']), second.err()).toBe(0);
    expect(runs).toEqual(['b', 'c']);
    expect(second.out()).toContain('✔ Step a (done)');

    runs = [];
    const third = harness();
    expect(await runCli(third.deps, ['up', '--config', config, '--yes'])).toBe(0);
    expect(runs).toEqual([]);
    expect(third.out()).toContain('Every step is already done.');
  });

  it('Ctrl-C cancels the running step and exits 130; the next lab up resumes', async () => {
    const steps = () => [step('a', []), step('slow', ['a']), step('c', ['slow'])];
    const started = new Promise<void>((resolve) => (hold.started = resolve));
    const h = harness({}, steps);
    const code = runCli(h.deps, ['up', '--config', config, '--yes']);
    await started;
    h.shutdown();
    expect(await code).toBe(130);
    expect(h.err()).toContain('Cancelling');
    expect(made.has('slow')).toBe(false);

    runs = [];
    const again = harness({}, steps);
    const second = runCli(again.deps, ['up', '--config', config, '--yes']);
    await new Promise<void>((resolve) => (hold.started = resolve));
    hold.release?.();
    expect(await second).toBe(0);
    expect(runs).toEqual(['slow', 'c']);
  });
});

describe('lab status', () => {
  it('lists the live resources of the snapshot, in the table and in JSON', async () => {
    const resource = { cluster: 'gcp', kind: 'GKE cluster', name: 'dev-cluster', ready: true, message: 'RUNNING in europe-west9-a', costPerHour: 0.1, createdAt: '2026-11-26T03:00:00.000Z' };
    const withBoard = (): CliDeps['createEngine'] => () => {
      const engine = createEngine({ dataDir: join(dir, 'data'), env: {}, steps: STEPS() });
      engine.reportResource(resource);
      return engine;
    };
    const table = harness({ createEngine: withBoard() });
    expect(await runCli(table.deps, ['status'])).toBe(0);
    expect(table.out()).toContain('Resources\n  gcp  GKE cluster dev-cluster  Ready  ~$0.100/h  RUNNING in europe-west9-a\n');
    const json = harness({ createEngine: withBoard() });
    expect(await runCli(json.deps, ['status', '--json'])).toBe(0);
    expect((JSON.parse(json.out()) as { resources: unknown[] }).resources).toEqual([resource]);
  });
});

describe('progress display', () => {
  it('in a terminal, redraws one live line per running step with its last output line', () => {
    let clock = 0;
    const written: string[] = [];
    const p = createProgress({ tty: true, write: (t) => void written.push(t), titles: { k: 'GKE dev cluster' }, now: () => clock, columns: 60 });
    p.onEvent({ type: 'step', stepId: 'k', state: { status: 'running', attempts: 1 } });
    p.onEvent({ type: 'log', stream: 'k', source: 'stdout', data: 'one\n\x1b[32mCluster dev-cluster: PROVISIONING\x1b[0m\n' });
    clock = 75_000;
    p.tick();
    const live = written.at(-1)!;
    expect(live).toContain('\x1b[2K');
    expect(live).toContain('GKE dev cluster  1m15s  Cluster dev-cluster: PROVISIONING');
    p.onEvent({ type: 'step', stepId: 'k', state: { status: 'failed', attempts: 1, error: { message: 'quota\nmore' } } });
    expect(written.at(-1)).toContain('✗ GKE dev cluster failed after 1m15s: quota\n');
  });

  it('cuts long lines to the terminal width', () => {
    const written: string[] = [];
    const p = createProgress({ tty: true, write: (t) => void written.push(t), titles: {}, now: () => 0, columns: 30 });
    p.onEvent({ type: 'step', stepId: 's', state: { status: 'running', attempts: 1 } });
    p.onEvent({ type: 'log', stream: 's', source: 'stdout', data: 'x'.repeat(200) });
    p.tick();
    const visible = written.at(-1)!.split('\r').at(-1)!;
    expect(visible.length).toBeLessThanOrEqual(29);
    expect(visible.endsWith('…')).toBe(true);
  });

  it('takes the last line of output without colours or carriage-return redraws', () => {
    expect(lastLine('a\nb 10%\rb 50%\r\n\n')).toBe('b 50%');
    expect(lastLine('\x1b[1mbold\x1b[0m')).toBe('bold');
    expect(lastLine('\n\n')).toBeUndefined();
  });

  it('the plan counts what is left to run', () => {
    const plan = formatPlan({
      version: '1', rehearsal: false, inputs: {}, secrets: {}, resources: [],
      cleanup: { steps: [], running: false, remaining: [], ledger: [], cost: { costPerHour: 0, costSoFar: 0, pricesAsOf: '2026-11' } },
      phases: [{ id: 'p', title: 'Phase', steps: ['x', 'y'].map((id) => ({ id, phase: 'p', title: id.toUpperCase(), why: '', dependsOn: [], commands: [], estimateSeconds: 90, inputs: [] })) }],
      steps: { x: { status: 'succeeded', attempts: 1 } },
    });
    expect(plan).toMatchObject({ toRun: 1, estimateSeconds: 90 });
    expect(plan.text).toBe('Phase\n  ✔ X (done)\n  • Y (about 1m30s)\n');
  });
});
