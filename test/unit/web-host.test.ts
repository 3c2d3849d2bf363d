import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import type { LabEvent } from '../../electron/api/contract';
import { startWebHost, type WebHost } from '../../electron/hosts/web/server';
import { CONTENT_SECURITY_POLICY } from '../../electron/hosts/web/security';
import type { HostBackend } from '../../electron/hosts/backend';
import { contentSecurityPolicy as desktopCsp } from '../../electron/main/security';

/** A backend that answers the few requests these tests make and lets a test push events. */
function fakeBackend() {
  const listeners = new Set<(event: LabEvent) => void>();
  const calls: string[] = [];
  const unused = (): never => {
    throw new Error('not used by these tests');
  };
  const backend: HostBackend = {
    getSnapshot: unused,
    setInputs: unused,
    setSecret: unused,
    runStep: ({ stepId }) => {
      calls.push(`runStep ${stepId}`);
      return { ok: true as const };
    },
    retryStep: unused,
    skipStep: unused,
    cancelStep: unused,
    runAll: unused,
    cancelAll: unused,
    readLog: unused,
    getJournal: unused,
    exportScript: () => ({ script: '#!/usr/bin/env bash\necho lab\n' }),
    troubleshoot: unused,
    planTeardown: unused,
    runTeardown: unused,
    cancelTeardown: unused,
    removeLeftovers: unused,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return {
    backend,
    calls,
    listenerCount: () => listeners.size,
    emit: (event: LabEvent) => listeners.forEach((l) => l(event)),
  };
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, method, headers: { Host: `127.0.0.1:${port}`, ...headers }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function tokenPath(url: string): string {
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
}

function cookieOf(reply: Reply): string {
  const setCookie = reply.headers['set-cookie']?.[0];
  if (!setCookie) throw new Error('no Set-Cookie header');
  return setCookie.split(';')[0]!;
}

/** Connects and resolves with the open socket, or rejects with the refusal's HTTP status. */
function connect(port: number, headers: Record<string, string>, path = '/api'): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      ws.terminate();
      reject(new Error(`status ${res.statusCode}`));
    });
    ws.once('error', reject);
  });
}

function nextFrame(ws: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)) as Record<string, unknown>)));
}

describe('web host', () => {
  let dir: string;
  let staticDir: string;
  let host: WebHost;
  let fake: ReturnType<typeof fakeBackend>;
  let cookie: string;
  let origin: string;
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lab-web-host-'));
    staticDir = join(dir, 'renderer');
    await mkdir(join(staticDir, 'assets'), { recursive: true });
    await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>GitOps Lab</title>');
    await writeFile(join(staticDir, 'assets', 'app.js'), 'console.log("lab")');
    await writeFile(join(staticDir, 'assets', 'app.css'), 'body{}');
    await writeFile(join(dir, 'secret.txt'), 'SECRET-MARKER-42');
    await symlink(join(dir, 'secret.txt'), join(staticDir, 'assets', 'link.txt'));
    fake = fakeBackend();
    host = await startWebHost({ backend: fake.backend, staticDir });
    origin = `http://127.0.0.1:${host.port}`;
  });

  afterAll(async () => {
    for (const ws of sockets) ws.terminate();
    await host?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 with a random port and a one-time token in the URL', () => {
    expect(host.port).toBeGreaterThan(0);
    expect(host.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/\\?token=[A-Za-z0-9_-]{43}$`));
  });

  it('refuses / without a token or session', async () => {
    const reply = await get(host.port, '/');
    expect(reply.status).toBe(403);
    expect(reply.headers['content-type']).toMatch(/^text\/plain/);
  });

  it('refuses a wrong token without revealing the valid one', async () => {
    const reply = await get(host.port, '/?token=' + 'A'.repeat(43));
    expect(reply.status).toBe(403);
    expect(reply.body).not.toContain(new URL(host.url).searchParams.get('token'));
  });

  it('refuses a foreign Host header even with the valid token (DNS rebinding)', async () => {
    expect((await get(host.port, tokenPath(host.url), { Host: 'evil.example' })).status).toBe(403);
    expect((await get(host.port, tokenPath(host.url), { Host: `127.0.0.1:${host.port + 1}` })).status).toBe(403);
  });

  it('exchanges the valid token for a session cookie and redirects to /', async () => {
    const reply = await get(host.port, tokenPath(host.url));
    expect(reply.status).toBe(302);
    expect(reply.headers.location).toBe('/');
    const setCookie = reply.headers['set-cookie']?.[0] ?? '';
    expect(setCookie).toMatch(/^lab_session=[A-Za-z0-9_-]{43}; /);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Path=/');
    cookie = cookieOf(reply);
  });

  it('refuses the token the second time (one-time)', async () => {
    const reply = await get(host.port, tokenPath(host.url));
    expect(reply.status).toBe(403);
    expect(reply.headers['set-cookie']).toBeUndefined();
  });

  it('serves index.html and assets to the session, with security headers', async () => {
    const index = await get(host.port, '/', { Cookie: cookie });
    expect(index.status).toBe(200);
    expect(index.body).toContain('<title>GitOps Lab</title>');
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['cache-control']).toBe('no-store');
    expect(index.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect(index.headers['referrer-policy']).toBe('no-referrer');
    expect(index.headers['x-frame-options']).toBe('DENY');

    const script = await get(host.port, '/assets/app.js', { Cookie: cookie, Origin: origin });
    expect(script.status).toBe(200);
    expect(script.body).toBe('console.log("lab")');
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['cache-control']).not.toBe('no-store');
    const style = await get(host.port, '/assets/app.css', { Cookie: cookie, Host: `localhost:${host.port}` });
    expect(style.status).toBe(200);
    expect(style.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await get(host.port, '/assets/app.js', { Cookie: cookie }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String('console.log("lab")'.length));
    expect(head.body).toBe('');
    const post = await get(host.port, '/', { Cookie: cookie, Origin: origin }, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  it('uses the same CSP as the desktop window', () => {
    expect(CONTENT_SECURITY_POLICY).toBe(desktopCsp());
  });

  it('puts the security headers on refusals too', async () => {
    const reply = await get(host.port, '/assets/app.js');
    expect(reply.status).toBe(403);
    expect(reply.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(reply.headers['x-frame-options']).toBe('DENY');
  });

  it('refuses assets without the session, with a wrong session, and from a foreign Origin', async () => {
    expect((await get(host.port, '/assets/app.js')).status).toBe(403);
    expect((await get(host.port, '/assets/app.js', { Cookie: 'lab_session=' + 'x'.repeat(43) })).status).toBe(403);
    expect((await get(host.port, '/assets/app.js', { Cookie: cookie, Origin: 'http://evil.example' })).status).toBe(403);
    expect((await get(host.port, '/assets/app.js', { Cookie: cookie, Origin: `http://localhost:${host.port}` })).status).toBe(403);
    expect((await get(host.port, '/assets/app.js', { Cookie: cookie, Host: 'evil.example' })).status).toBe(403);
  });

  it('refuses path traversal, encoded or through a symlink', async () => {
    for (const path of ['/../secret.txt', '/assets/../../secret.txt', '/..%2fsecret.txt', '/%2e%2e/secret.txt', '/assets/link.txt']) {
      const reply = await get(host.port, path, { Cookie: cookie });
      expect(reply.status, path).toBe(403);
      expect(reply.body, path).not.toContain('SECRET-MARKER-42');
    }
    expect((await get(host.port, '/missing.js', { Cookie: cookie })).status).toBe(404);
  });

  it('refuses WebSocket upgrades without Origin, with a foreign Origin, or without session', async () => {
    await expect(connect(host.port, { Cookie: cookie })).rejects.toThrow('status 403');
    await expect(connect(host.port, { Cookie: cookie, Origin: 'http://evil.example' })).rejects.toThrow('status 403');
    await expect(connect(host.port, { Origin: origin })).rejects.toThrow('status 403');
    await expect(connect(host.port, { Cookie: cookie, Origin: origin, Host: 'evil.example' })).rejects.toThrow('status 403');
  });

  it('answers requests and pushes events over the WebSocket', async () => {
    const ws = await connect(host.port, { Cookie: cookie, Origin: origin });
    sockets.push(ws);
    ws.send(JSON.stringify({ id: 7, method: 'exportScript', params: {} }));
    expect(await nextFrame(ws)).toEqual({ id: 7, result: { script: '#!/usr/bin/env bash\necho lab\n' } });

    ws.send(JSON.stringify({ id: 8, method: 'runStep', params: { stepId: 'docker' } }));
    expect(await nextFrame(ws)).toEqual({ id: 8, result: { ok: true } });
    expect(fake.calls).toContain('runStep docker');

    const event: LabEvent = { type: 'log', stream: 'docker', source: 'stdout', data: 'hello\n' };
    const pushed = nextFrame(ws);
    fake.emit(event);
    expect(await pushed).toEqual({ event });
  });

  it('answers malformed frames and invalid requests with error frames and keeps the socket open', async () => {
    const ws = await connect(host.port, { Cookie: cookie, Origin: origin });
    sockets.push(ws);
    ws.send('{not json');
    const notJson = await nextFrame(ws);
    expect(notJson).toMatchObject({ id: -1, error: { code: 'bad-request' } });

    ws.send(JSON.stringify({ id: 3, params: {} }));
    expect(await nextFrame(ws)).toMatchObject({ id: 3, error: { code: 'bad-request' } });

    ws.send(Buffer.from([1, 2, 3]));
    expect(await nextFrame(ws)).toMatchObject({ id: -1, error: { code: 'bad-request' } });

    ws.send(JSON.stringify({ id: 4, method: 'dropDatabase', params: {} }));
    expect(await nextFrame(ws)).toMatchObject({ id: 4, error: { code: 'unknown-method' } });

    ws.send(JSON.stringify({ id: 5, method: 'runStep', params: { stepId: 'Not A Step!' } }));
    const bad = await nextFrame(ws);
    expect(bad).toMatchObject({ id: 5, error: { code: 'bad-request' } });
    const issues = (bad.error as { issues?: Array<{ field: string }> }).issues ?? [];
    expect(issues.map((i) => i.field)).toContain('stepId');
    expect(ws.readyState).toBe(WebSocket.OPEN);
  });

  it('closes a socket that sends a frame over the size limit, and stays up', async () => {
    const ws = await connect(host.port, { Cookie: cookie, Origin: origin });
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.on('error', () => undefined);
    ws.send('x'.repeat(1024 * 1024 + 1));
    expect(await closed).toBe(1009);
    const again = await connect(host.port, { Cookie: cookie, Origin: origin });
    sockets.push(again);
    again.send(JSON.stringify({ id: 1, method: 'exportScript' }));
    expect(await nextFrame(again)).toMatchObject({ id: 1, result: { script: expect.any(String) } });
  });

  it('refuses to bind anywhere but 127.0.0.1', async () => {
    for (const bad of ['0.0.0.0', '::', 'localhost', '192.168.1.10']) {
      await expect(startWebHost({ backend: fake.backend, staticDir, host: bad })).rejects.toThrow(/127\.0\.0\.1 only/);
    }
  });

  it('on close, stops listening to engine events and refuses connections', async () => {
    const other = fakeBackend();
    const second = await startWebHost({ backend: other.backend, staticDir });
    expect(other.listenerCount()).toBe(1);
    await second.close();
    expect(other.listenerCount()).toBe(0);
    await expect(get(second.port, '/')).rejects.toThrow(/ECONNREFUSED/);
  });
});
