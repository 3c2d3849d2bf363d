import { describe, expect, it } from 'vitest';
import { skippedNote, TerminalFeed } from './terminal-feed';

/** A terminal that records writes and completes them when told; frames run when told. */
function harness(maxCharsPerWrite: number, keepLines: number) {
  const writes: string[] = [];
  const pendingDone: (() => void)[] = [];
  const frames: (() => void)[] = [];
  const feed = new TerminalFeed(
    (text, done) => {
      writes.push(text);
      pendingDone.push(done);
    },
    (cb) => frames.push(cb),
    { maxCharsPerWrite, keepLines },
  );
  /** Runs frames and completes writes until nothing is left to do. */
  const drain = () => {
    while (frames.length > 0 || pendingDone.length > 0) {
      frames.splice(0).forEach((f) => f());
      pendingDone.splice(0).forEach((d) => d());
    }
  };
  return { feed, writes, frames, pendingDone, drain };
}

describe('TerminalFeed', () => {
  it('writes nothing until a frame, then slices no longer than the limit, in order', () => {
    const h = harness(4, 100);
    h.feed.push('ab\ncd\n');
    h.feed.push('ef\n');
    expect(h.writes).toEqual([]);
    h.drain();
    expect(h.writes.every((w) => w.length <= 4)).toBe(true);
    expect(h.writes.join('')).toBe('ab\ncd\nef\n');
  });

  it('has one slice with the terminal at a time: the next waits for the previous to finish', () => {
    const h = harness(2, 100);
    h.feed.push('abcdef');
    h.frames.splice(0).forEach((f) => f());
    expect(h.writes).toEqual(['ab']);
    h.feed.push('gh');
    expect(h.frames).toHaveLength(0);
    h.pendingDone.splice(0).forEach((d) => d());
    expect(h.frames).toHaveLength(1);
    h.drain();
    expect(h.writes.join('')).toBe('abcdefgh');
  });

  it('drops what the scrollback could not keep and says how many lines it skipped', () => {
    const h = harness(1000, 3);
    h.feed.push(Array.from({ length: 10 }, (_, i) => `line ${i}\n`).join(''));
    h.drain();
    expect(h.writes.join('')).toBe(`${skippedNote(7)}line 7\nline 8\nline 9\n`);
  });

  it('counts drops across chunks pushed while the terminal is busy', () => {
    const h = harness(1000, 2);
    h.feed.push('a\n');
    h.frames.splice(0).forEach((f) => f());
    for (let i = 0; i < 5; i++) h.feed.push(`x${i}\n`);
    h.drain();
    expect(h.writes).toEqual(['a\n', `${skippedNote(3)}x3\nx4\n`]);
  });

  it('forgets the backlog on clear, ignores a write that finishes afterwards, and carries on', () => {
    const h = harness(2, 100);
    h.feed.push('old-text');
    h.frames.splice(0).forEach((f) => f());
    const staleDone = h.pendingDone.splice(0);
    h.feed.clear();
    expect(h.feed.backlog).toBe(0);
    h.feed.push('new');
    staleDone.forEach((d) => d());
    h.drain();
    expect(h.writes).toEqual(['ol', 'ne', 'w']);
  });

  it('stops for good when closed', () => {
    const h = harness(10, 100);
    h.feed.push('a');
    h.feed.close();
    h.feed.push('b');
    h.drain();
    expect(h.writes).toEqual([]);
  });
});
