/**
 * Turning a process's output bytes into masked chunks, masked lines and a capped capture.
 *
 * API: new CappedText(limit)                      -> append(bytes), text(), truncated
 *      maskedText(capture, masker)                -> the capture, masked
 *      new OutputChannel(source, masker, listener, capture) -> write(bytes), end()
 *      lastLines(text, count)
 *
 * Everything is streamed: memory use is bounded by the capture limit plus one pending line
 * (itself capped), however much a command prints.
 */
import { StringDecoder } from 'node:string_decoder';
import { createStreamMasker, type SecretMasker, type StreamMasker } from './mask';
import type { OutputListener, OutputSource } from './types';

/**
 * Keeps the last `limit` bytes of a stream (UTF-8) in a ring buffer. Copying the raw bytes into
 * one buffer, rather than keeping the decoded chunk strings, matters for a flood: retained
 * strings survive young-generation collections, get promoted and pile up as old-space garbage.
 * The bytes are raw (unmasked); `maskedText` masks them when the capture is read.
 */
export class CappedText {
  private ring: Buffer;
  /** Next write position. */
  private end = 0;
  private size = 0;
  private dropped = false;

  constructor(private readonly limit: number) {
    this.ring = Buffer.allocUnsafe(Math.min(limit, 64 * 1024));
  }

  /** Whether older bytes have been dropped. */
  get truncated(): boolean {
    return this.dropped;
  }

  append(data: Buffer | string): void {
    if (!data.length) return;
    let bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (bytes.length >= this.limit) {
      bytes = bytes.subarray(bytes.length - this.limit);
      this.dropped = true;
    }
    this.reserve(bytes.length);
    const capacity = this.ring.length;
    const first = Math.min(bytes.length, capacity - this.end);
    bytes.copy(this.ring, this.end, 0, first);
    bytes.copy(this.ring, 0, first);
    this.end = (this.end + bytes.length) % capacity;
    if (this.size + bytes.length > capacity) this.dropped = true;
    this.size = Math.min(capacity, this.size + bytes.length);
  }

  text(): string {
    const capacity = this.ring.length;
    const start = (this.end - this.size + capacity) % capacity;
    const ordered =
      start + this.size <= capacity
        ? this.ring.subarray(start, start + this.size)
        : Buffer.concat([this.ring.subarray(start), this.ring.subarray(0, this.end)]);
    // After wrapping, the oldest byte may be in the middle of a character: skip to the next one.
    let from = 0;
    if (this.dropped) while (from < ordered.length && (ordered[from]! & 0xc0) === 0x80) from++;
    return ordered.toString('utf8', from);
  }

  /** Grows the ring (up to the limit) while it is not yet full, keeping the content in order. */
  private reserve(incoming: number): void {
    const capacity = this.ring.length;
    if (capacity >= this.limit || this.size + incoming <= capacity) return;
    const grown = Buffer.allocUnsafe(Math.min(this.limit, Math.max(capacity * 2, this.size + incoming)));
    const start = (this.end - this.size + capacity) % capacity;
    if (start + this.size <= capacity) this.ring.copy(grown, 0, start, start + this.size);
    else {
      this.ring.copy(grown, 0, start);
      this.ring.copy(grown, capacity - start, 0, this.end);
    }
    this.ring = grown;
    this.end = this.size % grown.length;
  }
}

/**
 * The capture as masked text. When older output was dropped, the kept part may begin with the
 * rest of a secret whose start was cut off, which no pattern would recognise; so the first
 * maxLength-1 characters are dropped too (through the end of that line, to start cleanly),
 * never cutting through a secret that is recognised.
 */
export function maskedText(capture: CappedText, masker: SecretMasker): string {
  const text = capture.text();
  if (!capture.truncated || masker.maxLength <= 1) return masker.mask(text);
  const newline = text.indexOf('\n', masker.maxLength - 1);
  let cut = newline >= 0 ? newline + 1 : Math.min(text.length, masker.maxLength - 1);
  const found = masker.compile().findAll(text);
  for (let i = 0; i < found.length; i += 2) {
    const index = found[i] as number;
    if (index >= cut) break;
    // A match straddling the cut starts it instead, so the cut never splits a secret.
    if (index + (found[i + 1] as string).length > cut) cut = index;
  }
  return masker.mask(text.slice(cut));
}

export function lastLines(text: string, count: number): string {
  const lines = text.replace(/\r?\n$/, '').split(/\r?\n/);
  return lines.slice(-count).join('\n');
}

/** A line longer than this is handed out in pieces, so output without newlines cannot grow memory. */
const MAX_LINE = 1024 * 1024;

export class OutputChannel {
  private readonly decoder = new StringDecoder('utf8');
  private readonly masker: StreamMasker;
  private partial = '';

  constructor(
    private readonly source: OutputSource,
    secretMasker: SecretMasker,
    private readonly listener: OutputListener,
    private readonly capture: CappedText,
  ) {
    this.masker = createStreamMasker(secretMasker);
  }

  write(bytes: Buffer): void {
    this.capture.append(bytes);
    this.emit(this.masker.push(this.decoder.write(bytes)));
  }

  end(): void {
    this.emit(this.masker.push(this.decoder.end()) + this.masker.end());
    if (this.partial) {
      this.line(this.partial);
      this.partial = '';
    }
  }

  private emit(text: string): void {
    if (!text) return;
    this.listener.onChunk?.(this.source, text);
    if (this.listener.onLine) this.splitLines(text);
  }

  private splitLines(text: string): void {
    let newline = text.indexOf('\n');
    if (newline < 0) {
      this.partial += text;
      if (this.partial.length >= MAX_LINE) {
        this.line(this.partial);
        this.partial = '';
      }
      return;
    }
    this.line(this.partial + text.slice(0, newline));
    let start = newline + 1;
    while ((newline = text.indexOf('\n', start)) >= 0) {
      this.line(text.slice(start, newline));
      start = newline + 1;
    }
    this.partial = text.slice(start);
  }

  private line(line: string): void {
    const end = line.length > 0 && line.charCodeAt(line.length - 1) === 13 ? line.length - 1 : line.length;
    this.listener.onLine!(this.source, end === line.length ? line : line.slice(0, end));
  }
}
