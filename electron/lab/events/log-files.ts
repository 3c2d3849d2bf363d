/**
 * Each step's full log on disk, `logs/<stepId>.log` in the data directory, so the terminal can
 * page back through output the UI no longer holds and a person can attach it to a bug report.
 *
 * Size cap: when a file would grow past `capBytes`, it is rotated to `<stepId>.log.1` (replacing
 * an older `.1`) and a fresh file is started. Disk use per step therefore stays under 2 x cap, and
 * what is kept is always the most recent output, which is where the error is.
 *
 * Offsets are absolute: byte N is the N-th byte ever appended to the stream, whichever file holds
 * it now, so an offset a reader took before a rotation still names the same byte after it. Each
 * file's absolute start is kept in memory; a process that finds logs from an earlier run starts
 * counting at the start of what is on disk (`.1`, then the current file). Bytes rotated away are
 * gone: a read from there starts at the first byte still held, and says so by its `offset`.
 *
 * Text arrives already masked; this module never sees a secret.
 */
import fs from 'node:fs';
import path from 'node:path';

export const DEFAULT_LOG_CAP_BYTES = 20 * 1024 * 1024;

export interface LogSlice {
  text: string;
  /**
   * Absolute byte offset of `text` in the stream. Later than the offset asked for when the bytes
   * asked for were rotated away (or fell inside a character): it is then the first byte still held.
   */
  offset: number;
  /** Bytes ever written to the stream: the absolute offset of its end. */
  size: number;
  /** True when bytes after `text` were left out (because of `maxBytes`, or a hole from a rotation). */
  truncated: boolean;
}

export interface StepLogs {
  append(stepId: string, text: string): void;
  /** Closes the step's file handle (on step end); a later append reopens it. */
  release(stepId: string): void;
  /** Reads from absolute byte `offset`; a negative offset counts back from the end (a tail). */
  read(stepId: string, offset: number, maxBytes: number): LogSlice;
  close(): void;
}

interface OpenLog {
  fd: number;
  size: number;
}

/** Absolute offsets at which the two files begin. */
interface Starts {
  rotated: number;
  current: number;
}

interface Segment {
  file: string;
  /** Absolute offset of the file's first byte. */
  start: number;
  size: number;
}

export function createStepLogs(logDir: string, capBytes = DEFAULT_LOG_CAP_BYTES): StepLogs {
  const open = new Map<string, OpenLog>();
  const starts = new Map<string, Starts>();
  const current = (stepId: string) => path.join(logDir, `${safeName(stepId)}.log`);
  const rotated = (stepId: string) => `${current(stepId)}.1`;

  function startsOf(stepId: string): Starts {
    let known = starts.get(stepId);
    if (!known) {
      // Logs of an earlier run: count from the oldest byte still on disk.
      known = { rotated: 0, current: fileSize(rotated(stepId)) };
      starts.set(stepId, known);
    }
    return known;
  }

  function handle(stepId: string): OpenLog {
    let log = open.get(stepId);
    if (!log) {
      fs.mkdirSync(logDir, { recursive: true });
      const fd = fs.openSync(current(stepId), 'a', 0o600);
      log = { fd, size: fs.fstatSync(fd).size };
      open.set(stepId, log);
    }
    return log;
  }

  function rotate(stepId: string, log: OpenLog): OpenLog {
    const known = startsOf(stepId);
    fs.closeSync(log.fd);
    open.delete(stepId);
    fs.renameSync(current(stepId), rotated(stepId));
    starts.set(stepId, { rotated: known.current, current: known.current + log.size });
    return handle(stepId);
  }

  function segments(stepId: string): Segment[] {
    const known = startsOf(stepId);
    return [
      { file: rotated(stepId), start: known.rotated, size: fileSize(rotated(stepId)) },
      { file: current(stepId), start: known.current, size: fileSize(current(stepId)) },
    ];
  }

  return {
    append(stepId, text) {
      if (text.length === 0) return;
      let bytes = Buffer.from(text, 'utf8');
      // A single write larger than the cap keeps only its end: the latest output matters most.
      const dropped = Math.max(0, bytes.length - capBytes);
      if (dropped > 0) bytes = bytes.subarray(dropped);
      let log = handle(stepId);
      if (log.size > 0 && log.size + bytes.length > capBytes) log = rotate(stepId, log);
      if (dropped > 0) {
        // The dropped head still counts as written (readers count the text they were sent), so
        // the file starts that much later and a hole separates it from `.1`.
        const known = startsOf(stepId);
        starts.set(stepId, { rotated: known.rotated, current: known.current + dropped });
      }
      fs.writeSync(log.fd, bytes);
      log.size += bytes.length;
    },
    release(stepId) {
      const log = open.get(stepId);
      if (!log) return;
      open.delete(stepId);
      fs.closeSync(log.fd);
    },
    read(stepId, offset, maxBytes) {
      const parts = segments(stepId).filter((part) => part.size > 0);
      const last = parts.at(-1);
      const size = last ? last.start + last.size : startsOf(stepId).current;
      const asked = offset < 0 ? size + offset : offset;
      // The first byte still held at or after `asked`, and the segment holding it.
      const first = parts.findIndex((p) => asked < p.start + p.size);
      const part = parts[first];
      let start = part ? Math.max(asked, part.start) : size;
      // Stop where a hole begins (after an oversized write): text must be contiguous.
      let held = part ? part.start + part.size : size;
      for (const next of parts.slice(first + 1)) if (next.start === held) held += next.size;
      let end = Math.min(held, start + Math.max(0, maxBytes));
      const bytes = readRange(parts, start, end);
      // Never cut a UTF-8 character in half: move the start past continuation bytes and drop a
      // trailing partial character, so the text decodes cleanly.
      let head = 0;
      while (head < bytes.length && (bytes[head]! & 0xc0) === 0x80) head++;
      let tail = bytes.length;
      if (end < size) tail = completeCharactersEnd(bytes, head);
      start += head;
      end = start + (tail - head);
      return { text: bytes.subarray(head, tail).toString('utf8'), offset: start, size, truncated: end < size };
    },
    close() {
      for (const [stepId] of open) this.release(stepId);
    },
  };
}

function safeName(stepId: string): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(stepId)) throw new Error(`not a valid step id for a log file: ${JSON.stringify(stepId)}`);
  return stepId;
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

function readRange(parts: Segment[], start: number, end: number): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const from = Math.max(start, part.start);
    const to = Math.min(end, part.start + part.size);
    if (to <= from) continue;
    const buffer = Buffer.alloc(to - from);
    const fd = fs.openSync(part.file, 'r');
    try {
      chunks.push(buffer.subarray(0, fs.readSync(fd, buffer, 0, buffer.length, from - part.start)));
    } finally {
      fs.closeSync(fd);
    }
  }
  return Buffer.concat(chunks);
}

/** End index of the last complete UTF-8 character in `bytes` (from `from`). */
function completeCharactersEnd(bytes: Buffer, from: number): number {
  let i = bytes.length - 1;
  let continuation = 0;
  while (i >= from && (bytes[i]! & 0xc0) === 0x80) {
    i--;
    continuation++;
  }
  if (i < from) return from;
  const lead = bytes[i]!;
  const needed = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0;
  return continuation >= needed ? bytes.length : i;
}
