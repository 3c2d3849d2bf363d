import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubServer, type GitHubServer } from './server';

const FULL = 'tok-full';
const READONLY = 'tok-noscope';
const ORG_ADMIN = 'tok-org';

let dataDir: string;
let gh: GitHubServer;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'sim-github-rest-'));
  gh = await startGitHubServer({
    dataDir,
    users: [
      { login: 'alice', token: FULL, scopes: ['repo', 'delete_repo', 'workflow'] },
      { login: 'bob', token: READONLY, scopes: [] },
      { login: 'carol', token: ORG_ADMIN, scopes: ['repo'] },
    ],
    orgs: [{ login: 'acme', members: ['carol'] }],
  });
});

afterAll(async () => {
  await gh.close();
  await rm(dataDir, { recursive: true, force: true });
});

function call(method: string, route: string, token?: string, body?: unknown, scheme = 'token'): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/vnd.github+json' };
  if (token) headers.Authorization = `${scheme} ${token}`;
  return fetch(`${gh.apiUrl}${route}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

describe('simulated GitHub REST', () => {
  it('GET /user answers the authenticated view with the token scopes and rate-limit headers', async () => {
    const res = await call('GET', '/user', FULL);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-oauth-scopes')).toBe('repo, delete_repo, workflow');
    expect(res.headers.get('x-accepted-oauth-scopes')).toBe('');
    expect(res.headers.get('x-github-media-type')).toBe('github.v3; format=json');
    expect(res.headers.get('x-ratelimit-limit')).toBe('5000');
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const user = (await res.json()) as Record<string, unknown>;
    expect(user).toMatchObject({ login: 'alice', type: 'User', user_view_type: 'private', html_url: 'https://github.com/alice' });
    const again = await call('GET', '/user', FULL, undefined, 'Bearer');
    expect(Number(again.headers.get('x-ratelimit-used'))).toBe(Number(res.headers.get('x-ratelimit-used')) + 1);
  });

  it('a token without scopes gets an empty X-OAuth-Scopes header', async () => {
    const res = await call('GET', '/user', READONLY);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-oauth-scopes')).toBe('');
  });

  it('an unknown token gets 401 Bad credentials with the current envelope', async () => {
    const res = await call('GET', '/user', 'not_a_real_token', undefined, 'Bearer');
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
  });

  it('a missing repository is 404 Not Found', async () => {
    const res = await call('GET', '/repos/alice/does-not-exist', FULL);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ message: 'Not Found', documentation_url: 'https://docs.github.com/rest/repos/repos#get-a-repository', status: '404' });
  });

  it('creates a repository (201 + Location), then refuses the same name with 422', async () => {
    const created = await call('POST', '/user/repos', FULL, { name: 'devflux', private: true });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`${gh.apiUrl}/repos/alice/devflux`);
    expect(created.headers.get('x-accepted-oauth-scopes')).toBe('public_repo, repo');
    const repo = (await created.json()) as Record<string, unknown>;
    expect(repo).toMatchObject({ name: 'devflux', full_name: 'alice/devflux', private: true, visibility: 'private', default_branch: 'main', clone_url: 'https://github.com/alice/devflux.git' });
    expect(repo.permissions).toEqual({ admin: true, maintain: true, push: true, triage: true, pull: true });

    const got = await call('GET', '/repos/alice/devflux', FULL);
    expect(got.status).toBe(200);
    expect(((await got.json()) as { permissions: { admin: boolean } }).permissions.admin).toBe(true);

    const duplicate = await call('POST', '/user/repos', FULL, { name: 'devflux' });
    expect(duplicate.status).toBe(422);
    expect(await duplicate.json()).toEqual({
      message: 'Repository creation failed.',
      errors: [{ resource: 'Repository', code: 'custom', field: 'name', message: 'name already exists on this account' }],
      documentation_url: 'https://docs.github.com/rest/repos/repos#create-a-repository-for-the-authenticated-user',
      status: '422',
    });
  });

  it('repository creation without repo scope is 404, as GitHub hides the endpoint', async () => {
    const res = await call('POST', '/user/repos', READONLY, { name: 'anything' });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-accepted-oauth-scopes')).toBe('public_repo, repo');
    expect(((await res.json()) as { message: string }).message).toBe('Not Found');
  });

  it('organisation repositories need membership', async () => {
    expect((await call('POST', '/orgs/acme/repos', ORG_ADMIN, { name: 'fleet' })).status).toBe(201);
    expect((await call('POST', '/orgs/acme/repos', FULL, { name: 'fleet2' })).status).toBe(403);
    const repo = (await (await call('GET', '/repos/acme/fleet', ORG_ADMIN)).json()) as { owner: { type: string } };
    expect(repo.owner.type).toBe('Organization');
  });

  it('fault github-token-scopes strips the scopes: creation 404, admin false on public repos', async () => {
    expect((await call('POST', '/user/repos', FULL, { name: 'public-one', private: false })).status).toBe(201);
    gh.setFault('github-token-scopes', true);
    try {
      expect((await call('POST', '/user/repos', FULL, { name: 'blocked' })).status).toBe(404);
      const res = await call('GET', '/repos/alice/public-one', FULL);
      expect(res.headers.get('x-oauth-scopes')).toBe('');
      expect(((await res.json()) as { permissions: { admin: boolean } }).permissions.admin).toBe(false);
      expect((await call('GET', '/repos/alice/devflux', FULL)).status).toBe(404);
    } finally {
      gh.setFault('github-token-scopes', false);
    }
  });

  it('fault github-token-rejected answers 401 for every token', async () => {
    gh.setFault('github-token-rejected', true);
    try {
      const res = await call('GET', '/user', FULL);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { message: string }).message).toBe('Bad credentials');
    } finally {
      gh.setFault('github-token-rejected', false);
    }
    expect((await call('GET', '/user', FULL)).status).toBe(200);
  });

  it('deploy keys: add, list, refuse a key already in use', async () => {
    const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGJ1c3lib3hzaW11bGF0b3JrZXlmb3J0ZXN0aW5n flux';
    const added = await call('POST', '/repos/alice/devflux/keys', FULL, { title: 'flux-system-main', key, read_only: false });
    expect(added.status).toBe(201);
    expect(await added.json()).toMatchObject({ title: 'flux-system-main', read_only: false, verified: true, key: key.split(' ').slice(0, 2).join(' ') });
    const listed = (await (await call('GET', '/repos/alice/devflux/keys', FULL)).json()) as unknown[];
    expect(listed).toHaveLength(1);
    const again = await call('POST', '/repos/alice/public-one/keys', FULL, { title: 'x', key });
    expect(again.status).toBe(422);
    expect(((await again.json()) as { errors: Array<{ message: string }> }).errors[0]?.message).toBe('key is already in use');
  });

  it('an empty repository has no commits (409) and auto_init makes one on main', async () => {
    const empty = await call('GET', '/repos/alice/devflux/commits', FULL);
    expect(empty.status).toBe(409);
    expect((await call('POST', '/user/repos', FULL, { name: 'seeded', auto_init: true })).status).toBe(201);
    const commits = (await (await call('GET', '/repos/alice/seeded/commits', FULL)).json()) as Array<{ sha: string; commit: { message: string; tree: { sha: string } } }>;
    expect(commits).toHaveLength(1);
    expect(commits[0]?.commit.tree.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(commits[0]?.commit.message).toBe('Initial commit');
    const branch = (await (await call('GET', '/repos/alice/seeded/branches/main', FULL)).json()) as { name: string; commit: { sha: string } };
    expect(branch).toMatchObject({ name: 'main', commit: { sha: commits[0]?.sha } });
    expect((await call('GET', '/repos/alice/seeded/branches/nope', FULL)).status).toBe(404);
  });

  it('DELETE needs delete_repo scope (403) and then removes the repository (204)', async () => {
    expect((await call('POST', '/orgs/acme/repos', ORG_ADMIN, { name: 'doomed' })).status).toBe(201);
    const refused = await call('DELETE', '/repos/acme/doomed', ORG_ADMIN);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { message: string }).message).toBe('Must have admin rights to Repository.');
    expect((await call('DELETE', '/repos/alice/seeded', FULL)).status).toBe(204);
    expect((await call('GET', '/repos/alice/seeded', FULL)).status).toBe(404);
  });

  it('state() lists repositories with their commits and survives a restart', async () => {
    const state = await gh.state();
    const names = state.repos.map((repo) => repo.fullName);
    expect(names).toEqual(expect.arrayContaining(['alice/devflux', 'acme/fleet', 'alice/public-one']));
    expect(names).not.toContain('alice/seeded');
    const restarted = await startGitHubServer({ dataDir, users: [{ login: 'alice', token: FULL, scopes: ['repo'] }], orgs: [{ login: 'acme', members: [] }] });
    try {
      const res = await fetch(`${restarted.apiUrl}/repos/alice/devflux`, { headers: { Authorization: `token ${FULL}` } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { private: boolean }).private).toBe(true);
    } finally {
      await restarted.close();
    }
  });
});
