import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { identify, hasScope, type AuthPolicy, type Caller } from './auth';
import { serveGitHttp } from './git-http';
import { Registry } from './registry';
import { handleRest } from './rest';
import type { ApiContext } from './responses';
import type { GitHubFault, GitHubServer, GitHubServerOptions, GitHubState } from './types';

export type { GitHubServer, GitHubServerOptions, GitHubState, GitHubFault } from './types';

/** Smart-HTTP paths: `/OWNER/NAME(.git)/info/refs`, `/git-upload-pack`, `/git-receive-pack`. */
const GIT_PATH = /^\/([^/]+)\/([^/]+?)(?:\.git)?\/(info\/refs|git-upload-pack|git-receive-pack)$/;

const RATE_WINDOW_SECONDS = 3600;

/**
 * A local stand-in for github.com: the REST API on `/` (where api.github.com would be) and real
 * git smart HTTP on `/OWNER/NAME.git`, both on one 127.0.0.1 port.
 */
export async function startGitHubServer(options: GitHubServerOptions): Promise<GitHubServer> {
  const registry = new Registry(options.dataDir, options.users, options.orgs ?? []);
  await registry.load();
  const faults = new Set<GitHubFault>();
  const policy = (): AuthPolicy => ({
    users: options.users,
    rejectAll: faults.has('github-token-rejected'),
    stripScopes: faults.has('github-token-scopes'),
  });
  const used = new Map<string, number>();
  const resetAt = Math.floor(Date.now() / 1000) + RATE_WINDOW_SECONDS;
  let base = '';

  function rateFor(caller: Caller, address: string): ApiContext['rate'] {
    const bucket = caller.kind === 'user' ? `user:${caller.user.login}` : `ip:${address}`;
    const limit = caller.kind === 'user' ? 5000 : 60;
    const count = (used.get(bucket) ?? 0) + 1;
    used.set(bucket, count);
    return { limit, used: count, remaining: Math.max(0, limit - count), reset: resetAt };
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const caller = identify(req, policy());
    const git = GIT_PATH.exec(url.pathname);
    if (git) {
      handleGit(req, res, caller, git[1] ?? '', git[2] ?? '', git[3] ?? '', url);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const ctx: ApiContext = {
        scopes: caller.kind === 'user' ? caller.scopes : undefined,
        acceptedScopes: '',
        rate: rateFor(caller, req.socket.remoteAddress ?? ''),
      };
      const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      handleRest({ req, res, method: req.method ?? 'GET', segments, query: url.searchParams, body: Buffer.concat(chunks), caller, ctx, base }, registry).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ message: error instanceof Error ? error.message : String(error), status: '500' }));
      });
    });
  });

  /** GitHub's answers on git endpoints are plain text, which git shows to the user as `remote: ...`. */
  function refuse(res: http.ServerResponse, status: number, message: string, challenge: boolean): void {
    const headers: Record<string, string> = { 'Content-Type': 'text/plain; charset=utf-8', Server: 'GitHub Babel 2.0' };
    if (challenge) headers['WWW-Authenticate'] = 'Basic realm="GitHub"';
    res.writeHead(status, headers);
    res.end(`${message}\n`);
  }

  function handleGit(req: http.IncomingMessage, res: http.ServerResponse, caller: Caller, owner: string, name: string, action: string, url: URL): void {
    const service = action === 'info/refs' ? url.searchParams.get('service') ?? '' : action;
    const pushing = service === 'git-receive-pack';
    if (caller.kind === 'bad-credentials') {
      refuse(res, 401, 'Invalid username or token. Password authentication is not supported for Git operations.', true);
      return;
    }
    const repo = registry.find(owner, name);
    const user = caller.kind === 'user' ? caller.user : undefined;
    const scopes = caller.kind === 'user' ? caller.scopes : [];
    const permissions = repo ? registry.permissions(user, scopes, repo) : undefined;
    if (!repo || !permissions) {
      // Anonymous callers are challenged first, so git retries with the credential helper.
      if (!user) refuse(res, 401, 'Repository not found.', true);
      else refuse(res, 404, 'Repository not found.', false);
      return;
    }
    if (pushing) {
      if (!user) {
        refuse(res, 401, 'Authentication required.', true);
        return;
      }
      const writeScope = repo.private ? hasScope(scopes, 'repo') : hasScope(scopes, 'repo', 'public_repo');
      if (!permissions.push || !writeScope) {
        refuse(res, 403, `Permission to ${repo.owner}/${repo.name}.git denied to ${user.login}.`, false);
        return;
      }
      if (action === 'git-receive-pack') res.on('finish', () => registry.markPushed(repo));
    }
    serveGitHttp(req, res, {
      projectRoot: registry.git.root,
      pathInfo: `/${repo.owner}/${repo.name}.git/${action}`,
      query: url.search.replace(/^\?/, ''),
      remoteUser: user?.login,
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;

  return {
    apiUrl: base,
    gitUrl: `${base}/`,
    port,
    async state(): Promise<GitHubState> {
      const repos = await Promise.all(
        registry.all().map(async (repo) => ({
          fullName: `${repo.owner}/${repo.name}`,
          private: repo.private,
          defaultBranch: 'main',
          deployKeys: repo.deployKeys.map((deployKey) => ({ id: deployKey.id, title: deployKey.title, readOnly: deployKey.read_only })),
          commits: await registry.git.log(repo.owner, repo.name, 'main'),
        })),
      );
      return { repos, faults: [...faults] };
    },
    setFault(name: GitHubFault, on: boolean): void {
      if (on) faults.add(name);
      else faults.delete(name);
    },
    close(): Promise<void> {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
