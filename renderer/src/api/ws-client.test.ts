import { describe, expect, it } from 'vitest';
import { LabApiError } from '../../../electron/api/contract';
import type { ConnectionState } from './client';
import { apiUrlFor, createWsClient, defaultBackoff, type SocketLike } from './ws-client';

/** A socket whose far end the test plays by hand. */
class ScriptedSocket implements SocketLike {
  sent: unknown[] = [];
  closed = false;
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.closed = true;
  }
  open(): void {
    this.onopen?.({});
  }
  drop(): void {
    this.onerror?.({});
    this.onclose?.({});
  }
  push(frame: unknown): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
}

function setup() {
  const sockets: ScriptedSocket[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const client = createWsClient({
    url: 'ws://127.0.0.1:1/api',
    createSocket: (url) => {
      const s = new ScriptedSocket(url);
      sockets.push(s);
      return s;
    },
    backoff: (attempt) => 100 * (attempt + 1),
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    clearTimer: () => {},
  });
  const states: ConnectionState[] = [];
  client.onConnection((s) => states.push(s));
  const last = () => sockets[sockets.length - 1]!;
  return { client, sockets, timers, states, last };
}

describe('ws client', () => {
  it('builds the API address from the page location', () => {
    expect(apiUrlFor({ protocol: 'http:', host: '127.0.0.1:8080' })).toBe('ws://127.0.0.1:8080/api');
    expect(apiUrlFor({ protocol: 'https:', host: 'lab.example' })).toBe('wss://lab.example/api');
  });

  it('queues requests until the socket opens, then matches answers by id', async () => {
    const { client, last, states } = setup();
    const snapshot = client.api.getSnapshot({});
    const run = client.api.runStep({ stepId: 'docker' });
    expect(last().sent).toEqual([]);
    last().open();
    expect(states).toEqual(['connecting', 'open']);
    const [first, second] = last().sent as { id: number; method: string; params: unknown }[];
    expect(first).toMatchObject({ method: 'getSnapshot', params: {} });
    expect(second).toMatchObject({ method: 'runStep', params: { stepId: 'docker' } });
    last().push({ id: second!.id, result: { ok: true } });
    last().push({ id: first!.id, error: { code: 'internal', message: 'boom' } });
    await expect(run).resolves.toEqual({ ok: true });
    await expect(snapshot).rejects.toThrow('boom');
  });

  it('turns error frames into LabApiError with code and issues', async () => {
    const { client, last } = setup();
    last().open();
    const p = client.api.skipStep({ stepId: 'docker', reason: ' ' });
    const { id } = last().sent[0] as { id: number };
    last().push({ id, error: { code: 'bad-request', message: 'invalid', issues: [{ field: 'reason', message: 'reason: say why' }] } });
    const error = await p.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LabApiError);
    expect((error as LabApiError).code).toBe('bad-request');
    expect((error as LabApiError).issues?.[0]?.field).toBe('reason');
  });

  it('dispatches event frames to listeners until they unsubscribe', () => {
    const { client, last } = setup();
    last().open();
    const seen: string[] = [];
    const off = client.api.onEvent((e) => seen.push(e.type));
    last().push({ event: { type: 'log', stream: 'docker', source: 'stdout', data: 'x' } });
    off();
    last().push({ event: { type: 'log', stream: 'docker', source: 'stdout', data: 'y' } });
    expect(seen).toEqual(['log']);
  });

  it('fails requests in flight when the link drops, reconnects with growing backoff and resends queued ones', async () => {
    const { client, sockets, timers, states, last } = setup();
    last().open();
    const lost = client.api.runStep({ stepId: 'docker' });
    last().drop();
    await expect(lost).rejects.toThrow(/connection to the lab was lost/);
    expect(states).toEqual(['connecting', 'open', 'reconnecting']);
    expect(timers.map((t) => t.ms)).toEqual([100]);

    const queued = client.api.getSnapshot({});
    timers[0]!.fn();
    expect(sockets).toHaveLength(2);
    last().drop();
    expect(timers.map((t) => t.ms)).toEqual([100, 200]);
    timers[1]!.fn();
    last().open();
    expect(states[states.length - 1]).toBe('open');
    const [frame] = last().sent as { id: number; method: string }[];
    expect(frame?.method).toBe('getSnapshot');
    last().push({ id: frame!.id, result: { version: 'x' } });
    await expect(queued).resolves.toEqual({ version: 'x' });

    // A successful open resets the backoff.
    last().drop();
    expect(timers[timers.length - 1]!.ms).toBe(100);
  });

  it('reconnects at once when asked during a backoff wait, and only then', () => {
    const { client, sockets, last } = setup();
    client.reconnectNow();
    expect(sockets).toHaveLength(1);
    last().open();
    client.reconnectNow();
    expect(sockets).toHaveLength(1);
    last().drop();
    client.reconnectNow();
    expect(sockets).toHaveLength(2);
    client.reconnectNow();
    expect(sockets).toHaveLength(2);
  });

  it('stops for good when closed', async () => {
    const { client, sockets, timers, last } = setup();
    last().open();
    client.close();
    expect(last().closed).toBe(true);
    await expect(client.api.getSnapshot({})).rejects.toThrow(/closed/);
    expect(timers).toHaveLength(0);
    expect(sockets).toHaveLength(1);
  });

  it('hands gap and lost frames to their listeners and sends resume frames only on an open link', () => {
    const { client, last } = setup();
    const seen: string[] = [];
    client.logGaps.onGap((stream, from) => seen.push(`gap ${stream} ${from}`));
    client.logGaps.onLost((stream) => seen.push(`lost ${stream}`));
    client.api.onEvent((e) => seen.push(`event ${e.type}`));
    client.logGaps.resume('flood', 1);
    last().open();
    last().push({ gap: { stream: 'flood', from: 42 } });
    last().push({ lost: { stream: 'flood' } });
    last().push({ gap: { stream: 'flood', from: 'not a number' } });
    client.logGaps.resume('flood', 99);
    expect(seen).toEqual(['gap flood 42', 'lost flood']);
    // The resume asked for before the link opened is not sent: the host had no gap for it.
    expect(last().sent).toEqual([{ resume: { stream: 'flood', at: 99 } }]);
  });

  it('backs off up to about ten seconds', () => {
    expect(defaultBackoff(0)).toBeGreaterThanOrEqual(400);
    expect(defaultBackoff(0)).toBeLessThanOrEqual(600);
    expect(defaultBackoff(20)).toBeLessThanOrEqual(12_000);
    expect(defaultBackoff(20)).toBeGreaterThanOrEqual(8_000);
  });
});
