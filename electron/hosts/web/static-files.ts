/**
 * Serves the built renderer from one directory. A request path is decoded, resolved and then
 * checked to stay inside the directory, also after following symlinks, so `..`, encoded `%2e%2e`
 * and links pointing outside are all refused the same way.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export function contentTypeOf(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

export type StaticLookup =
  | { kind: 'file'; path: string; size: number; contentType: string }
  | { kind: 'outside' }
  | { kind: 'not-found' };

/** Maps a URL pathname to a file inside `root`, or says why it cannot. */
export async function lookupStatic(root: string, pathname: string): Promise<StaticLookup> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { kind: 'not-found' };
  }
  if (decoded.includes('\0')) return { kind: 'outside' };
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const base = resolve(root);
  const candidate = resolve(base, relative);
  if (!isInside(base, candidate)) return { kind: 'outside' };
  try {
    const [realBase, realCandidate] = await Promise.all([realpath(base), realpath(candidate)]);
    if (!isInside(realBase, realCandidate)) return { kind: 'outside' };
    const info = await stat(realCandidate);
    if (!info.isFile()) return { kind: 'not-found' };
    return { kind: 'file', path: realCandidate, size: info.size, contentType: contentTypeOf(realCandidate) };
  } catch {
    return { kind: 'not-found' };
  }
}

function isInside(base: string, candidate: string): boolean {
  return candidate.startsWith(base.endsWith(sep) ? base : base + sep);
}

export function openStatic(path: string): NodeJS.ReadableStream {
  return createReadStream(path);
}
