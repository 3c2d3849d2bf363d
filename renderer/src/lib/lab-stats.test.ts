import { describe, expect, it } from 'vitest';
import { LogBook } from './log-book';
import { trackStats, wantsStats } from './lab-stats';

describe('lab stats', () => {
  it('are wanted only with stats=1 in the address', () => {
    expect(wantsStats('?stats=1')).toBe(true);
    expect(wantsStats('?x=2&stats=1')).toBe(true);
    expect(wantsStats('')).toBe(false);
    expect(wantsStats('?stats=0')).toBe(false);
  });

  it('count newlines per stream as the LogBook emits them, until stopped', () => {
    const book = new LogBook();
    let t = 0;
    const { stats, stop } = trackStats(book, () => ++t);
    book.append('flood', 'stdout', 'a\nb\nc');
    book.append('flood', 'stdout', '\n');
    book.append('other', 'stderr', 'x\n');
    expect(stats.lines.flood).toBe(3);
    expect(stats.lines.other).toBe(1);
    expect(stats.lastAt.flood).toBeLessThan(stats.lastAt.other!);
    stop();
    book.append('flood', 'stdout', 'more\n');
    expect(stats.lines.flood).toBe(3);
  });
});
