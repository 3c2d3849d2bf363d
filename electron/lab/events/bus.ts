/**
 * The engine's one event stream. Listeners are isolated from each other: a listener that throws
 * (a closed WebSocket, a destroyed window) must not stop the others or the step that emitted.
 */
import type { LabEvent } from '../../api/contract';

export type LabEventListener = (event: LabEvent) => void;

export interface EventBus {
  emit(event: LabEvent): void;
  on(listener: LabEventListener): () => void;
}

export function createEventBus(onListenerError: (error: unknown) => void = () => {}): EventBus {
  const listeners = new Set<LabEventListener>();
  return {
    emit(event) {
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (error) {
          onListenerError(error);
        }
      }
    },
    on(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
