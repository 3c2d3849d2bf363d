/**
 * Fake steps for the engine's tests: each one's check and run are driven by the test through
 * promises (no sleeps), and record what happened so ordering and concurrency can be asserted.
 */
import type { z } from 'zod';
import type { CheckResult, StepContext, StepDefinition } from '../../electron/lab/plan/step';

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export interface FakeStep extends StepDefinition {
  /** Resolves each time run() is entered (a new promise per attempt). */
  started(): Promise<StepContext>;
  /** Finishes the current attempt. */
  succeed(outputs?: Record<string, string>): void;
  fail(message: string): void;
  failWith(error: unknown): void;
  runs: number;
  checks: number;
  aborted: number;
}

export interface FakeStepOptions {
  dependsOn?: string[];
  inputs?: string[];
  inputSchema?: z.ZodType;
  check?: (ctx: StepContext) => Promise<CheckResult>;
}

/** Records start and end order across fake steps, and the peak number running at once. */
export class Trace {
  events: string[] = [];
  runningNow = 0;
  peak = 0;
  enter(id: string): void {
    this.events.push(`start:${id}`);
    this.runningNow += 1;
    this.peak = Math.max(this.peak, this.runningNow);
  }
  leave(id: string, how: string): void {
    this.events.push(`${how}:${id}`);
    this.runningNow -= 1;
  }
}

export function fakeStep(id: string, trace: Trace, options: FakeStepOptions = {}): FakeStep {
  let gate = deferred<Record<string, string> | undefined>();
  let entered = deferred<StepContext>();
  const step: FakeStep = {
    id,
    phase: 'test',
    title: `Step ${id}`,
    why: 'test',
    dependsOn: options.dependsOn ?? [],
    estimateSeconds: 1,
    inputs: options.inputs ?? [],
    inputSchema: options.inputSchema,
    commands: () => [{ argv: ['true'] }],
    runs: 0,
    checks: 0,
    aborted: 0,
    check: async (ctx) => {
      step.checks += 1;
      return options.check ? options.check(ctx) : { done: false };
    },
    run: async (ctx) => {
      step.runs += 1;
      trace.enter(id);
      const onAbort = () => {
        step.aborted += 1;
        entered = deferred();
        gate.reject(new Error('aborted'));
      };
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      entered.resolve(ctx);
      try {
        const outputs = await gate.promise;
        trace.leave(id, 'end');
        return outputs;
      } catch (error) {
        trace.leave(id, 'error');
        throw error;
      } finally {
        ctx.signal.removeEventListener('abort', onAbort);
        gate = deferred();
      }
    },
    started: () => entered.promise,
    succeed: (outputs) => {
      entered = deferred();
      gate.resolve(outputs);
    },
    fail: (message) => {
      entered = deferred();
      gate.reject(new Error(message));
    },
    failWith: (error) => {
      entered = deferred();
      gate.reject(error);
    },
  };
  return step;
}
