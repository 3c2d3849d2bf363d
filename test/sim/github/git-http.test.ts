import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCgiHeaders } from './git-http';
import { startGitHubServer, type GitHubServer } from './server';

const TOKEN = 'ghp_simulatedtokenforalice0000000000000';

let work: string;
let gh: GitHubServer;
let askpass: string;

interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Real git, pointed at the simulator with the same insteadOf rewrite the app uses; the token only travels in env. */
function git(args: string[], cwd: string, token?: string): Promise<GitResult> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: work,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: 'Alice',
    GIT_AUTHOR_EMAIL: 'alice@example.com',
    GIT_COMMITTER_NAME: 'Alice',
    GIT_COMMITTER_EMAIL: 'alice@example.com',
    LC_ALL: 'C',
  };
  if (token) {
    env.GIT_ASKPASS = askpass;
    env.SIM_GIT_TOKEN = token;
  }
  const full = ['-c', `url.${gh.gitUrl}.insteadOf=https://github.com/`, '-c', 'credential.helper=', ...args];
  return new Promise((resolve) => {
    execFile('git', full, { cwd, env }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'sim-github-git-'));
  askpass = path.join(work, 'askpass.sh');
  // git asks for Username then Password; GitHub accepts any username with the token as password.
  await writeFile(askpass, '#!/bin/sh\ncase "$1" in Username*) echo x-access-token ;; *) echo "$SIM_GIT_TOKEN" ;; esac\n');
  await chmod(askpass, 0o700);
  gh = await startGitHubServer({
    dataDir: path.join(work, 'github'),
    users: [
      { login: 'alice', token: TOKEN, scopes: ['repo'] },
      { login: 'mallory', token: 'tok-mallory', scopes: ['repo'] },
    ],
  });
  const created = await fetch(`${gh.apiUrl}/user/repos`, { method: 'POST', headers: { Authorization: `token ${TOKEN}` }, body: JSON.stringify({ name: 'devflux', private: true }) });
  expect(created.status).toBe(201);
});

afterAll(async () => {
  await gh.close();
  await rm(work, { recursive: true, force: true });
});

describe('simulated GitHub git smart HTTP (real git http-backend)', () => {
  it('parses CGI headers with a Status line', () => {
    expect(parseCgiHeaders('Status: 404 Not Found\r\nContent-Type: text/plain')).toEqual({ status: 404, headers: { 'Content-Type': 'text/plain' } });
    expect(parseCgiHeaders('Content-Type: application/x-git-upload-pack-advertisement\nCache-Control: no-cache').status).toBe(200);
  });

  it('refuses a private repository without credentials (401 challenge, so git asks)', async () => {
    const res = await fetch(`${gh.gitUrl}alice/devflux.git/info/refs?service=git-upload-pack`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="GitHub"');
    const cloned = await git(['clone', 'https://github.com/alice/devflux.git', 'anon'], work);
    expect(cloned.code).not.toBe(0);
    expect(cloned.stderr).toMatch(/could not read Username|Authentication failed/);
  });

  it('refuses a wrong token and another user\'s token', async () => {
    const wrong = await git(['clone', 'https://github.com/alice/devflux.git', 'wrong'], work, 'ghp_wrong');
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('Invalid username or token');
    const other = await git(['clone', 'https://github.com/alice/devflux.git', 'other'], work, 'tok-mallory');
    expect(other.code).not.toBe(0);
    expect(other.stderr).toContain('Repository not found');
  });

  it('clones, pushes and pulls with the token; state() shows the commits and files', async () => {
    const first = path.join(work, 'first');
    const second = path.join(work, 'second');
    const cloned = await git(['clone', 'https://github.com/alice/devflux.git', first], work, TOKEN);
    expect(cloned.code, cloned.stderr).toBe(0);
    expect(cloned.stderr).toContain('empty repository');

    await writeFile(path.join(first, 'kustomization.yaml'), 'resources: []\n');
    expect((await git(['add', 'kustomization.yaml'], first)).code).toBe(0);
    expect((await git(['commit', '-q', '-m', 'Add kustomization'], first)).code).toBe(0);
    const pushed = await git(['push', 'origin', 'HEAD:main'], first, TOKEN);
    expect(pushed.code, pushed.stderr).toBe(0);

    const clonedAgain = await git(['clone', 'https://github.com/alice/devflux.git', second], work, TOKEN);
    expect(clonedAgain.code, clonedAgain.stderr).toBe(0);
    expect(await readFile(path.join(second, 'kustomization.yaml'), 'utf8')).toBe('resources: []\n');

    await writeFile(path.join(second, 'README.md'), '# devflux\n');
    await git(['add', 'README.md'], second);
    await git(['commit', '-q', '-m', 'Add README'], second);
    expect((await git(['push', 'origin', 'main'], second, TOKEN)).code).toBe(0);
    const pulled = await git(['pull', '--ff-only', 'origin', 'main'], first, TOKEN);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(await readFile(path.join(first, 'README.md'), 'utf8')).toBe('# devflux\n');

    const repo = (await gh.state()).repos.find((candidate) => candidate.fullName === 'alice/devflux');
    expect(repo?.commits.map((commit) => commit.message)).toEqual(['Add README', 'Add kustomization']);
    expect(repo?.commits[0]?.files).toEqual(['README.md']);
    expect(repo?.commits[1]?.author).toMatchObject({ name: 'Alice', email: 'alice@example.com' });
    const head = (await git(['rev-parse', 'HEAD'], first)).stdout.trim();
    expect(repo?.commits[0]?.sha).toBe(head);
  });

  it('accepts the token as an http.extraHeader and a chunked (large) push', async () => {
    const dir = path.join(work, 'extra-header');
    const header = `http.extraHeader=Authorization: Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`;
    const cloned = await git(['-c', header, 'clone', 'https://github.com/alice/devflux.git', dir], work);
    expect(cloned.code, cloned.stderr).toBe(0);
    // Incompressible data above http.postBuffer makes git switch to Transfer-Encoding: chunked.
    await writeFile(path.join(dir, 'blob.bin'), randomBytes(1_500_000));
    await git(['add', 'blob.bin'], dir);
    await git(['commit', '-q', '-m', 'Large file'], dir);
    const pushed = await git(['-c', header, '-c', 'http.postBuffer=65536', 'push', 'origin', 'main'], dir);
    expect(pushed.code, pushed.stderr).toBe(0);
    const repo = (await gh.state()).repos.find((candidate) => candidate.fullName === 'alice/devflux');
    expect(repo?.commits[0]).toMatchObject({ message: 'Large file', files: ['blob.bin'] });
  });

  it('refuses a push from a token that can read but not write (403)', async () => {
    const created = await fetch(`${gh.apiUrl}/user/repos`, { method: 'POST', headers: { Authorization: `token ${TOKEN}` }, body: JSON.stringify({ name: 'open', auto_init: true }) });
    expect(created.status).toBe(201);
    const dir = path.join(work, 'open-mallory');
    const cloned = await git(['clone', 'https://github.com/alice/open.git', dir], work, 'tok-mallory');
    expect(cloned.code, cloned.stderr).toBe(0);
    await writeFile(path.join(dir, 'x.txt'), 'x\n');
    await git(['add', 'x.txt'], dir);
    await git(['commit', '-q', '-m', 'x'], dir);
    const pushed = await git(['push', 'origin', 'main'], dir, 'tok-mallory');
    expect(pushed.code).not.toBe(0);
    expect(pushed.stderr).toContain('Permission to alice/open.git denied to mallory.');
  });
});
