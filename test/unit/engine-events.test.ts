import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEventBus } from '../../electron/lab/events/bus';
import { createLogCoalescer, type LogEvent } from '../../electron/lab/events/coalescer';
import { createStepLogs } from '../../electron/lab/events/log-files';

describe('log coalescing', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends a flood as at most one message per stream per window, losing nothing', () => {
    const sent: LogEvent[] = [];
    const coalescer = createLogCoalescer((e) => sent.push(e), 16);
    const expected: string[] = [];
    // 10 000 chunks spread over 160 simulated milliseconds on one stream.
    for (let i = 0; i < 10_000; i++) {
      const chunk = `line ${i}\n`;
      expected.push(chunk);
      coalescer.push('k3d-cluster', 'stdout', chunk);
      if (i % 625 === 624) vi.advanceTimersByTime(10);
    }
    vi.advanceTimersByTime(16);
    expect(sent.length).toBeLessThanOrEqual(Math.ceil(160 / 16) + 1);
    expect(sent.length).toBeGreaterThan(1);
    expect(sent.map((e) => e.data).join('')).toBe(expected.join(''));
    expect(new Set(sent.map((e) => e.stream))).toEqual(new Set(['k3d-cluster']));
  });

  it('keeps streams apart and flushes one stream at step end without waiting', () => {
    const sent: LogEvent[] = [];
    const coalescer = createLogCoalescer((e) => sent.push(e), 16);
    coalescer.push('a', 'stdout', 'a1');
    coalescer.push('b', 'stdout', 'b1');
    coalescer.push('a', 'stdout', 'a2');
    coalescer.flush('a');
    expect(sent).toEqual([{ type: 'log', stream: 'a', source: 'stdout', data: 'a1a2' }]);
    vi.advanceTimersByTime(16);
    expect(sent[1]).toEqual({ type: 'log', stream: 'b', source: 'stdout', data: 'b1' });
    expect(sent).toHaveLength(2);
  });

  it('keeps the order of stdout and stderr inside a window', () => {
    const sent: LogEvent[] = [];
    const coalescer = createLogCoalescer((e) => sent.push(e), 16);
    coalescer.push('s', 'stdout', 'o1');
    coalescer.push('s', 'stdout', 'o2');
    coalescer.push('s', 'stderr', 'e1');
    coalescer.push('s', 'stdout', 'o3');
    vi.advanceTimersByTime(16);
    expect(sent.map((e) => `${e.source}:${e.data}`)).toEqual(['stdout:o1o2', 'stderr:e1', 'stdout:o3']);
  });
});

describe('event bus', () => {
  it('delivers to every listener even when one throws, and unsubscribes', () => {
    const errors: unknown[] = [];
    const bus = createEventBus((e) => errors.push(e));
    const got: string[] = [];
    bus.on(() => {
      throw new Error('window gone');
    });
    const off = bus.on((e) => got.push(e.type));
    bus.emit({ type: 'log', stream: 'x', source: 'info', data: 'hi' });
    off();
    bus.emit({ type: 'log', stream: 'x', source: 'info', data: 'again' });
    expect(got).toEqual(['log']);
    expect(errors).toHaveLength(2);
  });
});

describe('step log files', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-logs-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads from an offset, from the end (negative offset), and reports truncation', () => {
    const logs = createStepLogs(dir, 1024 * 1024);
    logs.append('docker', 'hello\n');
    logs.append('docker', 'world\n');
    expect(logs.read('docker', 0, 100)).toEqual({ text: 'hello\nworld\n', offset: 0, size: 12, truncated: false });
    expect(logs.read('docker', -6, 100)).toEqual({ text: 'world\n', offset: 6, size: 12, truncated: false });
    expect(logs.read('docker', 0, 5)).toEqual({ text: 'hello', offset: 0, size: 12, truncated: true });
    expect(logs.read('never-ran', 0, 100)).toEqual({ text: '', offset: 0, size: 0, truncated: false });
    logs.close();
  });

  it('never cuts a UTF-8 character in half', () => {
    const logs = createStepLogs(dir);
    logs.append('s', '✔ ok ✔'); // ✔ is 3 bytes
    const head = logs.read('s', 0, 2);
    expect(head).toMatchObject({ text: '', truncated: true });
    // Offset 1 is inside the first ✔: reading starts at the next whole character.
    expect(logs.read('s', 1, 100)).toEqual({ text: ' ok ✔', offset: 3, size: 10, truncated: false });
    expect(logs.read('s', -3, 100).text).toBe('✔');
    logs.close();
  });

  it('caps the file by rotating to .1, keeping the latest output readable', () => {
    const cap = 1000;
    const logs = createStepLogs(dir, cap);
    let all = '';
    for (let i = 0; i < 50; i++) {
      const line = `line ${String(i).padStart(3, '0')} ${'x'.repeat(90)}\n`; // 100 bytes
      all += line;
      logs.append('flood', line);
    }
    logs.release('flood');
    const current = fs.statSync(path.join(dir, 'flood.log')).size;
    const rotated = fs.statSync(path.join(dir, 'flood.log.1')).size;
    expect(current).toBeLessThanOrEqual(cap);
    expect(rotated).toBeLessThanOrEqual(cap);
    expect(fs.readdirSync(dir).sort()).toEqual(['flood.log', 'flood.log.1']);
    const whole = logs.read('flood', 0, 10_000);
    // Offsets and size count every byte ever written; the log holds its last `current + rotated`.
    expect(whole.size).toBe(all.length);
    expect(whole.offset).toBe(all.length - current - rotated);
    expect(all.endsWith(whole.text)).toBe(true);
    expect(logs.read('flood', -100, 100).text).toBe(`line 049 ${'x'.repeat(90)}\n`);
    // A single write bigger than the cap keeps its end.
    logs.append('flood', `${'a'.repeat(1500)}END`);
    expect(logs.read('flood', -3, 3).text).toBe('END');
    expect(fs.statSync(path.join(dir, 'flood.log')).size).toBe(cap);
    logs.close();
  });

  it('refuses a step id that could escape the log folder', () => {
    const logs = createStepLogs(dir);
    expect(() => logs.append('../state', 'x')).toThrow(/not a valid step id/);
  });
});
