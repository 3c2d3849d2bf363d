/**
 * The state file is a cache and the world is the truth: an engine process killed with SIGKILL
 * in the middle of a step (after its side effect, before completion is recorded) is followed
 * by a new process on the same data directory that re-checks the world, does not repeat the
 * side effect, and completes the remaining steps.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const childScript = path.join(root, 'test/sim/engine-resume-child.ts');

let tmp: string;
const children: ChildProcess[] = [];

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-resume-'));
  fs.mkdirSync(path.join(tmp, 'world'));
  fs.mkdirSync(path.join(tmp, 'data'));
});
afterEach(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.length = 0;
  fs.rmSync(tmp, { recursive: true, force: true });
});

function startChild(hang: boolean): { child: ChildProcess; stdout: () => string; exited: Promise<{ code: number | null; signal: string | null }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      WORLD_DIR: path.join(tmp, 'world'),
      DATA_DIR: path.join(tmp, 'data'),
      HANG_AFTER_CREATE: hang ? '1' : '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      if (code !== 0 && signal === null) out += `\n[child stderr]\n${err}`;
      resolve({ code, signal });
    }),
  );
  return { child, stdout: () => out, exited };
}

function readCount(name: string): number {
  const file = path.join(tmp, 'world', `${name}.count`);
  return fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8')) : 0;
}

describe('engine resume after kill -9', () => {
  it('re-checks the world and completes without repeating the side effect', async () => {
    const first = startChild(true);
    await new Promise<void>((resolve, reject) => {
      first.child.stdout!.on('data', () => {
        if (first.stdout().includes('side-effect-done')) resolve();
      });
      first.exited.then(({ code, signal }) => reject(new Error(`child exited early (${code ?? signal}): ${first.stdout()}`)));
    });
    first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });

    // Killed mid-step: the side effect happened, the saved state still says running.
    const saved = JSON.parse(fs.readFileSync(path.join(tmp, 'data', 'state.json'), 'utf8'));
    expect(saved.steps.prepare.status).toBe('succeeded');
    expect(saved.steps.create.status).toBe('running');
    expect(saved.steps.finish?.status ?? 'pending').toBe('pending');
    expect(readCount('create')).toBe(1);

    const second = startChild(false);
    const { code } = await second.exited;
    expect(code, second.stdout()).toBe(0);
    const result = JSON.parse(second.stdout().trim().split('\n').pop()!);
    expect(result.steps.prepare.status).toBe('succeeded');
    expect(result.steps.create).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(result.steps.finish).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(readCount('prepare')).toBe(1);
    expect(readCount('create')).toBe(1);
    expect(readCount('finish')).toBe(1);
    // The step log says why the step was not run again.
    const log = fs.readFileSync(path.join(tmp, 'data', 'logs', 'create.log'), 'utf8');
    expect(log).toContain('Found already done');
  });
});
