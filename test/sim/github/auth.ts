import type { IncomingMessage } from 'node:http';
import type { GitHubUser } from './types';

/** Who a request speaks for, decided from its Authorization header the way github.com does. */
export type Caller =
  | { kind: 'anonymous' }
  | { kind: 'bad-credentials' }
  | { kind: 'user'; user: GitHubUser; scopes: string[] };

export interface AuthPolicy {
  users: GitHubUser[];
  /** Fault `github-token-rejected`: every token is refused as if revoked. */
  rejectAll: boolean;
  /** Fault `github-token-scopes`: tokens are accepted but carry no scopes. */
  stripScopes: boolean;
}

/** The token in `token X`, `Bearer X`, or HTTP Basic (any username + token as password, or the token as username). */
export function tokenFrom(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme = '', ...rest] = header.trim().split(/\s+/);
  const value = rest.join(' ');
  switch (scheme.toLowerCase()) {
    case 'token':
    case 'bearer':
      return value || undefined;
    case 'basic': {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const username = colon >= 0 ? decoded.slice(0, colon) : decoded;
      const password = colon >= 0 ? decoded.slice(colon + 1) : '';
      return password || username || undefined;
    }
    default:
      return undefined;
  }
}

export function identify(req: IncomingMessage, policy: AuthPolicy): Caller {
  const token = tokenFrom(req.headers.authorization);
  if (token === undefined) {
    return req.headers.authorization ? { kind: 'bad-credentials' } : { kind: 'anonymous' };
  }
  if (policy.rejectAll) return { kind: 'bad-credentials' };
  const user = policy.users.find((candidate) => candidate.token === token);
  if (!user) return { kind: 'bad-credentials' };
  return { kind: 'user', user, scopes: policy.stripScopes ? [] : [...user.scopes] };
}

export function hasScope(scopes: string[], ...wanted: string[]): boolean {
  return wanted.some((scope) => scopes.includes(scope));
}
