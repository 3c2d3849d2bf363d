/**
 * The LabApi over one WebSocket per page: request frames go through `dispatch` (the same
 * validation as Electron IPC), answers carry the request's id, engine events are pushed to
 * every open socket.
 */
import type { RawData, WebSocket } from 'ws';
import type { LabEvent } from '../../api/contract';
import { dispatch, toErrorBody } from '../../api/dispatch';
import { requestFrameSchema, type EventFrame, type ResponseFrame } from '../../api/wire';
import type { HostBackend } from '../backend';

/** Largest frame a page may send; the biggest legitimate request (inputs, a secret) is a few KiB. */
export const MAX_FRAME_BYTES = 1024 * 1024;

/**
 * How much may wait unsent on one socket before it is dropped. Events are mostly log chunks, so
 * a page that stops reading (a frozen or throttled tab) would otherwise make the host buffer a
 * whole build's output. Dropping is chosen over coalescing because a dropped page loses nothing
 * it cannot get back: it reconnects, asks for a fresh snapshot and re-reads logs by offset
 * (`readLog`), while coalescing would have to understand every event type to merge them safely.
 */
export const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/** Id used in the answer to a frame so malformed that it carries no usable request id. */
export const UNKNOWN_REQUEST_ID = -1;

export interface SocketApi {
  attach(socket: WebSocket): void;
  /** Closes every socket and stops listening to the engine. */
  close(): void;
}

export function createSocketApi(backend: HostBackend, maxBufferedBytes = MAX_BUFFERED_BYTES): SocketApi {
  const sockets = new Set<WebSocket>();

  function send(socket: WebSocket, frame: ResponseFrame | EventFrame): void {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > maxBufferedBytes) {
      // terminate() frees the buffer now; close() would queue its frame behind it.
      sockets.delete(socket);
      socket.terminate();
      return;
    }
    socket.send(JSON.stringify(frame));
  }

  const unsubscribe = backend.onEvent((event: LabEvent) => {
    for (const socket of sockets) send(socket, { event });
  });

  async function answer(socket: WebSocket, data: RawData, isBinary: boolean): Promise<void> {
    if (isBinary) {
      send(socket, badFrame(UNKNOWN_REQUEST_ID, 'frames must be JSON text'));
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(rawText(data));
    } catch {
      send(socket, badFrame(UNKNOWN_REQUEST_ID, 'frame is not valid JSON'));
      return;
    }
    const frame = requestFrameSchema.safeParse(json);
    if (!frame.success) {
      send(socket, badFrame(idOf(json), 'a request frame is {"id": <non-negative integer>, "method": <string>, "params"?: <object>}'));
      return;
    }
    const { id, method, params } = frame.data;
    try {
      const result = await dispatch(backend, method, params);
      send(socket, { id, result });
    } catch (error) {
      send(socket, { id, error: toErrorBody(error) });
    }
  }

  return {
    attach(socket) {
      sockets.add(socket);
      socket.on('message', (data, isBinary) => void answer(socket, data, isBinary));
      socket.on('close', () => sockets.delete(socket));
      // A protocol error (e.g. an oversized frame) closes the socket; it must not crash the host.
      socket.on('error', () => sockets.delete(socket));
    },
    close() {
      unsubscribe();
      for (const socket of sockets) socket.terminate();
      sockets.clear();
    },
  };
}

function badFrame(id: number, message: string): ResponseFrame {
  return { id, error: { code: 'bad-request', message } };
}

/** Keeps the sender's id when it is usable, so its pending request fails instead of hanging. */
function idOf(json: unknown): number {
  if (typeof json === 'object' && json !== null && 'id' in json) {
    const id = (json as { id: unknown }).id;
    if (typeof id === 'number' && Number.isInteger(id) && id >= 0) return id;
  }
  return UNKNOWN_REQUEST_ID;
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
