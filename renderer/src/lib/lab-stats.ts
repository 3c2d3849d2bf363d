/**
 * Read-only output counters for `npm run bench:ui`, installed only when the page's address has
 * `?stats=1`. The benchmark measures from outside the page; reading xterm's own buffer would
 * need hooks into its internals, while counting the lines the LogBook hands to the terminal is
 * one cheap subscription. Nothing in the app reads these counters, and a normal page never has
 * them.
 */
import type { LogBook } from './log-book';

export interface LabStats {
  /** Newlines received per stream (a step id, a troubleshooting run; '' is "All"). */
  readonly lines: Readonly<Record<string, number>>;
  /** `performance.now()` when each stream's count last grew. */
  readonly lastAt: Readonly<Record<string, number>>;
}

export function wantsStats(search: string): boolean {
  return new URLSearchParams(search).get('stats') === '1';
}

export function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Counts lines per stream as the LogBook emits them; returns the counters and the unsubscribe. */
export function trackStats(logs: Pick<LogBook, 'subscribe'>, now: () => number): { stats: LabStats; stop(): void } {
  const lines: Record<string, number> = {};
  const lastAt: Record<string, number> = {};
  const stop = logs.subscribe((stream, text) => {
    const n = countNewlines(text);
    if (n === 0) return;
    lines[stream] = (lines[stream] ?? 0) + n;
    lastAt[stream] = now();
  });
  return { stats: { lines, lastAt }, stop };
}
