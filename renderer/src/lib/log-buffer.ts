/**
 * A capped history of one output stream, so switching terminal tabs can replay it without the
 * window's memory growing for the whole of a two-hour lab. The oldest output goes first, cut at a
 * line boundary so a replay never starts mid-line or mid-colour-sequence of a kept line.
 */
export interface LogCaps {
  maxLines: number;
  maxChars: number;
}

export const defaultLogCaps: LogCaps = { maxLines: 5_000, maxChars: 2 * 1024 * 1024 };

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

export class LogBuffer {
  private chunks: string[] = [];
  private lines = 0;
  private chars = 0;
  /** True once something was dropped, so the replay can say the history is partial. */
  truncated = false;

  constructor(private readonly caps: LogCaps = defaultLogCaps) {}

  append(data: string): void {
    if (!data) return;
    this.chunks.push(data);
    this.lines += countNewlines(data);
    this.chars += data.length;
    this.trim();
  }

  text(): string {
    return this.chunks.join('');
  }

  get size(): { lines: number; chars: number } {
    return { lines: this.lines, chars: this.chars };
  }

  private trim(): void {
    while (this.lines > this.caps.maxLines || this.chars > this.caps.maxChars) {
      const first = this.chunks[0];
      if (first === undefined) return;
      const cut = this.cutPoint(first, this.lines - this.caps.maxLines, this.chars - this.caps.maxChars);
      // A last chunk longer than the cap with no newline to cut at keeps its tail.
      let kept = cut >= first.length && this.chunks.length === 1 ? first.slice(Math.max(0, first.length - this.caps.maxChars)) : first.slice(cut);
      if (kept.length === first.length) kept = '';
      const removed = first.slice(0, first.length - kept.length);
      if (kept) this.chunks[0] = kept;
      else this.chunks.shift();
      this.lines -= countNewlines(removed);
      this.chars -= removed.length;
      this.truncated = true;
    }
  }

  /** Index just after enough newlines/characters of `text` to remove the excess. */
  private cutPoint(text: string, excessLines: number, excessChars: number): number {
    let cut = 0;
    let removedLines = 0;
    while (removedLines < excessLines || cut < excessChars) {
      const nl = text.indexOf('\n', cut);
      if (nl === -1) return text.length;
      cut = nl + 1;
      removedLines++;
    }
    return cut;
  }
}
