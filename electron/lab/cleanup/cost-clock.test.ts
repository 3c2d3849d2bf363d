import { describe, expect, it } from 'vitest';
import type { CostClock, LedgerEntry } from '../../api/contract';
import { GKE_CLUSTER_FEE_PER_HOUR, nodePoolCostPerHour, PRICES_AS_OF } from '../cloud/prices';
import { computeCostClock, createCostScheduler, reminderMessage, resolveDeadline, type Timers } from './cost-clock';

const T0 = Date.parse('2026-11-26T09:00:00Z');
const at = (minutes: number): Date => new Date(T0 + minutes * 60_000);

function entry(kind: LedgerEntry['kind'], name: string, createdMinutes: number, extra: Partial<LedgerEntry> = {}): LedgerEntry {
  return { id: `${kind}/${name}`, kind, name, project: 'p', zone: 'europe-west9-a', createdAt: at(createdMinutes).toISOString(), state: 'present', ...extra };
}

/** A fake clock with timers that fire when time is advanced past them. */
function fakeTime(startMinutes = 0) {
  let now = at(startMinutes).getTime();
  let next = 1;
  const pending = new Map<number, { due: number; callback: () => void }>();
  const timers: Timers = {
    set(callback, ms) {
      const id = next++;
      pending.set(id, { due: now + ms, callback });
      return id;
    },
    clear: (handle) => void pending.delete(handle as number),
  };
  return {
    timers,
    now: () => new Date(now),
    pending: () => pending.size,
    advance(minutes: number) {
      const target = now + minutes * 60_000;
      for (;;) {
        const due = [...pending.entries()].filter(([, t]) => t.due <= target).sort((a, b) => a[1].due - b[1].due)[0];
        if (!due) break;
        pending.delete(due[0]);
        now = due[1].due;
        due[1].callback();
      }
      now = target;
    },
  };
}

describe('computeCostClock', () => {
  const pool = nodePoolCostPerHour('e2-standard-2', 3, true)!;
  const entries = [
    entry('k3d-cluster', 'crossplane', 0),
    entry('gke-cluster', 'dev-cluster', 10),
    entry('gke-node-pool', 'dev-cluster/main-np', 20, { costPerHour: pool }),
    entry('gcp-network', 'dev-network', 5),
    entry('gke-cluster', 'old', 0, { state: 'gone' }),
  ];

  it('counts present billable resources from their creation, with the cluster fee and the recorded node pool cost', () => {
    const clock = computeCostClock(entries, {}, at(70));
    expect(clock.since).toBe(at(10).toISOString());
    expect(clock.costPerHour).toBeCloseTo(GKE_CLUSTER_FEE_PER_HOUR + pool, 6);
    // 60 minutes of cluster fee plus 50 minutes of the node pool.
    expect(clock.costSoFar).toBeCloseTo(GKE_CLUSTER_FEE_PER_HOUR + (pool * 50) / 60, 3);
    expect(clock.pricesAsOf).toBe(PRICES_AS_OF);
  });

  it('is zero with nothing billable, and carries the settings', () => {
    const clock = computeCostClock([entries[0]!, entries[3]!], { remindAfterMinutes: 30, deadline: '2026-11-27T17:00:00+01:00' }, at(70));
    expect(clock).toEqual({ costPerHour: 0, costSoFar: 0, pricesAsOf: PRICES_AS_OF, remindAfterMinutes: 30, deadline: '2026-11-27T16:00:00.000Z' });
  });
});

describe('resolveDeadline', () => {
  it('takes HH:MM as the next such local time at or after the start', () => {
    const morning = new Date(2026, 10, 26, 9, 15);
    expect(resolveDeadline('17:30', morning)).toEqual(new Date(2026, 10, 26, 17, 30));
    const evening = new Date(2026, 10, 26, 18, 0);
    expect(resolveDeadline('17:30', evening)).toEqual(new Date(2026, 10, 27, 17, 30));
    expect(resolveDeadline('2026-11-26T17:00:00Z', morning)).toEqual(new Date('2026-11-26T17:00:00Z'));
    expect(resolveDeadline('later', morning)).toBeUndefined();
  });
});

describe('cost scheduler', () => {
  function setup(options: { remind?: number; deadline?: string; startMinutes?: number }) {
    const time = fakeTime(options.startMinutes ?? 0);
    let ledger: LedgerEntry[] = [];
    const reminders: CostClock[] = [];
    const cleanups: CostClock[] = [];
    const settings = { ...(options.remind !== undefined ? { remindAfterMinutes: options.remind } : {}), ...(options.deadline ? { deadline: options.deadline } : {}) };
    const scheduler = createCostScheduler({
      clock: () => computeCostClock(ledger, settings, time.now()),
      now: time.now,
      timers: time.timers,
      onRemind: (clock) => reminders.push(clock),
      startCleanup: (clock) => cleanups.push(clock),
    });
    return {
      time,
      scheduler,
      reminders,
      cleanups,
      set(entries: LedgerEntry[]) {
        ledger = entries;
        scheduler.update();
      },
    };
  }

  it('reminds once, remindAfterMinutes after billing started, and again only for a new billing period', () => {
    const s = setup({ remind: 60 });
    s.set([entry('k3d-cluster', 'crossplane', 0)]);
    expect(s.time.pending()).toBe(0);
    s.set([entry('gke-cluster', 'dev-cluster', 0)]);
    s.time.advance(59);
    expect(s.reminders).toEqual([]);
    s.time.advance(2);
    expect(s.reminders).toHaveLength(1);
    expect(s.reminders[0]!.since).toBe(at(0).toISOString());
    s.scheduler.update();
    s.time.advance(600);
    expect(s.reminders).toHaveLength(1);
    // Removed, then a new cluster: a new period, a new reminder an hour later.
    s.set([entry('gke-cluster', 'dev-cluster', 0, { state: 'gone' })]);
    s.set([entry('gke-cluster', 'dev-cluster', 700)]);
    s.time.advance(59);
    expect(s.reminders).toHaveLength(1);
    s.time.advance(60);
    expect(s.reminders).toHaveLength(2);
  });

  it('reminds at once when started after the reminder was due', () => {
    const s = setup({ remind: 30, startMinutes: 90 });
    s.set([entry('gke-cluster', 'dev-cluster', 0)]);
    expect(s.reminders).toHaveLength(1);
    expect(reminderMessage(s.reminders[0]!, s.time.now())).toMatch(/running for 1 h 30 min and cost about \$0\.15 so far \(\$0\.10 per hour/);
  });

  it('starts the cleanup once when the deadline passes with cloud resources present', () => {
    const s = setup({ deadline: at(120).toISOString() });
    s.set([entry('gke-cluster', 'dev-cluster', 0)]);
    s.time.advance(119);
    expect(s.cleanups).toEqual([]);
    s.time.advance(2);
    expect(s.cleanups).toHaveLength(1);
    s.scheduler.update();
    s.time.advance(60);
    expect(s.cleanups).toHaveLength(1);
  });

  it('does not start a cleanup for nothing, but does when cloud resources appear after the deadline', () => {
    const s = setup({ deadline: at(60).toISOString() });
    s.set([entry('k3d-cluster', 'crossplane', 0)]);
    s.time.advance(90);
    expect(s.cleanups).toEqual([]);
    s.set([entry('k3d-cluster', 'crossplane', 0), entry('gke-cluster', 'dev-cluster', 85)]);
    expect(s.cleanups).toHaveLength(1);
  });

  it('fires nothing after close', () => {
    const s = setup({ remind: 10 });
    s.set([entry('gke-cluster', 'dev-cluster', 0)]);
    s.scheduler.close();
    expect(s.time.pending()).toBe(0);
    s.time.advance(30);
    expect(s.reminders).toEqual([]);
  });
});
