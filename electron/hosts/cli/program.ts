/**
 * The `lab` command line: its commands and options, with every side effect (the engine, the web
 * host, output, signals) passed in, so tests run it in-process against fakes.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ResourceStatus, Snapshot } from '../../api/contract';
import { LabConfigError, loadLabYaml, type LabConfig } from '../../lab/config/lab-yaml';
import { formatProblem, runGuards } from '../../lab/gitops/guards';
import { createRunner } from '../../lab/run/runner';
import { doctorJson, formatDoctor } from '../../lab/doctor';
import { doctorCommand } from '../../lab/doctor/command';
import type { HostBackend } from '../backend';
import type { WebHost, WebHostOptions } from '../web/server';
import { down } from './down';
import { createProgress, formatElapsed, formatPlan } from './progress';
import { statusJson, statusTable } from './status-table';
import type { UnreachableCluster } from '../../lab/kube/session-read';

/** The engine as the CLI uses it (see electron/lab/engine). */
export type CliEngine = HostBackend & {
  /** Loads saved state and re-checks the steps against the world; notices are for the person. */
  start(options?: { labSteps?: boolean }): Promise<{ notices: string[] }>;
  close(): Promise<void>;
  /** Resolves when no step runs and none can start (needed by `lab up`). */
  whenIdle?(): Promise<void>;
  /** Resolves when no teardown step runs and none can start (needed by `lab down`). */
  whenTeardownIdle?(): Promise<void>;
  /** Reads the live resources once (needed by `lab status`); names the clusters that did not answer. */
  refreshResources?(): Promise<{ unreachable: UnreachableCluster[] }>;
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
  /** stdin and stdout are a terminal: `lab up` may ask and redraw its progress in place. */
  isTTY?: boolean;
  /** Terminal width for the progress lines. */
  columns?: number;
  /** Asks a yes/no question on the terminal. */
  confirm?(question: string): Promise<boolean>;
}

/** Ends the command with this exit code after printing the message (no usage hint). */
export class CliExit extends Error {
  constructor(readonly exitCode: number, message: string) {
    super(message);
    this.name = 'CliExit';
  }
}

/** Exit code after Ctrl-C, as shells report a process ended by SIGINT. */
export const INTERRUPTED_EXIT_CODE = 130;

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
      const { snapshot, unreachable } = await withEngine(deps, async (engine) => {
        const live = await engine.refreshResources?.();
        return { snapshot: await engine.getSnapshot({}), unreachable: live?.unreachable ?? [] };
      });
      deps.stdout(
        options.json
          ? JSON.stringify({ ...statusJson(snapshot), resources: snapshot.resources, unreachable }, null, 2) + '\n'
          : statusTable(snapshot) + resourcesTable(snapshot.resources, unreachable),
      );
    });

  program
    .command('up')
    .description('run the whole lab from a lab.yaml: validates the inputs, shows the plan, runs every step not done yet; exit 0 when all succeeded')
    .requiredOption('--config <file>', 'lab.yaml with your inputs')
    .option('--yes', 'do not ask for confirmation (needed without a terminal)', false)
    .action(async (options: { config: string; yes: boolean }) => {
      await up(deps, options);
    });

  program
    .command('down')
    .description('tear the lab down in a safe order (shop and load balancer, GKE cluster, network, Crossplane, k3d): shows the plan and its cost per hour first; exit 0 only when gcloud and k3d list nothing of the lab')
    .requiredOption('--config <file>', 'lab.yaml with your inputs')
    .option('--yes', 'do not ask for confirmation (needed without a terminal)', false)
    .option('--force', 'delete cloud resources Crossplane cannot delete directly with gcloud, then go on', false)
    .option('--delete-service-account', "also delete Crossplane's service account and its keys", false)
    .option('--delete-repository <owner/repo>', 'also delete the GitHub repository: type its full name to confirm')
    .action(async (options: { config: string; yes: boolean; force: boolean; deleteServiceAccount: boolean; deleteRepository?: string }) => {
      await down(deps, options);
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
    if (error instanceof CliExit) {
      deps.stderr(`lab: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
      return USAGE_EXIT_CODE;
    }
    deps.stderr(`lab: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

/** Reads lab.yaml; its problems end the command before anything runs (exit 2), each naming its field. */
export function loadConfigOrExit(file: string): LabConfig {
  try {
    return loadLabYaml(file);
  } catch (error) {
    if (error instanceof LabConfigError) throw new CliExit(USAGE_EXIT_CODE, `the configuration has problems:\n${error.problems.map((p) => `  ${p}`).join('\n')}`);
    throw error;
  }
}

/**
 * `lab up`: everything that can be refused is refused before the engine touches the world
 * (exit 2); then the plan, a confirmation, and every step with a live progress display. A second
 * `lab up` resumes: the engine's start re-checks each step against the world and skips done ones.
 */
async function up(deps: CliDeps, options: { config: string; yes: boolean }): Promise<void> {
  const config = loadConfigOrExit(options.config);
  if (!deps.env.GITHUB_TOKEN) {
    throw new CliExit(USAGE_EXIT_CODE, 'GITHUB_TOKEN: not set. Export your GitHub personal access token in your shell (export GITHUB_TOKEN=...) and run lab up again.');
  }
  if (!options.yes && !(deps.isTTY && deps.confirm)) {
    throw new CliExit(USAGE_EXIT_CODE, 'lab up creates real resources (a GitHub repository, clusters, a billed GKE cluster) and asks first; without a terminal to ask on, pass --yes.');
  }
  const stopRequested = deps.waitForShutdown().then(() => 'stop' as const);
  const engine = deps.createEngine(engineOptions(deps.env));
  let progressTimer: NodeJS.Timeout | undefined;
  try {
    if (!engine.whenIdle) throw new Error('this engine cannot run the whole lab');
    const set = await engine.setInputs({ inputs: config.inputs });
    if (!set.ok) throw new CliExit(USAGE_EXIT_CODE, set.issues.map((issue) => `${config.file}: ${issue.message}`).join('\n'));
    if (deps.env.GRAFANA_ADMIN_PASSWORD) await engine.setSecret({ name: 'GRAFANA_ADMIN_PASSWORD', value: deps.env.GRAFANA_ADMIN_PASSWORD });
    deps.stdout('Checking what is already done...\n');
    const { notices } = await engine.start();
    for (const notice of notices) deps.stderr(`${notice}\n`);
    const before = await engine.getSnapshot({});
    const plan = formatPlan(before);
    deps.stdout(plan.text);
    if (plan.toRun === 0) {
      deps.stdout('Every step is already done.\n');
      printOutcome(deps, before);
      return;
    }
    deps.stdout(`${plan.toRun} step${plan.toRun === 1 ? '' : 's'} to run, about ${formatElapsed(plan.estimateSeconds * 1000)} at most.\n`);
    if (!options.yes && !(await deps.confirm!('Run them now? [y/N] '))) throw new CliExit(1, 'nothing was run (not confirmed).');

    const titles = Object.fromEntries(before.phases.flatMap((phase) => phase.steps.map((step) => [step.id, step.title])));
    const progress = createProgress({ tty: deps.isTTY === true, write: deps.stdout, titles, ...(deps.columns ? { columns: deps.columns } : {}) });
    const unsubscribe = engine.onEvent((event) => progress.onEvent(event));
    if (deps.isTTY) progressTimer = setInterval(() => progress.tick(), 250);
    await engine.runAll({});
    const ended = await Promise.race([engine.whenIdle().then(() => 'idle' as const), stopRequested]);
    clearInterval(progressTimer);
    progress.stop();
    unsubscribe();
    if (ended === 'stop') {
      deps.stderr('Cancelling: stopping the running steps...\n');
      await engine.cancelAll({});
      throw new CliExit(INTERRUPTED_EXIT_CODE, 'cancelled. Run lab up again to resume: steps already done are skipped.');
    }
    printOutcome(deps, await engine.getSnapshot({}));
  } finally {
    clearInterval(progressTimer);
    await engine.close();
  }
}

/** Exit 0 only when every step succeeded (or was skipped on purpose); otherwise the first failure with its hint. */
function printOutcome(deps: CliDeps, snapshot: Snapshot): void {
  const order = snapshot.phases.flatMap((phase) => phase.steps);
  const failed = order.filter((step) => snapshot.steps[step.id]?.status === 'failed');
  const unfinished = order.filter((step) => !['succeeded', 'skipped', 'failed'].includes(snapshot.steps[step.id]?.status ?? 'pending'));
  if (failed.length > 0) {
    const lines = failed.map((step) => {
      const error = snapshot.steps[step.id]!.error;
      return [`step "${step.id}" (${step.title}) failed: ${error?.message ?? 'unknown error'}`, ...(error?.hint ? [`  hint: ${error.hint}`] : []), ...(error?.command ? [`  command: ${error.command}`] : []), ...(error?.stderrTail ? [`  ${error.stderrTail.trim().split('\n').join('\n  ')}`] : [])].join('\n');
    });
    throw new CliExit(1, `${lines.join('\n')}\nFix the cause and run lab up again: steps already done are skipped.`);
  }
  if (unfinished.length > 0) {
    throw new CliExit(1, `not finished: ${unfinished.map((step) => `${step.id} (${snapshot.steps[step.id]?.status ?? 'pending'})`).join(', ')}`);
  }
  const shop = order.map((step) => snapshot.steps[step.id]?.outputs?.shopAddress).find(Boolean);
  deps.stdout(`All ${order.length} steps are done.${shop ? ` The shop is at ${shop}` : ''}\n`);
}

/** Live resources (Flux objects, managed and cloud resources) below the status table, then the clusters that did not answer. */
function resourcesTable(resources: ResourceStatus[], unreachable: UnreachableCluster[] = []): string {
  const silent = unreachable.map((u) => `  ${u.cluster}  could not be read: ${u.message}`);
  const rows = resources.map((r) => {
    const state = r.deleted ? 'deleted' : r.ready === true ? 'Ready' : r.ready === false ? 'NotReady' : 'Unknown';
    const cost = r.costPerHour !== undefined ? `  ~$${r.costPerHour.toFixed(3)}/h` : '';
    return `  ${r.cluster}  ${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}  ${state}${cost}${r.message ? `  ${r.message}` : ''}`;
  });
  const lines = [...rows, ...silent];
  return lines.length > 0 ? `\nResources\n${lines.join('\n')}\n` : '';
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
