import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { StepState } from '../../electron/api/contract';
import type { PartialLabInputs } from '../../electron/api/inputs';
import { PlanError } from '../../electron/lab/plan/graph';
import { Scheduler } from '../../electron/lab/plan/scheduler';
import type { StepContext, StepDefinition } from '../../electron/lab/plan/step';
import { fakeStep, Trace } from './engine-fakes';

function makeScheduler(
  steps: StepDefinition[],
  options: { concurrency?: number; inputs?: PartialLabInputs; initial?: Record<string, StepState> } = {},
) {
  const infos: Array<[string, string]> = [];
  const history: Array<[string, StepState['status']]> = [];
  const scheduler = new Scheduler({
    steps,
    concurrency: options.concurrency,
    initial: options.initial,
    inputs: () => options.inputs ?? {},
    context: (step, inputs, signal): StepContext => ({
      inputs,
      signal,
      dataDir: '/nonexistent',
      secret: () => undefined,
      run: () => Promise.reject(new Error('no commands in this test')),
      info: (message) => infos.push([step.id, message]),
      outputsOf: (id) => scheduler.outputsOf(id),
    }),
    onState: (id, state) => history.push([id, state.status]),
    info: (id, message) => infos.push([id, message]),
  });
  return { scheduler, infos, history };
}

describe('scheduler: plan validation', () => {
  it('rejects a dependency cycle and names it', () => {
    const t = new Trace();
    const steps = [fakeStep('a', t, { dependsOn: ['c'] }), fakeStep('b', t, { dependsOn: ['a'] }), fakeStep('c', t, { dependsOn: ['b'] })];
    expect(() => makeScheduler(steps)).toThrow(PlanError);
    expect(() => makeScheduler(steps)).toThrow(/Dependency cycle: a -> c -> b -> a/);
  });

  it('rejects an unknown dependency and a duplicate id', () => {
    const t = new Trace();
    expect(() => makeScheduler([fakeStep('a', t, { dependsOn: ['nope'] })])).toThrow('Step "a" depends on unknown step "nope"');
    expect(() => makeScheduler([fakeStep('a', t), fakeStep('a', t)])).toThrow('declared twice');
  });
});

describe('scheduler: ordering and concurrency', () => {
  it('runs dependencies first and independent steps side by side', async () => {
    const t = new Trace();
    const a = fakeStep('a', t);
    const b = fakeStep('b', t, { dependsOn: ['a'] });
    const c = fakeStep('c', t, { dependsOn: ['a'] });
    const d = fakeStep('d', t, { dependsOn: ['b', 'c'] });
    const { scheduler } = makeScheduler([d, c, b, a]);
    scheduler.runAll();
    await a.started();
    expect(scheduler.state('b').status).toBe('pending');
    expect(t.runningNow).toBe(1);
    a.succeed({ address: '10.0.0.1' });
    await Promise.all([b.started(), c.started()]);
    expect(t.runningNow).toBe(2);
    b.succeed();
    await Promise.resolve();
    expect(scheduler.state('d').status).toBe('pending');
    c.succeed();
    const dctx = await d.started();
    expect(dctx.outputsOf('a')).toEqual({ address: '10.0.0.1' });
    d.succeed();
    await scheduler.whenIdle();
    expect(t.events.indexOf('start:b')).toBeGreaterThan(t.events.indexOf('end:a'));
    expect(t.events.indexOf('start:d')).toBeGreaterThan(Math.max(t.events.indexOf('end:b'), t.events.indexOf('end:c')));
    expect(Object.values(scheduler.allStates()).map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
  });

  it('never runs more than the bound at once', async () => {
    const t = new Trace();
    const steps = ['s1', 's2', 's3', 's4', 's5'].map((id) => fakeStep(id, t));
    const { scheduler } = makeScheduler(steps, { concurrency: 2 });
    scheduler.runAll();
    await Promise.all([steps[0]!.started(), steps[1]!.started()]);
    expect(t.runningNow).toBe(2);
    expect(scheduler.state('s3').status).toBe('pending');
    for (const step of steps) {
      await step.started();
      expect(t.runningNow).toBeLessThanOrEqual(2);
      step.succeed();
    }
    await scheduler.whenIdle();
    expect(t.peak).toBe(2);
    expect(steps.map((s) => s.runs)).toEqual([1, 1, 1, 1, 1]);
  });

  it('runs one step after its not-done dependencies, and nothing else', async () => {
    const t = new Trace();
    const a = fakeStep('a', t);
    const b = fakeStep('b', t, { dependsOn: ['a'] });
    const other = fakeStep('other', t);
    const { scheduler } = makeScheduler([a, b, other]);
    scheduler.run('b');
    (await a.started(), a.succeed());
    (await b.started(), b.succeed());
    await scheduler.whenIdle();
    expect(scheduler.state('b').status).toBe('succeeded');
    expect(other.runs).toBe(0);
    expect(scheduler.state('other').status).toBe('pending');
  });

  it('treats a step whose check says done as succeeded without running it', async () => {
    const t = new Trace();
    const a = fakeStep('a', t, { check: async () => ({ done: true, detail: 'cluster exists', outputs: { context: 'k3d-x' } }) });
    const { scheduler, infos } = makeScheduler([a]);
    scheduler.run('a');
    await scheduler.whenIdle();
    expect(a.runs).toBe(0);
    expect(scheduler.state('a')).toMatchObject({ status: 'succeeded', outputs: { context: 'k3d-x' } });
    expect(infos.some(([id, m]) => id === 'a' && m.includes('cluster exists'))).toBe(true);
  });
});

describe('scheduler: a step found done over dependencies that are not', () => {
  it('holds its dependents until every ancestor is done (a clone that outlived its cluster)', async () => {
    const t = new Trace();
    const cluster = fakeStep('cluster', t);
    const clone = fakeStep('clone', t, { dependsOn: ['cluster'], check: async () => ({ done: true, detail: 'the clone is there' }) });
    const scaffold = fakeStep('scaffold', t, { dependsOn: ['clone'] });
    const { scheduler } = makeScheduler([cluster, clone, scaffold], { concurrency: 3 });
    await scheduler.recheck();
    expect(scheduler.state('clone').status).toBe('succeeded');
    scheduler.run('scaffold');
    await cluster.started();
    // The cluster is being made again: the scaffold must not start on the clone's word alone.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(scaffold.runs).toBe(0);
    cluster.succeed();
    (await scaffold.started(), scaffold.succeed());
    await scheduler.whenIdle();
    expect(t.events.indexOf('end:cluster')).toBeGreaterThan(-1);
    expect(t.events.indexOf('end:cluster')).toBeLessThan(t.events.indexOf('start:scaffold'));
  });
});

describe('scheduler: failures, retry, skip', () => {
  it('holds dependents of a failed step and releases them after a retry', async () => {
    const t = new Trace();
    const a = fakeStep('a', t);
    const b = fakeStep('b', t, { dependsOn: ['a'] });
    const c = fakeStep('c', t, { dependsOn: ['b'] });
    const { scheduler } = makeScheduler([a, b, c]);
    scheduler.runAll();
    (await a.started(), a.fail('docker is not running'));
    await scheduler.whenIdle();
    expect(scheduler.state('a')).toMatchObject({ status: 'failed', error: { message: 'docker is not running' } });
    expect(scheduler.state('b').status).toBe('blocked');
    expect(scheduler.state('b').error?.message).toContain('"Step a" (a), which failed');
    // The hold passes down the chain and still names the step that failed.
    expect(scheduler.state('c').error?.message).toContain('(a), which failed');
    expect(b.runs).toBe(0);

    scheduler.retry('a');
    expect(scheduler.state('b').status).toBe('pending');
    (await a.started(), a.succeed());
    (await b.started(), b.succeed());
    (await c.started(), c.succeed());
    await scheduler.whenIdle();
    expect(scheduler.state('a').attempts).toBe(2);
    expect(scheduler.state('c').status).toBe('succeeded');
  });

  it('lets dependents proceed after the failed step is skipped', async () => {
    const t = new Trace();
    const a = fakeStep('a', t);
    const b = fakeStep('b', t, { dependsOn: ['a'] });
    const { scheduler } = makeScheduler([a, b]);
    scheduler.runAll();
    (await a.started(), a.fail('no'));
    await scheduler.whenIdle();
    expect(scheduler.state('b').status).toBe('blocked');
    scheduler.skip('a', 'I created the cluster by hand');
    expect(scheduler.state('a')).toMatchObject({ status: 'skipped', skipReason: 'I created the cluster by hand' });
    (await b.started(), b.succeed());
    await scheduler.whenIdle();
    expect(scheduler.state('b').status).toBe('succeeded');
  });

  it('refuses to retry a step that did not fail, and to skip a running one', async () => {
    const t = new Trace();
    const a = fakeStep('a', t);
    const { scheduler } = makeScheduler([a]);
    expect(() => scheduler.retry('a')).toThrow(/only a failed or cancelled step/);
    scheduler.run('a');
    await a.started();
    expect(() => scheduler.skip('a', 'x')).toThrow(/cancel it before skipping/);
    expect(() => scheduler.run('zz')).toThrow('No step "zz"');
    a.succeed();
    await scheduler.whenIdle();
  });
});

describe('scheduler: cancel', () => {
  it('cancel one aborts that step\'s signal only', async () => {
    const t = new Trace();
    const a = fakeStep('a', t);
    const b = fakeStep('b', t);
    const { scheduler } = makeScheduler([a, b]);
    scheduler.runAll();
    const [actx, bctx] = await Promise.all([a.started(), b.started()]);
    scheduler.cancel('a');
    expect(actx.signal.aborted).toBe(true);
    expect(bctx.signal.aborted).toBe(false);
    b.succeed();
    await scheduler.whenIdle();
    expect(scheduler.state('a').status).toBe('cancelled');
    expect(scheduler.state('b').status).toBe('succeeded');
    expect(a.aborted).toBe(1);
    // A cancelled step can be retried.
    scheduler.retry('a');
    (await a.started(), a.succeed());
    await scheduler.whenIdle();
    expect(scheduler.state('a')).toMatchObject({ status: 'succeeded', attempts: 2 });
  });

  it('cancel all aborts every running step and returns queued ones to pending', async () => {
    const t = new Trace();
    const a = fakeStep('a', t);
    const b = fakeStep('b', t);
    const c = fakeStep('c', t);
    const d = fakeStep('d', t, { dependsOn: ['a'] });
    const { scheduler } = makeScheduler([a, b, c, d], { concurrency: 2 });
    scheduler.runAll();
    const [actx, bctx] = await Promise.all([a.started(), b.started()]);
    scheduler.cancelAll();
    expect(actx.signal.aborted && bctx.signal.aborted).toBe(true);
    await scheduler.whenIdle();
    expect(scheduler.state('a').status).toBe('cancelled');
    expect(scheduler.state('b').status).toBe('cancelled');
    expect(scheduler.state('c').status).toBe('pending');
    expect(scheduler.state('d').status).toBe('pending');
    expect(c.runs + d.runs).toBe(0);
  });
});

describe('scheduler: cancel a queued step', () => {
  it('cancels a step that waits, and holds its own dependents', async () => {
    const t = new Trace();
    const a = fakeStep('a', t);
    const b = fakeStep('b', t, { dependsOn: ['a'] });
    const c = fakeStep('c', t, { dependsOn: ['b'] });
    const { scheduler } = makeScheduler([a, b, c]);
    scheduler.runAll();
    await a.started();
    scheduler.cancel('b');
    expect(scheduler.state('b')).toMatchObject({ status: 'cancelled', attempts: 0 });
    expect(scheduler.state('b').error).toBeUndefined();
    a.succeed();
    await scheduler.whenIdle();
    expect(b.runs + c.runs).toBe(0);
    expect(scheduler.state('c').status).toBe('blocked');
    expect(scheduler.state('c').error?.message).toContain('(b), which was cancelled');
  });
});

describe('scheduler: inputs', () => {
  it('rejects bad inputs with the step\'s schema, naming the field, and runs nothing', async () => {
    const t = new Trace();
    const schema = z.object({ github: z.object({ owner: z.string().regex(/^[a-z]+$/, 'github.owner: letters only') }) });
    const a = fakeStep('a', t, { inputSchema: schema });
    const { scheduler } = makeScheduler([a], { inputs: { github: { owner: 'Not Valid!' } } });
    scheduler.run('a');
    await scheduler.whenIdle();
    expect(a.checks + a.runs).toBe(0);
    expect(scheduler.state('a').status).toBe('failed');
    expect(scheduler.state('a').error?.message).toContain('github.owner: letters only');
    expect(scheduler.state('a').error?.hint).toContain('github.owner');
  });

  it('without a schema, judges only the fields the step declares', async () => {
    const t = new Trace();
    const needsProject = fakeStep('needs-project', t, { inputs: ['gcp.project'] });
    const needsNothing = fakeStep('needs-nothing', t);
    const { scheduler } = makeScheduler([needsProject, needsNothing], { inputs: {} });
    scheduler.runAll();
    (await needsNothing.started(), needsNothing.succeed());
    await scheduler.whenIdle();
    expect(scheduler.state('needs-nothing').status).toBe('succeeded');
    expect(scheduler.state('needs-project').status).toBe('failed');
    expect(scheduler.state('needs-project').error?.message).toContain('gcp.project: required');
    expect(scheduler.state('needs-project').error?.message).not.toContain('github');
  });
});

describe('scheduler: recheck on start', () => {
  it('re-derives the truth: a stale running step is succeeded if the world says done, pending otherwise', async () => {
    const t = new Trace();
    const made = fakeStep('made', t, { check: async () => ({ done: true, outputs: { id: '1' } }) });
    const lost = fakeStep('lost', t);
    const gone = fakeStep('gone', t);
    const { scheduler } = makeScheduler([made, lost, gone], {
      initial: {
        made: { status: 'running', attempts: 1 },
        lost: { status: 'running', attempts: 1 },
        gone: { status: 'succeeded', attempts: 1 },
      },
    });
    await scheduler.recheck();
    expect(scheduler.state('made')).toMatchObject({ status: 'succeeded', outputs: { id: '1' } });
    expect(scheduler.state('lost').status).toBe('pending');
    expect(scheduler.state('gone').status).toBe('pending');
    expect(made.runs + lost.runs + gone.runs).toBe(0);
  });
});

describe('scheduler: errors', () => {
  it('keeps the command, exit code, stderr tail and hint of a runner error in their own fields', async () => {
    const t = new Trace();
    const a = fakeStep('a', t);
    const { scheduler, infos } = makeScheduler([a]);
    scheduler.run('a');
    await a.started();
    expect(infos).toContainEqual(['a', expect.stringMatching(/^-- attempt 1, /)]);
    const failure = Object.assign(new Error('k3d cluster create x failed with exit code 1\nFATA[0000] exists\nHint: delete it'), {
      command: 'k3d cluster create x',
      exitCode: 1,
      signal: null,
      stderrTail: 'FATA[0000] exists',
      hint: 'delete it',
      stdout: 'not kept',
    });
    a.failWith(failure);
    await scheduler.whenIdle();
    expect(scheduler.state('a').error).toEqual({
      message: 'k3d cluster create x failed with exit code 1',
      command: 'k3d cluster create x',
      exitCode: 1,
      signal: null,
      stderrTail: 'FATA[0000] exists',
      hint: 'delete it',
    });
  });
});
