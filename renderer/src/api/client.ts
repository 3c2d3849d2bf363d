/**
 * What the UI needs from a host: the LabApi itself plus the state of the link to it, because a
 * browser's WebSocket can drop (laptop asleep, venue Wi-Fi) while Electron's IPC cannot.
 */
import type { LabApi } from '../../../electron/api/contract';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting';

export interface LabClient {
  readonly api: LabApi;
  /** Calls the listener now and on every change; returns the unsubscribe function. */
  onConnection(listener: (state: ConnectionState) => void): () => void;
}
