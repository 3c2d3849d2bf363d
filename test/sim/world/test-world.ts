import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWorld, type World, type WorldOptions } from './world.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface TestWorld {
  world: World;
  /** A project folder (cwd of every command) and HOME, inside the temp dir. */
  workDir: string;
  /** Runs a shell command line with env.sh sourced, as a user would after `. DIR/env.sh`. */
  sh(command: string, extraEnv?: Record<string, string>): Promise<RunResult>;
  /** Runs one executable with the env parsed from env.sh (no shell in between). */
  exec(file: string, args: string[], extraEnv?: Record<string, string>): Promise<RunResult>;
  control<T = unknown>(path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Runs `body` with the fault on, and turns it off again however `body` ends. */
  withFault<T>(fault: string, body: () => Promise<T>): Promise<T>;
  dispose(): Promise<void>;
}

/**
 * A world in a fresh temp dir for one test file: fast time scale, its own HOME and project
 * folder, and real processes for every command. `dispose` stops the world and deletes the folder.
 */
export async function startTestWorld(options: Partial<WorldOptions> = {}): Promise<TestWorld> {
  const root = mkdtempSync(join(tmpdir(), 'lab-world-'));
  const stateDir = options.stateDir ?? join(root, 'world');
  const workDir = join(root, 'work');
  mkdirSync(workDir, { recursive: true });
  const world = await startWorld({ timeScale: 0.001, ...options, stateDir });
  const baseEnv = (): Record<string, string> => ({ ...world.env(), HOME: workDir, LANG: 'C' });
  async function control<T>(path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${world.url}${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as T };
  }
  const collect = (file: string, args: string[], env: Record<string, string>): Promise<RunResult> => runProcess(file, args, env, workDir);
  return {
    world,
    workDir,
    sh: (command, extraEnv = {}) => collect('bash', ['-c', `. ${JSON.stringify(world.envFile)} && ${command}`], { PATH: process.env.PATH ?? '', HOME: workDir, LANG: 'C', ...extraEnv }),
    exec: (file, args, extraEnv = {}) => collect(file, args, { ...baseEnv(), ...extraEnv }),
    control,
    async withFault(fault, body) {
      await control('/faults', { enable: [fault] });
      try {
        return await body();
      } finally {
        await control('/faults', { disable: [fault] });
      }
    },
    async dispose() {
      await world.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * Runs a process to completion without blocking the event loop: the world (and its API servers)
 * lives in the test's own process and must keep answering while the command runs.
 */
export function runProcess(file: string, args: string[], env: Record<string, string>, cwd: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
