import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStepLogs } from './log-files';

/** 100-byte lines, numbered, so any misplaced byte shows. */
const line = (i: number) => `line ${String(i).padStart(3, '0')} ${'x'.repeat(90)}\n`;

describe('step log offsets across rotations', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'log-files-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps naming the same byte by the same offset after two rotations', () => {
    const logs = createStepLogs(dir, 1000);
    let all = '';
    for (let i = 0; i < 10; i++) {
      all += line(i);
      logs.append('s', line(i));
    }
    const before = logs.read('s', 500, 100);
    for (let i = 10; i < 25; i++) {
      all += line(i);
      logs.append('s', line(i));
    }
    // 2,500 bytes written, 1,000-byte cap: two rotations; the files hold bytes 1,000 to 2,500.
    expect(fs.readdirSync(dir).sort()).toEqual(['s.log', 's.log.1']);
    expect(before).toEqual({ text: line(5), offset: 500, size: 1000, truncated: true });
    expect(logs.read('s', 1500, 100)).toEqual({ text: line(15), offset: 1500, size: 2500, truncated: true });
    // Across the two files in one read.
    expect(logs.read('s', 1950, 100).text).toBe(all.slice(1950, 2050));
    expect(logs.read('s', -100, 100)).toEqual({ text: line(24), offset: 2400, size: 2500, truncated: false });
    logs.close();
  });

  it('answers a read of bytes rotated away from the first byte still held', () => {
    const logs = createStepLogs(dir, 1000);
    for (let i = 0; i < 25; i++) logs.append('s', line(i));
    expect(logs.read('s', 500, 100)).toEqual({ text: line(10), offset: 1000, size: 2500, truncated: true });
    expect(logs.read('s', -10_000, 100).offset).toBe(1000);
    expect(logs.read('s', 9000, 100)).toEqual({ text: '', offset: 2500, size: 2500, truncated: false });
    logs.close();
  });

  it('counts the dropped head of an oversized write, and reads stop at the hole it leaves', () => {
    const logs = createStepLogs(dir, 1000);
    logs.append('s', line(0));
    logs.append('s', `${'a'.repeat(1500)}END`);
    // 100 + 1,503 bytes written; `.1` holds 0-100, the current file the last 1,000 (603-1,603).
    const head = logs.read('s', 0, 10_000);
    expect(head).toEqual({ text: line(0), offset: 0, size: 1603, truncated: true });
    const next = logs.read('s', head.offset + 100, 10_000);
    expect(next.offset).toBe(603);
    expect(next.text).toBe(`${'a'.repeat(997)}END`);
    expect(next.truncated).toBe(false);
    logs.close();
  });

  it('starts counting at the oldest byte on disk in a new process', () => {
    const first = createStepLogs(dir, 1000);
    for (let i = 0; i < 25; i++) first.append('s', line(i));
    first.close();
    const second = createStepLogs(dir, 1000);
    expect(second.read('s', 0, 100)).toEqual({ text: line(10), offset: 0, size: 1500, truncated: true });
    second.append('s', line(25));
    expect(second.read('s', -100, 100)).toEqual({ text: line(25), offset: 1500, size: 1600, truncated: false });
    second.close();
  });
});
