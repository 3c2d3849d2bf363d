/**
 * Each step's full log on disk, `logs/<stepId>.log` in the data directory, so the terminal can
 * page back through output the UI no longer holds and a person can attach it to a bug report.
 *
 * Size cap: when a file would grow past `capBytes`, it is rotated to `<stepId>.log.1` (replacing
 * an older `.1`) and a fresh file is started. Disk use per step therefore stays under 2 x cap, and
 * what is kept is always the most recent output, which is where the error is. Readers see `.1`
 * followed by the current file as one log; offsets shift by the dropped amount after a rotation.
 *
 * Text arrives already masked; this module never sees a secret.
 */
import fs from 'node:fs';
import path from 'node:path';

export const DEFAULT_LOG_CAP_BYTES = 20 * 1024 * 1024;

export interface LogSlice {
  text: string;
  /** Byte offset of `text` in the log. */
  offset: number;
  /** Total bytes in the log. */
  size: number;
  /** True when bytes after `text` were left out because of `maxBytes`. */
  truncated: boolean;
}

export interface StepLogs {
  append(stepId: string, text: string): void;
  /** Closes the step's file handle (on step end); a later append reopens it. */
  release(stepId: string): void;
  read(stepId: string, offset: number, maxBytes: number): LogSlice;
  close(): void;
}

interface OpenLog {
  fd: number;
  size: number;
}

export function createStepLogs(logDir: string, capBytes = DEFAULT_LOG_CAP_BYTES): StepLogs {
  const open = new Map<string, OpenLog>();
  const current = (stepId: string) => path.join(logDir, `${safeName(stepId)}.log`);
  const rotated = (stepId: string) => `${current(stepId)}.1`;

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
    fs.closeSync(log.fd);
    open.delete(stepId);
    fs.renameSync(current(stepId), rotated(stepId));
    return handle(stepId);
  }

  return {
    append(stepId, text) {
      if (text.length === 0) return;
      let bytes = Buffer.from(text, 'utf8');
      // A single write larger than the cap keeps only its end: the latest output matters most.
      if (bytes.length > capBytes) bytes = bytes.subarray(bytes.length - capBytes);
      let log = handle(stepId);
      if (log.size > 0 && log.size + bytes.length > capBytes) log = rotate(stepId, log);
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
      const parts = [rotated(stepId), current(stepId)].map((file) => ({ file, size: fileSize(file) }));
      const size = parts.reduce((sum, p) => sum + p.size, 0);
      let start = offset < 0 ? Math.max(0, size + offset) : Math.min(offset, size);
      let end = Math.min(size, start + Math.max(0, maxBytes));
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

function readRange(parts: Array<{ file: string; size: number }>, start: number, end: number): Buffer {
  const chunks: Buffer[] = [];
  let base = 0;
  for (const part of parts) {
    const from = Math.max(start, base);
    const to = Math.min(end, base + part.size);
    if (to > from) {
      const buffer = Buffer.alloc(to - from);
      const fd = fs.openSync(part.file, 'r');
      try {
        const read = fs.readSync(fd, buffer, 0, buffer.length, from - base);
        chunks.push(buffer.subarray(0, read));
      } finally {
        fs.closeSync(fd);
      }
    }
    base += part.size;
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
