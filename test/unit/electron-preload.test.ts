import { describe, expect, it, vi } from 'vitest';
import { buildLabApi, unwrapAnswer } from '../../electron/preload/lab-api';
import { labMethods, labRequests } from '../../electron/api/contract';
import { ipcChannels as wireChannels } from '../../electron/api/wire';
import { ipcChannels } from '../../electron/api/methods';

type Listener = (event: unknown, payload: unknown) => void;

function fakeIpc(answer: unknown = { result: { ok: true } }) {
  const listeners = new Map<string, Set<Listener>>();
  const invoke = vi.fn(async (_channel: string, _message: { method: string; params: unknown }) => answer);
  const on = vi.fn((channel: string, listener: Listener) => {
    if (!listeners.has(channel)) listeners.set(channel, new Set());
    listeners.get(channel)!.add(listener);
  });
  const off = vi.fn((channel: string, listener: Listener) => {
    listeners.get(channel)?.delete(listener);
  });
  const emit = (channel: string, event: unknown, payload: unknown) => {
    for (const listener of listeners.get(channel) ?? []) listener(event, payload);
  };
  return { invoke, on, off, emit, listeners };
}

describe('the method list shared with the sandboxed preload', () => {
  it('names exactly the requests of the contract', () => {
    expect([...labMethods].sort()).toEqual(Object.keys(labRequests).sort());
    expect(new Set(labMethods).size).toBe(labMethods.length);
  });

  it('is the same channel object wire.ts exports to the hosts', () => {
    expect(wireChannels).toBe(ipcChannels);
    expect(ipcChannels.request).not.toBe(ipcChannels.event);
  });
});

describe('buildLabApi', () => {
  it('exposes exactly one function per request plus onEvent, and nothing else', () => {
    const ipc = fakeIpc();
    const api = buildLabApi(ipc.invoke, ipc.on, ipc.off) as unknown as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual([...labMethods, 'onEvent'].sort());
    for (const key of Object.keys(api)) expect(typeof api[key], key).toBe('function');
    expect(Object.isFrozen(api)).toBe(true);
    for (const leak of ['ipcRenderer', 'invoke', 'send', 'on', 'require', 'process']) expect(api[leak]).toBeUndefined();
  });

  it.each(labMethods)('%s invokes the request channel with its method name and params', async (method) => {
    const ipc = fakeIpc({ result: { answer: method } });
    const api = buildLabApi(ipc.invoke, ipc.on, ipc.off) as unknown as Record<string, (p: unknown) => Promise<unknown>>;
    const params = { probe: method };
    await expect(api[method]!(params)).resolves.toEqual({ answer: method });
    expect(ipc.invoke).toHaveBeenCalledExactlyOnceWith(ipcChannels.request, { method, params });
  });

  it('throws an Error carrying the message of an error answer', async () => {
    const ipc = fakeIpc({ error: { code: 'bad-request', message: 'invalid runStep request: stepId: lower-case letters' } });
    const api = buildLabApi(ipc.invoke, ipc.on, ipc.off);
    await expect(api.runStep({ stepId: 'X' })).rejects.toThrow('invalid runStep request: stepId: lower-case letters');
  });

  it('refuses malformed answers instead of returning undefined', () => {
    for (const answer of [undefined, null, 'ok', 42, {}, { value: 1 }]) {
      expect(() => unwrapAnswer('getSnapshot', answer)).toThrow(/getSnapshot: the app answered with a malformed message/);
    }
    expect(() => unwrapAnswer('runAll', { error: 'boom' })).toThrow('runAll failed');
    expect(unwrapAnswer('runAll', { result: null })).toBeNull();
  });

  it('passes only the event payload to listeners, never the IPC event', () => {
    const ipc = fakeIpc();
    const api = buildLabApi(ipc.invoke, ipc.on, ipc.off);
    const listener = vi.fn();
    api.onEvent(listener);
    const payload = { type: 'log', stream: 'create-cluster', source: 'stdout', data: 'hello\n' };
    const ipcEvent = { sender: { send() {} }, senderFrame: {}, ports: [] };
    ipc.emit(ipcChannels.event, ipcEvent, payload);
    ipc.emit(ipcChannels.request, ipcEvent, { type: 'ignored' });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener.mock.calls[0]).toEqual([payload]);
  });

  it('unsubscribes exactly the listener it subscribed, once', () => {
    const ipc = fakeIpc();
    const api = buildLabApi(ipc.invoke, ipc.on, ipc.off);
    const first = vi.fn();
    const second = vi.fn();
    const stopFirst = api.onEvent(first);
    api.onEvent(second);
    stopFirst();
    stopFirst();
    expect(ipc.off).toHaveBeenCalledTimes(1);
    expect(ipc.off.mock.calls[0]?.[0]).toBe(ipcChannels.event);
    ipc.emit(ipcChannels.event, {}, { type: 'step' });
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledExactlyOnceWith({ type: 'step' });
  });
});
