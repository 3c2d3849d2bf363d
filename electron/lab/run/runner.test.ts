import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SecretMasker } from './mask';
import { processAlive } from './processTree';
import { CommandError, createRunner, describeCommand } from './runner';
import type { OutputSource } from './types';

const node = process.execPath;
const work = realpathSync(mkdtempSync(path.join(tmpdir(), 'lab-runner-')));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * A command that starts grandchildren, prints its own and their pids, then waits. `stubborn`:
 * it and one grandchild (a node process) ignore SIGTERM, so only SIGKILL ends them; otherwise two
 * `sleep`s, with the pids printed at once.
 */
const treeScript = path.join(work, 'tree.cjs');
writeFileSync(
  treeScript,
  `const { spawn } = require('child_process');
const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
if (process.argv[2] === 'stubborn') {
  process.on('SIGTERM', () => {});
  const stubborn = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000); console.log('ready')"], { stdio: ['ignore', 'pipe', 'ignore'] });
  stubborn.stdout.once('data', () => console.log('pids ' + process.pid + ' ' + sleeper.pid + ' ' + stubborn.pid));
} else {
  const second = spawn('sleep', ['30'], { stdio: 'ignore' });
  console.log('pids ' + process.pid + ' ' + sleeper.pid + ' ' + second.pid);
}
setInterval(() => {}, 1000);
`,
);

async function failure(promise: Promise<unknown>): Promise<CommandError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(CommandError);
    return error as CommandError;
  }
  throw new Error('expected the command to fail');
}

function collect(): { chunks: Record<OutputSource, string>; lines: Record<OutputSource, string[]>; listener: Parameters<ReturnType<typeof createRunner>['run']>[1] } {
  const chunks: Record<OutputSource, string> = { stdout: '', stderr: '' };
  const lines: Record<OutputSource, string[]> = { stdout: [], stderr: [] };
  return {
    chunks,
    lines,
    listener: {
      onChunk: (source, data) => (chunks[source] += data),
      onLine: (source, line) => lines[source].push(line),
    },
  };
}

describe('runner', () => {
  const runner = createRunner({ killGraceMs: 400 });

  it('passes arguments with spaces, quotes and shell characters unchanged', async () => {
    const args = ['a b', "it's", '"double"', '$HOME', '*', '', 'semi;colon | pipe', 'new\nline'];
    const result = await runner.run({ argv: [node, '-e', 'console.log(JSON.stringify(process.argv.slice(1)))', ...args] });
    expect(JSON.parse(result.stdout)).toEqual(args);
    expect(result.exitCode).toBe(0);
    expect(result.executable).toBe(node);
  });

  it('merges the call env over the base env and passes nothing else', async () => {
    const isolated = createRunner({ baseEnv: { PATH: process.env.PATH!, FOO: 'base', KEEP: 'kept' } });
    const result = await isolated.run({
      argv: [node, '-e', 'console.log([process.env.FOO, process.env.KEEP, process.env.BAR, process.env.HOME ?? "none"].join(","))'],
      env: { FOO: 'override', BAR: 'added' },
    });
    expect(result.stdout.trim()).toBe('override,kept,added,none');
  });

  it('runs in the given cwd and feeds stdin', async () => {
    const result = await runner.run({
      argv: [node, '-e', 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(process.cwd()+"|"+s.toUpperCase()))'],
      cwd: work,
      stdin: 'hello\nworld',
    });
    expect(result.stdout).toBe(`${work}|HELLO\nWORLD\n`);
  });

  it('joins a pipeline: stdout of one into stdin of the next', async () => {
    const { lines, listener } = collect();
    const result = await runner.run(
      {
        argv: [node, '-e', 'for (let i = 1; i <= 3; i++) console.log("line " + i); console.error("from first")'],
        pipeTo: [
          { argv: [node, '-e', 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(s.split("\\n").reverse().join("\\n")+process.env.SUFFIX))'], env: { SUFFIX: '!' } },
        ],
      },
      listener,
    );
    expect(result.stdout).toBe('\nline 3\nline 2\nline 1!');
    expect(lines.stdout).toEqual(['', 'line 3', 'line 2', 'line 1!']);
    expect(lines.stderr).toEqual(['from first']);
    expect(result.executable).toBe(node);
  });

  it('fails a pipeline when an earlier stage fails, like pipefail', async () => {
    const error = await failure(
      runner.run({
        argv: [node, '-e', 'console.error("boom"); process.exit(3)'],
        pipeTo: [{ argv: [node, '-e', 'process.stdin.resume()'] }],
      }),
    );
    expect(error.exitCode).toBe(3);
    expect(error.stderrTail).toBe('boom');
  });

  it('writes outputFile atomically with mode 0600 and leaves the target alone on failure', async () => {
    const target = path.join(work, 'sealed.yaml');
    await runner.run({
      argv: [node, '-e', 'console.log("kind: Secret")'],
      pipeTo: [{ argv: [node, '-e', 'process.stdin.on("data",d=>process.stdout.write(String(d).replace("Secret","SealedSecret")))'] }],
      outputFile: 'sealed.yaml',
      cwd: work,
    });
    expect(readFileSync(target, 'utf8')).toBe('kind: SealedSecret\n');
    expect(statSync(target).mode & 0o777).toBe(0o600);

    await failure(runner.run({ argv: [node, '-e', 'console.log("partial"); process.exit(1)'], outputFile: target }));
    expect(readFileSync(target, 'utf8')).toBe('kind: SealedSecret\n');
    expect(readdirSync(work).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('reports a failure with exit code, masked stderr tail and a hint', async () => {
    const error = await failure(
      runner.run({
        argv: [node, '-e', 'for (let i = 1; i <= 30; i++) console.error("noise " + i); console.error("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?"); process.exit(1)'],
      }),
    );
    expect(error.exitCode).toBe(1);
    expect(error.signal).toBeNull();
    expect(error.timedOut).toBe(false);
    const tail = error.stderrTail.split('\n');
    expect(tail).toHaveLength(20);
    expect(tail[0]).toBe('noise 12');
    expect(tail[19]).toMatch(/^Cannot connect to the Docker daemon/);
    expect(error.hint).toMatch(/start Docker Desktop/);
    expect(error.message).toContain('failed with exit code 1');
    expect(error.executable).toBe(node);
  });

  it('accepts exit codes listed in okExitCodes', async () => {
    const result = await runner.run({ argv: [node, '-e', 'process.exit(1)'], okExitCodes: [0, 1] });
    expect(result.exitCode).toBe(1);
  });

  it('explains a missing executable', async () => {
    const error = await failure(runner.run({ argv: ['no-such-tool-xyz', 'version'] }));
    expect(error.code).toBe('ENOENT');
    expect(error.hint).toBe('no-such-tool-xyz is not installed or not on PATH: run the Tools step / asdf install');
  });

  it('uses the injected resolver and reports the executable it chose', async () => {
    const seen: string[] = [];
    const custom = createRunner({
      resolve: (name) => {
        seen.push(name);
        return name === 'lab-node' ? node : undefined;
      },
    });
    const result = await custom.run({ argv: ['lab-node', '-e', 'console.log(1)'] });
    expect(seen).toEqual(['lab-node']);
    expect(result.executable).toBe(node);
  });

  it('streams raw chunks with colours and lines without CRLF or a final newline', async () => {
    const { chunks, lines, listener } = collect();
    await runner.run({ argv: [node, '-e', 'process.stdout.write("\\u001b[32mgreen\\u001b[0m\\r\\nsecond\\nlast")'] }, listener);
    expect(chunks.stdout).toBe('\u001b[32mgreen\u001b[0m\r\nsecond\nlast');
    expect(lines.stdout).toEqual(['\u001b[32mgreen\u001b[0m', 'second', 'last']);
  });

  it('caps the captured output to the most recent characters', async () => {
    const capped = createRunner({ captureLimit: 1000 });
    const result = await capped.run({ argv: [node, '-e', 'for (let i = 0; i < 2000; i++) process.stdout.write(String(i % 10).repeat(10))'] });
    expect(result.stdout).toHaveLength(1000);
    expect(result.stdout.endsWith('9999999999')).toBe(true);
  });

  it('masks secrets in chunks, lines, captured output, errors and the command', async () => {
    const masker = new SecretMasker();
    masker.register('ghp_SuperSecretToken123', { name: 'GITHUB_TOKEN' });
    const masked = createRunner({ masker });
    const { chunks, lines, listener } = collect();
    // The secret is written in two pieces, so it arrives split across chunks.
    const script =
      'process.stdout.write("token=ghp_Super"); setTimeout(() => { process.stdout.write("SecretToken123\\n"); console.error("bad ghp_SuperSecretToken123"); process.exit(2) }, 50)';
    const error = await failure(masked.run({ argv: [node, '-e', script, '--', '--token=ghp_SuperSecretToken123'] }, listener));
    const everything = [chunks.stdout, chunks.stderr, ...lines.stdout, ...lines.stderr, error.stdout, error.stderr, error.stderrTail, error.message, error.command].join('\n');
    expect(everything).not.toContain('ghp_SuperSecretToken123');
    expect(lines.stdout).toEqual(['token=***']);
    expect(chunks.stdout).toBe('token=***\n');
    expect(error.stderrTail).toBe('bad ***');
    expect(error.command.endsWith(' -- --token=***')).toBe(true);
    expect(error.exitCode).toBe(2);
  });

  it('kills the whole tree on cancel, grandchildren included, escalating to SIGKILL', async () => {
    const controller = new AbortController();
    let pids: number[] = [];
    const error = await failure(
      runner.run(
        { argv: [node, treeScript, 'stubborn'], signal: controller.signal },
        {
          onLine: (_source, line) => {
            if (!line.startsWith('pids ')) return;
            pids = line.slice(5).split(' ').map(Number);
            controller.abort();
          },
        },
      ),
    );
    expect(error.cancelled).toBe(true);
    expect(error.signal).toBe('SIGKILL');
    expect(pids).toHaveLength(3);
    expect(pids.filter(processAlive)).toEqual([]);
  });

  it('kills the whole tree on timeout', async () => {
    let pids: number[] = [];
    const error = await failure(
      runner.run(
        // Long enough for node to start and print the pids on a busy machine.
        { argv: [node, treeScript], timeoutMs: 2500 },
        { onLine: (_source, line) => (pids = line.startsWith('pids ') ? line.slice(5).split(' ').map(Number) : pids) },
      ),
    );
    expect(error.timedOut).toBe(true);
    expect(error.message).toContain('timed out');
    expect(pids).toHaveLength(3);
    expect(pids.filter(processAlive)).toEqual([]);
  });

  it('does not start a command whose signal is already aborted', async () => {
    const marker = path.join(work, 'started');
    const error = await failure(
      runner.run({ argv: [node, '-e', `require("fs").writeFileSync(${JSON.stringify(marker)}, "x")`], signal: AbortSignal.abort() }),
    );
    expect(error.cancelled).toBe(true);
    expect(() => statSync(marker)).toThrow();
  });

  it('refuses a working directory that does not exist', async () => {
    const error = await failure(runner.run({ argv: [node, '-v'], cwd: path.join(work, 'missing') }));
    expect(error.message).toMatch(/does not exist/);
  });
});

describe('describeCommand', () => {
  it('renders pipelines and output files as a person would type them', () => {
    expect(
      describeCommand({
        argv: ['kubectl', 'create', 'secret', 'generic', 'foobar', '--from-literal=foo=bar', '--dry-run=client', '-o', 'yaml'],
        pipeTo: [{ argv: ['kubeseal', '--format', 'yaml'] }],
        outputFile: 'my dir/sealed.yaml',
      }),
    ).toBe("kubectl create secret generic foobar --from-literal=foo=bar --dry-run=client -o yaml | kubeseal --format yaml > 'my dir/sealed.yaml'");
  });
});
