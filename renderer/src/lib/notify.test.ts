import { describe, expect, it } from 'vitest';
import type { Snapshot, StepState } from '../../../electron/api/contract';
import { stepEndNotices } from './notify';

function snap(states: Record<string, StepState>): Snapshot {
  return {
    version: '0',
    rehearsal: true,
    phases: [
      {
        id: 'p',
        title: 'P',
        steps: [
          { id: 'long', phase: 'p', title: 'Cluster', why: '', dependsOn: [], commands: [], estimateSeconds: 60, inputs: [] },
          { id: 'short', phase: 'p', title: 'Quick', why: '', dependsOn: [], commands: [], estimateSeconds: 59, inputs: [] },
        ],
      },
    ],
    steps: states,
    inputs: {},
    secrets: {},
    resources: [],
    cleanup: { steps: [], running: false, remaining: [], ledger: [], cost: { costPerHour: 0, costSoFar: 0, pricesAsOf: '2026-11' } },
  };
}
const running: StepState = { status: 'running', attempts: 1 };
const done: StepState = { status: 'succeeded', attempts: 1 };
const failed: StepState = { status: 'failed', attempts: 1, error: { message: 'k3d: port 6550 in use' } };

describe('stepEndNotices', () => {
  it('notifies when a step of a minute or more goes from running to succeeded', () => {
    expect(stepEndNotices(snap({ long: running }), snap({ long: done }))).toEqual([
      { stepId: 'long', title: 'Cluster finished', body: 'Open GitOps Lab for the next step.' },
    ]);
  });

  it('notifies a failure with its message', () => {
    const [notice] = stepEndNotices(snap({ long: running }), snap({ long: failed }));
    expect(notice).toMatchObject({ title: 'Cluster failed', body: 'k3d: port 6550 in use' });
  });

  it('stays quiet for short steps, cancellations, steps that were not running, and the first snapshot', () => {
    expect(stepEndNotices(snap({ short: running }), snap({ short: done }))).toEqual([]);
    expect(stepEndNotices(snap({ long: running }), snap({ long: { status: 'cancelled', attempts: 1 } }))).toEqual([]);
    expect(stepEndNotices(snap({ long: { status: 'pending', attempts: 0 } }), snap({ long: done }))).toEqual([]);
    expect(stepEndNotices(snap({ long: done }), snap({ long: done }))).toEqual([]);
    expect(stepEndNotices(null, snap({ long: done }))).toEqual([]);
  });
});
