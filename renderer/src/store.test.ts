import { describe, expect, it } from 'vitest';
import type { LabApi, LabEvent, Snapshot } from '../../electron/api/contract';
import type { ConnectionState, LabClient } from './api/client';
import { ALL_STREAM } from './lib/log-book';
import { createLab, defaultSelection } from './store';

function snapshotWith(statuses: Record<string, Snapshot['steps'][string]['status']>): Snapshot {
  const ids = Object.keys(statuses);
  return {
    version: '0.1.0',
    rehearsal: true,
    phases: [
      {
        id: 'prepare',
        title: 'Prepare',
        steps: ids.map((id) => ({ id, phase: 'prepare', title: `Title of ${id}`, why: '', dependsOn: [], commands: [{ argv: ['true'] }], estimateSeconds: 1, inputs: [] })),
      },
    ],
    steps: Object.fromEntries(ids.map((id) => [id, { status: statuses[id]!, attempts: 0 }])),
    inputs: {},
    secrets: {},
    resources: [],
    cleanup: { steps: [], running: false, remaining: [], ledger: [], cost: { costPerHour: 0, costSoFar: 0, pricesAsOf: '2026-11' } },
  };
}

/** A client whose answers and link state the test controls. */
function controllableClient(snapshots: Snapshot[]) {
  let emit: (e: LabEvent) => void = () => {};
  let setConnection: (s: ConnectionState) => void = () => {};
  let reads = 0;
  const api = {
    getSnapshot: async () => snapshots[Math.min(reads++, snapshots.length - 1)]!,
    onEvent: (listener: (e: LabEvent) => void) => {
      emit = listener;
      return () => {
        emit = () => {};
      };
    },
  } as unknown as LabApi;
  const client: LabClient = {
    api,
    onConnection(listener) {
      setConnection = listener;
      listener('connecting');
      return () => {};
    },
  };
  return { client, emit: (e: LabEvent) => emit(e), connect: (s: ConnectionState) => setConnection(s), reads: () => reads };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('lab store', () => {
  it('reads the snapshot again when the inputs change, so the commands shown follow them', async () => {
    const before = snapshotWith({ docker: 'pending' });
    const after = { ...snapshotWith({ docker: 'pending' }), inputs: { github: { owner: 'smana' } } };
    after.phases[0]!.steps[0]!.commands = [{ argv: ['flux', 'bootstrap', 'github', '--owner=smana'] }];
    const c = controllableClient([before, after]);
    const lab = createLab(c.client);
    c.connect('open');
    await flush();
    expect(c.reads()).toBe(1);
    c.emit({ type: 'step', stepId: 'docker', state: { status: 'running', attempts: 1 } });
    await flush();
    expect(c.reads()).toBe(1);
    c.emit({ type: 'inputs', inputs: { github: { owner: 'smana' } }, secrets: {} });
    await flush();
    expect(c.reads()).toBe(2);
    expect(lab.store.getState().snapshot?.phases[0]?.steps[0]?.commands[0]?.argv).toContain('--owner=smana');
    lab.dispose();
  });

  it('reads the snapshot when the link opens and again after every reconnect', async () => {
    const first = snapshotWith({ tools: 'succeeded', docker: 'running' });
    const second = snapshotWith({ tools: 'succeeded', docker: 'succeeded' });
    const c = controllableClient([first, second]);
    const lab = createLab(c.client);
    expect(lab.store.getState().connection).toBe('connecting');
    c.connect('open');
    await flush();
    expect(lab.store.getState().snapshot).toBe(first);
    expect(lab.store.getState().selectedStepId).toBe('docker');
    c.connect('reconnecting');
    expect(lab.store.getState().connection).toBe('reconnecting');
    c.connect('open');
    await flush();
    expect(c.reads()).toBe(2);
    expect(lab.store.getState().snapshot?.steps.docker?.status).toBe('succeeded');
    // The person's choice of step survives a reconnect.
    expect(lab.store.getState().selectedStepId).toBe('docker');
    lab.dispose();
  });

  it('applies step events and records log streams in order of first output', async () => {
    const c = controllableClient([snapshotWith({ tools: 'pending', docker: 'pending' })]);
    const lab = createLab(c.client);
    c.connect('open');
    await flush();
    c.emit({ type: 'step', stepId: 'tools', state: { status: 'running', attempts: 1 } });
    c.emit({ type: 'log', stream: 'tools', source: 'stdout', data: 'asdf\n' });
    c.emit({ type: 'log', stream: 'troubleshoot-1', source: 'stdout', data: 'trace\n' });
    c.emit({ type: 'log', stream: 'tools', source: 'stdout', data: 'more\n' });
    const state = lab.store.getState();
    expect(state.snapshot?.steps.tools?.status).toBe('running');
    expect(state.streams).toEqual(['tools', 'troubleshoot-1']);
    expect(lab.logs.history('tools')).toBe('asdf\nmore\n');
    expect(lab.logs.history(ALL_STREAM)).toContain('── Title of tools ──');
    lab.dispose();
  });

  it('reports a snapshot that cannot be read', async () => {
    const c = controllableClient([]);
    c.client.api.getSnapshot = async () => {
      throw new Error('engine not ready');
    };
    const lab = createLab(c.client);
    c.connect('open');
    await flush();
    expect(lab.store.getState().loadError).toBe('engine not ready');
    lab.dispose();
  });

  it('gives steps that ran before the window opened a tab, and reads their history once on demand', async () => {
    const snap = snapshotWith({ tools: 'succeeded', docker: 'pending' });
    snap.steps.tools = { status: 'succeeded', attempts: 1, startedAt: '2026-01-01T00:00:00Z' };
    const c = controllableClient([snap]);
    const reads: unknown[] = [];
    c.client.api.readLog = async (params) => {
      reads.push(params);
      return { text: 'asdf install\n', offset: 0, size: 13, truncated: false };
    };
    const lab = createLab(c.client);
    c.connect('open');
    await flush();
    expect(lab.store.getState().streams).toEqual(['tools']);
    c.emit({ type: 'log', stream: 'tools', source: 'stdout', data: 'live\n' });
    expect(lab.store.getState().streams).toEqual(['tools']);
    await lab.loadHistory('docker');
    await lab.loadHistory('tools');
    await lab.loadHistory('tools');
    // A stream with live output already is not read again; one without is read once.
    expect(reads).toEqual([{ stepId: 'docker', offset: -256 * 1024, maxBytes: 256 * 1024 }]);
    expect(lab.logs.history('docker')).toBe('asdf install\n');
    await lab.loadHistory(ALL_STREAM);
    expect(reads).toHaveLength(1);
    lab.dispose();
  });

  it('selects the running step, else the first failed, else the first unfinished', () => {
    expect(defaultSelection(snapshotWith({ a: 'succeeded', b: 'failed', c: 'running' }))).toBe('c');
    expect(defaultSelection(snapshotWith({ a: 'succeeded', b: 'pending', c: 'failed' }))).toBe('c');
    expect(defaultSelection(snapshotWith({ a: 'succeeded', b: 'skipped', c: 'pending' }))).toBe('c');
    expect(defaultSelection(snapshotWith({ a: 'succeeded' }))).toBe('a');
  });
});
