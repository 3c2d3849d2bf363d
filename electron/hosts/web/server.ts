/**
 * The web host: the lab's UI in an ordinary browser, served on 127.0.0.1 only.
 *
 * The UI can run commands on this machine, so the host trusts nobody by default. `lab serve`
 * prints a URL with a one-time token; opening it exchanges the token for an HttpOnly session
 * cookie and redirects to `/`, so the token leaves the address bar and history. Every later
 * request needs that cookie. Host headers other than our own are refused (DNS rebinding), as is
 * any Origin that is not the page's own, and the WebSocket upgrade must carry our Origin.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { HostBackend } from '../backend';
import {
  LOOPBACK,
  SECURITY_HEADERS,
  SESSION_COOKIE,
  isAllowedHost,
  newSecret,
  originMatches,
  readCookie,
  secretsEqual,
  sessionCookie,
} from './security';
import { createSocketApi, MAX_FRAME_BYTES } from './socket-api';
import { lookupStatic, openStatic } from './static-files';

export interface WebHostOptions {
  backend: HostBackend;
  /** The built renderer (`out/renderer`). */
  staticDir: string;
  /** 0 or absent: a free port chosen by the system. */
  port?: number;
  /** Only 127.0.0.1 is accepted; the option exists so a wrong value fails loudly instead of being ignored. */
  host?: string;
}

export interface WebHost {
  /** Open this once to sign in; it carries the one-time token. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** The WebSocket endpoint the renderer connects to on the page's own origin. */
export const API_PATH = '/api';

/** Reasons are short on purpose: they say what failed, never what a valid value looks like. */
const REFUSED = {
  host: 'forbidden: unexpected Host header',
  origin: 'forbidden: cross-origin request',
  token: 'forbidden: this link is invalid or was already used; run `lab serve` again for a new one',
  session: 'forbidden: not signed in; open the link printed by `lab serve`',
  path: 'forbidden: path outside the app',
} as const;

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const host = options.host ?? LOOPBACK;
  if (host !== LOOPBACK) {
    throw new Error(`the web host listens on ${LOOPBACK} only (refusing ${JSON.stringify(host)})`);
  }
  const requestedPort = options.port ?? 0;
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
    throw new Error(`invalid port ${String(options.port)}: use 0-65535`);
  }

  const token = newSecret();
  let tokenUsed = false;
  const sessions = new Set<string>();
  let port = 0;

  const hasSession = (req: IncomingMessage): boolean => {
    const cookie = readCookie(req.headers, SESSION_COOKIE);
    if (cookie === undefined) return false;
    let found = false;
    // Visit every session so the time taken does not depend on which one matched.
    for (const session of sessions) if (secretsEqual(cookie, session)) found = true;
    return found;
  };

  /** Host and Origin checks shared by plain requests and the upgrade; returns a refusal or null. */
  const refusalOf = (req: IncomingMessage, originRequired: boolean): string | null => {
    const hostHeader = req.headers.host;
    if (hostHeader === undefined || !isAllowedHost(hostHeader, port)) return REFUSED.host;
    const origin = req.headers.origin;
    if (origin === undefined ? originRequired : !originMatches(origin, hostHeader)) return REFUSED.origin;
    return null;
  };

  const handleRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const refusal = refusalOf(req, false);
    if (refusal) return plain(res, 403, refusal);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return plain(res, 405, 'method not allowed');
    }
    // Work on the raw path: URL parsing would fold `..` segments and hide a traversal attempt.
    const rawUrl = req.url ?? '/';
    const queryAt = rawUrl.indexOf('?');
    const pathname = queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt);
    const offered = queryAt < 0 ? null : new URLSearchParams(rawUrl.slice(queryAt + 1)).get('token');

    if (pathname === '/' && offered !== null) {
      if (hasSession(req)) return redirectHome(res);
      // Compare before looking at `tokenUsed` so a used and a wrong token cost the same time.
      const valid = secretsEqual(offered, token);
      if (!valid || tokenUsed) return plain(res, 403, REFUSED.token);
      tokenUsed = true;
      const session = newSecret();
      sessions.add(session);
      res.setHeader('Set-Cookie', sessionCookie(session));
      return redirectHome(res);
    }
    if (!hasSession(req)) return plain(res, 403, REFUSED.session);

    const found = await lookupStatic(options.staticDir, pathname);
    if (found.kind === 'outside') return plain(res, 403, REFUSED.path);
    if (found.kind === 'not-found') return plain(res, 404, 'not found');
    setSecurityHeaders(res);
    res.writeHead(200, {
      'Content-Type': found.contentType,
      'Content-Length': String(found.size),
      // The page names hashed assets; a stale index.html would load an old build against a new engine.
      'Cache-Control': found.path.endsWith('index.html') ? 'no-store' : 'no-cache',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = openStatic(found.path);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const socketApi = createSocketApi(options.backend);

  const handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    const rawUrl = req.url ?? '';
    const pathname = rawUrl.split('?')[0];
    const refusal = refusalOf(req, true) ?? (hasSession(req) ? null : REFUSED.session);
    if (refusal) return refuseUpgrade(socket, 403, refusal);
    if (pathname !== API_PATH) return refuseUpgrade(socket, 404, 'not found');
    wss.handleUpgrade(req, socket, head, (ws) => socketApi.attach(ws));
  };

  const server = createServer((req, res) => {
    handleRequest(req, res).catch(() => {
      if (!res.headersSent) plain(res, 500, 'internal error');
      else res.destroy();
    });
  });
  server.on('upgrade', handleUpgrade);
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(requestedPort, LOOPBACK, () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
  port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${LOOPBACK}:${port}/?token=${token}`,
    port,
    close() {
      closing ??= new Promise<void>((resolvePromise) => {
        socketApi.close();
        wss.close();
        server.close(() => resolvePromise());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function setSecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
}

function plain(res: ServerResponse, status: number, text: string): void {
  setSecurityHeaders(res);
  const body = `${text}\n`;
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

function redirectHome(res: ServerResponse): void {
  setSecurityHeaders(res);
  res.writeHead(302, { Location: '/', 'Cache-Control': 'no-store', 'Content-Length': '0' });
  res.end();
}

function refuseUpgrade(socket: Duplex, status: 403 | 404, text: string): void {
  const body = `${text}\n`;
  const reason = status === 403 ? 'Forbidden' : 'Not Found';
  const headers = [
    `HTTP/1.1 ${status} ${reason}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.end(`${headers.join('\r\n')}\r\n\r\n${body}`);
}
