/**
 * The `lab` CLI in-process over an engine the test makes (small fake steps, a data folder of its
 * own): what it prints is collected, and `shutdown` plays the person's Ctrl-C.
 */
import type { CliDeps } from '../../electron/hosts/cli/program';
import type { Engine } from '../../electron/lab/engine/index';

export interface CliHarness {
  deps: CliDeps;
  out(): string;
  err(): string;
  /** Resolves the CLI's wait for shutdown, as Ctrl-C does. */
  shutdown(): void;
}

/** `extra` replaces any of the deps (no terminal, another environment, another engine...). */
export function cliHarness(engine: () => Engine, extra: Partial<CliDeps> = {}): CliHarness {
  const out: string[] = [];
  const err: string[] = [];
  let shutdown: () => void = () => undefined;
  const deps: CliDeps = {
    version: '1.0.0',
    createEngine: () => engine(),
    startWebHost: async () => {
      throw new Error('not used');
    },
    staticDir: '/nonexistent',
    env: { GITHUB_TOKEN: 'ghp_test' },
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    openBrowser: () => undefined,
    waitForShutdown: () => new Promise<void>((resolve) => (shutdown = resolve)),
    ...extra,
  };
  return { deps, out: () => out.join(''), err: () => err.join(''), shutdown: () => shutdown() };
}
