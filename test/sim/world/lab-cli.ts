/**
 * `lab up` / `lab down` in-process against the simulated world: the real CLI (`runCli`) over the
 * real engine and the lab's own steps, with what it prints collected. Shared by the sim tests,
 * the cloud steps' test and the lab benchmark, so they drive the lab exactly as `npx lab` does.
 */
import fs from 'node:fs';
import type { ResourceStatus, Snapshot } from '../../../electron/api/contract';
import { runCli, type CliDeps } from '../../../electron/hosts/cli/program';
import { createEngine, type Engine, type EngineOptions } from '../../../electron/lab/engine/index';
import { labSteps } from '../../../electron/lab/plan/lab-steps';
import type { StepDefinition } from '../../../electron/lab/plan/step';
import type { JournalRecord } from '../../../electron/lab/run/journal';

export interface LabCliOptions {
  /** The person's data folder: state, logs, journal, ledger. */
  dataDir: string;
  /** The world's environment (its PATH of fake tools, HOME, tokens). */
  env: Record<string, string>;
  /** How long steps wait for Flux objects and clusters to be ready (default: the steps' own). */
  readyTimeoutMs?: number;
  /**
   * The steps to run, by id; dependencies outside the set are dropped. Default: every step but
   * the manual `tools` (asdf installs nothing in the world's PATH).
   */
  stepIds?: readonly string[];
  /** Where the steps and the engine's session watch report watched objects' statuses. */
  reportResource?(status: ResourceStatus): void;
  /** Run just before a step's own run: how a test makes something happen mid-step. */
  beforeRun?: Record<string, () => Promise<void>>;
  /** The teardown's poll period and timeouts (default: the engine's). */
  teardown?: EngineOptions['teardown'];
  /** Log coalescing window; 1 ms by default so logs reach their files at once. */
  logWindowMs?: number;
  /** The version `lab --version` prints. */
  version?: string;
  /** Also receives what the CLI prints on stderr, as it is printed. */
  stderr?(text: string): void;
}

export interface LabCliRun {
  code: number;
  out: string;
  err: string;
}

export interface LabCli {
  /** The lab's steps as the engines get them. */
  steps(): StepDefinition[];
  /** A new engine on the data folder (kept, closed by `close`). */
  engine(): Engine;
  /** The engine made last: the one the last command ran on. */
  lastEngine(): Engine | undefined;
  /** `lab <args>` as `npx lab` runs it, with its exit code and what it printed. */
  run(args: string[]): Promise<LabCliRun>;
  /** Every command run so far, read from the data folder by a fresh engine that touches nothing. */
  journal(): Promise<JournalRecord[]>;
  /** The saved state, read the same way. */
  snapshot(): Promise<Snapshot>;
  /** Closes every engine made (all of them, even if one fails). */
  close(): Promise<void>;
}

function selectedSteps(options: LabCliOptions, reportResource: (status: ResourceStatus) => void): StepDefinition[] {
  const keep = (id: string): boolean => (options.stepIds ? options.stepIds.includes(id) : id !== 'tools');
  return labSteps({ env: options.env, readyTimeoutMs: options.readyTimeoutMs, reportResource })
    .filter((step) => keep(step.id))
    .map((step) => {
      const before = options.beforeRun?.[step.id];
      const run: StepDefinition['run'] = before ? async (ctx) => (await before(), step.run(ctx)) : step.run;
      return { ...step, run, dependsOn: step.dependsOn.filter(keep) };
    });
}

export function labCli(options: LabCliOptions): LabCli {
  const engines: Engine[] = [];
  const steps = () => selectedSteps(options, () => undefined);
  const make = (): Engine => {
    // Steps report to the engine running them, as `lab up` wires them; tests hear the engine.
    const made: Engine = createEngine({
      dataDir: options.dataDir,
      env: options.env,
      steps: selectedSteps(options, (status) => made.reportResource(status)),
      logWindowMs: options.logWindowMs ?? 1,
      ...(options.teardown ? { teardown: options.teardown } : {}),
    });
    // The live board as a person sees it: what the steps report and the session watch of every
    // Flux object on the lab's clusters.
    const report = options.reportResource;
    if (report) made.onEvent((event) => event.type === 'resource' && report(event.resource));
    return made;
  };
  const engine = (): Engine => {
    const made = make();
    engines.push(made);
    return made;
  };
  async function read<T>(what: (reader: Engine) => Promise<T>): Promise<T> {
    const reader = make();
    try {
      return await what(reader);
    } finally {
      await reader.close();
    }
  }
  return {
    steps,
    engine,
    lastEngine: () => engines.at(-1),
    async run(args) {
      const out: string[] = [];
      const err: string[] = [];
      const deps: CliDeps = {
        version: options.version ?? 'test',
        createEngine: () => engine(),
        startWebHost: async () => {
          throw new Error('not used');
        },
        staticDir: '/nonexistent',
        env: options.env,
        stdout: (text) => void out.push(text),
        stderr: (text) => {
          err.push(text);
          options.stderr?.(text);
        },
        openBrowser: () => undefined,
        waitForShutdown: () => new Promise<void>(() => undefined),
      };
      const code = await runCli(deps, args);
      return { code, out: out.join(''), err: err.join('') };
    },
    journal: () => read(async (reader) => (await reader.getJournal({})).entries as JournalRecord[]),
    snapshot: () => read(async (reader) => reader.getSnapshot({})),
    async close() {
      // Every engine gets closed even when one fails to; the first failure is then reported.
      let failure: unknown;
      for (const made of engines.splice(0)) await made.close().catch((error: unknown) => (failure ??= error));
      if (failure !== undefined) throw failure;
    },
  };
}

export interface LabYaml {
  owner: string;
  repository: string;
  project: string;
  k3dName: string;
  /** Written only when given, as a person may leave them to their defaults. */
  machineType?: string;
  preemptible?: boolean;
}

/** Writes the person's lab.yaml: their GitHub repository, GCP project in europe-west9-a, and clusters; the clone goes to ./<repository>. */
export function writeLabYaml(file: string, lab: LabYaml): void {
  const extra = `${lab.machineType ? `  machineType: ${lab.machineType}\n` : ''}${lab.preemptible !== undefined ? `  preemptible: ${lab.preemptible}\n` : ''}`;
  fs.writeFileSync(
    file,
    `github:\n  owner: ${lab.owner}\n  repository: ${lab.repository}\ngcp:\n  project: ${lab.project}\n  zone: europe-west9-a\nclusters:\n  k3dName: ${lab.k3dName}\n  gkeName: dev-cluster\n${extra}workspaceDir: ./${lab.repository}\n`,
  );
}
