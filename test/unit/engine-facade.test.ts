import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LabEvent } from '../../electron/api/contract';
import { dispatch } from '../../electron/api/dispatch';
import { createEngine, type CommandRunner, type Engine } from '../../electron/lab/engine/index';
import { phases, steps as catalogue } from '../../electron/lab/plan/catalogue';
import { labSteps, manualStep, NOT_AUTOMATED_MESSAGE } from '../../electron/lab/plan/lab-steps';
import type { StepDefinition } from '../../electron/lab/plan/step';
import type { CommandSpec } from '../../electron/lab/run/types';

const TOKEN = 'ghp_0123456789abcdefghijklmnopqrstuvwxyz';

let dir: string;
const engines: Engine[] = [];
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-facade-'));
});
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function fakeRunner(calls: CommandSpec[], say: (spec: CommandSpec) => string = () => 'ok\n'): CommandRunner {
  return {
    run: async (spec, listener) => {
      calls.push(spec);
      listener?.onChunk?.('stdout', say(spec));
      return { exitCode: 0, stdout: '', stderr: '', executable: `/usr/bin/${spec.argv[0]}`, durationMs: 1 };
    },
  };
}

function engineWith(options: Parameters<typeof createEngine>[0] = {}) {
  const engine = createEngine({ dataDir: dir, env: {}, ...options });
  engines.push(engine);
  const events: LabEvent[] = [];
  engine.onEvent((event) => events.push(event));
  return { engine, events };
}

function commandStep(id: string, argv: string[], dependsOn: string[] = []): StepDefinition {
  let done = false;
  return {
    id,
    phase: 'prepare',
    title: `Title ${id}`,
    why: 'why',
    dependsOn,
    estimateSeconds: 1,
    inputs: [],
    commands: () => [{ argv }],
    check: async () => ({ done }),
    run: async (ctx) => {
      await ctx.run({ argv, env: { GITHUB_TOKEN: ctx.secret('GITHUB_TOKEN') ?? '' } });
      done = true;
      return { result: 'yes' };
    },
  };
}

describe('engine facade: snapshot and inputs', () => {
  it('builds the snapshot from the catalogue, with rehearsal from env and secrets from env', async () => {
    const { engine } = engineWith({ env: { LAB_REHEARSAL: '1', GITHUB_TOKEN: TOKEN } });
    await engine.start();
    const snapshot = await dispatch(engine, 'getSnapshot', {});
    const s = snapshot as Awaited<ReturnType<Engine['getSnapshot']>>;
    expect(s.rehearsal).toBe(true);
    expect(s.phases.map((p) => p.id)).toEqual(phases.map((p) => p.id));
    expect(s.phases.flatMap((p) => p.steps.map((step) => step.id))).toEqual(catalogue.map((step) => step.id));
    expect(Object.values(s.steps).every((state) => state.status === 'pending')).toBe(true);
    expect(s.secrets).toEqual({ GITHUB_TOKEN: true, GRAFANA_ADMIN_PASSWORD: false });
    expect(JSON.stringify(s)).not.toContain(TOKEN);
  });

  it('is not a rehearsal without LAB_REHEARSAL=1', async () => {
    const { engine } = engineWith({ env: {} });
    expect((await engine.getSnapshot({})).rehearsal).toBe(false);
  });

  it('validates inputs per field, persists them, keeps earlier fields and emits an inputs event', async () => {
    const { engine, events } = engineWith();
    await engine.start();
    const bad = await engine.setInputs({ inputs: { github: { owner: 'not valid!' } } });
    expect(bad.ok).toBe(false);
    expect(bad.issues.map((i) => i.field)).toEqual(['github.owner']);
    expect((await engine.setInputs({ inputs: { github: { repository: 'myrepo' } } })).ok).toBe(true);
    expect((await engine.setInputs({ inputs: { github: { owner: 'smana' } } })).ok).toBe(true);
    expect((await engine.getSnapshot({})).inputs.github).toMatchObject({ owner: 'smana', repository: 'myrepo' });
    const saved = JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8'));
    expect(saved.inputs.github).toMatchObject({ owner: 'smana', repository: 'myrepo' });
    expect(events.filter((e) => e.type === 'inputs')).toHaveLength(2);
    // The commands shown follow the inputs.
    const bootstrap = (await engine.getSnapshot({})).phases.flatMap((p) => p.steps).find((s) => s.id === 'flux-bootstrap');
    expect(bootstrap?.commands[0]?.argv).toContain('--owner=smana');
  });

  it('says honestly that a catalogue step is not automated yet', async () => {
    const { engine, events } = engineWith({ steps: catalogue.filter((info) => info.id === 'tools').map(manualStep) });
    await engine.start();
    await engine.runStep({ stepId: 'tools' });
    await engine.whenIdle();
    const state = (await engine.getSnapshot({})).steps.tools;
    expect(state).toMatchObject({ status: 'failed', error: { message: NOT_AUTOMATED_MESSAGE } });
    expect(events.filter((e) => e.type === 'step' && e.stepId === 'tools').map((e) => (e.type === 'step' ? e.state.status : ''))).toEqual(['running', 'failed']);
    expect((await engine.readLog({ stepId: 'tools', offset: 0, maxBytes: 10_000 })).text).toContain(NOT_AUTOMATED_MESSAGE);
    await expect(engine.readLog({ stepId: 'no-such-step', offset: 0, maxBytes: 10 })).rejects.toThrow(/No step/);
  });
});

describe('engine facade: running commands', () => {
  it("starts the app's own explanation on a new line after output that did not end one", async () => {
    const step: StepDefinition = {
      ...commandStep('print', [process.execPath, '-e', 'process.stdout.write("203.0.113.7")']),
      run: async (ctx) => {
        await ctx.run({ argv: [process.execPath, '-e', 'process.stdout.write("203.0.113.7")'] });
        ctx.info('The shop is at http://203.0.113.7');
      },
    };
    const { engine } = engineWith({ steps: [step] });
    await engine.start();
    await engine.runStep({ stepId: 'print' });
    await engine.whenIdle();
    const { text } = await engine.readLog({ stepId: 'print', offset: 0, maxBytes: 10_000 });
    expect(text).toContain('203.0.113.7\nThe shop is at http://203.0.113.7\n');
  });

  it('masks secrets in log events, log files and the journal, and exports a script', async () => {
    const calls: CommandSpec[] = [];
    const runner = fakeRunner(calls, (spec) => `token=${spec.env?.GITHUB_TOKEN}\n`);
    const { engine, events } = engineWith({ runner, steps: [commandStep('hello', ['flux', 'check', '--pre'])] });
    await engine.start();
    await engine.setSecret({ name: 'GITHUB_TOKEN', value: TOKEN });
    await engine.runStep({ stepId: 'hello' });
    await engine.whenIdle();
    expect(calls[0]?.env?.GITHUB_TOKEN).toBe(TOKEN);
    expect(calls[0]?.signal).toBeInstanceOf(AbortSignal);
    const logged = events.filter((e) => e.type === 'log' && e.stream === 'hello').map((e) => (e.type === 'log' ? e.data : '')).join('');
    expect(logged).toContain('$ flux check --pre');
    expect(logged).toContain('token=');
    expect(logged).not.toContain(TOKEN);
    const file = fs.readFileSync(path.join(dir, 'logs', 'hello.log'), 'utf8');
    expect(file).toContain('token=');
    expect(file).not.toContain(TOKEN);
    const { entries } = await engine.getJournal({});
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ stepId: 'hello', argv: ['flux', 'check', '--pre'], envNames: ['GITHUB_TOKEN'], exitCode: 0, executable: '/usr/bin/flux' });
    const journalFile = fs.readFileSync(path.join(dir, 'journal.jsonl'), 'utf8');
    expect(journalFile).toContain('"stepId":"hello"');
    expect(journalFile).not.toContain(TOKEN);
    const { script } = await engine.exportScript({});
    expect(script).toContain('Title hello (hello)');
    expect(script).toContain('flux check --pre');
    expect(script).not.toContain(TOKEN);
    expect((await engine.getSnapshot({})).steps.hello).toMatchObject({ status: 'succeeded', outputs: { result: 'yes' } });
  });

  it('maps troubleshooting requests to flux commands and streams their output under a run id', async () => {
    const calls: CommandSpec[] = [];
    // Manual steps only: the automated ones' start-up checks would run commands through the same fake runner.
    const { engine, events } = engineWith({ runner: fakeRunner(calls, () => 'NAME READY\n'), steps: labSteps() });
    await engine.start();
    const done = (runId: string) =>
      new Promise<void>((resolve) => {
        const check = () => events.some((e) => e.type === 'log' && e.stream === runId && e.data.includes('(exit code 0)'));
        if (check()) return resolve();
        const off = engine.onEvent(() => {
          if (check()) {
            off();
            resolve();
          }
        });
      });
    const requests = [
      { kind: 'failing', context: 'k3d-crossplane' },
      { kind: 'logs', context: 'k3d-crossplane', objectKind: 'Kustomization', name: 'security' },
      { kind: 'trace', context: 'k3d-crossplane', object: 'deployment/frontend', namespace: 'demo' },
      { kind: 'diff', context: 'k3d-crossplane', name: 'apps', path: './apps/dev-cluster' },
    ];
    const runIds: string[] = [];
    for (const request of requests) {
      const { runId } = (await dispatch(engine, 'troubleshoot', { request })) as { runId: string };
      runIds.push(runId);
      await done(runId);
    }
    expect(new Set(runIds).size).toBe(4);
    expect(calls.map((c) => c.argv)).toEqual([
      ['flux', 'get', 'all', '-A', '--status-selector', 'ready=false', '--context=k3d-crossplane'],
      ['flux', 'logs', '--kind', 'Kustomization', '--name', 'security', '-n', 'flux-system', '--context=k3d-crossplane'],
      ['flux', 'trace', '-n', 'demo', 'deployment/frontend', '--context=k3d-crossplane'],
      ['flux', 'diff', 'kustomization', 'apps', '--path', './apps/dev-cluster', '--context=k3d-crossplane'],
    ]);
    const output = events.filter((e) => e.type === 'log' && e.stream === runIds[0]).map((e) => (e.type === 'log' ? e.data : '')).join('');
    expect(output).toContain('NAME READY');
    expect((await engine.readLog({ stepId: runIds[0]!, offset: 0, maxBytes: 1000 })).text).toContain('NAME READY');
  });

  it('a new engine on the same data directory re-checks and keeps what the world says is done', async () => {
    const world = path.join(dir, 'made');
    const step: StepDefinition = {
      ...commandStep('make', ['touch', world]),
      check: async () => ({ done: fs.existsSync(world), outputs: { file: world } }),
      run: async () => {
        fs.writeFileSync(world, '1');
        return { file: world };
      },
    };
    const first = engineWith({ steps: [step] }).engine;
    await first.start();
    await first.runStep({ stepId: 'make' });
    await first.whenIdle();
    await first.close();
    const second = engineWith({ steps: [step] }).engine;
    await second.start();
    expect((await second.getSnapshot({})).steps.make).toMatchObject({ status: 'succeeded', attempts: 1 });
    // The world changed behind the lab's back: the next start says so.
    fs.rmSync(world);
    const third = engineWith({ steps: [step] }).engine;
    await third.start();
    expect((await third.getSnapshot({})).steps.make?.status).toBe('pending');
  });

  it('reports a corrupt state file once, on start', async () => {
    fs.writeFileSync(path.join(dir, 'state.json'), 'garbage');
    const { engine } = engineWith();
    const { notices } = await engine.start();
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/not valid JSON.*moved to/);
    expect((await engine.readLog({ stepId: 'lab', offset: 0, maxBytes: 10_000 })).text).toContain(notices[0]!);
  });
});

describe('engine facade: the real runner', () => {
  it('runs a step\'s command, streams it masked, and cancel kills the process', async () => {
    let pid = 0;
    let announce!: () => void;
    const started = new Promise<void>((resolve) => (announce = resolve));
    const step: StepDefinition = {
      ...commandStep('long', ['node']),
      run: async (ctx) => {
        const script = 'console.log("pid=" + process.pid + " " + process.env.GITHUB_TOKEN); setInterval(() => {}, 1000)';
        await ctx.run(
          { argv: [process.execPath, '-e', script], env: { GITHUB_TOKEN: ctx.secret('GITHUB_TOKEN')! } },
          {
            onLine: (_source, line) => {
              const match = /pid=(\d+)/.exec(line);
              if (match) {
                pid = Number(match[1]);
                announce();
              }
            },
          },
        );
      },
    };
    const { engine, events } = engineWith({ env: { GITHUB_TOKEN: TOKEN, PATH: process.env.PATH }, steps: [step] });
    await engine.start();
    await engine.runStep({ stepId: 'long' });
    await started;
    expect(() => process.kill(pid, 0)).not.toThrow();
    await engine.cancelStep({ stepId: 'long' });
    await engine.whenIdle();
    expect((await engine.getSnapshot({})).steps.long?.status).toBe('cancelled');
    expect(() => process.kill(pid, 0)).toThrow();
    const text = events.map((e) => (e.type === 'log' ? e.data : '')).join('');
    expect(text).toContain(`pid=${pid} `);
    expect(text).not.toContain(TOKEN);
  });
});

describe('engine facade: failures', () => {
  it('masks a secret quoted in a step\'s error, in the snapshot and on disk', async () => {
    const step: StepDefinition = {
      ...commandStep('leaky', ['true']),
      run: async (ctx) => {
        throw new Error(`GitHub refused token ${ctx.secret('GITHUB_TOKEN')}`);
      },
    };
    const { engine, events } = engineWith({ env: { GITHUB_TOKEN: TOKEN }, steps: [step] });
    await engine.start();
    await engine.runStep({ stepId: 'leaky' });
    await engine.whenIdle();
    const error = (await engine.getSnapshot({})).steps.leaky?.error;
    expect(error?.message).toMatch(/^GitHub refused token \S+$/);
    expect(error?.message).not.toContain(TOKEN);
    expect(JSON.stringify(events)).not.toContain(TOKEN);
    expect(fs.readFileSync(path.join(dir, 'state.json'), 'utf8')).not.toContain(TOKEN);
    expect(fs.readFileSync(path.join(dir, 'logs', 'leaky.log'), 'utf8')).not.toContain(TOKEN);
  });
});

describe('engine facade: resources', () => {
  it('keeps the latest status per object for snapshots and emits only changes', async () => {
    const { engine, events } = engineWith();
    const ks = { cluster: 'k3d-crossplane', kind: 'Kustomization', namespace: 'flux-system', name: 'security', ready: false, message: 'reconciling' };
    engine.reportResource(ks);
    engine.reportResource({ ...ks });
    engine.reportResource({ ...ks, ready: true, message: 'Applied revision: main@sha1:696f056d' });
    engine.reportResource({ ...ks, name: 'apps', ready: null, message: 'waiting' });
    expect(events.filter((e) => e.type === 'resource')).toHaveLength(3);
    const listed = (await engine.getSnapshot({})).resources;
    expect(listed.map((r) => [r.name, r.ready])).toEqual([
      ['security', true],
      ['apps', null],
    ]);
    engine.reportResource({ ...ks, deleted: true });
    expect((await engine.getSnapshot({})).resources.map((r) => r.name)).toEqual(['apps']);
    expect(events.filter((e) => e.type === 'resource')).toHaveLength(4);
  });
});
