/**
 * Builds the `window.labApi` object the preload exposes. Kept free of Electron so it is tested
 * directly: the page gets one async function per LabApi request and `onEvent`, nothing more.
 * In particular it never sees ipcRenderer or an IPC event object, which would let it send on
 * any channel or reach the sender's internals.
 */
import type { LabApi, LabEvent } from '../api/contract';
import { ipcChannels, labMethodNames } from '../api/methods';

type Invoke = (channel: string, message: { method: string; params: unknown }) => Promise<unknown>;
type IpcListener = (event: unknown, payload: unknown) => void;
type Subscribe = (channel: string, listener: IpcListener) => unknown;

/** Unwraps the main process's `{result}` or `{error}` answer; an error becomes a thrown Error with its message. */
export function unwrapAnswer(method: string, answer: unknown): unknown {
  if (answer && typeof answer === 'object') {
    if ('error' in answer) {
      const error = (answer as { error: unknown }).error;
      const message =
        error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string'
          ? (error as { message: string }).message
          : `${method} failed`;
      throw new Error(message);
    }
    if ('result' in answer) return (answer as { result: unknown }).result;
  }
  throw new Error(`${method}: the app answered with a malformed message`);
}

export function buildLabApi(invoke: Invoke, on: Subscribe, off: Subscribe): LabApi {
  const api: Record<string, unknown> = {};
  for (const method of labMethodNames) {
    api[method] = async (params: unknown) => unwrapAnswer(method, await invoke(ipcChannels.request, { method, params }));
  }
  api.onEvent = (listener: (event: LabEvent) => void) => {
    // Only the payload crosses into the page, never the IPC event that carries it.
    const forward: IpcListener = (_event, payload) => listener(payload as LabEvent);
    on(ipcChannels.event, forward);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      off(ipcChannels.event, forward);
    };
  };
  return Object.freeze(api) as LabApi;
}
