/**
 * `lab down` in-process, with the real engine and CLI over small teardown steps whose "world" is
 * a set in memory: refusals before anything runs, the plan with its cost and refusals, the order,
 * exit codes, a failure naming the step and what remains, `--force`, the optional steps, Ctrl-C
 * and resuming without repeating done steps, and `lab up` never starting a teardown step.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, type CliDeps } from '../../electron/hosts/cli/program';
import type { TeardownDeps } from '../../electron/lab/cleanup/teardown-deps';
import type { TeardownStep } from '../../electron/lab/cleanup/teardown-steps';
import { createEngine } from '../../electron/lab/engine/index';
import type { StepDefinition } from '../../electron/lab/plan/step';
import { cliHarness, type CliHarness } from './cli-harness';

const LAB_YAML = `github:\n  owner: lab-student\n  repository: devflux\ngcp:\n  project: gitops-lab-sim\nworkspaceDir: ./devflux\n`;

let dir: string;
let config: string;
/** What exists in the fake world; survives engines, as the real world does. */
let world: Set<string>;
let runs: string[];
let faults: Map<string, string>;
/** Resources only `force` may delete (their manager is gone). */
let stuck: Set<string>;
let hold: { release?: () => void; started?: () => void };

function labStep(id: string): StepDefinition {
  return {
    id, phase: 'prepare', title: `Lab step ${id}`, why: '', dependsOn: [], estimateSeconds: 1, inputs: [],
    commands: () => [{ argv: ['true'] }],
    check: async () => ({ done: world.has(id) }),
    run: async () => {
      runs.push(id);
      world.add(id);
    },
  };
}

function teardownStep(deps: TeardownDeps, id: string, resource: string | undefined, dependsOn: string[], extra: Partial<TeardownStep> = {}): TeardownStep {
  return {
    id, phase: 'teardown', title: `Remove ${resource ?? id}`, why: '', dependsOn, estimateSeconds: 5, inputs: [], removes: [],
    commands: () => [{ argv: ['echo', 'delete', resource ?? id] }],
    check: async () => ({ done: resource ? !world.has(resource) : false, outputs: resource === 'gke' ? { costPerHour: '0.12' } : ({} as Record<string, string>) }),
    refusal: async () => (resource && stuck.has(resource) && !deps.options().force ? `${resource} has no manager: pass --force` : undefined),
    run: async (ctx) => {
      runs.push(id);
      await ctx.run({ argv: ['echo', 'delete', resource ?? id] });
      if (faults.has(id)) throw new Error(faults.get(id));
      if (resource && stuck.has(resource) && !deps.options().force) throw new Error(`${resource} hangs on its finalizer: run lab down --force`);
      if (id === 'down-slow' && hold.started) {
        const released = new Promise<void>((resolve, reject) => {
          hold.release = resolve;
          ctx.signal.addEventListener('abort', () => reject(new Error('cancelled')), { once: true });
        });
        hold.started();
        await released;
      }
      if (resource) world.delete(resource);
      return undefined;
    },
    ...extra,
  };
}

function fakeTeardown(deps: TeardownDeps): TeardownStep[] {
  return [
    teardownStep(deps, 'down-apps', 'lb', []),
    teardownStep(deps, 'down-slow', 'gke', ['down-apps']),
    teardownStep(deps, 'down-k3d', 'k3d', ['down-apps', 'down-slow']),
    teardownStep(deps, 'down-service-account', 'sa', ['down-apps', 'down-slow', 'down-k3d'], { optional: 'deleteServiceAccount' }),
    teardownStep(deps, 'down-verify', undefined, ['down-apps', 'down-slow', 'down-k3d', 'down-service-account'], {
      check: async () => ({ done: false }),
      run: async () => {
        runs.push('down-verify');
        const left = ['lb', 'gke', 'k3d'].filter((r) => world.has(r));
        if (left.length > 0) throw new Error(`Still there after the teardown: ${left.join(', ')}`);
        return { evidence: 'gcloud container clusters list: no cluster dev-cluster\nk3d cluster list: no cluster lab' };
      },
    }),
  ];
}

function harness(extra: Partial<CliDeps> = {}): CliHarness {
  return cliHarness(() => createEngine({ dataDir: join(dir, 'data'), env: {}, steps: [labStep('a')], teardown: { steps: fakeTeardown }, logWindowMs: 1 }), extra);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cli-down-'));
  config = join(dir, 'lab.yaml');
  writeFileSync(config, LAB_YAML);
  world = new Set(['a', 'lb', 'gke', 'k3d', 'sa']);
  runs = [];
  faults = new Map();
  stuck = new Set();
  hold = {};
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('lab down: refusals before anything runs (exit 2)', () => {
  it('refuses without a terminal to ask on unless --yes', async () => {
    const h = harness({ isTTY: false });
    expect(await runCli(h.deps, ['down', '--config', config])).toBe(2);
    expect(h.err()).toContain('pass --yes');
    expect(runs).toEqual([]);
  });

  it('refuses a --delete-repository that is not exactly owner/repository', async () => {
    const h = harness();
    expect(await runCli(h.deps, ['down', '--config', config, '--yes', '--delete-repository', 'devflux'])).toBe(2);
    expect(h.err()).toContain('--delete-repository "devflux" is not exactly "lab-student/devflux"');
    expect(runs).toEqual([]);
  });

  it('wants GITHUB_TOKEN, as the GKE cluster goes through a push', async () => {
    const h = harness({ env: {} });
    expect(await runCli(h.deps, ['down', '--config', config, '--yes'])).toBe(2);
    expect(h.err()).toContain('GITHUB_TOKEN: not set');
  });

  it('names the field of a bad lab.yaml', async () => {
    writeFileSync(config, LAB_YAML.replace('gitops-lab-sim', 'Bad_Project'));
    const h = harness();
    expect(await runCli(h.deps, ['down', '--config', config, '--yes'])).toBe(2);
    expect(h.err()).toContain('gcp.project');
  });
});

describe('lab down: running', () => {
  it('shows the plan with its cost, removes everything in order, prints the evidence and exits 0', async () => {
    const h = harness();
    expect(await runCli(h.deps, ['down', '--config', config, '--yes']), h.err()).toBe(0);
    const out = h.out();
    expect(out).toContain('Teardown plan, in this order:\n  • Remove lb\n  • Remove gke\n  • Remove k3d\n  • Remove down-verify\n');
    expect(out).toContain('Running now: about $0.12 per hour');
    expect(out).toContain('! Remove sa: kept (--delete-service-account deletes it).');
    expect(runs).toEqual(['down-apps', 'down-slow', 'down-k3d', 'down-verify']);
    expect(out).toMatch(/✔ Remove lb[\s\S]*✔ Remove gke[\s\S]*✔ Remove k3d[\s\S]*✔ Remove down-verify/);
    expect(out).toContain('  gcloud container clusters list: no cluster dev-cluster\n');
    expect(out).toContain('Nothing of the lab is left running.');
    expect(world.has('sa')).toBe(true);
  });

  it('deletes the service account only when asked', async () => {
    const h = harness();
    expect(await runCli(h.deps, ['down', '--config', config, '--yes', '--delete-service-account'])).toBe(0);
    expect(runs).toContain('down-service-account');
    expect(world.has('sa')).toBe(false);
  });

  it('a failing step stops the teardown with exit 1, naming it, what waits and what remains; the steps after it never run', async () => {
    faults.set('down-slow', 'GKE cluster dev-cluster was not deleted within 1500 s; still in k3d-lab: Cluster dev-cluster: deleting');
    const h = harness();
    expect(await runCli(h.deps, ['down', '--config', config, '--yes'])).toBe(1);
    expect(h.err()).toContain('teardown step "down-slow" (Remove gke) failed: GKE cluster dev-cluster was not deleted within 1500 s');
    expect(h.err()).toContain('Not run, waiting for it: down-k3d');
    expect(runs, h.out()).toEqual(['down-apps', 'down-slow']);
    expect(world.has('k3d')).toBe(true);

    const status = harness();
    expect(await runCli(status.deps, ['status'])).toBe(0);
    expect(status.out()).toContain('Teardown (lab down)');
    expect(status.out()).toMatch(/^ {2}down-apps +Remove lb +succeeded$/m);
    expect(status.out()).toMatch(/^ {2}down-slow +Remove gke +failed +GKE cluster dev-cluster was not deleted/m);
    const json = harness();
    expect(await runCli(json.deps, ['status', '--json'])).toBe(0);
    const parsed = JSON.parse(json.out()) as { steps: Record<string, unknown>; teardown: Record<string, { status: string }> };
    expect(Object.keys(parsed.steps)).toEqual(['a']);
    expect(parsed.teardown['down-slow']?.status).toBe('failed');
  });

  it('a resource only --force can remove: the plan says so, lab down stops; lab down --force resumes without repeating done steps', async () => {
    stuck.add('gke');
    const first = harness();
    expect(await runCli(first.deps, ['down', '--config', config, '--yes'])).toBe(1);
    expect(first.out()).toContain('refused as asked: gke has no manager: pass --force');
    expect(first.err()).toContain('gke hangs on its finalizer: run lab down --force');
    runs = [];
    const second = harness();
    expect(await runCli(second.deps, ['down', '--config', config, '--yes', '--force']), second.err()).toBe(0);
    expect(second.out()).not.toContain('refused as asked');
    expect(runs).toEqual(['down-slow', 'down-k3d', 'down-verify']);
  });

  it('the verify step seeing something left is never a success', async () => {
    const h = harness();
    // A step that claims success without removing anything.
    h.deps.createEngine = () =>
      createEngine({
        dataDir: join(dir, 'data'), env: {}, steps: [labStep('a')], logWindowMs: 1,
        teardown: { steps: (deps) => fakeTeardown(deps).map((s) => (s.id === 'down-k3d' ? { ...s, run: async () => undefined } : s)) },
      });
    expect(await runCli(h.deps, ['down', '--config', config, '--yes'])).toBe(1);
    expect(h.err()).toContain('teardown step "down-verify" (Remove down-verify) failed: Still there after the teardown: k3d');
    expect(h.out()).not.toContain('Nothing of the lab is left');
  });

  it('Ctrl-C cancels the running step (exit 130); a second lab down resumes where it stopped', async () => {
    const h = harness();
    hold.started = () => h.shutdown();
    expect(await runCli(h.deps, ['down', '--config', config, '--yes'])).toBe(130);
    expect(h.err()).toContain('Run lab down again to resume');
    expect(runs).toEqual(['down-apps', 'down-slow']);
    runs = [];
    hold.started = () => hold.release?.();
    const again = harness();
    expect(await runCli(again.deps, ['down', '--config', config, '--yes'])).toBe(0);
    expect(runs).toEqual(['down-slow', 'down-k3d', 'down-verify']);
  });

  it('asks on a terminal and deletes nothing when not confirmed', async () => {
    const asked: string[] = [];
    const h = harness({ isTTY: true, confirm: async (q) => (asked.push(q), false) });
    expect(await runCli(h.deps, ['down', '--config', config])).toBe(1);
    expect(asked).toEqual(['Delete them now? [y/N] ']);
    expect(h.err()).toContain('nothing was deleted');
    expect(runs).toEqual([]);
  });
});

describe('the teardown and the lab stay apart', () => {
  it('lab up never starts a teardown step, and the commands of lab down are in the exported script', async () => {
    world.delete('a');
    const up = harness();
    expect(await runCli(up.deps, ['up', '--config', config, '--yes']), up.err()).toBe(0);
    expect(runs).toEqual(['a']);
    const down = harness();
    expect(await runCli(down.deps, ['down', '--config', config, '--yes'])).toBe(0);
    const script = harness();
    expect(await runCli(script.deps, ['export-script'])).toBe(0);
    expect(script.out()).toContain('echo delete gke');
    expect(script.out()).toContain('Remove gke');
  });
});
