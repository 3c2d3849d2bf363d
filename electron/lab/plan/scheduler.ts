/**
 * Runs the lab's steps in dependency order, a bounded number at a time.
 *
 * A step is *requested* when someone asked for it (run one, run all, retry). Requested steps
 * start as soon as their dependencies have succeeded or been skipped. When a step fails or is
 * cancelled, requested dependents are held (`blocked`, naming the step they wait for) rather
 * than dropped, so a retry or a skip of the failed step releases them without asking again.
 *
 * Before running, a step's inputs are validated (nothing runs on bad inputs) and its `check`
 * asks the world whether the work is already done, which makes every step safe to repeat.
 */
import { z } from 'zod';
import { LabApiError, scaffoldConflictSchema, type StepError, type StepState, type StepStatus } from '../../api/contract';
import type { LabInputs, PartialLabInputs } from '../../api/inputs';
import { orderPlan, withDependencies, type PlanNode } from './graph';
import type { StepContext, StepDefinition } from './step';
import { inputsForStep } from './step-inputs';

export const DEFAULT_CONCURRENCY = 2;

export interface SchedulerOptions {
  steps: readonly StepDefinition[];
  concurrency?: number;
  /** States from a previous session, re-checked by `recheck()`. */
  initial?: Record<string, StepState>;
  inputs(): PartialLabInputs;
  /** Builds what a step's check/run receives. */
  context(step: StepDefinition, inputs: LabInputs, signal: AbortSignal): StepContext;
  /** Every state change, already applied (persist it, emit it). */
  onState(stepId: string, state: StepState): void;
  /** A line of explanation for the step's log. */
  info(stepId: string, message: string): void;
  /** Hides secrets in error texts before they are stored or shown (step code may quote one). */
  mask?(text: string): string;
  /** A step's attempt is over (flush its log). */
  onSettled?(stepId: string): void;
  now?(): Date;
}

const DONE: ReadonlySet<StepStatus> = new Set(['succeeded', 'skipped']);
const STOPPED: ReadonlySet<StepStatus> = new Set(['failed', 'cancelled']);

export class Scheduler {
  private readonly steps = new Map<string, StepDefinition>();
  private readonly order: string[];
  private readonly states = new Map<string, StepState>();
  private readonly requested = new Set<string>();
  private readonly running = new Map<string, AbortController>();
  private readonly concurrency: number;
  private idleWaiters: Array<() => void> = [];
  private readonly now: () => Date;

  constructor(private readonly options: SchedulerOptions) {
    this.order = orderPlan(options.steps);
    for (const step of options.steps) this.steps.set(step.id, step);
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY));
    this.now = options.now ?? (() => new Date());
    for (const id of this.order) {
      const saved = options.initial?.[id];
      this.states.set(id, saved ? { ...saved } : { status: 'pending', attempts: 0 });
    }
  }

  /** The ids in run order. */
  get stepIds(): readonly string[] {
    return this.order;
  }

  state(id: string): StepState {
    return this.states.get(this.known(id).id)!;
  }

  allStates(): Record<string, StepState> {
    return Object.fromEntries(this.order.map((id) => [id, this.states.get(id)!]));
  }

  outputsOf(id: string): Record<string, string> | undefined {
    return this.states.get(id)?.outputs;
  }

  isRunning(id?: string): boolean {
    return id === undefined ? this.running.size > 0 : this.running.has(id);
  }

  /** Runs the step, after its dependencies that are not done yet. */
  run(id: string): void {
    this.known(id);
    for (const dep of withDependencies(id, this.steps as Map<string, PlanNode>, this.order)) this.request(dep);
    this.pump();
  }

  runAll(): void {
    for (const id of this.order) this.request(id);
    this.pump();
  }

  retry(id: string): void {
    const status = this.state(id).status;
    if (!STOPPED.has(status)) {
      throw new LabApiError('conflict', `Step "${id}" is ${status}; only a failed or cancelled step can be retried`);
    }
    this.run(id);
  }

  skip(id: string, reason: string): void {
    const state = this.state(id);
    if (this.running.has(id)) throw new LabApiError('conflict', `Step "${id}" is running; cancel it before skipping it`);
    this.requested.delete(id);
    this.update(id, { status: 'skipped', attempts: state.attempts, skipReason: reason, endedAt: this.now().toISOString(), ...keepOutputs(state) });
    this.options.info(id, `Skipped: ${reason}`);
    this.pump();
  }

  cancel(id: string): void {
    const state = this.state(id);
    const controller = this.running.get(id);
    if (controller) {
      this.requested.delete(id);
      controller.abort(new Error('cancelled'));
      return;
    }
    if (this.requested.delete(id)) {
      this.update(id, { status: 'cancelled', attempts: state.attempts, endedAt: this.now().toISOString(), ...keepOutputs(state) });
      this.pump();
    }
  }

  /** Stops everything: running steps are aborted, queued and held ones go back to pending. */
  cancelAll(): void {
    const queued = [...this.requested].filter((id) => !this.running.has(id));
    this.requested.clear();
    for (const id of queued) {
      const state = this.states.get(id)!;
      if (state.status === 'blocked') this.update(id, { status: 'pending', attempts: state.attempts, ...keepOutputs(state) });
    }
    for (const controller of this.running.values()) controller.abort(new Error('cancelled'));
    this.pump();
  }

  /** Resolves when nothing runs and nothing requested can start. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Re-derives every step's status from the world (on start): the saved state may be stale,
   * e.g. a step marked `running` when the previous process was killed. A step whose check says
   * done is succeeded; an interrupted one becomes pending, never blindly re-run.
   */
  async recheck(): Promise<void> {
    const queue = [...this.order];
    const worker = async (): Promise<void> => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) await this.recheckOne(id);
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, queue.length) }, worker));
  }

  private async recheckOne(id: string): Promise<void> {
    const step = this.steps.get(id)!;
    const before = this.states.get(id)!;
    const interrupted = before.status === 'running' || before.status === 'blocked';
    const { issues, inputs } = inputsForStep(step, this.options.inputs());
    let done = false;
    let outputs: Record<string, string> | undefined;
    let detail: string | undefined;
    if (issues.length === 0) {
      const controller = new AbortController();
      try {
        const result = await step.check(this.options.context(step, inputs, controller.signal));
        done = result.done;
        outputs = result.outputs;
        detail = result.detail;
      } catch (error) {
        detail = `could not check: ${messageOf(error)}`;
      }
    }
    const current = this.states.get(id)!;
    if (this.running.has(id) || current !== before) return;
    if (done) {
      if (before.status !== 'succeeded') this.options.info(id, `Found already done${detail ? `: ${detail}` : ''}`);
      this.update(id, { status: 'succeeded', attempts: before.attempts, startedAt: before.startedAt, endedAt: before.endedAt ?? this.now().toISOString(), outputs: outputs ?? before.outputs ?? {} });
    } else if (interrupted || before.status === 'succeeded') {
      const why = before.status === 'succeeded' ? 'was done but is not any more' : 'was interrupted before it finished';
      this.options.info(id, `This step ${why}${detail ? ` (${detail})` : ''}; it is pending again.`);
      this.update(id, { status: 'pending', attempts: before.attempts });
    }
  }

  private known(id: string): StepDefinition {
    const step = this.steps.get(id);
    if (!step) throw new LabApiError('not-found', `No step "${id}" in this lab`);
    return step;
  }

  private request(id: string): void {
    const state = this.states.get(id)!;
    if (this.running.has(id) || DONE.has(state.status)) return;
    this.requested.add(id);
    if (state.status !== 'pending') this.update(id, { status: 'pending', attempts: state.attempts, ...keepOutputs(state) });
  }

  private update(id: string, state: StepState): void {
    this.states.set(id, state);
    this.options.onState(id, state);
  }

  /** Starts what can start, holds what waits on a failure, and wakes `whenIdle` waiters. */
  private pump(): void {
    for (const id of this.order) {
      if (!this.requested.has(id) || this.running.has(id)) continue;
      const state = this.states.get(id)!;
      if (DONE.has(state.status) || STOPPED.has(state.status)) {
        this.requested.delete(id);
        continue;
      }
      const step = this.steps.get(id)!;
      let waiting = false;
      let blocker: string | undefined;
      // Every ancestor, not only the direct dependencies: a step found done by its check (a clone
      // that survived the cluster it was made for) must not let its dependents start while what it
      // stands on is still being made again.
      for (const dep of this.ancestors(id)) {
        const depState = this.states.get(dep)!;
        if (DONE.has(depState.status)) continue;
        if (STOPPED.has(depState.status) && !this.requested.has(dep)) {
          blocker ??= this.describeBlocker(dep, depState.status);
        } else if (depState.status === 'blocked') {
          // Held behind the same failure: name the step that actually failed.
          blocker ??= depState.error?.message ?? `Waiting for "${dep}"`;
        } else {
          waiting = true;
          // A dependency nobody asked for (e.g. after cancel-all) is asked for now.
          if (!this.requested.has(dep) && !this.running.has(dep)) this.request(dep);
        }
      }
      if (blocker !== undefined) {
        if (state.status !== 'blocked' || state.error?.message !== blocker) {
          this.update(id, { status: 'blocked', attempts: state.attempts, error: { message: blocker }, ...keepOutputs(state) });
        }
        continue;
      }
      if (state.status === 'blocked') this.update(id, { status: 'pending', attempts: state.attempts, ...keepOutputs(state) });
      if (waiting || this.running.size >= this.concurrency) continue;
      this.start(step);
    }
    if (this.isIdle()) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  private readonly ancestorCache = new Map<string, string[]>();
  /** The step's transitive dependencies, in run order. */
  private ancestors(id: string): string[] {
    let found = this.ancestorCache.get(id);
    if (!found) {
      found = withDependencies(id, this.steps, this.order).filter((dep) => dep !== id);
      this.ancestorCache.set(id, found);
    }
    return found;
  }

  private describeBlocker(dep: string, status: StepStatus): string {
    const title = this.steps.get(dep)?.title ?? dep;
    return `Waiting for "${title}" (${dep}), which ${status === 'failed' ? 'failed' : 'was cancelled'}`;
  }

  private isIdle(): boolean {
    if (this.running.size > 0) return false;
    for (const id of this.requested) {
      const status = this.states.get(id)!.status;
      if (status !== 'blocked') return false;
    }
    return true;
  }

  private start(step: StepDefinition): void {
    const id = step.id;
    const previous = this.states.get(id)!;
    const { issues, inputs } = inputsForStep(step, this.options.inputs());
    if (issues.length > 0) {
      this.requested.delete(id);
      const message = `Check the inputs: ${issues.map((issue) => issue.message).join('; ')}`;
      this.update(id, {
        status: 'failed',
        attempts: previous.attempts,
        endedAt: this.now().toISOString(),
        error: { message, hint: `Fix ${issues.map((issue) => issue.field).join(', ')} and retry.` },
      });
      this.options.info(id, message);
      this.options.onSettled?.(id);
      this.pump();
      return;
    }
    const controller = new AbortController();
    this.running.set(id, controller);
    const startedAt = this.now().toISOString();
    this.update(id, { status: 'running', attempts: previous.attempts + 1, startedAt });
    this.options.info(id, `-- attempt ${previous.attempts + 1}, ${startedAt} --`);
    void this.execute(step, inputs, controller).then((next) => {
      this.running.delete(id);
      this.requested.delete(id);
      this.update(id, next);
      this.options.onSettled?.(id);
      this.pump();
    });
  }

  /** Check, then run; always resolves with the step's next state. */
  private async execute(step: StepDefinition, inputs: LabInputs, controller: AbortController): Promise<StepState> {
    const { signal } = controller;
    const begun = this.states.get(step.id)!;
    const base = { attempts: begun.attempts, startedAt: begun.startedAt };
    const end = () => this.now().toISOString();
    try {
      const ctx = this.options.context(step, inputs, signal);
      const check = await step.check(ctx);
      signal.throwIfAborted();
      if (check.done) {
        this.options.info(step.id, `Already done${check.detail ? `: ${check.detail}` : ''}; nothing to run.`);
        return { ...base, status: 'succeeded', endedAt: end(), outputs: check.outputs ?? {} };
      }
      if (check.detail) this.options.info(step.id, check.detail);
      const outputs = await step.run(ctx);
      signal.throwIfAborted();
      return { ...base, status: 'succeeded', endedAt: end(), outputs: outputs ?? {} };
    } catch (error) {
      if (signal.aborted) {
        this.options.info(step.id, 'Cancelled.');
        return { ...base, status: 'cancelled', endedAt: end() };
      }
      const stepError = maskError(toStepError(error), this.options.mask);
      this.options.info(step.id, `Failed: ${stepError.message}`);
      return { ...base, status: 'failed', endedAt: end(), error: stepError };
    }
  }
}

function maskError(error: StepError, mask: ((text: string) => string) | undefined): StepError {
  if (!mask) return error;
  const out: StepError = { ...error, message: mask(error.message) };
  for (const key of ['hint', 'command', 'stderrTail'] as const) {
    const value = error[key];
    if (value !== undefined) out[key] = mask(value);
  }
  if (error.conflicts) out.conflicts = error.conflicts.map((c) => ({ ...c, file: mask(c.file), diff: mask(c.diff), ...(c.backup ? { backup: mask(c.backup) } : {}) }));
  return out;
}

function keepOutputs(state: StepState): Pick<StepState, 'outputs'> {
  return state.outputs ? { outputs: state.outputs } : {};
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Keeps what a runner error says about the failing command (fields of StepError), nothing else. */
export function toStepError(error: unknown): StepError {
  const out: StepError = { message: messageOf(error) };
  if (typeof error !== 'object' || error === null) return out;
  const e = error as Record<string, unknown>;
  // A runner error's message repeats the stderr tail and hint below its first line; those
  // travel in their own fields, so the message keeps only the sentence.
  if (typeof e.command === 'string') out.message = out.message.split('\n')[0]!;
  if (typeof e.hint === 'string') out.hint = e.hint;
  if (typeof e.command === 'string') out.command = e.command;
  if (typeof e.exitCode === 'number' || e.exitCode === null) out.exitCode = e.exitCode as number | null;
  if (typeof e.signal === 'string' || e.signal === null) out.signal = e.signal as string | null;
  if (typeof e.stderrTail === 'string') out.stderrTail = e.stderrTail;
  // A step that needs the person's answer (the scaffold's changed files) says what to ask.
  const conflicts = z.array(scaffoldConflictSchema).safeParse(e.conflicts);
  if (e.conflicts !== undefined && conflicts.success) out.conflicts = conflicts.data;
  return out;
}
