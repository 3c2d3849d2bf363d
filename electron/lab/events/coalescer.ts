/**
 * Coalesces log output so a command printing thousands of lines a second cannot starve the UI.
 * The first chunk on a stream opens a window (~16 ms, one frame); everything that arrives on that
 * stream during the window is sent together when it closes. Chunks are concatenated per source
 * in arrival order, so a flood from one source is one `log` event per window; output that
 * alternates stdout/stderr inside a window yields one event per run of the same source, which
 * keeps the order a person would see in a terminal.
 *
 * A window also closes early once it holds `maxWindowChars`, so no single event is large: a
 * page handles each event in one task, and a megabyte event would freeze it for a visible
 * moment. Closing it inside `push`, after the chunk joined it, keeps the one rule the web host's
 * gap offsets rely on: when a stream's events are emitted, everything written to its log so far
 * is in them or in earlier events.
 */
import type { LabEvent } from '../../api/contract';

export type LogSource = 'stdout' | 'stderr' | 'info';
export type LogEvent = Extract<LabEvent, { type: 'log' }>;

export interface LogCoalescer {
  push(stream: string, source: LogSource, data: string): void;
  /** Sends what is pending for one stream now (on step end), or for every stream. */
  flush(stream?: string): void;
  /** Flushes everything; later pushes are sent at once, uncoalesced. */
  close(): void;
}

interface Window {
  segments: Array<{ source: LogSource; parts: string[] }>;
  chars: number;
  timer: ReturnType<typeof setTimeout>;
}

/** Enough for a terminal's frame many times over, small enough to parse and show in a few ms. */
export const MAX_WINDOW_CHARS = 128 * 1024;

export function createLogCoalescer(emit: (event: LogEvent) => void, windowMs = 16, maxWindowChars = MAX_WINDOW_CHARS): LogCoalescer {
  const windows = new Map<string, Window>();
  let closed = false;

  function flushStream(stream: string): void {
    const window = windows.get(stream);
    if (!window) return;
    windows.delete(stream);
    clearTimeout(window.timer);
    for (const segment of window.segments) {
      emit({ type: 'log', stream, source: segment.source, data: segment.parts.join('') });
    }
  }

  return {
    push(stream, source, data) {
      if (data.length === 0) return;
      if (closed) {
        emit({ type: 'log', stream, source, data });
        return;
      }
      let window = windows.get(stream);
      if (!window) {
        const timer = setTimeout(() => flushStream(stream), windowMs);
        // A pending flush must not keep a CLI process alive on its own.
        timer.unref?.();
        window = { segments: [], chars: 0, timer };
        windows.set(stream, window);
      }
      const last = window.segments[window.segments.length - 1];
      if (last && last.source === source) last.parts.push(data);
      else window.segments.push({ source, parts: [data] });
      window.chars += data.length;
      if (window.chars >= maxWindowChars) flushStream(stream);
    },
    flush(stream) {
      if (stream !== undefined) flushStream(stream);
      else for (const key of [...windows.keys()]) flushStream(key);
    },
    close() {
      for (const key of [...windows.keys()]) flushStream(key);
      closed = true;
    },
  };
}
