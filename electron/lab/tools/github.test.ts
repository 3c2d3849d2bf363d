import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestWorld, type TestWorld } from '../../../test/sim/world/test-world';
import { DEFAULT_GITHUB_API_URL, GitHubClient, GitHubError, githubApiUrl, missingScopes } from './github';

let t: TestWorld;
let env: Record<string, string>;
beforeAll(async () => {
  t = await startTestWorld();
  env = t.world.env();
});
afterAll(async () => {
  await t?.dispose();
});

const client = (token = env.GITHUB_TOKEN!) => new GitHubClient({ token, apiUrl: githubApiUrl(env) });

describe('GitHub adapter against the simulated GitHub', () => {
  it('takes the API URL from GITHUB_API_URL, else api.github.com', () => {
    expect(githubApiUrl(env)).toBe(env.GITHUB_API_URL);
    expect(githubApiUrl({ GITHUB_API_URL: 'https://ghe.example.com/api/v3/' })).toBe('https://ghe.example.com/api/v3');
    expect(githubApiUrl({})).toBe(DEFAULT_GITHUB_API_URL);
  });

  it('reads the login and the classic scopes from X-OAuth-Scopes', async () => {
    const info = await client().tokenInfo();
    expect(info).toEqual({ login: 'lab-student', kind: 'classic', scopes: expect.arrayContaining(['repo']) });
    expect(missingScopes(info)).toEqual([]);
  });

  it('a rejected token is a bad-credentials error telling to set GITHUB_TOKEN', async () => {
    const error = await t.withFault('github-token-rejected', () => client().tokenInfo().catch((e: unknown) => e));
    expect(error).toBeInstanceOf(GitHubError);
    expect(error).toMatchObject({ kind: 'bad-credentials', status: 401 });
    expect((error as Error).message).toContain('GITHUB_TOKEN');
    await expect(client('ghp_not_the_right_one_0000000000000000').tokenInfo()).rejects.toMatchObject({ kind: 'bad-credentials' });
  });

  it('a classic token without scopes misses "repo", and cannot create the repository', async () => {
    await t.withFault('github-token-scopes', async () => {
      const info = await client().tokenInfo();
      expect(info).toEqual({ login: 'lab-student', kind: 'classic', scopes: [] });
      expect(missingScopes(info)).toEqual(['repo']);
      await expect(client().createRepository({ owner: 'lab-student', name: 'scopeless', personal: true })).rejects.toMatchObject({ kind: 'missing-scope', status: 404 });
    });
  });

  it('missing repository, then created, then admin; creating it twice is refused', async () => {
    const api = client();
    expect(await api.repository('lab-student', 'devflux')).toEqual({ exists: false });
    const created = await api.createRepository({ owner: 'lab-student', name: 'devflux', personal: true });
    expect(created).toMatchObject({ exists: true, fullName: 'lab-student/devflux', private: true, admin: true });
    expect(await api.repository('lab-student', 'devflux')).toMatchObject({ exists: true, admin: true, defaultBranch: 'main' });
    await expect(api.createRepository({ owner: 'lab-student', name: 'devflux', personal: true })).rejects.toMatchObject({ kind: 'already-exists', status: 422 });
  });

  it('sends the token only in the Authorization header', async () => {
    const seen: Array<{ url: string; headers: Record<string, string> }> = [];
    const spy: typeof fetch = async (input, init) => {
      seen.push({ url: String(input), headers: init?.headers as Record<string, string> });
      return fetch(input, init);
    };
    await new GitHubClient({ token: env.GITHUB_TOKEN!, apiUrl: githubApiUrl(env), fetch: spy }).tokenInfo();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url).not.toContain(env.GITHUB_TOKEN!);
    expect(Object.entries(seen[0]!.headers).filter(([, value]) => value.includes(env.GITHUB_TOKEN!))).toEqual([['Authorization', `Bearer ${env.GITHUB_TOKEN}`]]);
  });
});

describe('token kinds and repository rights', () => {
  const reply = (status: number, body: unknown, headers: Record<string, string> = {}): typeof fetch => async () =>
    new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers } });

  it('no X-OAuth-Scopes header means a fine-grained token: scopes are not judged from it', async () => {
    const info = await new GitHubClient({ token: 'github_pat_x', fetch: reply(200, { login: 'octocat' }) }).tokenInfo();
    expect(info).toEqual({ login: 'octocat', kind: 'fine-grained', scopes: [] });
    expect(missingScopes(info)).toEqual([]);
  });

  it('reads permissions.admin of an existing repository', async () => {
    const repo = await new GitHubClient({ token: 'x', fetch: reply(200, { full_name: 'org/devflux', private: false, default_branch: 'main', permissions: { admin: false, push: true, pull: true } }) }).repository('org', 'devflux');
    expect(repo).toEqual({ exists: true, fullName: 'org/devflux', private: false, admin: false, defaultBranch: 'main' });
  });

  it('an unreachable API is reported without the token', async () => {
    const failing: typeof fetch = async () => {
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') });
    };
    const error = await new GitHubClient({ token: 'ghp_secret_value_123', apiUrl: 'http://127.0.0.1:9', fetch: failing }).tokenInfo().catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'unreachable', message: 'cannot reach http://127.0.0.1:9: connect ECONNREFUSED 127.0.0.1:9' });
  });
});
