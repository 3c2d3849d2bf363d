/**
 * The terminal's memory: one capped buffer per stream (a step id or a troubleshooting run) plus
 * the "All" stream that interleaves them with a dim header line whenever the speaker changes,
 * so a reader of "All" can tell which step printed what.
 */
import { defaultLogCaps, LogBuffer, type LogCaps } from './log-buffer';

export const ALL_STREAM = '';

export type LogSource = 'stdout' | 'stderr' | 'info';

/** Explanations from the app, as opposed to tool output, are shown in cyan. */
export function styleChunk(source: LogSource, data: string): string {
  return source === 'info' ? `\x1b[36m${data}\x1b[0m` : data;
}

export function streamHeader(label: string, atLineStart: boolean): string {
  return `${atLineStart ? '' : '\n'}\x1b[2m── ${label} ──\x1b[0m\n`;
}

export type LogListener = (stream: string, text: string) => void;

export class LogBook {
  private readonly buffers = new Map<string, LogBuffer>();
  private readonly listeners = new Set<LogListener>();
  private lastStream: string | null = null;
  private allAtLineStart = true;

  constructor(private readonly caps: LogCaps = defaultLogCaps) {
    this.buffers.set(ALL_STREAM, new LogBuffer(caps));
  }

  /** Records output; returns true when the stream is new. */
  append(stream: string, source: LogSource, data: string, label: string = stream): boolean {
    if (!data) return false;
    let buffer = this.buffers.get(stream);
    const isNew = !buffer;
    if (!buffer) {
      buffer = new LogBuffer(this.caps);
      this.buffers.set(stream, buffer);
    }
    const styled = styleChunk(source, data);
    buffer.append(styled);
    this.emit(stream, styled);

    const forAll = (this.lastStream === stream ? '' : streamHeader(label, this.allAtLineStart)) + styled;
    this.lastStream = stream;
    this.allAtLineStart = data.endsWith('\n');
    this.buffers.get(ALL_STREAM)!.append(forAll);
    this.emit(ALL_STREAM, forAll);
    return isNew;
  }

  /**
   * Fills an empty stream with history read from the engine (after a reload or reconnect). If
   * live output arrived meanwhile, the history is dropped rather than risk showing lines twice.
   */
  seed(stream: string, text: string): boolean {
    const existing = this.buffers.get(stream);
    if (!text || (existing && existing.size.chars > 0)) return false;
    const buffer = existing ?? new LogBuffer(this.caps);
    this.buffers.set(stream, buffer);
    buffer.append(text);
    this.emit(stream, text);
    return true;
  }

  history(stream: string): string {
    return this.buffers.get(stream)?.text() ?? '';
  }

  wasTruncated(stream: string): boolean {
    return this.buffers.get(stream)?.truncated ?? false;
  }

  subscribe(listener: LogListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(stream: string, text: string): void {
    for (const listener of this.listeners) listener(stream, text);
  }
}
