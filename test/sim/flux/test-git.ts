import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startGitHubServer, type GitHubServer } from '../github/server.js';

/**
 * A developer's working copy for tests: real git against the simulated GitHub, the token in an
 * environment variable read by an inline credential helper.
 */
export class TestWorkingCopy {
  private constructor(readonly dir: string, private readonly gitUrl: string, private readonly token: string) {}

  static async clone(gitUrl: string, token: string, repoUrl: string): Promise<TestWorkingCopy> {
    const parent = await mkdtemp(join(tmpdir(), 'flux-sim-wc-'));
    const copy = new TestWorkingCopy(join(parent, 'repo'), gitUrl, token);
    await copy.git(['clone', '--quiet', repoUrl, copy.dir], parent);
    return copy;
  }

  git(args: string[], cwd: string = this.dir): Promise<string> {
    const base = this.gitUrl.endsWith('/') ? this.gitUrl : `${this.gitUrl}/`;
    const full = ['-c', `url.${base}.insteadOf=https://github.com/`, '-c', 'credential.helper=', '-c', 'credential.helper=!f() { test "$1" = get && echo username=x-access-token && echo "password=$TEST_GIT_TOKEN"; }; f', ...args];
    return new Promise((resolve, reject) => {
      execFile(
        'git',
        full,
        {
          cwd,
          env: {
            PATH: process.env.PATH ?? '/usr/bin:/bin',
            HOME: '/nonexistent',
            GIT_CONFIG_NOSYSTEM: '1',
            GIT_CONFIG_GLOBAL: '/dev/null',
            GIT_TERMINAL_PROMPT: '0',
            GIT_AUTHOR_NAME: 'Test',
            GIT_AUTHOR_EMAIL: 'test@example.com',
            GIT_COMMITTER_NAME: 'Test',
            GIT_COMMITTER_EMAIL: 'test@example.com',
            TEST_GIT_TOKEN: this.token,
          },
        },
        (error, stdout, stderr) => (error ? reject(new Error(`git ${args.join(' ')}: ${stderr}`)) : resolve(stdout)),
      );
    });
  }

  async write(files: Record<string, string | null>): Promise<void> {
    for (const [path, content] of Object.entries(files)) {
      const full = join(this.dir, path);
      if (content === null) await rm(full, { force: true });
      else {
        await mkdir(dirname(full), { recursive: true });
        await writeFile(full, content);
      }
    }
  }

  /** Commits everything and pushes to main; returns the new commit. */
  async commitAndPush(message: string): Promise<string> {
    await this.git(['add', '-A']);
    await this.git(['commit', '--quiet', '-m', message]);
    await this.git(['push', '--quiet', 'origin', 'HEAD:main']);
    return (await this.git(['rev-parse', 'HEAD'])).trim();
  }

  async remove(): Promise<void> {
    await rm(dirname(this.dir), { recursive: true, force: true });
  }
}

/**
 * The simulated GitHub with one user, `student` holding `token` (scope repo), a new repository
 * of theirs (one initial commit) and a working copy of it: what each Flux test starts from.
 */
export async function githubWithRepository(dataDir: string, options: { token: string; name: string; private?: boolean }): Promise<{ github: GitHubServer; repo: TestWorkingCopy }> {
  const github = await startGitHubServer({ dataDir, users: [{ login: 'student', token: options.token, scopes: ['repo'] }] });
  const created = await fetch(`${github.apiUrl.replace(/\/$/, '')}/user/repos`, {
    method: 'POST',
    headers: { Authorization: `token ${options.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: options.name, auto_init: true, ...(options.private ? { private: true } : {}) }),
  });
  if (created.status !== 201) {
    await github.close();
    throw new Error(`the simulated GitHub answered ${created.status} to creating ${options.name}`);
  }
  const repo = await TestWorkingCopy.clone(github.gitUrl, options.token, `https://github.com/student/${options.name}.git`);
  return { github, repo };
}

/** Polls until `probe` returns a value (not undefined); fails with the last observation after `ms`. */
export async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>, ms = 20_000, describe: string | (() => string) = 'condition'): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof describe === 'string' ? describe : describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
