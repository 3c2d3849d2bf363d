/**
 * The `lab` command line: its commands and options, with every side effect (the engine, the web
 * host, output, signals) passed in, so tests run it in-process against fakes.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatProblem, runGuards } from '../../lab/gitops/guards';
import { createRunner } from '../../lab/run/runner';
import { doctorJson, formatDoctor } from '../../lab/doctor';
import { doctorCommand } from '../../lab/doctor/command';
import type { HostBackend } from '../backend';
import type { WebHost, WebHostOptions } from '../web/server';
import { statusJson, statusTable } from './status-table';

/** The engine as the CLI uses it (see electron/lab/engine). */
export type CliEngine = HostBackend & {
  /** Loads saved state and re-checks the steps against the world; notices are for the person. */
  start(): Promise<{ notices: string[] }>;
  close(): Promise<void>;
};

export interface CliEngineOptions {
  dataDir?: string;
  env?: NodeJS.ProcessEnv;
}

export interface CliDeps {
  version: string;
  createEngine(options: CliEngineOptions): CliEngine;
  startWebHost(options: WebHostOptions): Promise<WebHost>;
  /** The built renderer served by `lab serve`. */
  staticDir: string;
  env: NodeJS.ProcessEnv;
  stdout(text: string): void;
  stderr(text: string): void;
  openBrowser(url: string): void;
  /** Resolves when the person asks the server to stop (Ctrl-C). */
  waitForShutdown(): Promise<void>;
}

/** Exit code for wrong usage, distinct from 1 (the command ran and failed), as most CLIs do. */
export const USAGE_EXIT_CODE = 2;

export function buildProgram(deps: CliDeps): Command {
  const program = new Command('lab')
    .description('GitOps Lab: a real Kubernetes GitOps lab, step by step (k3d, Flux, Sealed Secrets, Crossplane, GKE).')
    .version(deps.version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .configureOutput({ writeOut: deps.stdout, writeErr: deps.stderr })
    .showHelpAfterError('(run "lab --help" to see the commands)')
    // Settings above are copied to each subcommand when it is created, so they must come first.
    .exitOverride();

  program
    .command('serve')
    .description('serve the lab in your browser on 127.0.0.1 (prints a one-time sign-in URL)')
    .option('-p, --port <port>', 'port to listen on (0: any free port)', parsePort, 0)
    .option('--open', 'open the URL in the default browser', false)
    .action(async (options: { port: number; open: boolean }) => {
      if (!existsSync(join(deps.staticDir, 'index.html'))) {
        deps.stderr(`warning: the web UI is not built (${deps.staticDir}); run "npm run build"\n`);
      }
      // Listen for Ctrl-C before anything is printed: whoever reads the URL may stop us at once,
      // and a signal arriving before its handler would kill the process without closing.
      const stopRequested = deps.waitForShutdown();
      const engine = deps.createEngine(engineOptions(deps.env));
      try {
        const { notices } = await engine.start();
        for (const notice of notices) deps.stderr(`${notice}\n`);
        const host = await deps.startWebHost({ backend: engine, staticDir: deps.staticDir, port: options.port });
        deps.stdout(`GitOps Lab is running at ${host.url}\n`);
        if (options.open) deps.openBrowser(host.url);
        await stopRequested;
        await host.close();
      } finally {
        await engine.close();
      }
    });

  program
    .command('status')
    .description("print each step's state")
    .option('--json', 'print JSON: { version, rehearsal, steps: { <id>: { phase, title, status, ... } } }', false)
    .action(async (options: { json: boolean }) => {
      const snapshot = await withEngine(deps, (engine) => engine.getSnapshot({}));
      deps.stdout(options.json ? JSON.stringify(statusJson(snapshot), null, 2) + '\n' : statusTable(snapshot));
    });

  program
    .command('doctor')
    .description('check your machine and accounts before the lab (Docker, tools, disk, memory, ports, GitHub, gcloud); exit 1 if a check fails')
    .option('--config <file>', 'lab.yaml with your inputs (GitHub owner and repository, GCP project)')
    .option('--json', 'print JSON: { ok, checks: [{ id, title, passed, description, fixes }] }', false)
    .action(async (options: { config?: string; json: boolean }) => {
      const outcomes = await doctorCommand({ env: deps.env, ...(options.config ? { configFile: options.config } : {}) });
      deps.stdout(options.json ? JSON.stringify(doctorJson(outcomes), null, 2) + '\n' : formatDoctor(outcomes));
      const failures = outcomes.filter((outcome) => !outcome.passed).length;
      if (failures > 0) throw new Error(`${failures} check${failures === 1 ? '' : 's'} failed`);
    });

  program
    .command('export-script')
    .description('print the whole lab as a bash script, with your inputs filled in')
    .action(async () => {
      const { script } = await withEngine(deps, (engine) => engine.exportScript({}));
      deps.stdout(script.endsWith('\n') ? script : script + '\n');
    });

  program
    .command('validate')
    .argument('<dir>', 'local clone of your GitOps repository')
    .description('check a GitOps repository as before every push (CRD schemas, kubectl kustomize, secrets); exit 1 on any problem')
    .action(async (dir: string) => {
      if (!existsSync(dir)) throw new Error(`no such folder: ${dir}`);
      // kubectl is found on the PATH of the given environment, as for the lab's own commands.
      const { problems } = await runGuards(resolve(dir), { runner: createRunner({ baseEnv: deps.env }) });
      for (const problem of problems) deps.stdout(`${formatProblem(problem)}\n`);
      if (problems.length > 0) throw new Error(`${problems.length} problem${problems.length === 1 ? '' : 's'} found in ${dir}`);
    });

  return program;
}

/**
 * Runs the program and returns the process exit code: 0 for success and for --help/--version,
 * 2 for wrong usage, 1 when a command failed.
 */
export async function runCli(deps: CliDeps, argv: string[]): Promise<number> {
  const program = buildProgram(deps);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
      return USAGE_EXIT_CODE;
    }
    deps.stderr(`lab: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

function parsePort(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('use a number from 0 to 65535.');
  return Number(value);
}

/** The engine finds its data directory itself (LAB_DATA_DIR or the platform's default). */
function engineOptions(env: NodeJS.ProcessEnv): CliEngineOptions {
  return { env };
}

/**
 * For read-only commands: the engine serves its snapshot from saved state without `start`,
 * which would re-check every step by running commands against the world.
 */
async function withEngine<T>(deps: CliDeps, use: (engine: CliEngine) => Promise<T> | T): Promise<T> {
  const engine = deps.createEngine(engineOptions(deps.env));
  try {
    return await use(engine);
  } finally {
    await engine.close();
  }
}
