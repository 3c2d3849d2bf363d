import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Git smart HTTP through the real `git http-backend` CGI program, so clones, fetches and pushes
 * negotiate exactly as they do against github.com. This module only translates HTTP <-> CGI;
 * authentication and access decisions are made by the caller.
 */

export interface CgiRequest {
  projectRoot: string;
  /** `/OWNER/NAME.git/info/refs` and the like, relative to projectRoot. */
  pathInfo: string;
  query: string;
  /** Set when the caller authenticated the request; http-backend only enables receive-pack then. */
  remoteUser?: string;
}

export function serveGitHttp(req: IncomingMessage, res: ServerResponse, cgi: CgiRequest): void {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    HOME: '/nonexistent',
    GIT_PROJECT_ROOT: cgi.projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: cgi.pathInfo,
    REQUEST_METHOD: req.method ?? 'GET',
    QUERY_STRING: cgi.query,
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
    GATEWAY_INTERFACE: 'CGI/1.1',
  };
  const header = (name: string): string | undefined => {
    const value = req.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  if (cgi.remoteUser) env.REMOTE_USER = cgi.remoteUser;
  if (header('content-type')) env.CONTENT_TYPE = header('content-type');
  // Without CONTENT_LENGTH (chunked uploads) http-backend reads the body until EOF.
  if (header('content-length')) env.CONTENT_LENGTH = header('content-length');
  if (header('content-encoding')) env.HTTP_CONTENT_ENCODING = header('content-encoding');
  if (header('git-protocol')) env.GIT_PROTOCOL = header('git-protocol');

  const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  req.pipe(child.stdin);
  child.stdin.on('error', () => {
    // The backend may exit before reading everything (e.g. a refused request); nothing to do.
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });

  let head = Buffer.alloc(0);
  let headersSent = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersSent) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const split = findHeaderEnd(head);
    if (!split) return;
    const { status, headers } = parseCgiHeaders(head.subarray(0, split.index).toString('latin1'));
    res.writeHead(status, headers);
    headersSent = true;
    const rest = head.subarray(split.index + split.length);
    if (rest.length > 0) res.write(rest);
  });
  child.on('close', (code) => {
    if (!headersSent) {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`git http-backend exited with ${code}: ${stderr}`);
      return;
    }
    res.end();
  });
  res.on('close', () => {
    if (child.exitCode === null) child.kill();
  });
}

function findHeaderEnd(buffer: Buffer): { index: number; length: number } | undefined {
  const crlf = buffer.indexOf('\r\n\r\n');
  const lf = buffer.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf <= lf)) return { index: crlf, length: 4 };
  if (lf >= 0) return { index: lf, length: 2 };
  return undefined;
}

export function parseCgiHeaders(text: string): { status: number; headers: Record<string, string> } {
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 200;
    else headers[name] = value;
  }
  return { status, headers };
}
