/**
 * The renderer's state: the engine's snapshot kept current by its events, which step is shown,
 * which output streams exist, and the link state. Terminal text lives in the LogBook beside the
 * store rather than in it, because output arrives many times a second and only the terminal
 * needs it; re-rendering the whole window for each chunk would waste the laptop's CPU.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { LabApi, LabEvent, Snapshot, StepView } from '../../electron/api/contract';
import type { ConnectionState, LabClient } from './api/client';
import { applyEvent } from './lib/apply-event';
import { ALL_STREAM, LogBook } from './lib/log-book';
import { CATCH_UP_NOTE, GAP_LOST_NOTE, keepTail, missedOutput, readGap } from './lib/catch-up';
import { addNotice, teardownSteps, type LabNotice } from './lib/cleanup';

export interface LabState {
  snapshot: Snapshot | null;
  /** Why the snapshot could not be read, shown instead of the wizard. */
  loadError: string | null;
  connection: ConnectionState;
  /** When the connection state last changed (ms since epoch), to tell a blip from an outage. */
  connectionSince: number;
  selectedStepId: string | null;
  /** Streams with output, in the order they first spoke. */
  streams: string[];
  /** The last failed request (Run, Skip ...), shown until the next one. */
  actionError: string | null;
  /** The terminal tab on show: a stream id, or ALL_STREAM. */
  terminalStream: string;
  /** Names for streams that are not steps, e.g. troubleshooting runs. */
  streamLabels: Record<string, string>;
  /** The engine's `notice` events still on screen (cost reminder, deadline), newest last. */
  notices: LabNotice[];
  select(stepId: string): void;
  showStream(stream: string): void;
  nameStream(stream: string, label: string): void;
  setActionError(message: string | null): void;
  dismissNotice(id: number): void;
}

export interface Lab {
  store: StoreApi<LabState>;
  logs: LogBook;
  api: LabApi;
  /** Reads a step's earlier output from the engine when this window has none of it. */
  loadHistory(stream: string): Promise<void>;
  /** Stops listening to the client. */
  dispose(): void;
}

export function allSteps(snapshot: Snapshot | null): StepView[] {
  return snapshot ? snapshot.phases.flatMap((p) => p.steps) : [];
}

/** The lab's steps and then the teardown's: everything that has a card, a state and a log. */
export function stepsWithTeardown(snapshot: Snapshot | null): StepView[] {
  return [...allSteps(snapshot), ...teardownSteps(snapshot)];
}

/** The step a newcomer should look at first: the running one, else the first not finished. */
export function defaultSelection(snapshot: Snapshot): string | null {
  const steps = allSteps(snapshot);
  const status = (id: string) => snapshot.steps[id]?.status ?? 'pending';
  const pick =
    steps.find((s) => status(s.id) === 'running') ??
    steps.find((s) => status(s.id) === 'failed') ??
    steps.find((s) => !['succeeded', 'skipped'].includes(status(s.id))) ??
    steps[0];
  return pick?.id ?? null;
}

/** Output the engine writes for the lab as a whole rather than for one step. */
export const LAB_STREAM = 'lab';

export function streamLabel(snapshot: Snapshot | null, stream: string, labels: Record<string, string> = {}): string {
  return stepsWithTeardown(snapshot).find((s) => s.id === stream)?.title ?? labels[stream] ?? (stream === LAB_STREAM ? 'Lab' : stream);
}

/** How much earlier output to fetch per stream: enough to read, bounded for a slow link. */
const HISTORY_BYTES = 256 * 1024;

/** Steps that ran before this window opened, in lab order, so their output gets a tab. */
export function startedSteps(snapshot: Snapshot): string[] {
  return stepsWithTeardown(snapshot)
    .filter((s) => (snapshot.steps[s.id]?.attempts ?? 0) > 0 || snapshot.steps[s.id]?.startedAt)
    .map((s) => s.id);
}

export function createLab(client: LabClient): Lab {
  const logs = new LogBook();
  const store = createStore<LabState>()((set) => ({
    snapshot: null,
    loadError: null,
    connection: 'connecting',
    connectionSince: Date.now(),
    selectedStepId: null,
    streams: [],
    actionError: null,
    terminalStream: ALL_STREAM,
    streamLabels: {},
    notices: [],
    select: (stepId) => set({ selectedStepId: stepId }),
    showStream: (stream) => set({ terminalStream: stream }),
    nameStream: (stream, label) => set((s) => ({ streamLabels: { ...s.streamLabels, [stream]: label } })),
    setActionError: (message) => set({ actionError: message }),
    dismissNotice: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
  }));

  let noticeCount = 0;

  /** The end of each stream's output as the engine's log has it, for checking gap reads against. */
  const logTails = new Map<string, string>();
  function appendLog(stream: string, source: 'stdout' | 'stderr' | 'info', data: string, inLog = true): void {
    logTails.set(stream, inLog ? keepTail(logTails.get(stream) ?? '', data) : '');
    const { snapshot, streamLabels } = store.getState();
    logs.append(stream, source, data, streamLabel(snapshot, stream, streamLabels));
    if (!store.getState().streams.includes(stream)) store.setState((s) => ({ streams: [...s.streams, stream] }));
  }

  function onEvent(event: LabEvent): void {
    if (event.type === 'log') {
      appendLog(event.stream, event.source, event.data);
      return;
    }
    if (event.type === 'notice') {
      const notice = { id: ++noticeCount, level: event.level, message: event.message, at: Date.now() };
      store.setState((s) => ({ notices: addNotice(s.notices, notice) }));
      return;
    }
    const { snapshot } = store.getState();
    // Before the first snapshot arrives there is nothing to update; the snapshot will include it.
    if (snapshot) store.setState({ snapshot: applyEvent(snapshot, event) });
    // The commands each step shows are rendered by the engine from the inputs: read them again.
    if (event.type === 'inputs' && snapshot) void refresh();
  }

  async function refresh(): Promise<void> {
    try {
      const snapshot = await client.api.getSnapshot({});
      store.setState((s) => ({
        snapshot,
        loadError: null,
        streams: [...s.streams, ...startedSteps(snapshot).filter((id) => !s.streams.includes(id))],
        selectedStepId: s.selectedStepId && stepsWithTeardown(snapshot).some((st) => st.id === s.selectedStepId) ? s.selectedStepId : defaultSelection(snapshot),
      }));
    } catch (error) {
      store.setState({ loadError: error instanceof Error ? error.message : String(error) });
    }
  }

  const historyRequested = new Set<string>();
  async function loadHistory(stream: string): Promise<void> {
    if (stream === ALL_STREAM || historyRequested.has(stream) || logs.history(stream)) return;
    historyRequested.add(stream);
    try {
      const page = await client.api.readLog({ stepId: stream, offset: -HISTORY_BYTES, maxBytes: HISTORY_BYTES });
      const note = page.truncated || page.offset > 0 ? '\x1b[2m… earlier output is in the log file …\x1b[0m\n' : '';
      logs.seed(stream, note + page.text);
    } catch {
      // No log yet (or the link dropped): the tab simply starts empty; a later visit tries again.
      historyRequested.delete(stream);
    }
  }

  /** Adds to each stream the output that was sent while the link was down, from the engine's log. */
  async function catchUp(): Promise<void> {
    for (const stream of store.getState().streams) {
      const history = logs.history(stream);
      if (!history) continue;
      try {
        const page = await client.api.readLog({ stepId: stream, offset: -HISTORY_BYTES, maxBytes: HISTORY_BYTES });
        const missed = missedOutput(logs.history(stream), page.text);
        if (missed.kind === 'none') continue;
        if (missed.kind === 'tail') appendLog(stream, 'info', `${history.endsWith('\n') ? '' : '\n'}${CATCH_UP_NOTE}`, false);
        appendLog(stream, 'stdout', missed.text);
      } catch {
        // The log is gone or the link dropped again; the next reconnect tries again.
      }
    }
  }

  /**
   * The host withholds a stream's live output while it has a gap open for it, so reading the
   * log by offset and then resuming keeps every byte once and in order. Gaps of one stream are
   * read one after another; the log has no sources, so what is read back is shown as plain output.
   */
  const gapReads = new Map<string, Promise<void>>();
  function onGap(stream: string, from: number): void {
    const previous = gapReads.get(stream) ?? Promise.resolve();
    const reading = previous.then(async () => {
      try {
        const read = await readGap(client.api.readLog, stream, from, (text) => appendLog(stream, 'stdout', text), logTails.get(stream) ?? '');
        // Where the read stopped short (the log rotated), the host decides: another gap, or
        // live output after a note that the rest is only in the log file.
        client.logGaps?.resume(stream, read.at);
      } catch {
        // The link dropped: the host forgot the gap, and the reconnect's catch-up reads the tail.
      }
    });
    gapReads.set(stream, reading);
    void reading.then(() => {
      if (gapReads.get(stream) === reading) gapReads.delete(stream);
    });
  }
  const offGap = client.logGaps?.onGap(onGap) ?? (() => {});
  const offLost =
    client.logGaps?.onLost((stream) => appendLog(stream, 'info', `${logs.history(stream).endsWith('\n') ? '' : '\n'}${GAP_LOST_NOTE}`, false)) ?? (() => {});

  const offEvent = client.api.onEvent(onEvent);
  let openedBefore = false;
  // Every time the link (re)opens, events may have been missed: read the whole state again, and
  // after a drop, the output sent meanwhile.
  const offConnection = client.onConnection((connection) => {
    store.setState({ connection, connectionSince: Date.now() });
    if (connection !== 'open') return;
    void refresh();
    if (openedBefore) void catchUp();
    openedBefore = true;
  });

  return {
    store,
    logs,
    api: client.api,
    loadHistory,
    dispose() {
      offEvent();
      offGap();
      offLost();
      offConnection();
    },
  };
}

export function useLab<T>(lab: Lab, selector: (state: LabState) => T): T {
  return useStore(lab.store, selector);
}
