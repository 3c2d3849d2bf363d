import { describe, expect, it } from 'vitest';
import { LogBuffer } from './log-buffer';

describe('LogBuffer', () => {
  it('keeps everything under the caps', () => {
    const buffer = new LogBuffer({ maxLines: 10, maxChars: 1000 });
    buffer.append('a\n');
    buffer.append('b\nc');
    expect(buffer.text()).toBe('a\nb\nc');
    expect(buffer.truncated).toBe(false);
  });

  it('drops the oldest lines beyond the line cap, cutting at a newline', () => {
    const buffer = new LogBuffer({ maxLines: 3, maxChars: 1000 });
    buffer.append('one\ntwo\n');
    buffer.append('three\nfour\nfive\n');
    expect(buffer.text()).toBe('three\nfour\nfive\n');
    expect(buffer.size.lines).toBe(3);
    expect(buffer.truncated).toBe(true);
  });

  it('drops the oldest output beyond the character cap', () => {
    const buffer = new LogBuffer({ maxLines: 1000, maxChars: 10 });
    for (let i = 0; i < 5; i++) buffer.append(`line${i}\n`);
    expect(buffer.size.chars).toBeLessThanOrEqual(10);
    expect(buffer.text()).toBe('line4\n');
    expect(buffer.size.chars).toBe(buffer.text().length);
  });

  it('keeps the tail of one huge chunk without newlines', () => {
    const buffer = new LogBuffer({ maxLines: 1000, maxChars: 4 });
    buffer.append('abcdefgh');
    expect(buffer.text()).toBe('efgh');
  });

  it('stays bounded over a long run', () => {
    const buffer = new LogBuffer({ maxLines: 100, maxChars: 5000 });
    for (let i = 0; i < 10_000; i++) buffer.append(`output line ${i}\n`);
    expect(buffer.size.lines).toBeLessThanOrEqual(100);
    expect(buffer.text().endsWith('output line 9999\n')).toBe(true);
    expect(buffer.text().split('\n')[0]).toMatch(/^output line \d+$/);
  });
});
