/**
 * Feeds output to the terminal in slices, one per animation frame, so a flood (a chart install
 * printing thousands of lines a second) never blocks the window: xterm parses a whole write in
 * one task, and a megabyte takes it hundreds of milliseconds. What the terminal could not show
 * anyway is dropped before it is parsed: when the backlog holds more lines than the scrollback
 * keeps, only the newest are drawn, after a dim note saying how many were skipped and where they
 * are (the step's log, which the engine keeps whole).
 */

export interface TerminalFeedOptions {
  /** Characters handed to the terminal per frame. */
  maxCharsPerWrite: number;
  /** Lines worth keeping in the backlog: the scrollback plus a screenful. */
  keepLines: number;
}

export const defaultFeedOptions: TerminalFeedOptions = { maxCharsPerWrite: 48 * 1024, keepLines: 5_100 };

/** Writes text and calls `done` once the terminal has processed it. */
export type TerminalWrite = (text: string, done: () => void) => void;
export type FrameScheduler = (callback: () => void) => void;

export function skippedNote(lines: number): string {
  return `\x1b[2m… ${lines.toLocaleString('en')} lines not drawn here to keep up; the step's log has them all …\x1b[0m\n`;
}

export class TerminalFeed {
  private queue: string[] = [];
  private queuedLines = 0;
  private skipped = 0;
  /** True while a slice is with the terminal or a frame is booked: one at a time. */
  private busy = false;
  private closed = false;
  /** Bumped by clear(), so a slice that was in flight before it does not restart the pump. */
  private generation = 0;

  constructor(
    private readonly write: TerminalWrite,
    private readonly nextFrame: FrameScheduler,
    private readonly options: TerminalFeedOptions = defaultFeedOptions,
  ) {}

  push(text: string): void {
    if (!text || this.closed) return;
    this.queue.push(text);
    this.queuedLines += countNewlines(text);
    this.dropOverflow();
    this.schedule();
  }

  /** Forgets what has not been drawn yet (the terminal was reset for another tab). */
  clear(): void {
    this.queue = [];
    this.queuedLines = 0;
    this.skipped = 0;
    this.generation++;
    this.busy = false;
  }

  close(): void {
    this.clear();
    this.closed = true;
  }

  /** Characters waiting to be drawn (for tests and the benchmark). */
  get backlog(): number {
    return this.queue.reduce((n, s) => n + s.length, 0);
  }

  private dropOverflow(): void {
    let excess = this.queuedLines - this.options.keepLines;
    while (excess > 0 && this.queue.length > 0) {
      const first = this.queue[0]!;
      // Cut just after the `excess`-th newline, or drop the whole chunk if it has fewer.
      let cut = 0;
      let dropped = 0;
      while (dropped < excess) {
        const nl = first.indexOf('\n', cut);
        if (nl === -1) break;
        cut = nl + 1;
        dropped++;
      }
      if (dropped === 0) break;
      if (cut >= first.length) this.queue.shift();
      else this.queue[0] = first.slice(cut);
      this.queuedLines -= dropped;
      this.skipped += dropped;
      excess -= dropped;
    }
  }

  private schedule(): void {
    if (this.busy || this.closed || this.queue.length === 0) return;
    this.busy = true;
    const generation = this.generation;
    this.nextFrame(() => {
      if (generation !== this.generation || this.closed) return;
      this.pump(generation);
    });
  }

  private pump(generation: number): void {
    const note = this.skipped > 0 ? skippedNote(this.skipped) : '';
    this.skipped = 0;
    let body = '';
    while (this.queue.length > 0 && body.length < this.options.maxCharsPerWrite) {
      const room = this.options.maxCharsPerWrite - body.length;
      const first = this.queue[0]!;
      if (first.length <= room) {
        body += first;
        this.queue.shift();
      } else {
        body += first.slice(0, room);
        this.queue[0] = first.slice(room);
      }
    }
    this.queuedLines -= countNewlines(body);
    const slice = note + body;
    if (!slice) {
      this.busy = false;
      return;
    }
    this.write(slice, () => {
      if (generation !== this.generation) return;
      this.busy = false;
      this.schedule();
    });
  }
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
