import { execFile } from 'node:child_process';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CommitInfo } from './types';

/**
 * The simulated GitHub's repositories on disk: real bare repositories handled by the real git
 * binary, so that what clients push and fetch is exactly what git would store.
 */

/** git must not read the machine's or user's config: the simulator has to behave the same everywhere. */
function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    HOME: '/nonexistent',
    LC_ALL: 'C',
    ...extra,
  };
}

export function runGit(args: string[], options: { cwd?: string; input?: string; env?: Record<string, string> } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      args,
      { cwd: options.cwd, env: gitEnv(options.env), maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`git ${args[0] ?? ''} failed: ${stderr.trim() || error.message}`));
        else resolve(stdout);
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

export class GitStore {
  constructor(readonly root: string) {}

  repoDir(owner: string, name: string): string {
    return path.join(this.root, owner, `${name}.git`);
  }

  async init(owner: string, name: string): Promise<void> {
    const dir = this.repoDir(owner, name);
    await mkdir(dir, { recursive: true });
    await runGit(['init', '--quiet', '--bare', '-b', 'main', dir]);
  }

  async remove(owner: string, name: string): Promise<void> {
    await rm(this.repoDir(owner, name), { recursive: true, force: true });
  }

  /** Repositories already on disk, so a restarted world keeps what was pushed before. */
  async scan(): Promise<Array<{ owner: string; name: string; createdAt: Date }>> {
    const found: Array<{ owner: string; name: string; createdAt: Date }> = [];
    const owners = await readdir(this.root).catch(() => [] as string[]);
    for (const owner of owners) {
      const entries = await readdir(path.join(this.root, owner)).catch(() => [] as string[]);
      for (const entry of entries) {
        if (!entry.endsWith('.git')) continue;
        const info = await stat(path.join(this.root, owner, entry));
        found.push({ owner, name: entry.slice(0, -'.git'.length), createdAt: info.birthtime });
      }
    }
    return found;
  }

  /** What `auto_init: true` does on GitHub: one commit on main holding a README. */
  async autoInit(owner: string, name: string, description: string | null, author: { name: string; email: string }): Promise<void> {
    const cwd = this.repoDir(owner, name);
    const readme = `# ${name}\n${description ? `${description}\n` : ''}`;
    const blob = (await runGit(['hash-object', '-w', '--stdin'], { cwd, input: readme })).trim();
    const tree = (await runGit(['mktree'], { cwd, input: `100644 blob ${blob}\tREADME.md\n` })).trim();
    const identity = {
      GIT_AUTHOR_NAME: author.name,
      GIT_AUTHOR_EMAIL: author.email,
      GIT_COMMITTER_NAME: 'GitHub',
      GIT_COMMITTER_EMAIL: 'noreply@github.com',
    };
    const commit = (await runGit(['commit-tree', tree, '-m', 'Initial commit'], { cwd, env: identity })).trim();
    await runGit(['update-ref', 'refs/heads/main', commit], { cwd });
  }

  async branchHead(owner: string, name: string, branch: string): Promise<string | undefined> {
    try {
      return (await runGit(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`], { cwd: this.repoDir(owner, name) })).trim();
    } catch {
      return undefined;
    }
  }

  /** Commits reachable from `ref`, newest first, with the files each one touched. */
  async log(owner: string, name: string, ref: string, limit = 100): Promise<CommitInfo[]> {
    if (!(await this.branchHead(owner, name, ref))) return [];
    const RECORD = '\x1e';
    const FIELD = '\x1f';
    const out = await runGit(
      ['log', `--max-count=${limit}`, '--name-only', `--format=${RECORD}%H${FIELD}%T${FIELD}%P${FIELD}%an${FIELD}%ae${FIELD}%aI${FIELD}%B${FIELD}`, `refs/heads/${ref}`],
      { cwd: this.repoDir(owner, name) },
    );
    return out
      .split(RECORD)
      .filter((record) => record.length > 0)
      .map((record) => {
        const [sha = '', tree = '', parents = '', authorName = '', authorEmail = '', date = '', message = '', files = ''] = record.split(FIELD);
        return {
          sha,
          tree,
          parents: parents.split(' ').filter(Boolean),
          author: { name: authorName, email: authorEmail, date },
          message: message.trim(),
          files: files.split('\n').map((line) => line.trim()).filter(Boolean),
        };
      });
  }
}
