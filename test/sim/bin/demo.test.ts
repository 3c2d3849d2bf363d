import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../world/repo-root.js';

describe('npm run demo', () => {
  let demo: ChildProcess | undefined;

  afterAll(async () => {
    if (demo && demo.exitCode === null) {
      const gone = new Promise((resolve) => demo!.once('exit', resolve));
      demo.kill('SIGINT');
      await gone;
    }
  });

  it('serves the app against a fresh world in rehearsal mode, and Ctrl-C stops both and removes the world', async () => {
    demo = spawn(process.execPath, ['--import', 'tsx', 'test/sim/bin/demo.ts', '--time-scale', '0.001'], { cwd: repoRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    demo.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const printed = await new Promise<string>((resolve, reject) => {
      demo!.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ctrl-C stops everything.')) resolve(out);
      });
      demo!.once('exit', (code) => reject(new Error(`demo exited (${code}) early:\n${out}`)));
    });
    const url = /open (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(printed)?.[1];
    expect(url).toBeDefined();
    const stateDir = /world state: (\S+)/.exec(printed)?.[1] ?? '';
    // The engine's environment is env.sh, which puts the app in rehearsal mode.
    expect(readFileSync(`${stateDir}/env.sh`, 'utf8')).toMatch(/LAB_REHEARSAL='?1'?/);
    expect(printed).toMatch(/GitHub user lab-student/);

    // The one-time link signs the browser in and redirects to the app.
    const signIn = await fetch(url!, { redirect: 'manual' });
    expect(signIn.status).toBe(302);
    const cookie = signIn.headers.get('set-cookie') ?? '';
    expect(cookie).not.toBe('');

    const exited = new Promise<number | null>((resolve) => demo!.once('exit', resolve));
    demo.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(existsSync(stateDir)).toBe(false);
  });
});
