import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GcpError } from '../gcp/errors.js';
import { WorldError } from './control-client.js';
import { UnknownFault } from './faults.js';

/** `"GET /world"`, `"POST /k3d/create"`... -> handler of the parsed JSON body. */
export type Routes = Record<string, (body: Record<string, unknown>, query: URLSearchParams) => unknown>;

export interface ControlServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The world's control port on 127.0.0.1: the fake CLIs act on the world through it, tests and
 * `sim report` read it. `delay` runs before every request except reads of `/world`, which is
 * how the `slow-network` fault slows every CLI call at one place.
 */
export async function startControlServer(routes: Routes, delay: (path: string) => Promise<void>): Promise<ControlServer> {
  const server: Server = createServer((req, res) => void handle(req, res));
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    try {
      const text = await readBody(req);
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      const route = routes[`${req.method} ${url.pathname}`];
      if (!route) throw new WorldError(404, 'no-route', `no such control endpoint: ${req.method} ${url.pathname}`);
      if (url.pathname !== '/world') await delay(url.pathname);
      send(res, 200, (await route(body, url.searchParams)) ?? {});
    } catch (error) {
      if (error instanceof WorldError) send(res, error.status, { error: { kind: error.kind, message: error.message, data: error.data } });
      else if (error instanceof GcpError) send(res, error.code, { error: { kind: 'gcp', message: error.message, data: { code: error.code, status: error.status } } });
      else if (error instanceof UnknownFault) send(res, 400, { error: { kind: 'unknown-fault', message: error.message, data: {} } });
      else if (error instanceof SyntaxError) send(res, 400, { error: { kind: 'bad-json', message: error.message, data: {} } });
      else send(res, 500, { error: { kind: 'internal', message: error instanceof Error ? error.message : String(error), data: {} } });
    }
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
