/**
 * The GitHub REST calls the lab needs before Flux bootstraps: who the token belongs to and what it
 * may do, whether the repository exists and the token is admin on it, and creating it.
 *
 * Base URL `https://api.github.com`, or `GITHUB_API_URL` (the variable GitHub Actions sets, also
 * used for GitHub Enterprise Server). The token travels in the Authorization header only.
 */

export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';

export function githubApiUrl(env: NodeJS.ProcessEnv): string {
  return (env.GITHUB_API_URL?.trim() || DEFAULT_GITHUB_API_URL).replace(/\/+$/, '');
}

export type GitHubErrorKind = 'bad-credentials' | 'missing-scope' | 'not-admin' | 'not-found' | 'already-exists' | 'unreachable' | 'unexpected';

export class GitHubError extends Error {
  constructor(readonly kind: GitHubErrorKind, message: string, readonly status?: number) {
    super(message);
    this.name = 'GitHubError';
  }
}

export interface TokenInfo {
  login: string;
  /**
   * Classic PATs and OAuth tokens carry an `X-OAuth-Scopes` header (empty when the token has no
   * scope); fine-grained tokens and app tokens carry none, and their rights show per repository.
   */
  kind: 'classic' | 'fine-grained';
  scopes: string[];
}

export interface RepositoryInfo {
  exists: true;
  fullName: string;
  private: boolean;
  admin: boolean;
  defaultBranch: string;
}

export interface GitHubClientOptions {
  token: string;
  apiUrl?: string;
  fetch?: typeof fetch;
}

const BAD_CREDENTIALS =
  'GitHub rejected the token (401 Bad credentials): it is mistyped, expired or revoked. Create a new personal access token and put it in GITHUB_TOKEN.';

export class GitHubClient {
  private readonly apiUrl: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: GitHubClientOptions) {
    this.apiUrl = (options.apiUrl ?? DEFAULT_GITHUB_API_URL).replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** `GET /user`: the login and, for classic tokens, the scopes. */
  async tokenInfo(): Promise<TokenInfo> {
    const response = await this.request('GET', '/user');
    if (response.status === 401) throw new GitHubError('bad-credentials', BAD_CREDENTIALS, 401);
    if (!response.ok) throw await unexpected(response, 'GET /user');
    const body = (await response.json()) as { login?: string };
    const header = response.headers.get('x-oauth-scopes');
    const scopes = header === null ? [] : header.split(',').map((scope) => scope.trim()).filter(Boolean);
    return { login: body.login ?? '', kind: header === null ? 'fine-grained' : 'classic', scopes };
  }

  /** `GET /repos/{owner}/{repo}`; a repository the token cannot see answers 404 like a missing one. */
  async repository(owner: string, repo: string): Promise<RepositoryInfo | { exists: false }> {
    const response = await this.request('GET', `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`);
    if (response.status === 401) throw new GitHubError('bad-credentials', BAD_CREDENTIALS, 401);
    if (response.status === 404) return { exists: false };
    if (!response.ok) throw await unexpected(response, `GET /repos/${owner}/${repo}`);
    const body = (await response.json()) as { full_name?: string; private?: boolean; default_branch?: string; permissions?: { admin?: boolean } };
    return { exists: true, fullName: body.full_name ?? `${owner}/${repo}`, private: body.private === true, admin: body.permissions?.admin === true, defaultBranch: body.default_branch ?? 'main' };
  }

  /** `POST /user/repos` (personal) or `POST /orgs/{org}/repos`. */
  async createRepository(options: { owner: string; name: string; personal: boolean; private?: boolean }): Promise<RepositoryInfo> {
    const path = options.personal ? '/user/repos' : `/orgs/${encodeURIComponent(options.owner)}/repos`;
    const response = await this.request('POST', path, { name: options.name, private: options.private ?? true, auto_init: false });
    if (response.status === 401) throw new GitHubError('bad-credentials', BAD_CREDENTIALS, 401);
    if (response.status === 404 || response.status === 403) {
      // GitHub hides the endpoint (404) from a classic token without `repo`/`public_repo`.
      throw new GitHubError(
        'missing-scope',
        `GitHub refused to create ${options.owner}/${options.name} (HTTP ${response.status}): the token needs the "repo" scope` +
          (options.personal ? '' : ` and permission to create repositories in the organization ${options.owner}`) +
          ' (fine-grained tokens: Administration read and write).',
        response.status,
      );
    }
    if (response.status === 422) {
      const body = (await response.json().catch(() => ({}))) as { errors?: Array<{ message?: string }> };
      throw new GitHubError('already-exists', `GitHub could not create ${options.owner}/${options.name}: ${body.errors?.[0]?.message ?? 'validation failed'}.`, 422);
    }
    if (!response.ok) throw await unexpected(response, `POST ${path}`);
    const body = (await response.json()) as { full_name?: string; private?: boolean; default_branch?: string; permissions?: { admin?: boolean } };
    return { exists: true, fullName: body.full_name ?? `${options.owner}/${options.name}`, private: body.private === true, admin: body.permissions?.admin !== false, defaultBranch: body.default_branch ?? 'main' };
  }

  private async request(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = {
      Accept: 'application/vnd.github+json',
      Authorization: `Bearer ${this.options.token}`,
      'X-GitHub-Api-Version': '2022-11-28',
      'User-Agent': 'gitops-lab',
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    try {
      return await this.fetchImpl(`${this.apiUrl}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), signal: AbortSignal.timeout(30_000) });
    } catch (error) {
      // Never include the request (its headers hold the token); the URL and cause are enough.
      throw new GitHubError('unreachable', `cannot reach ${this.apiUrl}: ${error instanceof Error ? (error.cause as Error | undefined)?.message ?? error.message : String(error)}`);
    }
  }
}

/** Scopes a classic token lacks for the lab: `repo` (private repository, deploy keys, admin). */
export function missingScopes(info: TokenInfo): string[] {
  if (info.kind === 'fine-grained') return [];
  return info.scopes.includes('repo') ? [] : ['repo'];
}

async function unexpected(response: Response, what: string): Promise<GitHubError> {
  const body = (await response.json().catch(() => ({}))) as { message?: string };
  return new GitHubError('unexpected', `${what} answered HTTP ${response.status}${body.message ? `: ${body.message}` : ''}`, response.status);
}

/**
 * `DELETE /repos/{owner}/{repo}`: needs the `delete_repo` scope (classic) or Administration
 * write (fine-grained). A repository already gone (404) is not an error: the outcome is the same.
 */
export async function deleteRepository(options: GitHubClientOptions, owner: string, repo: string): Promise<void> {
  const apiUrl = (options.apiUrl ?? DEFAULT_GITHUB_API_URL).replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? fetch;
  const where = `${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
  let response: Response;
  try {
    response = await fetchImpl(`${apiUrl}/repos/${where}`, {
      method: 'DELETE',
      headers: { Accept: 'application/vnd.github+json', Authorization: `Bearer ${options.token}`, 'X-GitHub-Api-Version': '2022-11-28', 'User-Agent': 'gitops-lab' },
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new GitHubError('unreachable', `cannot reach ${apiUrl}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (response.status === 204 || response.status === 404) return;
  if (response.status === 401) throw new GitHubError('bad-credentials', BAD_CREDENTIALS, 401);
  if (response.status === 403) {
    throw new GitHubError('missing-scope', `GitHub refused to delete ${owner}/${repo} (HTTP 403): the token needs the "delete_repo" scope (fine-grained tokens: Administration read and write) and admin rights on it.`, 403);
  }
  throw new GitHubError('unexpected', `DELETE /repos/${owner}/${repo} answered HTTP ${response.status}`, response.status);
}
