/**
 * The runner's contract, shared by the engine, the tool adapters and their tests.
 * A command is an argument array (never a shell string); a pipeline is a list of them.
 */
export interface CommandSpec {
  /** Executable name or path, then its arguments. */
  argv: string[];
  /** Extra environment for this call. Secrets travel here or on stdin, never in argv. */
  env?: Record<string, string>;
  cwd?: string;
  /** Data written to the first process's stdin, then closed. */
  stdin?: string | Buffer;
  /** Kills the whole process tree after this many milliseconds. */
  timeoutMs?: number;
  /** Aborting kills the whole process tree. */
  signal?: AbortSignal;
  /** Later processes of a pipeline: each reads the previous one's stdout. */
  pipeTo?: Array<Pick<CommandSpec, 'argv' | 'env'>>;
  /** Write the last process's stdout to this file (the tutorial's `> file`) instead of streaming it. */
  outputFile?: string;
  /** Exit codes that count as success (default [0]). */
  okExitCodes?: number[];
}

export type OutputSource = 'stdout' | 'stderr';

export interface OutputListener {
  /** Raw chunks with ANSI colours kept, secrets masked: for the terminal. */
  onChunk?(source: OutputSource, data: string): void;
  /** Complete lines without the line ending, secrets masked: for parsers. */
  onLine?(source: OutputSource, line: string): void;
}

export interface CommandResult {
  exitCode: number;
  /** Captured output, masked; capped so a flood cannot exhaust memory. */
  stdout: string;
  stderr: string;
  /** Absolute path of the executable that ran (the first of a pipeline). */
  executable: string;
  durationMs: number;
}
