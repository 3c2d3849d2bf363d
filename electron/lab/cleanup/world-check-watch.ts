/**
 * The cleanup watch: keeps the ledger honest about the world (world check -> `ledger.observe`,
 * labelled resources the ledger lacks -> `ledger.record`), flags leftovers, and runs the cost
 * clock's reminder and workshop deadline.
 *
 * Wiring in the engine (electron/lab/engine/index.ts), with its runner, ledger and emit:
 *
 *   const cleanupWatch = createCleanupWatch({ ledger, run: (spec) => runner.run(spec), inputs: () => currentInputs(),
 *     githubToken: () => secrets.get('GITHUB_TOKEN'), labDown: () => Boolean(cleanupCompletedAt),
 *     onNotice: (notice) => emit({ type: 'notice', ...notice }), startCleanup: () => void runTeardown({}) });
 *   void cleanupWatch.reconcile();                       // on start, and before planning a teardown
 *   cleanup.cost = cleanupWatch.costClock();             // in every snapshot / `cleanup` event
 *   cleanupWatch.close();                                // in engine.close()
 *
 * `leftovers()` gives what to show with age, cost and the exact commands that remove it.
 */
import type { CostClock, LedgerEntry } from '../../api/contract';
import type { CleanupInputs, PartialLabInputs } from '../../api/inputs';
import { githubApiUrl } from '../tools/github';
import type { RunCommand } from '../tools/k3d';
import { computeCostClock, createCostScheduler, reminderMessage, type Timers } from './cost-clock';
import { findLeftovers, type Leftover } from './leftovers';
import type { Ledger } from './ledger';
import { checkWorld, type Observation } from './world-check';

export interface CleanupNotice {
  level: 'info' | 'warning';
  message: string;
}

export interface CleanupWatchOptions {
  ledger: Ledger;
  run: RunCommand;
  /** The lab's current inputs: the project to search for labelled clusters, the `cleanup` settings. */
  inputs: PartialLabInputs | (() => PartialLabInputs | undefined);
  /** Environment for GITHUB_API_URL. */
  env?: NodeJS.ProcessEnv;
  githubToken?: () => string | undefined;
  fetch?: typeof fetch;
  /** True once a teardown completed: anything it removes that is still present is a leftover. */
  labDown?: () => boolean;
  /** Contexts whose Crossplane is known gone while the cluster runs. */
  goneControlPlanes?: () => readonly string[];
  /** The cost reminder and the deadline's announcement; the engine emits them as `notice` events. */
  onNotice(notice: CleanupNotice): void;
  /** The deadline passed with cloud resources present: start the ordered teardown. Called once. */
  startCleanup(): void;
  now?: () => Date;
  timers?: Timers;
}

export interface CleanupWatch {
  /** Asks the world about every ledger entry and writes what it found into the ledger. */
  reconcile(): Promise<void>;
  costClock(): CostClock;
  leftovers(): Leftover[];
  close(): void;
}

export function createCleanupWatch(options: CleanupWatchOptions): CleanupWatch {
  const { ledger } = options;
  const now = options.now ?? (() => new Date());
  const inputs = (): PartialLabInputs | undefined => (typeof options.inputs === 'function' ? options.inputs() : options.inputs);
  const settings = (): CleanupInputs => inputs()?.cleanup ?? {};
  const costClock = (): CostClock => computeCostClock(ledger.list(), settings(), now());
  const leftovers = (): Leftover[] =>
    findLeftovers(ledger.list(), { labDown: options.labDown?.() ?? false, goneControlPlanes: options.goneControlPlanes?.() ?? [], now: now() });

  const scheduler = createCostScheduler({
    clock: costClock,
    now,
    ...(options.timers ? { timers: options.timers } : {}),
    onRemind: (clock) => options.onNotice({ level: 'warning', message: reminderMessage(clock, now()) }),
    startCleanup: (clock) => {
      options.onNotice({
        level: 'warning',
        message: `The cleanup deadline (${clock.deadline}) has passed with cloud resources still running (about $${clock.costPerHour.toFixed(2)} per hour): the lab is cleaning up now.`,
      });
      options.startCleanup();
    },
  });
  const unsubscribe = ledger.onChange(() => scheduler.update());
  scheduler.update();

  // One look at the world at a time: two overlapping ones could write an older answer last.
  let running: Promise<void> = Promise.resolve();
  const reconcile = (): Promise<void> => {
    const next = running.then(() => reconcileOnce(options, inputs()));
    running = next.catch(() => undefined);
    return next;
  };

  return {
    reconcile,
    costClock,
    leftovers,
    close() {
      unsubscribe();
      scheduler.close();
    },
  };
}

async function reconcileOnce(options: CleanupWatchOptions, inputs: PartialLabInputs | undefined): Promise<void> {
  const { ledger } = options;
  const token = options.githubToken?.();
  // A resource seen gone stays gone (a new one is recorded again), so only the others are asked about.
  const result = await checkWorld(ledger.list().filter((entry) => entry.state !== 'gone'), {
    run: options.run,
    sessionId: ledger.sessionId,
    ...(inputs?.gcp?.project ? { project: inputs.gcp.project } : {}),
    ...(token ? { githubToken: token } : {}),
    githubApiUrl: githubApiUrl(options.env ?? process.env),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const discovered = result.discovered.map((record) => ledger.record(record).id);

  const observed = applyObservations(ledger.list(), result.observations);
  const flagged = new Set(
    findLeftovers(observed, { labDown: options.labDown?.() ?? false, goneControlPlanes: options.goneControlPlanes?.() ?? [], now: options.now?.() ?? new Date() }).map((l) => l.entry.id),
  );
  for (const observation of result.observations) {
    ledger.observe(observation.id, {
      state: observation.state,
      ...(observation.detail !== undefined ? { detail: observation.detail } : {}),
      ...(observation.costPerHour !== undefined ? { costPerHour: observation.costPerHour } : {}),
      leftover: flagged.has(observation.id),
    });
  }
  for (const id of discovered) {
    if (flagged.has(id)) ledger.observe(id, { state: 'present', detail: 'labelled for this lab but missing from the ledger', leftover: true });
  }
}

function applyObservations(entries: LedgerEntry[], observations: Observation[]): LedgerEntry[] {
  const byId = new Map(observations.map((o) => [o.id, o]));
  return entries.map((entry) => {
    const seen = byId.get(entry.id);
    return seen ? { ...entry, state: seen.state } : entry;
  });
}
