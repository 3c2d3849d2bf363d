/**
 * The web host's gatekeeping, as pure functions: which Host and Origin headers are ours, how
 * secrets are compared, which headers every response carries. The server wires them; tests of
 * the server prove each refusal end to end.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { CONTENT_SECURITY_POLICY } from '../../api/content-security-policy';

/** The only interface the web host listens on: the lab's UI can run commands on this machine. */
export const LOOPBACK = '127.0.0.1';

export const SESSION_COOKIE = 'lab_session';

/** The desktop window's policy, so the browser UI runs under the same rules. */
export { CONTENT_SECURITY_POLICY };

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

/** 32 random bytes, URL-safe: used for the one-time token and for session ids. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Constant-time comparison. Both sides are hashed first because timingSafeEqual needs equal
 * lengths, and comparing lengths directly would tell an attacker how long the secret is.
 */
export function secretsEqual(candidate: string, secret: string): boolean {
  const a = createHash('sha256').update(candidate).digest();
  const b = createHash('sha256').update(secret).digest();
  return timingSafeEqual(a, b);
}

/** Host values a browser sends when it really talks to us; anything else is DNS rebinding. */
export function allowedHosts(port: number): string[] {
  return [`${LOOPBACK}:${port}`, `localhost:${port}`];
}

export function isAllowedHost(host: string | undefined, port: number): boolean {
  return host !== undefined && allowedHosts(port).includes(host.toLowerCase());
}

/**
 * The origin a page served under this Host header has. An Origin must match the Host it was
 * sent to, so a page on localhost cannot drive the host through 127.0.0.1 or the reverse.
 */
export function servedOrigin(host: string): string {
  return `http://${host.toLowerCase()}`;
}

export function originMatches(origin: string | undefined, host: string): boolean {
  return origin !== undefined && origin.toLowerCase() === servedOrigin(host);
}

/** Reads one cookie by name; malformed cookie headers simply yield nothing. */
export function readCookie(headers: IncomingHttpHeaders, name: string): string | undefined {
  const header = headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function sessionCookie(value: string): string {
  return `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/`;
}
