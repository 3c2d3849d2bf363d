import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GitHubServer } from '../github/server.js';
import { GitError, resolveBranch } from './git-source.js';
import { githubWithRepository, type TestWorkingCopy } from './test-git.js';

const TOKEN = 'ghp_gitsourcetest0000000000000000000000';
const URL_ = 'https://github.com/student/private-repo.git';
let work: string;
let github: GitHubServer;
let repo: TestWorkingCopy;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'flux-git-source-'));
  ({ github, repo } = await githubWithRepository(join(work, 'github'), { token: TOKEN, name: 'private-repo', private: true }));
  await repo.write({ 'a.yaml': 'a: 1\n' });
  await repo.commitAndPush('one');
  await repo.git(['push', '--quiet', 'origin', 'HEAD:refs/heads/other']);
});

afterAll(async () => {
  await github?.close();
  await repo?.remove();
  await rm(work, { recursive: true, force: true });
});

describe('source-controller resolving a branch over smart HTTP', () => {
  const access = (): { githubGitUrl: string; username: string; password: string } => ({ githubGitUrl: github.gitUrl, username: 'git', password: TOKEN });

  it('answers the commit the branch points at, as git ls-remote does', async () => {
    const head = (await repo.git(['rev-parse', 'HEAD'])).trim();
    const lsRemote = (await repo.git(['ls-remote', 'origin', 'refs/heads/main'])).split(/\s/)[0];
    expect(await resolveBranch(URL_, 'main', access())).toBe(head);
    expect(lsRemote).toBe(head);
    await repo.write({ 'a.yaml': 'a: 2\n' });
    await repo.commitAndPush('two');
    expect(await resolveBranch(URL_, 'main', access())).toBe((await repo.git(['rev-parse', 'HEAD'])).trim());
    expect(await resolveBranch(URL_, 'other', access())).toBe(head);
  });

  it('answers nothing for a branch that does not exist', async () => {
    expect(await resolveBranch(URL_, 'mai', access())).toBeUndefined();
  });

  it("fails in go-git's words without credentials, with a bad token, and for a missing repository", async () => {
    const reason = (promise: Promise<unknown>): Promise<string> => promise.then(() => 'resolved', (error: unknown) => (error instanceof GitError ? error.fluxReason : String(error)));
    expect(await reason(resolveBranch(URL_, 'main', { githubGitUrl: github.gitUrl }))).toBe('authentication required');
    expect(await reason(resolveBranch(URL_, 'main', { ...access(), password: 'ghp_wrong' }))).toBe('authentication required');
    expect(await reason(resolveBranch('https://github.com/student/nothing-here.git', 'main', access()))).toBe('repository not found');
  });
});
