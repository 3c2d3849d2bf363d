/**
 * The main process's side of the LabApi over IPC: checks who is asking, then hands the request
 * to the same dispatch every host uses. Free of Electron so it is tested directly.
 */
import type { ApiErrorBody, LabEvent } from '../api/contract';
import { dispatch, toErrorBody, type LabBackend } from '../api/dispatch';
import { isTrustedSender, type AppLocation, type FrameLike } from './security';

/** The engine as the Electron host uses it (electron/lab/engine's `createEngine` returns one). */
export type HostEngine = LabBackend & {
  onEvent(listener: (event: LabEvent) => void): () => void;
  start(): Promise<void> | void;
  close(): Promise<void> | void;
};

export type IpcAnswer = { result: unknown } | { error: ApiErrorBody };

/** What the handler reads from Electron's IpcMainInvokeEvent. */
export type IpcSender = { senderFrame: FrameLike };

export function createIpcRequestHandler(backend: LabBackend, location: AppLocation, log: (message: string) => void) {
  return async (event: IpcSender, message: unknown): Promise<IpcAnswer> => {
    if (!isTrustedSender(event.senderFrame, location)) {
      // The URL says who tried; the params are never logged, they may hold a token.
      log(`refused an IPC request from ${event.senderFrame ? event.senderFrame.url : 'a closed frame'}`);
      return { error: { code: 'bad-request', message: 'request refused: it did not come from the app page' } };
    }
    if (!message || typeof message !== 'object') {
      return { error: { code: 'bad-request', message: 'a request must be an object with method and params' } };
    }
    const { method, params } = message as { method?: unknown; params?: unknown };
    try {
      return { result: await dispatch(backend, method, params) };
    } catch (error) {
      return { error: toErrorBody(error) };
    }
  };
}
