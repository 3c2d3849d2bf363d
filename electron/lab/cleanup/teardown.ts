/**
 * The engine's teardown: the teardown steps run through their own Scheduler (one at a time, in
 * order), so `runAll` of the lab can never start one. Their states live in the same record as the
 * lab's steps (distinct ids) and are persisted with them; a teardown killed half-way is re-checked
 * against the world by the next engine and `run` continues where it stopped.
 *
 * Also the plan shown before anything runs (checks and refusals asked of the world), the direct
 * removal of leftovers, and the cleanup view (`Snapshot.cleanup`) with the outcome of the last
 * teardown kept in `cleanup.json`.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  LabApiError,
  type CleanupView,
  type CostClock,
  type StepState,
  type StepView,
  type TeardownOptions,
  type TeardownPlan,
} from '../../api/contract';
import type { LabInputs, PartialLabInputs } from '../../api/inputs';
import { PRICES_AS_OF } from '../cloud/prices';
import { Scheduler } from '../plan/scheduler';
import type { StepContext, StepDefinition } from '../plan/step';
import { inputsForStep } from '../plan/step-inputs';
import { writeFileAtomicSync } from '../state/atomic-write';
import type { Ledger } from './ledger';
import { removeLeftover } from './direct-removal';
import type { TeardownStep } from './teardown-steps';

export const CLEANUP_FILE_NAME = 'cleanup.json';
/** The log stream (and journal step id) of direct leftover removals. */
export const LEFTOVERS_STREAM = 'down-leftovers';

export interface TeardownServiceOptions {
  /** Builds the teardown steps; they read the options of the teardown being run through `options`. */
  steps(options: () => TeardownOptions): TeardownStep[];
  dataDir: string;
  ledger: Ledger;
  /** Saved step states (the lab's and the teardown's, one record). */
  states(): Record<string, StepState>;
  inputs(): PartialLabInputs;
  context(step: StepDefinition, inputs: LabInputs, signal: AbortSignal): StepContext;
  onState(stepId: string, state: StepState): void;
  info(stepId: string, message: string): void;
  mask(text: string): string;
  onSettled(stepId: string): void;
  /** The cleanup view changed. */
  onView(view: CleanupView): void;
  /** The cost clock with the person's reminder and deadline settings (default: the ledger's billable entries summed). */
  costClock?(): CostClock;
  now?(): Date;
}

interface CleanupRecord {
  completedAt?: string;
  remaining: string[];
}

export interface TeardownService {
  readonly steps: readonly TeardownStep[];
  allStates(): Record<string, StepState>;
  view(): CleanupView;
  /** After a restart: re-checks the teardown steps against the world, if a teardown was ever begun. */
  recheckIfBegun(): Promise<void>;
  plan(options: TeardownOptions): Promise<TeardownPlan>;
  run(options: TeardownOptions): Promise<void>;
  cancel(): void;
  whenIdle(): Promise<void>;
  removeLeftovers(ids: readonly string[]): Promise<void>;
  /** A lab step started: the lab is no longer meant to be down. */
  labStepStarted(): void;
  close(): Promise<void>;
}

const DEFAULT_OPTIONS: TeardownOptions = { force: false, deleteServiceAccount: false };

export function createTeardownService(options: TeardownServiceOptions): TeardownService {
  const now = options.now ?? (() => new Date());
  const file = path.join(options.dataDir, CLEANUP_FILE_NAME);
  let current: TeardownOptions = DEFAULT_OPTIONS;
  const steps = options.steps(() => current);
  let record = loadRecord(file);
  let running = false;
  /** Set by `cancel` while a run still re-checks the world, before its steps are asked for. */
  let cancelled = false;
  let lastView = '';
  let idleWork: Promise<void> = Promise.resolve();
  let scheduler = makeScheduler();

  function makeScheduler(): Scheduler {
    const saved = options.states();
    return new Scheduler({
      steps,
      concurrency: 1,
      initial: Object.fromEntries(steps.filter((step) => saved[step.id]).map((step) => [step.id, saved[step.id]!])),
      inputs: options.inputs,
      context: options.context,
      onState: (stepId, state) => {
        options.onState(stepId, state);
        emitView();
      },
      info: options.info,
      mask: options.mask,
      onSettled: options.onSettled,
      now,
    });
  }

  function saveRecord(next: CleanupRecord): void {
    record = next;
    fs.mkdirSync(options.dataDir, { recursive: true });
    writeFileAtomicSync(file, `${JSON.stringify(record, null, 2)}\n`);
    emitView();
  }

  function view(): CleanupView {
    const inputs = options.inputs() as Partial<LabInputs>;
    const ledger = options.ledger.list();
    const billing = ledger.filter((entry) => entry.state === 'present' && (entry.costPerHour ?? 0) > 0);
    const at = now().getTime();
    const since = billing.map((entry) => entry.createdAt).sort()[0];
    return {
      steps: steps.map((step): StepView => ({
        id: step.id,
        phase: step.phase,
        title: step.title,
        why: step.why,
        dependsOn: [...step.dependsOn],
        commands: step.commands(inputs),
        estimateSeconds: step.estimateSeconds,
        inputs: [...step.inputs],
      })),
      running: running || scheduler.isRunning(),
      ...(record.completedAt ? { completedAt: record.completedAt } : {}),
      remaining: [...record.remaining],
      ledger,
      cost: options.costClock?.() ?? {
        ...(since ? { since } : {}),
        costPerHour: round(billing.reduce((sum, entry) => sum + entry.costPerHour!, 0)),
        costSoFar: round(billing.reduce((sum, entry) => sum + (entry.costPerHour! * Math.max(0, at - Date.parse(entry.createdAt))) / 3_600_000, 0)),
        pricesAsOf: PRICES_AS_OF,
      },
    };
  }

  function emitView(): void {
    const next = view();
    const text = JSON.stringify(next);
    if (text === lastView) return;
    lastView = text;
    options.onView(next);
  }
  options.ledger.onChange(() => emitView());

  /** What a run ended with: the failures in people's words, and whether the verify step saw nothing left. */
  function settle(verifiedAt: string | undefined): void {
    const states = scheduler.allStates();
    const remaining = steps
      .filter((step) => states[step.id]?.status === 'failed')
      .map((step) => `${step.title} (${step.id}): ${states[step.id]!.error?.message ?? 'failed'}`);
    saveRecord({ ...(verifiedAt && remaining.length === 0 ? { completedAt: verifiedAt } : {}), remaining });
  }

  function contextFor(step: TeardownStep, signal: AbortSignal): { ctx?: StepContext; issues?: string } {
    const { issues, inputs } = inputsForStep(step, options.inputs());
    if (issues.length > 0) return { issues: `Check the inputs: ${issues.map((issue) => issue.message).join('; ')}` };
    return { ctx: options.context(step, inputs, signal) };
  }

  const service: TeardownService = {
    steps,
    allStates: () => scheduler.allStates(),
    view,
    async recheckIfBegun() {
      const saved = options.states();
      if (!steps.some((step) => saved[step.id] && saved[step.id]!.status !== 'pending')) return;
      await scheduler.recheck();
    },
    async plan(asked) {
      if (!running && !scheduler.isRunning()) current = asked;
      const items: TeardownPlan['items'] = [];
      const warnings: string[] = [];
      if (running || scheduler.isRunning()) warnings.push('A teardown is running: this plan uses its options.');
      let costPerHour = 0;
      const controller = new AbortController();
      const ledger = options.ledger.list().filter((entry) => entry.state !== 'gone');
      for (const step of steps) {
        const { ctx, issues } = contextFor(step, controller.signal);
        const resources = ledger.filter((entry) => step.removes.includes(entry.kind)).map((entry) => entry.id);
        const commands = step.commands(options.inputs() as Partial<LabInputs>);
        if (!ctx) {
          items.push({ stepId: step.id, title: step.title, resources, commands, refusal: issues! });
          continue;
        }
        if (step.optional && !current[step.optional]) {
          warnings.push(`${step.title.replace(/ \(when .*\)$/, '')}: kept (${step.optional === 'deleteRepository' ? '--delete-repository OWNER/REPOSITORY' : '--delete-service-account'} deletes it).`);
          continue;
        }
        let done = false;
        try {
          const check = await step.check(ctx);
          done = check.done;
          if (!done) costPerHour += Number(check.outputs?.costPerHour ?? 0) || 0;
        } catch (error) {
          warnings.push(`${step.title}: could not look (${messageOf(error)}); it will look again when it runs.`);
        }
        if (done && step.id !== 'down-verify') continue;
        let refusal: string | undefined;
        try {
          refusal = await step.refusal?.(ctx);
        } catch (error) {
          warnings.push(`${step.title}: could not tell whether it would be refused (${messageOf(error)}).`);
        }
        items.push({ stepId: step.id, title: step.title, resources, commands, ...(refusal ? { refusal } : {}) });
      }
      return { items, costPerHour: round(costPerHour), warnings };
    },
    async run(asked) {
      if (running || scheduler.isRunning()) throw new LabApiError('conflict', 'A teardown is already running');
      running = true;
      cancelled = false;
      emitView();
      try {
        current = asked;
        // Optional steps follow this run's options: skipped when not asked, pending again when asked.
        const saved = options.states();
        for (const step of steps) {
          if (!step.optional) continue;
          const state = saved[step.id] ?? { status: 'pending', attempts: 0 };
          if (!asked[step.optional]) {
            const flag = step.optional === 'deleteRepository' ? '--delete-repository OWNER/REPOSITORY' : '--delete-service-account';
            if (state.status !== 'skipped') options.onState(step.id, { status: 'skipped', attempts: state.attempts, skipReason: `kept: not asked (${flag})`, endedAt: now().toISOString() });
          } else if (state.status === 'skipped') {
            options.onState(step.id, { status: 'pending', attempts: state.attempts });
          }
        }
        scheduler = makeScheduler();
        await scheduler.recheck();
        const verify = steps.at(-1)!.id;
        if (!cancelled) scheduler.runAll();
        idleWork = scheduler.whenIdle().then(() => {
          running = false;
          const state = scheduler.state(verify);
          settle(state.status === 'succeeded' ? (state.endedAt ?? now().toISOString()) : undefined);
        });
      } catch (error) {
        running = false;
        emitView();
        throw error;
      }
    },
    cancel() {
      if (running) cancelled = true;
      scheduler.cancelAll();
    },
    async whenIdle() {
      await scheduler.whenIdle();
      await idleWork;
    },
    async removeLeftovers(leftoverIds) {
      const entries = leftoverIds.map((id) => {
        const entry = options.ledger.get(id);
        if (!entry) throw new LabApiError('not-found', `No resource "${id}" in the ledger`);
        return entry;
      });
      const pseudo: StepDefinition = { id: LEFTOVERS_STREAM, phase: 'teardown', title: 'Remove leftovers', why: '', dependsOn: [], estimateSeconds: 0, inputs: [], commands: () => [], check: async () => ({ done: false }), run: async () => undefined };
      const { inputs } = inputsForStep(pseudo, options.inputs());
      const ctx = options.context(pseudo, inputs, new AbortController().signal);
      try {
        for (const entry of entries) {
          await removeLeftover(ctx, entry);
          options.ledger.observe(entry.id, { state: 'gone', detail: 'removed as a leftover' });
        }
      } finally {
        options.onSettled(LEFTOVERS_STREAM);
      }
    },
    labStepStarted() {
      if (record.completedAt) saveRecord({ remaining: record.remaining });
    },
    async close() {
      scheduler.cancelAll();
      await service.whenIdle();
    },
  };
  return service;
}

/** Whether the last teardown in `dataDir` finished with nothing left: the lab is meant to be down. */
export function labIsDown(dataDir: string): boolean {
  return loadRecord(path.join(dataDir, CLEANUP_FILE_NAME)).completedAt !== undefined;
}

function loadRecord(file: string): CleanupRecord {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<CleanupRecord>;
    return { ...(typeof parsed.completedAt === 'string' ? { completedAt: parsed.completedAt } : {}), remaining: Array.isArray(parsed.remaining) ? parsed.remaining.filter((r): r is string => typeof r === 'string') : [] };
  } catch {
    return { remaining: [] };
  }
}

const round = (value: number): number => Math.round(value * 10_000) / 10_000;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
