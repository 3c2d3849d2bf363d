import { describe, expect, it } from 'vitest';
import type { CostClock, LedgerEntry, TeardownPlan } from '../../../electron/api/contract';
import {
  addNotice,
  confirmState,
  costClockText,
  deadlineText,
  formatAge,
  formatRate,
  hasBillable,
  leftoverLine,
  leftovers,
  noChoices,
  planHasRefusal,
  planLines,
  repositoryName,
  teardownOptions,
  type TeardownChoices,
} from './cleanup';
import { snapshotWith } from './cleanup-fixtures';

const HOUR = 3_600_000;
const now = Date.parse('2026-11-26T12:00:00Z');

const cluster: LedgerEntry = {
  id: 'gke-cluster/gitops-lab-sim/europe-west9-a/dev-cluster',
  kind: 'gke-cluster',
  name: 'dev-cluster',
  project: 'gitops-lab-sim',
  zone: 'europe-west9-a',
  createdAt: new Date(now - 3 * HOUR - 2 * 60_000).toISOString(),
  state: 'present',
  costPerHour: 0.1,
  leftover: true,
};
const pool: LedgerEntry = { ...cluster, id: 'gke-node-pool/x/y/default', kind: 'gke-node-pool', name: 'default', costPerHour: 0.16, leftover: false };
const k3d: LedgerEntry = { id: 'k3d-cluster/crossplane', kind: 'k3d-cluster', name: 'crossplane', createdAt: cluster.createdAt, state: 'present' };

describe('ages and rates', () => {
  it('reads coarse ages at a glance', () => {
    expect(formatAge(45_000)).toBe('45 s');
    expect(formatAge(12 * 60_000 + 59_000)).toBe('12 min');
    expect(formatAge(HOUR + 12 * 60_000)).toBe('1 h 12 min');
    expect(formatAge(2 * HOUR)).toBe('2 h');
    expect(formatAge(76 * HOUR)).toBe('3 d 4 h');
    expect(formatAge(-5)).toBe('0 s');
  });

  it('keeps a third decimal for rates below a cent, so they do not read as free', () => {
    expect(formatRate(0.26)).toBe('$0.26/h');
    expect(formatRate(0.004)).toBe('$0.004/h');
    expect(formatRate(0)).toBe('$0.00/h');
  });
});

describe('the cost clock', () => {
  const cost: CostClock = { since: new Date(now - HOUR - 12 * 60_000).toISOString(), costPerHour: 0.26, costSoFar: 0.31, pricesAsOf: '2026-11' };

  it('says how long, how much so far, per hour and how old the prices are', () => {
    expect(costClockText(cost, now, now)).toBe('running 1 h 12 min · ≈ $0.31 so far · $0.26/h (prices as of 2026-11)');
  });

  it('keeps counting between the engine figures', () => {
    // Half an hour after the figure arrived, $0.13 more has been spent at $0.26/h.
    expect(costClockText(cost, now, now + HOUR / 2)).toBe('running 1 h 42 min · ≈ $0.44 so far · $0.26/h (prices as of 2026-11)');
  });

  it('leaves out the running time when nothing has started', () => {
    expect(costClockText({ costPerHour: 0, costSoFar: 0, pricesAsOf: '2026-11' }, now, now)).toBe('≈ $0.00 so far · $0.00/h (prices as of 2026-11)');
  });

  it('announces the workshop deadline', () => {
    expect(deadlineText({ ...cost, deadline: new Date(now + 25 * 60_000).toISOString() }, now)).toBe('cleanup starts by itself in 25 min');
    expect(deadlineText({ ...cost, deadline: new Date(now - 1000).toISOString() }, now)).toBe('the cleanup deadline has passed');
    expect(deadlineText(cost, now)).toBeNull();
  });
});

describe('leftovers', () => {
  it('lists only present entries marked as leftovers, with age and cost', () => {
    const gone: LedgerEntry = { ...cluster, id: 'gone', state: 'gone' };
    expect(leftovers([cluster, pool, k3d, gone]).map((e) => e.id)).toEqual([cluster.id]);
    expect(leftoverLine(cluster, now)).toBe('GKE cluster dev-cluster (gitops-lab-sim, europe-west9-a) · 3 h 2 min old · $0.10/h');
    expect(leftoverLine(k3d, now)).toBe('k3d cluster crossplane · 3 h 2 min old');
  });

  it('offers cleanup in the header only while something bills', () => {
    expect(hasBillable(snapshotWith({ ledger: [k3d] }))).toBe(false);
    expect(hasBillable(snapshotWith({ ledger: [k3d, pool] }))).toBe(true);
    expect(hasBillable(snapshotWith({ ledger: [{ ...pool, state: 'gone' }] }))).toBe(false);
  });

  it('trusts the ledger over live resources once it has records, and the resources before', () => {
    const gke = { cluster: 'gcp', kind: 'GKE cluster', name: 'dev-cluster', ready: true, message: '', createdAt: cluster.createdAt, costPerHour: 0.1 };
    const torn = snapshotWith({ ledger: [{ ...cluster, state: 'gone', leftover: false }], completedAt: new Date(now).toISOString() });
    expect(hasBillable({ ...torn, resources: [gke] })).toBe(false);
    expect(hasBillable({ ...snapshotWith(), resources: [gke] })).toBe(true);
    expect(hasBillable({ ...snapshotWith(), resources: [{ ...gke, deleted: true }] })).toBe(false);
  });
});

describe('the teardown plan', () => {
  const plan: TeardownPlan = {
    items: [
      { stepId: 'down-gke', title: 'Delete the GKE cluster', resources: [cluster.id, pool.id], commands: [{ argv: ['git', 'push'] }] },
      { stepId: 'down-k3d', title: 'Delete the k3d cluster', resources: [k3d.id, 'unknown/thing'], commands: [], refusal: 'cloud resources remain' },
    ],
    costPerHour: 0.26,
    warnings: [],
  };

  it('names each resource as the ledger knows it and sums each step cost', () => {
    const lines = planLines(plan, [cluster, pool, k3d]);
    expect(lines[0]!.resources).toEqual(['GKE cluster dev-cluster (gitops-lab-sim, europe-west9-a)', 'GKE node pool default (gitops-lab-sim, europe-west9-a)']);
    expect(lines[0]!.costPerHour).toBeCloseTo(0.26);
    expect(lines[1]!.resources).toEqual(['k3d cluster crossplane', 'unknown/thing']);
    expect(lines[1]!.costPerHour).toBe(0);
    expect(lines[1]!.refusal).toBe('cloud resources remain');
    expect(planHasRefusal(plan)).toBe(true);
    expect(planHasRefusal({ ...plan, items: plan.items.slice(0, 1) })).toBe(false);
  });
});

describe('confirming the teardown', () => {
  const base = { expectedRepository: 'lab-student/devflux', planReady: true, running: false, busy: false, online: true };
  const choose = (c: Partial<TeardownChoices>) => ({ ...noChoices, ...c });

  it('waits for the plan and for nothing else to run', () => {
    expect(confirmState({ ...base, choices: noChoices }).enabled).toBe(true);
    expect(confirmState({ ...base, choices: noChoices, planReady: false }).enabled).toBe(false);
    expect(confirmState({ ...base, choices: noChoices, running: true }).reason).toBe('A teardown is already running.');
    expect(confirmState({ ...base, choices: noChoices, online: false }).enabled).toBe(false);
  });

  it('deletes the repository only when its full name is typed exactly', () => {
    const typed = (repositoryTyped: string) => confirmState({ ...base, choices: choose({ deleteRepository: true, repositoryTyped }) });
    expect(typed('').enabled).toBe(false);
    expect(typed('devflux').enabled).toBe(false);
    expect(typed('Lab-Student/devflux').enabled).toBe(false);
    expect(typed('lab-student/devflux ').enabled).toBe(false);
    expect(typed('lab-student/devflux').enabled).toBe(true);
    expect(typed('x').reason).toBe('Type lab-student/devflux to confirm deleting the repository.');
    // Typing without ticking the box deletes nothing and blocks nothing.
    expect(confirmState({ ...base, choices: choose({ repositoryTyped: 'nonsense' }) }).enabled).toBe(true);
    expect(confirmState({ ...base, expectedRepository: null, choices: choose({ deleteRepository: true }) }).enabled).toBe(false);
  });

  it('names what the person can fix before what they can only wait for', () => {
    const wrongName = choose({ deleteRepository: true, repositoryTyped: 'devflux' });
    expect(confirmState({ ...base, choices: wrongName, planReady: false }).reason).toBe('Type lab-student/devflux to confirm deleting the repository.');
    expect(confirmState({ ...base, choices: noChoices, planReady: false, planFailed: true }).reason).toBe('The teardown could not be planned: see the message above.');
  });

  it('sends the repository only when its box is ticked and its name typed exactly', () => {
    expect(teardownOptions(choose({ repositoryTyped: 'a/b' }), 'a/b')).toEqual({ force: false, deleteServiceAccount: false });
    expect(teardownOptions(choose({ deleteRepository: true, repositoryTyped: 'a/c' }), 'a/b')).toEqual({ force: false, deleteServiceAccount: false });
    expect(teardownOptions(choose({ deleteRepository: true, repositoryTyped: 'a/b' }), null)).toEqual({ force: false, deleteServiceAccount: false });
    expect(teardownOptions(choose({ deleteRepository: true, repositoryTyped: 'a/b', force: true, deleteServiceAccount: true }), 'a/b')).toEqual({
      force: true,
      deleteServiceAccount: true,
      deleteRepository: 'a/b',
    });
  });

  it('knows the repository from the inputs, with the lab default name', () => {
    expect(repositoryName({ github: { owner: 'smana' } })).toBe('smana/devflux');
    expect(repositoryName({ github: { owner: 'smana', repository: 'lab' } })).toBe('smana/lab');
    expect(repositoryName({})).toBeNull();
  });
});

describe('notices', () => {
  it('keeps the latest few and does not pile up the same message', () => {
    let list = addNotice([], { id: 1, level: 'info', message: 'a', at: 0 });
    list = addNotice(list, { id: 2, level: 'warning', message: 'b', at: 1 });
    list = addNotice(list, { id: 3, level: 'info', message: 'a', at: 2 });
    expect(list.map((n) => n.id)).toEqual([2, 3]);
    list = addNotice(list, { id: 4, level: 'info', message: 'c', at: 3 });
    list = addNotice(list, { id: 5, level: 'info', message: 'd', at: 4 });
    expect(list.map((n) => n.id)).toEqual([3, 4, 5]);
  });
});
