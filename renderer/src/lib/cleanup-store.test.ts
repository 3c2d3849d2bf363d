/** The store's part in cleanup: notices kept for the screen, and teardown steps treated as steps. */
import { describe, expect, it } from 'vitest';
import type { LabApi, LabEvent, Snapshot } from '../../../electron/api/contract';
import { createLab, startedSteps, streamLabel } from '../store';
import { snapshotWith, teardownStepFixtures } from './cleanup-fixtures';

function fakeLab(snapshot: Snapshot) {
  let emit: (event: LabEvent) => void = () => {};
  const api = {
    onEvent: (listener: (event: LabEvent) => void) => ((emit = listener), () => {}),
    getSnapshot: async () => snapshot,
  } as unknown as LabApi;
  const lab = createLab({ api, onConnection: (l) => (l('open'), () => {}) });
  return { lab, emit: (event: LabEvent) => emit(event) };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('notices in the store', () => {
  it('keeps notice events for the screen until dismissed, and leaves the snapshot alone', async () => {
    const { lab, emit } = fakeLab(snapshotWith());
    await flush();
    const before = lab.store.getState().snapshot;
    emit({ type: 'notice', level: 'warning', message: 'The lab has been running for 2 h: clean up when you are done.' });
    emit({ type: 'notice', level: 'info', message: 'Cleanup starts by itself in 10 min.' });
    const notices = lab.store.getState().notices;
    expect(notices.map((n) => [n.level, n.message])).toEqual([
      ['warning', 'The lab has been running for 2 h: clean up when you are done.'],
      ['info', 'Cleanup starts by itself in 10 min.'],
    ]);
    expect(lab.store.getState().snapshot).toBe(before);
    lab.store.getState().dismissNotice(notices[0]!.id);
    expect(lab.store.getState().notices.map((n) => n.message)).toEqual(['Cleanup starts by itself in 10 min.']);
  });
});

describe('teardown steps in the store', () => {
  const snapshot = snapshotWith({ steps: teardownStepFixtures }, { 'teardown-apps': { status: 'succeeded', attempts: 1, startedAt: '2026-11-26T10:00:00Z' } });

  it('names their output streams by title and gives a tab to those that ran', () => {
    expect(streamLabel(snapshot, 'teardown-k3d')).toBe('Delete the k3d cluster');
    expect(startedSteps(snapshot)).toEqual(['teardown-apps']);
  });

  it('keeps a selected teardown step selected when the snapshot is read again', async () => {
    const { lab, emit } = fakeLab(snapshot);
    await flush();
    lab.store.getState().select('teardown-k3d');
    // An inputs event makes the store read the snapshot again.
    emit({ type: 'inputs', inputs: {}, secrets: {} });
    await flush();
    expect(lab.store.getState().selectedStepId).toBe('teardown-k3d');
    expect(lab.store.getState().streams).toContain('teardown-apps');
  });
});
