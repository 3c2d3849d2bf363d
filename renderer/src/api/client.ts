/**
 * What the UI needs from a host: the LabApi itself plus the state of the link to it, because a
 * browser's WebSocket can drop (laptop asleep, venue Wi-Fi) while Electron's IPC cannot.
 */
import type { LabApi } from '../../../electron/api/contract';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting';

/**
 * The web host's way of keeping a lagging page lossless: instead of `log` events it names the
 * byte in a stream's log from which the page has not been sent output; the page reads the log
 * from there (`readLog`) and then says how far it got, and live events go on from that byte.
 */
export interface LogGapChannel {
  /** Calls the listener for each gap; returns the unsubscribe function. */
  onGap(listener: (stream: string, from: number) => void): () => void;
  /** Calls the listener when output of a stream between a gap and live could not be placed. */
  onLost(listener: (stream: string) => void): () => void;
  /** Tells the host the page has read `stream`'s log up to byte `at`. */
  resume(stream: string, at: number): void;
}

export interface LabClient {
  readonly api: LabApi;
  /** Present where the host can withhold output from a page that falls behind (the web host). */
  readonly logGaps?: LogGapChannel;
  /** Calls the listener now and on every change; returns the unsubscribe function. */
  onConnection(listener: (state: ConnectionState) => void): () => void;
}
