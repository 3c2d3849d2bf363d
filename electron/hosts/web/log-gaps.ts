/**
 * Keeps one page's place in every output stream when it cannot keep up, instead of buffering
 * the output or dropping the page.
 *
 * While the socket is behind, a stream's `log` events are withheld and the page gets one gap
 * frame saying at which byte of the stream's log file the unsent output begins. The page reads
 * the log from there with `readLog` at its own pace and says how far it got (resume); live events
 * then go on from exactly that byte. Each stream of each socket is in one of three states: live,
 * opening a gap (waiting for the log's size), or in a gap (events withheld, their end tracked).
 *
 * Where the gap starts is worked out from the log's size, read at the moment the first withheld
 * event is emitted. The engine appends output to the log before the coalescer sends it, and
 * emits everything one flush holds in one go, so at that moment the log ends exactly where the
 * flush's last event ends: the gap starts that many withheld bytes before the size. This needs a
 * backend whose `readLog` reads the log as it is when called (the engine's does); an answer that
 * arrives after later output was withheld, or no answer at all (a stream without a log), makes
 * the stream fall back to plain live events for this socket, which is never wrong, only unbounded.
 *
 * The log keeps a size cap by rotation, which drops its oldest part and moves every offset down.
 * Offsets taken before a rotation then point past the bytes they meant, so the page checks each
 * page it reads against the text it already has and stops where they disagree. Its resume is
 * then short of the withheld output while the log is smaller than that output's end: the host
 * measures the shift at the next burst (or, with no more output, once the stream is quiet) and
 * sends a new gap at the page's place moved down by it. Where that place was dropped from the
 * log, a lost frame (shown as a note: a visible hole instead of misplaced text) and a gap from
 * the log's start follow; where the page asks for the same byte twice, the lost frame is followed
 * by live output.
 */
import type { LabEvent } from '../../api/contract';

export type LogEvent = Extract<LabEvent, { type: 'log' }>;

export interface LogGapHooks {
  /** True when the socket has more unsent than a page that keeps up would have. */
  isBehind(): boolean;
  /** The stream's log size in bytes, read when called. */
  logSize(stream: string): Promise<number>;
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
  /** Stops the timers of a socket that went away. */
  close(): void;
}

/** How long a stream must stay silent before the log's size counts as final (coalescer windows are ~16 ms). */
export const QUIET_MS = 1_000;

interface Opening {
  kind: 'opening';
  /** Events withheld while the size is looked up, in order, to send if the lookup fails. */
  held: LogEvent[];
  /** Bytes withheld in the same synchronous burst as the first one: one coalescer flush. */
  burstBytes: number;
  burstOver: boolean;
  /** An event arrived after the burst, before the size: the size can no longer be placed. */
  late: boolean;
}

interface InGap {
  kind: 'gap';
  /** Byte offset in the log just after the last withheld event. */
  next: number;
  /** The offset of the page's last resume that was answered with another gap. */
  lastAsked?: number;
  /** Set while the shift of a rotation under this gap is being measured. */
  realign?: Realign;
}

interface Realign {
  /** Where the page stopped, in the offsets from before the rotation. */
  at: number;
  /** True once a burst's size was asked for. */
  measuring: boolean;
  /** `next` when the measured burst ended. */
  burstEnd?: number;
  /** An event arrived after the measured burst, before its size. */
  late: boolean;
  timer: ReturnType<typeof setTimeout>;
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

  const timers = new Set<ReturnType<typeof setTimeout>>();

  function sizeNow(stream: string): Promise<number> {
    try {
      return Promise.resolve(hooks.logSize(stream));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  function giveUp(stream: string, state: InGap): void {
    if (states.get(stream) !== state) return;
    if (state.realign) stopTimer(state.realign.timer);
    states.delete(stream);
    withheld.delete(stream);
    hooks.sendLost(stream);
  }

  function stopTimer(timer: ReturnType<typeof setTimeout>): void {
    clearTimeout(timer);
    timers.delete(timer);
  }

  function startRealign(stream: string, state: InGap, at: number): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (state.realign !== realign || realign.measuring) return;
      // No output for a while: nothing waits in the coalescer, so the log lacks exactly the shift.
      sizeNow(stream).then(
        (logSize) => finishRealign(stream, state, realign, state.next - logSize),
        () => giveUp(stream, state),
      );
    }, QUIET_MS);
    timer.unref?.();
    timers.add(timer);
    const realign: Realign = { at, measuring: false, late: false, timer };
    state.realign = realign;
  }

  /** At the first withheld event after a rotation: the log ends where this burst ends. */
  function measureRealign(stream: string, state: InGap, realign: Realign): void {
    realign.measuring = true;
    queueMicrotask(() => (realign.burstEnd = state.next));
    sizeNow(stream).then(
      (logSize) => {
        if (realign.late) return giveUp(stream, state);
        finishRealign(stream, state, realign, (realign.burstEnd ?? state.next) - logSize);
      },
      () => giveUp(stream, state),
    );
  }

  function finishRealign(stream: string, state: InGap, realign: Realign, shift: number): void {
    if (states.get(stream) !== state || state.realign !== realign) return;
    stopTimer(realign.timer);
    state.realign = undefined;
    state.next -= shift;
    if (shift < 0) return giveUp(stream, state);
    state.lastAsked = undefined;
    const at = realign.at - shift;
    if (at < 0) {
      // The page's place was itself rotated out: that part is gone, the rest is still in the log.
      hooks.sendLost(stream);
      hooks.sendGap(stream, 0);
      return;
    }
    hooks.sendGap(stream, at);
  }

  function fallBack(stream: string, opening: Opening): void {
    states.delete(stream);
    withheld.delete(stream);
    unplaceable.add(stream);
    for (const event of opening.held) hooks.sendEvent(event);
  }

  function open(event: LogEvent): void {
    const { stream } = event;
    const bytes = utf8Length(event.data);
    const opening: Opening = { kind: 'opening', held: [event], burstBytes: bytes, burstOver: false, late: false };
    states.set(stream, opening);
    withheld.add(stream);
    // The coalescer emits one flush synchronously; the first microtask after it ends the burst.
    queueMicrotask(() => (opening.burstOver = true));
    let size: Promise<number>;
    try {
      size = Promise.resolve(hooks.logSize(stream));
    } catch (error) {
      size = Promise.reject(error);
    }
    size.then(
      (logSize) => {
        if (states.get(stream) !== opening) return;
        if (opening.late || logSize < opening.burstBytes) return fallBack(stream, opening);
        states.set(stream, { kind: 'gap', next: logSize });
        hooks.sendGap(stream, logSize - opening.burstBytes);
      },
      () => {
        if (states.get(stream) === opening) fallBack(stream, opening);
      },
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
        const realign = state.realign;
        if (realign && !realign.measuring) measureRealign(event.stream, state, realign);
        else if (realign && realign.burstEnd !== undefined) realign.late = true;
        return;
      }
      if (!unplaceable.has(event.stream) && hooks.isBehind()) return open(event);
      hooks.sendEvent(event);
    },
    onResume(stream, at) {
      const state = states.get(stream);
      if (state?.kind !== 'gap') return;
      if (state.realign) return;
      if (at < state.next) {
        sizeNow(stream).then(
          (logSize) => {
            if (states.get(stream) !== state || state.realign) return;
            // Without rotation the log always holds everything withheld: it is never shorter.
            if (logSize < state.next) return startRealign(stream, state, at);
            if (state.lastAsked === at) return giveUp(stream, state);
            state.lastAsked = at;
            hooks.sendGap(stream, at);
          },
          () => giveUp(stream, state),
        );
        return;
      }
      states.delete(stream);
      withheld.delete(stream);
      if (at > state.next) skips.set(stream, at - state.next);
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
