import { describe, expect, it, vi } from 'vitest';
import { resolve } from 'node:path';
import { createIpcRequestHandler } from '../../electron/main/ipc';
import type { LabBackend } from '../../electron/api/dispatch';
import { appEntryUrl, type AppLocation } from '../../electron/main/security';

const rendererDir = resolve('/app/out/renderer');
const location: AppLocation = { kind: 'bundle', rendererDir };
const appFrame = { url: appEntryUrl, parent: null };

function fakeBackend() {
  const ok = vi.fn(async () => ({ ok: true as const }));
  return {
    getSnapshot: vi.fn(),
    setInputs: vi.fn(),
    setSecret: ok,
    runStep: vi.fn(async () => ({ ok: true as const })),
    retryStep: ok,
    skipStep: ok,
    cancelStep: ok,
    runAll: ok,
    cancelAll: ok,
    readLog: vi.fn(),
    getJournal: vi.fn(async () => ({ entries: [] })),
    exportScript: vi.fn(async () => ({ script: '#!/bin/sh\n' })),
    troubleshoot: vi.fn(),
    planTeardown: vi.fn(),
    runTeardown: ok,
    cancelTeardown: ok,
    removeLeftovers: ok,
  } satisfies LabBackend;
}

describe('createIpcRequestHandler', () => {
  it('dispatches a request from the app page and returns the result', async () => {
    const backend = fakeBackend();
    const handle = createIpcRequestHandler(backend, location, vi.fn());
    await expect(handle({ senderFrame: appFrame }, { method: 'runStep', params: { stepId: 'create-cluster' } })).resolves.toEqual({
      result: { ok: true },
    });
    expect(backend.runStep).toHaveBeenCalledExactlyOnceWith({ stepId: 'create-cluster' });
  });

  it.each([
    ['a sub-frame of the app page', { url: appFrame.url, parent: appFrame }],
    ['a foreign page', { url: 'https://example.com/', parent: null }],
    ['a destroyed frame', null],
  ])('refuses and logs a request from %s without reaching the engine or logging params', async (_what, senderFrame) => {
    const backend = fakeBackend();
    const log = vi.fn();
    const handle = createIpcRequestHandler(backend, location, log);
    const answer = await handle({ senderFrame }, { method: 'setSecret', params: { name: 'GITHUB_TOKEN', value: 'ghp_secretvalue123' } });
    expect(answer).toEqual({ error: { code: 'bad-request', message: expect.stringMatching(/refused/) } });
    expect(backend.setSecret).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledTimes(1);
    expect(String(log.mock.calls[0]?.[0])).not.toContain('ghp_secretvalue123');
  });

  it('turns validation and engine failures into error bodies', async () => {
    const backend = fakeBackend();
    backend.exportScript.mockRejectedValueOnce(new Error('journal is empty'));
    const handle = createIpcRequestHandler(backend, location, vi.fn());
    const sender = { senderFrame: appFrame };
    await expect(handle(sender, { method: 'rm -rf', params: {} })).resolves.toMatchObject({ error: { code: 'unknown-method' } });
    await expect(handle(sender, { method: 'runStep', params: { stepId: 'BAD ID' } })).resolves.toMatchObject({ error: { code: 'bad-request' } });
    await expect(handle(sender, { method: 'exportScript', params: {} })).resolves.toEqual({
      error: { code: 'internal', message: 'journal is empty' },
    });
    await expect(handle(sender, 'runAll')).resolves.toMatchObject({ error: { code: 'bad-request' } });
    expect(backend.runStep).not.toHaveBeenCalled();
  });
});
