import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * source-controller's git half: resolves a branch head and checks it out with the real git
 * binary. Credentials travel in environment variables read by an inline credential helper, never
 * in the URL or on disk.
 */

export interface GitAccess {
  /** Rewrites `https://github.com/` to the simulated GitHub (its git base URL). */
  githubGitUrl?: string;
  username?: string;
  password?: string;
}

function gitArgs(access: GitAccess, args: string[]): string[] {
  const config: string[] = ['-c', 'credential.helper=', '-c', 'credential.helper=!f() { test "$1" = get || exit 0; echo "username=$FLUX_SIM_GIT_USER"; echo "password=$FLUX_SIM_GIT_PASSWORD"; }; f'];
  if (access.githubGitUrl) {
    const base = access.githubGitUrl.endsWith('/') ? access.githubGitUrl : `${access.githubGitUrl}/`;
    config.push('-c', `url.${base}.insteadOf=https://github.com/`);
  }
  return [...config, ...args];
}

function run(access: GitAccess, args: string[], cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      gitArgs(access, args),
      {
        cwd,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: '/nonexistent',
          GIT_CONFIG_NOSYSTEM: '1',
          GIT_CONFIG_GLOBAL: '/dev/null',
          GIT_TERMINAL_PROMPT: '0',
          LC_ALL: 'C',
          FLUX_SIM_GIT_USER: access.username ?? 'git',
          FLUX_SIM_GIT_PASSWORD: access.password ?? '',
        },
      },
      (error, stdout, stderr) => (error ? reject(new GitError(stderr.trim() || error.message)) : resolve(stdout)),
    );
  });
}

export class GitError extends Error {
  constructor(readonly stderr: string) {
    super(stderr);
    this.name = 'GitError';
  }

  /** The wording source-controller's go-git client uses for the common failures. */
  get fluxReason(): string {
    if (/Authentication failed|could not read Username|401|403/i.test(this.stderr)) return 'authentication required';
    if (/not found|does not exist|404/i.test(this.stderr)) return 'repository not found';
    if (/Remote branch .* not found|couldn't find remote ref/i.test(this.stderr)) return 'reference not found';
    return this.stderr.split('\n').pop() ?? this.stderr;
  }
}

/** Where git would fetch `url` from: `https://github.com/` goes to the simulated GitHub. */
function remoteUrl(url: string, access: GitAccess): string {
  if (!access.githubGitUrl || !url.startsWith('https://github.com/')) return url;
  const base = access.githubGitUrl.endsWith('/') ? access.githubGitUrl : `${access.githubGitUrl}/`;
  return `${base}${url.slice('https://github.com/'.length)}`;
}

/**
 * The commit a branch points at, or undefined when the branch does not exist. Asked in-process over
 * git's smart HTTP, as source-controller's go-git client does on every interval (with the
 * credentials up front), rather than through a git process per look.
 */
export async function resolveBranch(url: string, branch: string, access: GitAccess): Promise<string | undefined> {
  const refsUrl = `${remoteUrl(url, access).replace(/\/$/, '')}/info/refs?service=git-upload-pack`;
  const headers: Record<string, string> = { 'User-Agent': 'git/2.0 (go-git)' };
  if (access.password) headers.Authorization = `Basic ${Buffer.from(`${access.username ?? 'git'}:${access.password}`).toString('base64')}`;
  let res: Response;
  try {
    res = await fetch(refsUrl, { headers });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED' ? 'connect: connection refused' : (error as Error).message;
    throw new GitError(`Get "${refsUrl}": dial tcp: ${cause}`);
  }
  const body = await res.text();
  // go-git's wording for what the server's status means.
  if (res.status === 401 || res.status === 403) throw new GitError('authentication required');
  if (res.status === 404) throw new GitError('repository not found');
  if (res.status !== 200) throw new GitError(`unexpected client error: unexpected requesting "${refsUrl}" status code: ${res.status}`);
  // pkt-lines: `<len><sha> <ref>` then a NUL and capabilities on the first, a newline on each.
  const escaped = `refs/heads/${branch}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`([0-9a-f]{40}) ${escaped}(?:\\u0000|\\n)`).exec(body)?.[1];
}

/** A fresh shallow checkout of the branch in a new temporary directory; returns its path. */
export async function checkout(url: string, branch: string, access: GitAccess, parent: string = tmpdir()): Promise<string> {
  const dir = await mkdtemp(join(parent, 'gitrepository-'));
  try {
    await run(access, ['clone', '--quiet', '--depth', '1', '--single-branch', '--branch', branch, url, dir]);
    return dir;
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

export async function headOf(dir: string): Promise<string> {
  return (await run({}, ['rev-parse', 'HEAD'], dir)).trim();
}
