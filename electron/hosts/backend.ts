/**
 * What a host needs from the engine: the request handlers every boundary dispatches to, plus the
 * one event stream. Declared here (not imported from the engine) so hosts depend on a shape and
 * their tests can pass a small fake.
 */
import type { LabEvent } from '../api/contract';
import type { LabBackend } from '../api/dispatch';

export interface LabEventSource {
  /** Subscribes to engine events; returns the unsubscribe function. */
  onEvent(listener: (event: LabEvent) => void): () => void;
}

export type HostBackend = LabBackend & LabEventSource;
