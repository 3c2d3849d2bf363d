/**
 * Keeps one page's place in every output stream when it cannot keep up, instead of buffering
 * the output or dropping the page.
 *
 * While the socket is behind, a stream's `log` events are withheld and the page gets one gap
 * frame saying at which byte of the stream's log file the unsent output begins. The page reads
 * the log from there with `readLog` at its own pace and says how far it got (resume); live events
 * then go on from exactly that byte. Each stream of each socket is in one of three states: live,
 * opening a gap (waiting for the log's bounds), or in a gap (events withheld, their end tracked).
 *
 * Where the gap starts is worked out from the log's end, read at the moment the first withheld
 * event is emitted. The engine appends output to the log before the coalescer sends it, and
 * emits everything one flush holds in one go, so at that moment the log ends exactly where the
 * flush's last event ends: the gap starts that many withheld bytes before the end. This needs a
 * backend whose `readLog` reads the log as it is when called (the engine's does); an answer that
 * arrives after later output was withheld, or no answer at all (a stream without a log), makes
 * the stream fall back to plain live events for this socket, which is never wrong, only unbounded.
 *
 * Log offsets count every byte ever written, so rotation never moves them; it only drops the
 * oldest bytes. When the page's place was dropped, the page stops there and resumes short of the
 * withheld output; the host then sends one lost frame (a visible hole instead of misplaced text)
 * and a gap from the first byte the log still holds.
 */
import type { LabEvent } from '../../api/contract';

export type LogEvent = Extract<LabEvent, { type: 'log' }>;

/** Absolute byte offsets: the first byte the log still holds, and its end (bytes ever written). */
export interface LogBounds {
  start: number;
  end: number;
}

export interface LogGapHooks {
  /** True when the socket has more unsent than a page that keeps up would have. */
  isBehind(): boolean;
  /** The stream's log bounds, read when called. */
  logBounds(stream: string): Promise<LogBounds>;
  sendEvent(event: LogEvent): void;
  sendGap(stream: string, from: number): void;
  /** Some output after the page's last resume point is not coming; what follows goes on after it. */
  sendLost(stream: string): void;
}

export interface LogGaps {
  /** Sends, withholds or trims one log event for this socket. */
  onLog(event: LogEvent): void;
  /** The page has read `stream`'s log up to byte `at`. */
  onResume(stream: string, at: number): void;
  /** Streams currently withheld (for tests and diagnostics). */
  readonly withheld: ReadonlySet<string>;
  /** Forgets every gap of a socket that went away. */
  close(): void;
}

interface Opening {
  kind: 'opening';
  /** Events withheld while the bounds are looked up, in order, to send if the lookup fails. */
  held: LogEvent[];
  /** Bytes withheld in the same synchronous burst as the first one: one coalescer flush. */
  burstBytes: number;
  burstOver: boolean;
  /** An event arrived after the burst, before the bounds: the gap can no longer be placed. */
  late: boolean;
}

interface InGap {
  kind: 'gap';
  /** Byte offset in the log just after the last withheld event. */
  next: number;
  /** The offset of the page's last resume that was answered with another gap. */
  lastAsked?: number;
}

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** `text` without its first `bytes` UTF-8 bytes (a character boundary: offsets come from the log). */
export function dropUtf8Prefix(text: string, bytes: number): string {
  return Buffer.from(text, 'utf8').subarray(bytes).toString('utf8');
}

export function createLogGaps(hooks: LogGapHooks): LogGaps {
  const states = new Map<string, Opening | InGap>();
  /** Bytes the page already read from the log that the coalescer had not sent yet when it resumed. */
  const skips = new Map<string, number>();
  /** Streams whose log could not be placed; they stay live for this socket. */
  const unplaceable = new Set<string>();
  const withheld = new Set<string>();

  function boundsNow(stream: string): Promise<LogBounds> {
    try {
      return Promise.resolve(hooks.logBounds(stream));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  function goLive(stream: string): void {
    states.delete(stream);
    withheld.delete(stream);
  }

  function giveUp(stream: string, state: InGap): void {
    if (states.get(stream) !== state) return;
    goLive(stream);
    hooks.sendLost(stream);
  }

  function fallBack(stream: string, opening: Opening): void {
    goLive(stream);
    unplaceable.add(stream);
    for (const event of opening.held) hooks.sendEvent(event);
  }

  function open(event: LogEvent): void {
    const { stream } = event;
    const opening: Opening = { kind: 'opening', held: [event], burstBytes: utf8Length(event.data), burstOver: false, late: false };
    states.set(stream, opening);
    withheld.add(stream);
    // The coalescer emits one flush synchronously; the first microtask after it ends the burst.
    queueMicrotask(() => (opening.burstOver = true));
    boundsNow(stream).then(
      ({ end }) => {
        if (states.get(stream) !== opening) return;
        if (opening.late || end < opening.burstBytes) return fallBack(stream, opening);
        states.set(stream, { kind: 'gap', next: end });
        hooks.sendGap(stream, end - opening.burstBytes);
      },
      () => {
        if (states.get(stream) === opening) fallBack(stream, opening);
      },
    );
  }

  /** The page stopped before the withheld output's end: send it on from where the log allows. */
  function answerShortResume(stream: string, state: InGap, at: number): void {
    boundsNow(stream).then(
      ({ start }) => {
        if (states.get(stream) !== state) return;
        if (at < start) {
          // The page's place was rotated out: that part is gone, the rest is still in the log.
          state.lastAsked = undefined;
          hooks.sendLost(stream);
          hooks.sendGap(stream, start);
          return;
        }
        // The log holds the page's place, yet it stopped there twice: it cannot place what it reads.
        if (state.lastAsked === at) return giveUp(stream, state);
        state.lastAsked = at;
        hooks.sendGap(stream, at);
      },
      () => giveUp(stream, state),
    );
  }

  return {
    withheld,
    onLog(incoming) {
      let event = incoming;
      const skip = skips.get(event.stream);
      if (skip !== undefined) {
        const bytes = utf8Length(event.data);
        if (bytes <= skip) {
          if (bytes === skip) skips.delete(event.stream);
          else skips.set(event.stream, skip - bytes);
          return;
        }
        skips.delete(event.stream);
        event = { ...event, data: dropUtf8Prefix(event.data, skip) };
      }
      const state = states.get(event.stream);
      if (state?.kind === 'opening') {
        state.held.push(event);
        if (state.burstOver) state.late = true;
        else state.burstBytes += utf8Length(event.data);
        return;
      }
      if (state?.kind === 'gap') {
        state.next += utf8Length(event.data);
        return;
      }
      if (!unplaceable.has(event.stream) && hooks.isBehind()) return open(event);
      hooks.sendEvent(event);
    },
    onResume(stream, at) {
      const state = states.get(stream);
      if (state?.kind !== 'gap') return;
      if (at < state.next) return answerShortResume(stream, state, at);
      goLive(stream);
      if (at > state.next) skips.set(stream, at - state.next);
    },
    close() {
      states.clear();
      withheld.clear();
    },
  };
}
