/**
 * git for the lab's local clone. The GitHub token reaches git as an HTTP header set through
 * GIT_CONFIG_COUNT/KEY/VALUE environment variables: it is never in argv (visible in `ps`),
 * never in the remote URL, and never written to .git/config.
 */
import type { CommandSpec } from '../run/types';
import type { RunCommand } from './k3d';

/** Environment that makes one git call authenticate to GitHub with the token (HTTP Basic, as GitHub documents for PATs). */
export function gitTokenEnv(token: string | undefined): Record<string, string> {
  // Without a terminal, a missing credential must fail rather than wait for a prompt nobody sees.
  const env: Record<string, string> = { GIT_TERMINAL_PROMPT: '0' };
  if (!token) return env;
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  return { ...env, GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}` };
}

export const githubRepoUrl = (owner: string, repository: string): string => `https://github.com/${owner}/${repository}.git`;

/** Compares remote URLs the way a person would: scheme, host and owner case-insensitively, `.git` and a trailing slash optional. */
export function sameRepository(a: string, b: string): boolean {
  const norm = (url: string) => url.trim().replace(/\/+$/, '').replace(/\.git$/, '').toLowerCase();
  return norm(a) === norm(b);
}

export interface GitOptions {
  token?: string;
  signal?: AbortSignal;
}

function spec(argv: string[], options: GitOptions, extra: Partial<CommandSpec> = {}): CommandSpec {
  return { argv, env: gitTokenEnv(options.token), ...(options.signal ? { signal: options.signal } : {}), ...extra };
}

export const gitArgv = {
  clone: (url: string, dir: string): string[] => ['git', 'clone', url, dir],
  pull: (dir: string): string[] => ['git', '-C', dir, 'pull', '--ff-only'],
  /** The configured URL, not the one `insteadOf` rewrites it to: what the person typed. */
  originUrl: (dir: string): string[] => ['git', '-C', dir, 'config', '--get', 'remote.origin.url'],
  status: (dir: string): string[] => ['git', '-C', dir, 'status', '--porcelain'],
  head: (dir: string): string[] => ['git', '-C', dir, 'rev-parse', 'HEAD'],
  lsRemote: (dir: string, ref: string): string[] => ['git', '-C', dir, 'ls-remote', 'origin', ref],
  isAncestor: (dir: string, commit: string, of: string): string[] => ['git', '-C', dir, 'merge-base', '--is-ancestor', commit, of],
  add: (dir: string, paths: string[]): string[] => ['git', '-C', dir, 'add', '--', ...paths],
  addAll: (dir: string): string[] => ['git', '-C', dir, 'add', '-A'],
  commit: (dir: string, message: string): string[] => ['git', '-C', dir, 'commit', '-m', message],
  push: (dir: string, branch: string): string[] => ['git', '-C', dir, 'push', 'origin', branch],
};

export async function clone(run: RunCommand, url: string, dir: string, options: GitOptions = {}): Promise<void> {
  await run(spec(gitArgv.clone(url, dir), options));
}

export async function pull(run: RunCommand, dir: string, options: GitOptions = {}): Promise<void> {
  await run(spec(gitArgv.pull(dir), options));
}

/** The origin URL, or undefined when the folder has no `origin` remote (git exits 1). */
export async function originUrl(run: RunCommand, dir: string): Promise<string | undefined> {
  const result = await run({ argv: gitArgv.originUrl(dir), okExitCodes: [0, 1] });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

/** `git status --porcelain` lines: changed, staged and untracked files. Empty means clean. */
export async function changedFiles(run: RunCommand, dir: string): Promise<string[]> {
  const result = await run({ argv: gitArgv.status(dir) });
  return result.stdout.split('\n').filter((line) => line.trim());
}

export async function head(run: RunCommand, dir: string): Promise<string> {
  return (await run({ argv: gitArgv.head(dir) })).stdout.trim();
}

/** The commit a remote branch points at (read-only: nothing local changes), or undefined when the branch does not exist. */
export async function remoteHead(run: RunCommand, dir: string, branch: string, options: GitOptions = {}): Promise<string | undefined> {
  const result = await run(spec(gitArgv.lsRemote(dir, `refs/heads/${branch}`), options));
  const sha = result.stdout.trim().split(/\s+/)[0];
  return sha ? sha : undefined;
}

/** True when `commit` is already part of the local history (false also when it was never fetched). */
export async function contains(run: RunCommand, dir: string, commit: string): Promise<boolean> {
  // 0: ancestor; 1: not an ancestor; 128: the commit is unknown here.
  const result = await run({ argv: gitArgv.isAncestor(dir, commit, 'HEAD'), okExitCodes: [0, 1, 128] });
  return result.exitCode === 0;
}

export async function addAll(run: RunCommand, dir: string): Promise<void> {
  await run({ argv: gitArgv.addAll(dir) });
}

export async function add(run: RunCommand, dir: string, paths: string[]): Promise<void> {
  await run({ argv: gitArgv.add(dir, paths) });
}

export async function commit(run: RunCommand, dir: string, message: string): Promise<void> {
  await run({ argv: gitArgv.commit(dir, message) });
}

export async function push(run: RunCommand, dir: string, branch: string, options: GitOptions = {}): Promise<void> {
  await run(spec(gitArgv.push(dir, branch), options));
}
