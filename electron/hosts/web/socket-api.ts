/**
 * The LabApi over one WebSocket per page: request frames go through `dispatch` (the same
 * validation as Electron IPC), answers carry the request's id, engine events are pushed to
 * every open socket. A page that falls behind gets gap frames instead of log events and reads
 * the missed output from the engine's log (log-gaps.ts); a resume frame puts it back on live.
 */
import type { RawData, WebSocket } from 'ws';
import type { LabEvent } from '../../api/contract';
import { dispatch, toErrorBody } from '../../api/dispatch';
import { requestFrameSchema, resumeFrameSchema, type EventFrame, type GapFrame, type LostFrame, type ResponseFrame } from '../../api/wire';
import type { HostBackend } from '../backend';
import { createLogGaps, type LogGaps } from './log-gaps';

/** Largest frame a page may send; the biggest legitimate request (inputs, a secret) is a few KiB. */
export const MAX_FRAME_BYTES = 1024 * 1024;

/**
 * Unsent bytes on a socket past which its page counts as behind: its `log` events are then
 * withheld and replaced by gap frames (see log-gaps.ts), so the host never holds more than about
 * this much of a flood for a slow page, and the page loses nothing: it reads the rest from the
 * engine's log by offset. A page that keeps up has a frame or two in flight, far below this.
 */
export const LAG_BYTES = 2 * 1024 * 1024;

/**
 * Unsent bytes past which a socket is dropped: the last resort for a page that stopped reading
 * altogether, since gap frames, answers and other events still queue. It reconnects, asks for a
 * fresh snapshot and re-reads the logs' tails.
 */
export const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export interface SocketApiOptions {
  lagBytes?: number;
  maxBufferedBytes?: number;
}

/** Id used in the answer to a frame so malformed that it carries no usable request id. */
export const UNKNOWN_REQUEST_ID = -1;

export interface SocketApi {
  attach(socket: WebSocket): void;
  /** Closes every socket and stops listening to the engine. */
  close(): void;
}

export function createSocketApi(backend: HostBackend, options: SocketApiOptions = {}): SocketApi {
  const lagBytes = options.lagBytes ?? LAG_BYTES;
  const maxBufferedBytes = options.maxBufferedBytes ?? MAX_BUFFERED_BYTES;
  const sockets = new Map<WebSocket, LogGaps>();

  function send(socket: WebSocket, frame: ResponseFrame | EventFrame | GapFrame | LostFrame): void {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > maxBufferedBytes) {
      // terminate() frees the buffer now; close() would queue its frame behind it.
      forget(socket);
      socket.terminate();
      return;
    }
    socket.send(JSON.stringify(frame));
  }

  function forget(socket: WebSocket): void {
    sockets.get(socket)?.close();
    sockets.delete(socket);
  }

  function logGapsFor(socket: WebSocket): LogGaps {
    return createLogGaps({
      isBehind: () => socket.bufferedAmount > lagBytes,
      // Called directly, not through dispatch: the bounds must be read now, not a tick later.
      // A read from byte 0 starts at the first byte the log still holds.
      logBounds: async (stream) => {
        const { offset, size } = await backend.readLog({ stepId: stream, offset: 0, maxBytes: 1 });
        return { start: offset, end: size };
      },
      sendEvent: (event) => send(socket, { event }),
      sendGap: (stream, from) => send(socket, { gap: { stream, from } }),
      sendLost: (stream) => send(socket, { lost: { stream } }),
    });
  }

  const unsubscribe = backend.onEvent((event: LabEvent) => {
    for (const [socket, gaps] of sockets) {
      if (event.type === 'log') gaps.onLog(event);
      else send(socket, { event });
    }
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
    const resume = resumeFrameSchema.safeParse(json);
    if (resume.success) {
      sockets.get(socket)?.onResume(resume.data.resume.stream, resume.data.resume.at);
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
      sockets.set(socket, logGapsFor(socket));
      socket.on('message', (data, isBinary) => void answer(socket, data, isBinary));
      socket.on('close', () => forget(socket));
      // A protocol error (e.g. an oversized frame) closes the socket; it must not crash the host.
      socket.on('error', () => forget(socket));
    },
    close() {
      unsubscribe();
      for (const [socket, gaps] of sockets) {
        gaps.close();
        socket.terminate();
      }
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
