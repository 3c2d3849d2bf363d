/**
 * Serves the app's page from its own scheme, `app://gitops-lab/`, instead of `file://`.
 * With the grantFileProtocolExtraPrivileges fuse off, a file:// page is treated as a browser
 * treats one: an opaque origin that cannot load the ES module scripts Vite emits. A standard,
 * secure custom scheme gives the page a real origin (so `'self'` in the CSP means exactly these
 * files), answers only for files inside the renderer directory, and carries the CSP as a
 * response header. Electron-free: the handler is a function from Request to Response.
 */
import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { appHost, appScheme, contentSecurityPolicy } from './security';

/**
 * `standard` gives relative URLs and an origin, `secure` makes it a secure context like https.
 * No `corsEnabled`, `supportFetchAPI` or `bypassCSP`: nothing else may read these files.
 */
export const appSchemePrivileges = { standard: true, secure: true } as const;

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

/** The file a request names, or undefined when it names anything outside the renderer dir. */
export function resolveAppFile(url: string, rendererDir: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== `${appScheme}:` || parsed.host !== appHost || parsed.username || parsed.password) return undefined;
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return undefined;
  }
  // Encoded separators and NULs would let a segment that passed URL normalisation climb out.
  if (path.includes('\0') || path.includes('\\') || /%2f|%5c/i.test(parsed.pathname)) return undefined;
  if (path === '/' || path === '') path = '/index.html';
  const root = resolve(rendererDir);
  const file = resolve(root, `.${path.split('/').join(sep)}`);
  const rel = relative(root, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return file;
}

function plain(status: number, text: string): Response {
  return new Response(text, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' } });
}

/** The `protocol.handle` handler for the app scheme. */
export async function serveAppRequest(request: { url: string; method: string }, rendererDir: string): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'method not allowed');
  const file = resolveAppFile(request.url, rendererDir);
  if (!file) return plain(404, 'not found');
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    return plain(404, 'not found');
  }
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
    status: 200,
    headers: {
      'Content-Type': contentTypes[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Security-Policy': contentSecurityPolicy(),
      'X-Content-Type-Options': 'nosniff',
      // The files change only with the app, but a stale cache after an update would mix versions.
      'Cache-Control': 'no-cache',
    },
  });
}
