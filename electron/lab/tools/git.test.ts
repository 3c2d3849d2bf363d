import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { gitArgv, gitTokenEnv, sameRepository } from './git';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('git adapter', () => {
  it('passes the token as an HTTP header through GIT_CONFIG_* variables, never in argv', () => {
    const env = gitTokenEnv('ghp_secret');
    expect(env).toEqual({
      GIT_TERMINAL_PROMPT: '0',
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.extraHeader',
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from('x-access-token:ghp_secret').toString('base64')}`,
    });
    expect(gitTokenEnv(undefined)).toEqual({ GIT_TERMINAL_PROMPT: '0' });
    for (const argv of [gitArgv.clone('https://github.com/a/b.git', '/tmp/b'), gitArgv.pull('/tmp/b'), gitArgv.push('/tmp/b', 'main')]) {
      expect(argv.join(' ')).not.toContain('ghp_secret');
    }
  });

  it('git sees the header as configuration while .git/config stays free of it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-git-'));
    dirs.push(dir);
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: dir, GIT_CONFIG_NOSYSTEM: '1', ...gitTokenEnv('ghp_secret') };
    execFileSync('git', ['init', '-q', dir], { env });
    const seen = execFileSync('git', ['-C', dir, 'config', '--get', 'http.extraHeader'], { env, encoding: 'utf8' });
    expect(seen.trim()).toBe(env.GIT_CONFIG_VALUE_0);
    expect(fs.readFileSync(path.join(dir, '.git', 'config'), 'utf8')).not.toContain('Authorization');
  });

  it('compares remote URLs ignoring .git, a trailing slash and case', () => {
    expect(sameRepository('https://github.com/Ada/devflux.git', 'https://github.com/ada/devflux')).toBe(true);
    expect(sameRepository('https://github.com/ada/devflux/', 'https://github.com/ada/devflux.git')).toBe(true);
    expect(sameRepository('https://github.com/ada/other.git', 'https://github.com/ada/devflux.git')).toBe(false);
  });
});
