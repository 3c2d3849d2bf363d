import type { ServerResponse } from 'node:http';
import type { RepoRecord } from './types';

/**
 * Response envelopes and headers of api.github.com, as recorded in
 * /work/shared/transcripts/github-api.md (2026 shapes: `status` as a string in error bodies).
 */

export const DOCS = {
  rest: 'https://docs.github.com/rest',
  getRepo: 'https://docs.github.com/rest/repos/repos#get-a-repository',
  createUserRepo: 'https://docs.github.com/rest/repos/repos#create-a-repository-for-the-authenticated-user',
  createOrgRepo: 'https://docs.github.com/rest/repos/repos#create-an-organization-repository',
  deleteRepo: 'https://docs.github.com/rest/repos/repos#delete-a-repository',
  deployKeys: 'https://docs.github.com/rest/deploy-keys/deploy-keys#create-a-deploy-key',
  listCommits: 'https://docs.github.com/rest/commits/commits#list-commits',
  getBranch: 'https://docs.github.com/rest/branches/branches#get-a-branch',
} as const;

export interface ApiContext {
  /** `X-OAuth-Scopes` value; undefined for anonymous requests (the header is then absent). */
  scopes?: string[];
  acceptedScopes: string;
  rate: { limit: number; remaining: number; used: number; reset: number };
}

const EXPOSED = 'ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Used, X-RateLimit-Resource, X-RateLimit-Reset, X-OAuth-Scopes, X-Accepted-OAuth-Scopes, X-Poll-Interval, X-GitHub-Media-Type, X-GitHub-SSO, X-GitHub-Request-Id, Deprecation, Sunset';

let requestCounter = 0;

export function sendJson(res: ServerResponse, status: number, body: unknown, ctx: ApiContext, extra: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  const headers: Record<string, string> = {
    Server: 'github.com',
    Date: new Date().toUTCString(),
    'Cache-Control': 'private, max-age=60, s-maxage=60',
    Vary: 'Accept, Authorization, Cookie, X-GitHub-OTP',
    'X-Accepted-OAuth-Scopes': ctx.acceptedScopes,
    'X-GitHub-Media-Type': 'github.v3; format=json',
    'X-GitHub-Api-Version-Selected': '2022-11-28',
    'X-RateLimit-Limit': String(ctx.rate.limit),
    'X-RateLimit-Remaining': String(ctx.rate.remaining),
    'X-RateLimit-Reset': String(ctx.rate.reset),
    'X-RateLimit-Used': String(ctx.rate.used),
    'X-RateLimit-Resource': 'core',
    'Access-Control-Expose-Headers': EXPOSED,
    'Access-Control-Allow-Origin': '*',
    'X-Content-Type-Options': 'nosniff',
    'X-GitHub-Request-Id': `${(++requestCounter).toString(16).toUpperCase().padStart(4, '0')}:SIM:${process.pid.toString(16).toUpperCase()}`,
    ...extra,
  };
  if (ctx.scopes) headers['X-OAuth-Scopes'] = ctx.scopes.join(', ');
  if (text) {
    headers['Content-Type'] = 'application/json; charset=utf-8';
    headers['Content-Length'] = String(Buffer.byteLength(text));
  }
  res.writeHead(status, headers);
  res.end(text);
}

export function errorBody(status: number, message: string, documentationUrl: string, errors?: unknown[]): Record<string, unknown> {
  return { message, ...(errors ? { errors } : {}), documentation_url: documentationUrl, status: String(status) };
}

export function userJson(login: string, id: number, type: 'User' | 'Organization', base: string): Record<string, unknown> {
  const api = `${base}/users/${login}`;
  return {
    login,
    id,
    node_id: Buffer.from(`04:${type}${id}`).toString('base64'),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: `https://github.com/${login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type,
    user_view_type: 'public',
    site_admin: false,
  };
}

/** The authenticated view of `GET /user` (private fields included). */
export function authenticatedUserJson(
  user: { login: string; name?: string | null; email?: string | null },
  id: number,
  base: string,
  counts: { publicRepos: number; privateRepos: number },
): Record<string, unknown> {
  return {
    ...userJson(user.login, id, 'User', base),
    user_view_type: 'private',
    name: user.name ?? null,
    company: null,
    blog: '',
    location: null,
    email: user.email ?? null,
    hireable: null,
    bio: null,
    twitter_username: null,
    notification_email: user.email ?? null,
    public_repos: counts.publicRepos,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: '2024-11-06T09:47:08Z',
    updated_at: '2024-11-17T20:19:29Z',
    private_gists: 0,
    total_private_repos: counts.privateRepos,
    owned_private_repos: counts.privateRepos,
    disk_usage: 0,
    collaborators: 0,
    two_factor_authentication: false,
    plan: { name: 'free', space: 976562499, collaborators: 0, private_repos: 10000 },
  };
}

export interface Permissions {
  admin: boolean;
  maintain: boolean;
  push: boolean;
  triage: boolean;
  pull: boolean;
}

export function repoJson(
  repo: RepoRecord,
  ownerId: number,
  base: string,
  extras: { permissions?: Permissions; pushedAt: string | null; size: number },
): Record<string, unknown> {
  const full = `${repo.owner}/${repo.name}`;
  const api = `${base}/repos/${full}`;
  const owner = userJson(repo.owner, ownerId, repo.ownerType, base);
  return {
    id: repo.id,
    node_id: Buffer.from(`010:Repository${repo.id}`).toString('base64'),
    name: repo.name,
    full_name: full,
    private: repo.private,
    owner,
    html_url: `https://github.com/${full}`,
    description: repo.description,
    fork: false,
    url: api,
    keys_url: `${api}/keys{/key_id}`,
    branches_url: `${api}/branches{/branch}`,
    commits_url: `${api}/commits{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    hooks_url: `${api}/hooks`,
    created_at: repo.createdAt,
    updated_at: repo.createdAt,
    pushed_at: extras.pushedAt,
    git_url: `git://github.com/${full}.git`,
    ssh_url: `git@github.com:${full}.git`,
    clone_url: `https://github.com/${full}.git`,
    svn_url: `https://github.com/${full}`,
    homepage: null,
    size: extras.size,
    stargazers_count: 0,
    watchers_count: 0,
    language: null,
    has_issues: true,
    has_projects: true,
    has_downloads: true,
    has_wiki: true,
    has_pages: false,
    forks_count: 0,
    mirror_url: null,
    archived: false,
    disabled: false,
    open_issues_count: 0,
    license: null,
    allow_forking: true,
    is_template: false,
    web_commit_signoff_required: false,
    topics: [],
    visibility: repo.private ? 'private' : 'public',
    forks: 0,
    open_issues: 0,
    watchers: 0,
    default_branch: 'main',
    ...(extras.permissions ? { permissions: extras.permissions } : {}),
    ...(repo.ownerType === 'Organization' ? { organization: owner } : {}),
    network_count: 0,
    subscribers_count: 0,
  };
}
