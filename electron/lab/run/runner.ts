/**
 * Runs the lab's commands: argument arrays only, pipelines joined here, output streamed masked.
 *
 * API: const runner = createRunner({ masker, baseEnv?, resolve? });  // resolve: await createDefaultResolver()
 *      runner.run(spec, listener?) -> Promise<CommandResult>, rejects with CommandError
 *      describeCommand(spec)       -> `a | b > file`, bash-quoted (mask it before showing)
 *
 * Each process starts detached in its own process group (POSIX) so cancel and timeout can end
 * the whole tree: SIGTERM to the group, SIGKILL after a grace period; `taskkill /T /F` on Windows.
 * The promise settles only after the killed tree is gone, so callers never race leftovers.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, promises as fs, statSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { execa } from 'execa';
import { hintFor } from './hints';
import { SecretMasker } from './mask';
import { CappedText, lastLines, maskedText, OutputChannel } from './output';
import { killProcessTree, trackGroup, untrackGroup, waitForGroupExit } from './processTree';
import { createDefaultResolver, createResolver, type Resolver } from './resolve';
import { formatCommand } from './shellQuote';
import type { CommandResult, CommandSpec, OutputListener } from './types';

export interface RunnerOptions {
  masker?: SecretMasker;
  /** Environment every command starts from; the spec's env is merged over it. Default process.env. */
  baseEnv?: NodeJS.ProcessEnv;
  /**
   * Finds executables. Default: PATH, then the login shell's PATH (read once, on the first run;
   * see loginShellEnv.ts), then the tools' usual install folders.
   */
  resolve?: Resolver;
  /** Set false to skip asking the login shell for its PATH (when no resolve is given). */
  loginShell?: boolean;
  /** Bytes of stdout and of stderr kept in the result (the most recent ones). Default 1 MiB. */
  captureLimit?: number;
  /** Time between SIGTERM and SIGKILL when a tree is killed. Default 3 s. */
  killGraceMs?: number;
  platform?: NodeJS.Platform;
}

export interface Runner {
  run(spec: CommandSpec, listener?: OutputListener): Promise<CommandResult>;
}

export interface CommandErrorDetails {
  command: string;
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  cancelled: boolean;
  hint?: string;
  executable?: string;
  /** Node's error code when a process could not start (ENOENT, EACCES). */
  code?: string;
  durationMs: number;
}

/** A command that failed, was cancelled or timed out. Every text in it is masked. */
export class CommandError extends Error {
  readonly command: string;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The last lines of stderr: what the person needs to see first. */
  readonly stderrTail: string;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  readonly hint?: string;
  readonly executable?: string;
  readonly code?: string;
  readonly durationMs: number;

  constructor(details: CommandErrorDetails, reason?: string) {
    const why =
      reason ??
      (details.cancelled
        ? 'was cancelled'
        : details.timedOut
          ? `timed out after ${Math.round(details.durationMs / 100) / 10} s`
          : details.signal
            ? `was killed by ${details.signal}`
            : `failed with exit code ${details.exitCode}`);
    const tail = lastLines(details.stderr, STDERR_TAIL_LINES);
    super([`${details.command} ${why}`, tail, details.hint ? `Hint: ${details.hint}` : ''].filter(Boolean).join('\n'));
    this.name = 'CommandError';
    this.command = details.command;
    this.exitCode = details.exitCode;
    this.signal = details.signal;
    this.stdout = details.stdout;
    this.stderr = details.stderr;
    this.stderrTail = tail;
    this.timedOut = details.timedOut;
    this.cancelled = details.cancelled;
    if (details.hint !== undefined) this.hint = details.hint;
    if (details.executable !== undefined) this.executable = details.executable;
    if (details.code !== undefined) this.code = details.code;
    this.durationMs = details.durationMs;
  }
}

const STDERR_TAIL_LINES = 20;
const DEFAULT_CAPTURE = 1024 * 1024;
const DEFAULT_GRACE_MS = 3000;

/** The command as a person would type it: `a | b > file`. Not masked: mask it before display. */
export function describeCommand(spec: Pick<CommandSpec, 'argv' | 'pipeTo' | 'outputFile'>, placeholders?: ReadonlySet<string>): string {
  const stages = [spec.argv, ...(spec.pipeTo ?? []).map((stage) => stage.argv)];
  const text = stages.map((argv) => formatCommand(argv, placeholders)).join(' | ');
  return spec.outputFile ? `${text} > ${formatCommand([spec.outputFile], placeholders)}` : text;
}

export function createRunner(options: RunnerOptions = {}): Runner {
  let resolver: Promise<Resolver> | undefined = options.resolve ? Promise.resolve(options.resolve) : undefined;
  const context: RunContext = {
    masker: options.masker ?? new SecretMasker(),
    baseEnv: options.baseEnv ?? process.env,
    resolver: () => (resolver ??= options.loginShell === false ? Promise.resolve(createResolver()) : createDefaultResolver()),
    captureLimit: options.captureLimit ?? DEFAULT_CAPTURE,
    killGraceMs: options.killGraceMs ?? DEFAULT_GRACE_MS,
    platform: options.platform ?? process.platform,
  };
  return { run: (spec, listener) => runCommand(context, spec, listener ?? {}) };
}

interface RunContext {
  masker: SecretMasker;
  baseEnv: NodeJS.ProcessEnv;
  resolver: () => Promise<Resolver>;
  captureLimit: number;
  killGraceMs: number;
  platform: NodeJS.Platform;
}

interface StageOutcome {
  exitCode: number | null;
  signal: string | null;
  code?: string;
}

async function runCommand(context: RunContext, spec: CommandSpec, listener: OutputListener): Promise<CommandResult> {
  const startedAt = performance.now();
  const { masker } = context;
  const command = masker.mask(describeCommand(spec));
  const stages = [{ argv: spec.argv, env: spec.env }, ...(spec.pipeTo ?? []).map((stage) => ({ argv: stage.argv, env: { ...spec.env, ...stage.env } }))];
  const cwd = path.resolve(spec.cwd ?? process.cwd());
  const stdoutCapture = new CappedText(context.captureLimit);
  const stderrCapture = new CappedText(context.captureLimit);

  const fail = (details: Partial<CommandErrorDetails>, reason?: string): CommandError =>
    new CommandError(
      {
        command,
        exitCode: null,
        signal: null,
        stdout: maskedText(stdoutCapture, masker),
        stderr: maskedText(stderrCapture, masker),
        timedOut: false,
        cancelled: false,
        durationMs: performance.now() - startedAt,
        ...details,
      },
      reason,
    );

  for (const stage of stages) {
    if (stage.argv.length === 0 || !stage.argv[0]) throw fail({}, 'has an empty argument list');
  }
  if (!isDirectory(cwd)) throw fail({}, `cannot run: the folder ${masker.mask(cwd)} does not exist`);
  if (spec.signal?.aborted) throw fail({ cancelled: true });

  const envs = stages.map((stage) => mergeEnv(context.baseEnv, stage.env));
  const resolve = await context.resolver();
  const executables: string[] = [];
  for (const [index, stage] of stages.entries()) {
    const tool = stage.argv[0]!;
    const found = resolve(tool, envs[index]!);
    if (!found) {
      throw fail({ code: 'ENOENT', hint: hintFor({ tool: path.basename(tool), code: 'ENOENT', output: '' }) }, `cannot run: ${path.basename(tool)} was not found`);
    }
    executables.push(found);
  }

  const output = spec.outputFile ? await openAtomicOutput(path.resolve(cwd, spec.outputFile)).catch((error: NodeJS.ErrnoException) => {
    throw fail({ code: error.code }, `cannot write ${masker.mask(spec.outputFile!)}: ${error.code ?? error.message}`);
  }) : undefined;

  const detached = context.platform !== 'win32';
  const processes = stages.map((stage, index) =>
    execa(executables[index]!, stage.argv.slice(1), {
      shell: false,
      env: envs[index],
      extendEnv: false,
      cwd,
      stdin: index > 0 || spec.stdin !== undefined ? 'pipe' : 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: false,
      encoding: 'buffer',
      detached,
      // Detached children are not reached by execa's exit cleanup; trackGroup covers them.
      cleanup: !detached,
      reject: false,
      windowsHide: true,
    }),
  );
  const pids = processes.map((child) => child.pid).filter((pid): pid is number => pid !== undefined);
  if (detached) pids.forEach(trackGroup);

  // Join the pipeline. If a reader exits early, closing the writer's stdout gives the writer
  // EPIPE/SIGPIPE, exactly as in a shell pipeline, instead of leaving it blocked forever.
  for (let index = 0; index + 1 < processes.length; index++) {
    const from = processes[index]!.stdout as Readable;
    const to = processes[index + 1]!.stdin as Writable;
    to.on('error', () => from.destroy());
    from.pipe(to);
  }
  const first = processes[0]!.stdin as Writable | null;
  if (first && spec.stdin !== undefined) {
    first.on('error', () => undefined);
    first.end(spec.stdin);
  }

  const drained: Array<Promise<void>> = [];
  for (const child of processes) {
    drained.push(consume(child.stderr as Readable, new OutputChannel('stderr', masker, listener, stderrCapture)));
  }
  const last = processes[processes.length - 1]!.stdout as Readable;
  drained.push(output ? output.fill(last) : consume(last, new OutputChannel('stdout', masker, listener, stdoutCapture)));

  let timedOut = false;
  let cancelled = false;
  let killRequested = false;
  let forceTimer: NodeJS.Timeout | undefined;
  const killAll = (): void => {
    if (killRequested) return;
    killRequested = true;
    for (const pid of pids) killProcessTree(pid, 'SIGTERM', context.platform);
    forceTimer = setTimeout(() => {
      for (const pid of pids) killProcessTree(pid, 'SIGKILL', context.platform);
    }, context.killGraceMs);
  };
  const timeoutTimer =
    spec.timeoutMs !== undefined
      ? setTimeout(() => {
          timedOut = true;
          killAll();
        }, spec.timeoutMs)
      : undefined;
  const onAbort = (): void => {
    cancelled = true;
    killAll();
  };
  spec.signal?.addEventListener('abort', onAbort, { once: true });
  // Aborted while the output file was being opened: the event has already fired.
  if (spec.signal?.aborted) onAbort();

  let outcomes: StageOutcome[];
  try {
    const results = await Promise.all(processes);
    await Promise.allSettled(drained);
    outcomes = results.map((result) => ({
      exitCode: result.exitCode ?? null,
      signal: result.signal ?? null,
      ...(result.code ? { code: result.code } : {}),
    }));
  } finally {
    if (timeoutTimer) clearTimeout(timeoutTimer);
    spec.signal?.removeEventListener('abort', onAbort);
    if (killRequested && detached) {
      // Grandchildren may outlive the leader; wait until the group is empty (SIGKILL included).
      await Promise.all(pids.map((pid) => waitForGroupExit(pid, { timeoutMs: context.killGraceMs * 2 + 1000 })));
    }
    if (forceTimer) clearTimeout(forceTimer);
    if (detached) pids.forEach(untrackGroup);
  }

  const failing = [...outcomes].reverse().find((outcome) => outcome.exitCode !== 0);
  const exitCode = failing?.exitCode ?? 0;
  const ok = !cancelled && !timedOut && failing?.signal == null && failing?.code === undefined && (spec.okExitCodes ?? [0]).includes(exitCode);
  if (!ok) {
    await output?.discard();
    const failingIndex = failing ? outcomes.lastIndexOf(failing) : 0;
    const tool = path.basename(stages[failingIndex]!.argv[0]!);
    const stderr = maskedText(stderrCapture, masker);
    const code = failing?.code;
    throw fail({
      exitCode: failing?.exitCode ?? null,
      signal: failing?.signal ?? null,
      timedOut,
      cancelled,
      executable: executables[failingIndex],
      ...(code ? { code } : {}),
      hint: cancelled || timedOut ? undefined : hintFor({ tool, ...(code ? { code } : {}), output: stderr + '\n' + maskedText(stdoutCapture, masker).slice(-4096) }),
    });
  }
  if (output) {
    try {
      await output.commit();
    } catch (error) {
      await output.discard().catch(() => undefined);
      const code = (error as NodeJS.ErrnoException).code;
      throw fail({ exitCode, ...(code ? { code } : {}) }, `could not write ${masker.mask(spec.outputFile!)}: ${code ?? String(error)}`);
    }
  }
  return {
    exitCode,
    stdout: maskedText(stdoutCapture, masker),
    stderr: maskedText(stderrCapture, masker),
    executable: executables[0]!,
    durationMs: performance.now() - startedAt,
  };
}

function mergeEnv(base: NodeJS.ProcessEnv, extra: Record<string, string> | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) if (value !== undefined) env[name] = value;
  return extra ? Object.assign(env, extra) : env;
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

function consume(stream: Readable | null | undefined, channel: OutputChannel): Promise<void> {
  if (!stream) return Promise.resolve();
  return new Promise((resolve) => {
    stream.on('data', (chunk: Buffer) => channel.write(chunk));
    let finished = false;
    const done = (): void => {
      if (finished) return;
      finished = true;
      channel.end();
      resolve();
    };
    stream.once('end', done);
    stream.once('error', done);
    stream.once('close', done);
  });
}

interface AtomicOutput {
  fill(stream: Readable | null | undefined): Promise<void>;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

/**
 * `> file`, but atomic: the output goes to a private temporary file beside the target (mode 0600,
 * same file system) and replaces the target only when the whole command succeeded. The bytes are
 * written as the command printed them, unmasked: the file is the tutorial's artefact (e.g. a
 * SealedSecret), and masking would corrupt it.
 */
async function openAtomicOutput(target: string): Promise<AtomicOutput> {
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(temp, 'wx', 0o600);
  let file: WriteStream | undefined;
  let written: Promise<void> = Promise.resolve();
  return {
    fill(stream) {
      file = createWriteStream(temp, { fd: handle, autoClose: true });
      written = new Promise((resolve, reject) => {
        file!.once('finish', resolve);
        file!.once('error', reject);
      });
      if (stream) stream.pipe(file);
      else file.end();
      return written.catch(() => undefined);
    },
    async commit() {
      await written;
      await waitClosed(file);
      await fs.rename(temp, target);
    },
    async discard() {
      await written.catch(() => undefined);
      await waitClosed(file);
      await fs.rm(temp, { force: true });
    },
  };
}

function waitClosed(file: WriteStream | undefined): Promise<void> {
  if (!file || file.closed) return Promise.resolve();
  return new Promise((resolve) => file.once('close', () => resolve()));
}
