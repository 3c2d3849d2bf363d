/**
 * Turning a process's output bytes into masked chunks, masked lines and a capped capture.
 *
 * API: new CappedText(limit)                      -> append(text), text()
 *      new OutputChannel(source, masker, listener, capture) -> write(bytes), end()
 *      lastLines(text, count)
 *
 * Everything is streamed: memory use is bounded by the capture limit plus one pending line
 * (itself capped), however much a command prints.
 */
import { StringDecoder } from 'node:string_decoder';
import { createStreamMasker, type SecretMasker, type StreamMasker } from './mask';
import type { OutputListener, OutputSource } from './types';

/** Keeps the last `limit` characters of a stream. */
export class CappedText {
  private chunks: string[] = [];
  private head = 0;
  private length = 0;

  constructor(private readonly limit: number) {}

  append(text: string): void {
    if (!text) return;
    this.chunks.push(text);
    this.length += text.length;
    while (this.chunks.length - this.head > 1 && this.length - this.chunks[this.head]!.length >= this.limit) {
      this.length -= this.chunks[this.head]!.length;
      this.head++;
    }
    // Compact now and then so dropped chunks do not pile up in the array.
    if (this.head > 1024) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }

  text(): string {
    const all = this.chunks.slice(this.head).join('');
    return all.length > this.limit ? all.slice(all.length - this.limit) : all;
  }
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
    this.capture.append(text);
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
