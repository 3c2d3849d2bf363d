/**
 * `npm run demo [-- --state DIR] [--port N] [--time-scale X] [--fault NAME ...]`: a rehearsal of the
 * whole lab in the browser. Starts the simulated world (a temp folder unless --state is given;
 * its GitHub user and token are in env.sh), then the app's web host with an engine whose
 * environment is the world's env.sh, and prints the URL. Ctrl-C stops both.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs as parseArgv } from 'node:util';
import { repoRoot } from '../world/repo-root.js';
import { startWorld } from '../world/world.js';

const USAGE = 'usage: demo [--state DIR] [--port N] [--time-scale X] [--fault NAME ...]\n';

interface Args {
  state?: string;
  port: number;
  timeScale?: number;
  faults: string[];
}

function parseArgs(argv: string[]): Args {
  const { values } = parseArgv({
    args: argv,
    options: { state: { type: 'string' }, port: { type: 'string', default: '0' }, 'time-scale': { type: 'string' }, fault: { type: 'string', multiple: true, default: [] } },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port wants a port number (0: any free port)');
  return {
    port,
    faults: values.fault ?? [],
    ...(values.state !== undefined ? { state: resolve(values.state) } : {}),
    ...(values['time-scale'] !== undefined ? { timeScale: Number(values['time-scale']) } : {}),
  };
}

/** Resolves with the URL the web host prints, or rejects when it exits first. */
function waitForUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolveUrl, reject) => {
    let seen = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      seen += chunk.toString();
      const match = /running at (\S+)/.exec(seen);
      if (match) resolveUrl(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`lab serve exited (${code ?? 'signal'}) before printing its URL`)));
  });
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`demo: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const root = repoRoot();
  if (!existsSync(join(root, 'out', 'cli', 'lab.mjs'))) {
    process.stdout.write('building the app first (npm run build)...\n');
    if (spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' }).status !== 0) return 1;
  }
  const temp = args.state ? undefined : mkdtempSync(join(tmpdir(), 'lab-demo-'));
  const stateDir = args.state ?? join(temp!, 'world');
  const world = await startWorld({ stateDir, faults: args.faults, ...(args.timeScale !== undefined ? { timeScale: args.timeScale } : {}) });
  const env = world.env();
  // Its own process group: Ctrl-C in this terminal reaches the demo, which stops the host first.
  const host = spawn(process.execPath, [join(root, 'bin', 'lab.js'), 'serve', '--port', String(args.port)], { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  const exited = new Promise<number>((resolveExit) => host.once('exit', (code) => resolveExit(code ?? 0)));
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    if (host.exitCode === null && host.pid) host.kill('SIGINT');
  };
  // `on`, not `once`: a terminal's Ctrl-C reaches this process both directly and relayed by
  // npm/tsx, and a second default-handled SIGINT would kill it before the world is closed.
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    const url = await waitForUrl(host);
    process.stdout.write(
      `\nrehearsal: every tool talks to a simulated world (time scale ${world.clock.scale})\n` +
        `  open ${url}\n` +
        `  GitHub user ${env.GITHUB_USER ?? '?'}; its token is in the engine's environment (GITHUB_TOKEN, from ${world.envFile})\n` +
        `  world state: ${stateDir}${temp ? ' (deleted on exit)' : ''}\n` +
        `  in a shell:  . ${world.envFile}   then k3d, kubectl, flux, gcloud... reach the same world\n` +
        'Ctrl-C stops everything.\n',
    );
  } catch (error) {
    process.stderr.write(`demo: ${(error as Error).message}\n`);
  }
  const code = await exited;
  await world.close();
  if (temp) rmSync(temp, { recursive: true, force: true });
  return stopping ? 0 : code;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
