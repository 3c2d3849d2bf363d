import { describe, expect, it } from 'vitest';
import { missedOutput, readGap, utf8Length, type ReadLog } from './catch-up';

const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `line ${from + i} of the output\n`).join('');

describe('missedOutput', () => {
  it('continues exactly after what the window already has', () => {
    expect(missedOutput(lines(0, 100), lines(50, 130))).toEqual({ kind: 'continue', text: lines(100, 130) });
  });

  it('adds nothing when the window is up to date', () => {
    expect(missedOutput(lines(0, 100), lines(60, 100))).toEqual({ kind: 'none' });
    expect(missedOutput(lines(0, 100), '')).toEqual({ kind: 'none' });
  });

  it('falls back to the whole tail when the window missed more than the tail holds', () => {
    expect(missedOutput(lines(0, 100), lines(5000, 5100))).toEqual({ kind: 'tail', text: lines(5000, 5100) });
  });

  it('does not guess where repetitive output joins', () => {
    const block = 'waiting for the rollout\n'.repeat(20);
    expect(missedOutput(block, block + block)).toEqual({ kind: 'tail', text: block + block });
  });

  it('shows the tail for a window that has nothing yet', () => {
    expect(missedOutput('', lines(0, 3))).toEqual({ kind: 'tail', text: lines(0, 3) });
  });
});

describe('readGap', () => {
  /** A log as `readLog` serves it: byte offsets, pages cut at character boundaries. */
  function logOf(text: string, reads: number[] = []) {
    const bytes = new TextEncoder().encode(text);
    const read: ReadLog = async ({ offset, maxBytes }) => {
      reads.push(offset);
      let start = Math.min(offset, bytes.length);
      while (start < bytes.length && (bytes[start]! & 0xc0) === 0x80) start++;
      let end = Math.min(bytes.length, start + maxBytes);
      while (end < bytes.length && end > start && (bytes[end]! & 0xc0) === 0x80) end--;
      return { text: new TextDecoder().decode(bytes.subarray(start, end)), offset: start, size: bytes.length, truncated: end < bytes.length };
    };
    return { read, bytes };
  }

  it('counts UTF-8 bytes as the log does', () => {
    for (const text of ['', 'plain', 'é', '✓ done', '🙂 ok', 'mixed é✓🙂\n']) {
      expect(utf8Length(text)).toBe(new TextEncoder().encode(text).length);
    }
  });

  it('hands on the gap page by page, in order, and ends at the byte to resume from', async () => {
    const text = lines(0, 400).replace(/of/g, 'of ✓🙂é');
    const reads: number[] = [];
    const { read, bytes } = logOf(text, reads);
    const shown = lines(0, 100).replace(/of/g, 'of ✓🙂é');
    const pages: string[] = [];
    const result = await readGap(read, 'flood', utf8Length(shown), (page) => pages.push(page), shown, 1000);
    expect(pages.length).toBeGreaterThan(5);
    // Nothing handed on twice, nothing skipped: what was shown plus the pages is the log.
    expect(shown + pages.join('')).toBe(text);
    expect(result).toEqual({ at: bytes.length, lost: false });
    // Pages asked for ahead that ended elsewhere (a character cut) are asked for again, not skipped.
    expect(reads.length).toBeGreaterThan(pages.length);
  });

  it('says so when the log no longer holds the start of the gap', async () => {
    const { read } = logOf(lines(0, 10));
    const pages: string[] = [];
    const result = await readGap(read, 'flood', 1_000_000, (page) => pages.push(page));
    expect(result.lost).toBe(true);
    expect(pages).toEqual([]);
  });
});

describe('readGap against a log that rotated', () => {
  it('stops where the log no longer lines up with what is shown, handing on nothing misplaced', async () => {
    const before = lines(0, 100);
    const after = lines(100, 300);
    // Rotation dropped the first 1,000 bytes: every offset now points 1,000 bytes further on.
    const rotated = new TextEncoder().encode((before + after).slice(1000));
    const read: ReadLog = async ({ offset, maxBytes }) => {
      const start = Math.min(offset, rotated.length);
      const end = Math.min(rotated.length, start + maxBytes);
      return { text: new TextDecoder().decode(rotated.subarray(start, end)), offset: start, size: rotated.length, truncated: end < rotated.length };
    };
    const pages: string[] = [];
    const result = await readGap(read, 'flood', utf8Length(before), (page) => pages.push(page), before);
    expect(result).toEqual({ at: utf8Length(before), lost: true });
    expect(pages).toEqual([]);
  });

  it('checks against the end of what is shown and continues when it lines up', async () => {
    const text = lines(0, 300);
    const bytes = new TextEncoder().encode(text);
    const read: ReadLog = async ({ offset, maxBytes }) => {
      const end = Math.min(bytes.length, offset + maxBytes);
      return { text: new TextDecoder().decode(bytes.subarray(offset, end)), offset, size: bytes.length, truncated: end < bytes.length };
    };
    const pages: string[] = [];
    const shown = lines(0, 100);
    const result = await readGap(read, 'flood', utf8Length(shown), (page) => pages.push(page), shown, 2000);
    expect(result).toEqual({ at: bytes.length, lost: false });
    expect(shown + pages.join('')).toBe(text);
  });
});
