/**
 * The cost clock: how long the lab's cloud resources have been running and what they cost so far,
 * from the ledger and the dated price table, plus a small scheduler that reminds the person once
 * after a configurable time and, when a workshop deadline passes with cloud resources still
 * present, starts the cleanup by itself (once).
 *
 * Time and timers are injected so the behaviour is testable with a fake clock.
 */
import type { CostClock, LedgerEntry, LedgerKind } from '../../api/contract';
import type { CleanupInputs } from '../../api/inputs';
import { FORWARDING_RULE_PER_HOUR, GKE_CLUSTER_FEE_PER_HOUR, PRICES_AS_OF } from '../cloud/prices';

/** What bills while present when the ledger holds no figure of its own. */
const DEFAULT_COST_PER_HOUR: Partial<Record<LedgerKind, number>> = {
  'gke-cluster': GKE_CLUSTER_FEE_PER_HOUR,
  'gcp-load-balancer': FORWARDING_RULE_PER_HOUR,
};

export function costPerHourOf(entry: LedgerEntry): number {
  return entry.costPerHour ?? DEFAULT_COST_PER_HOUR[entry.kind] ?? 0;
}

/** Present and billing: what the clock counts. */
export function billable(entries: readonly LedgerEntry[]): LedgerEntry[] {
  return entries.filter((entry) => entry.state === 'present' && costPerHourOf(entry) > 0);
}

export function computeCostClock(entries: readonly LedgerEntry[], settings: CleanupInputs = {}, now: Date = new Date()): CostClock {
  const running = billable(entries);
  const starts = running.map((entry) => Date.parse(entry.createdAt)).filter((t) => !Number.isNaN(t));
  const since = starts.length > 0 ? new Date(Math.min(...starts)) : undefined;
  const costPerHour = running.reduce((sum, entry) => sum + costPerHourOf(entry), 0);
  const costSoFar = running.reduce((sum, entry) => sum + costPerHourOf(entry) * Math.max(0, now.getTime() - Date.parse(entry.createdAt)) / 3_600_000, 0);
  const deadline = settings.deadline ? resolveDeadline(settings.deadline, since ?? now) : undefined;
  return {
    ...(since ? { since: since.toISOString() } : {}),
    costPerHour: round(costPerHour),
    costSoFar: round(costSoFar),
    pricesAsOf: PRICES_AS_OF,
    ...(settings.remindAfterMinutes !== undefined ? { remindAfterMinutes: settings.remindAfterMinutes } : {}),
    ...(deadline ? { deadline: deadline.toISOString() } : {}),
  };
}

/**
 * An ISO time as is; `HH:MM` as local time, the first such moment at or after `from` (when the
 * cloud resources appeared), so "17:00" means the end of the day the workshop ran.
 */
export function resolveDeadline(value: string, from: Date): Date | undefined {
  const clock = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
  if (!clock) {
    const at = Date.parse(value);
    return Number.isNaN(at) ? undefined : new Date(at);
  }
  const at = new Date(from);
  at.setHours(Number(clock[1]), Number(clock[2]), 0, 0);
  if (at.getTime() < from.getTime()) at.setDate(at.getDate() + 1);
  return at;
}

export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realTimers: Timers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface CostSchedulerOptions {
  /** The current clock (from the ledger as it is now). */
  clock(): CostClock;
  now?: () => Date;
  timers?: Timers;
  /** Called once per billing period, `remindAfterMinutes` after it started. */
  onRemind(clock: CostClock): void;
  /** Called once when the deadline has passed with billable resources present. */
  startCleanup(clock: CostClock): void;
}

export interface CostScheduler {
  /** Re-reads the clock and re-arms the timers; call it after every ledger change. */
  update(): void;
  close(): void;
}

/** setTimeout cannot wait longer than about 24.8 days; longer waits are re-armed. */
const MAX_DELAY_MS = 2 ** 31 - 1;

export function createCostScheduler(options: CostSchedulerOptions): CostScheduler {
  const now = options.now ?? (() => new Date());
  const timers = options.timers ?? realTimers;
  let remindedFor: string | undefined;
  let cleanupStarted = false;
  let timer: unknown;
  let closed = false;

  const update = (): void => {
    if (closed) return;
    if (timer !== undefined) timers.clear(timer);
    timer = undefined;
    const clock = options.clock();
    const at = now().getTime();
    const wakeups: number[] = [];

    if (clock.since && clock.remindAfterMinutes !== undefined && remindedFor !== clock.since) {
      const due = Date.parse(clock.since) + clock.remindAfterMinutes * 60_000;
      if (due <= at) {
        remindedFor = clock.since;
        options.onRemind(clock);
      } else wakeups.push(due);
    }

    if (clock.deadline && !cleanupStarted) {
      const due = Date.parse(clock.deadline);
      if (due <= at && clock.since) {
        cleanupStarted = true;
        options.startCleanup(clock);
      } else if (due > at) wakeups.push(due);
    }

    if (wakeups.length > 0) timer = timers.set(update, Math.min(MAX_DELAY_MS, Math.max(0, Math.min(...wakeups) - at)));
  };

  return {
    update,
    close() {
      closed = true;
      if (timer !== undefined) timers.clear(timer);
      timer = undefined;
    },
  };
}

/** The reminder's words: what runs, for how long, at what cost. */
export function reminderMessage(clock: CostClock, now: Date = new Date()): string {
  const minutes = clock.since ? Math.floor((now.getTime() - Date.parse(clock.since)) / 60_000) : 0;
  return (
    `Your lab's cloud resources have been running for ${formatDuration(minutes)} and cost about $${clock.costSoFar.toFixed(2)} so far ` +
    `($${clock.costPerHour.toFixed(2)} per hour, prices as of ${clock.pricesAsOf}). Remove them with "Clean up" (lab down) when you are done.`
  );
}

export function formatDuration(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  return hours > 0 ? `${hours} h ${minutes % 60} min` : `${minutes} min`;
}

const round = (value: number): number => Math.round(value * 10_000) / 10_000;
