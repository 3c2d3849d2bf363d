/**
 * The browser client for the web host: one WebSocket at `/api` (the session cookie authenticates
 * it) carrying `{id, method, params}` requests, `{id, result | error}` answers and `{event}` pushes.
 *
 * A dropped socket is normal on a laptop (sleep, venue Wi-Fi), so the client reconnects with
 * backoff and reports its state; the store re-reads the snapshot whenever the link comes back,
 * because events sent while it was down are lost. Requests made while disconnected wait for the
 * link; requests already sent when it drops fail, since nobody can tell whether they ran.
 */
import { LabApiError, labMethods, type ApiErrorBody, type LabApi, type LabEvent, type LabMethod } from '../../../electron/api/contract';
import type { ConnectionState, LabClient, LogGapChannel } from './client';

/** The part of the DOM WebSocket the client uses, so tests can hand it a scripted socket. */
export interface SocketLike {
  send(data: string): void;
  close(): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}

export interface WsClientOptions {
  url: string;
  createSocket?: (url: string) => SocketLike;
  /** Delay before reconnect attempt number `attempt` (0-based). */
  backoff?: (attempt: number) => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/** 0.5 s, 1 s, 2 s ... capped at 10 s, with jitter so many tabs do not reconnect in lock-step. */
export function defaultBackoff(attempt: number): number {
  const base = Math.min(500 * 2 ** attempt, 10_000);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

export function apiUrlFor(location: { protocol: string; host: string }): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api`;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  /** The frame, until it has been written to an open socket. */
  unsent: string | null;
}

export interface WsLabClient extends LabClient {
  readonly logGaps: LogGapChannel;
  /** Skips the backoff wait, e.g. when the network is back or the laptop woke up. */
  reconnectNow(): void;
  /** Closes the socket for good (no reconnect). */
  close(): void;
}

export function createWsClient(options: WsClientOptions): WsLabClient {
  const createSocket = options.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
  const backoff = options.backoff ?? defaultBackoff;
  const setTimer = options.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>));

  let socket: SocketLike | null = null;
  let state: ConnectionState = 'connecting';
  let attempt = 0;
  let nextId = 1;
  let closed = false;
  let timer: unknown = null;
  const inFlight = new Map<number, Pending>();
  const eventListeners = new Set<(event: LabEvent) => void>();
  const stateListeners = new Set<(state: ConnectionState) => void>();
  const gapListeners = new Set<(stream: string, from: number) => void>();
  const lostListeners = new Set<(stream: string) => void>();

  function setState(next: ConnectionState): void {
    if (next === state) return;
    state = next;
    for (const listener of stateListeners) listener(state);
  }

  function open(): void {
    timer = null;
    const s = createSocket(options.url);
    socket = s;
    s.onopen = () => {
      if (socket !== s) return;
      attempt = 0;
      setState('open');
      for (const pending of inFlight.values()) {
        if (pending.unsent === null) continue;
        s.send(pending.unsent);
        pending.unsent = null;
      }
    };
    s.onmessage = (ev) => {
      if (socket === s && typeof ev.data === 'string') receive(ev.data);
    };
    // Browsers fire `error` then `close`; reconnecting on `close` alone avoids doing it twice.
    s.onerror = () => {};
    s.onclose = () => {
      if (socket !== s) return;
      socket = null;
      failSent();
      if (closed) return;
      setState('reconnecting');
      timer = setTimer(open, backoff(attempt++));
    };
  }

  /** Requests already written may or may not have run; the caller must look, not blindly resend. */
  function failSent(): void {
    const lost = new LabApiError('internal', 'the connection to the lab was lost before it answered; check the step and try again');
    for (const [id, pending] of inFlight) {
      if (pending.unsent !== null) continue;
      inFlight.delete(id);
      pending.reject(lost);
    }
  }

  function failAll(message: string): void {
    for (const pending of inFlight.values()) pending.reject(new LabApiError('internal', message));
    inFlight.clear();
  }

  function receive(text: string): void {
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    if (!frame || typeof frame !== 'object') return;
    const f = frame as { id?: unknown; result?: unknown; error?: ApiErrorBody; event?: LabEvent; gap?: { stream?: unknown; from?: unknown }; lost?: { stream?: unknown } };
    if (f.event && typeof f.event === 'object') {
      for (const listener of eventListeners) listener(f.event);
      return;
    }
    if (f.gap && typeof f.gap.stream === 'string' && typeof f.gap.from === 'number') {
      for (const listener of gapListeners) listener(f.gap.stream, f.gap.from);
      return;
    }
    if (f.lost && typeof f.lost.stream === 'string') {
      for (const listener of lostListeners) listener(f.lost.stream);
      return;
    }
    if (typeof f.id !== 'number') return;
    const pending = inFlight.get(f.id);
    if (!pending) return;
    inFlight.delete(f.id);
    if (f.error) pending.reject(new LabApiError(f.error.code ?? 'internal', f.error.message ?? 'request failed', f.error.issues));
    else pending.resolve(f.result);
  }

  function call(method: LabMethod, params: unknown): Promise<unknown> {
    if (closed) return Promise.reject(new LabApiError('internal', 'the lab client is closed'));
    const id = nextId++;
    const frame = JSON.stringify({ id, method, params: params ?? {} });
    return new Promise((resolve, reject) => {
      const open = state === 'open' && socket !== null;
      inFlight.set(id, { resolve, reject, unsent: open ? null : frame });
      if (open) socket!.send(frame);
    });
  }

  const api = Object.fromEntries(labMethods.map((m) => [m, (params: unknown) => call(m, params)])) as unknown as LabApi;
  api.onEvent = (listener) => {
    eventListeners.add(listener);
    return () => eventListeners.delete(listener);
  };

  open();

  const logGaps: LogGapChannel = {
    onGap(listener) {
      gapListeners.add(listener);
      return () => gapListeners.delete(listener);
    },
    onLost(listener) {
      lostListeners.add(listener);
      return () => lostListeners.delete(listener);
    },
    resume(stream, at) {
      // A gap belongs to one socket: after a reconnect the host has forgotten it, so there is
      // nothing to resume (the store re-reads the logs' tails instead).
      if (state === 'open' && socket !== null) socket.send(JSON.stringify({ resume: { stream, at } }));
    },
  };

  return {
    api,
    logGaps,
    onConnection(listener) {
      stateListeners.add(listener);
      listener(state);
      return () => stateListeners.delete(listener);
    },
    reconnectNow() {
      if (closed || socket !== null || timer === null) return;
      clearTimer(timer);
      open();
    },
    close() {
      closed = true;
      if (timer !== null) clearTimer(timer);
      const s = socket;
      socket = null;
      failAll('the lab client is closed');
      s?.close();
    },
  };
}
