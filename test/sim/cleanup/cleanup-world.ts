/**
 * The simulated world the cleanup tests share: one world per test file, the person's lab.yaml and
 * data folder in it, and the in-process `lab` over the real engine, with the teardown bounded so a
 * stuck deletion fails the test instead of hanging it. What the tests read back (journal, step
 * logs, the world as gcloud and k3d list it) goes through the same doors a person would use.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { JournalRecord } from '../../../electron/lab/run/journal';
import { labCli, writeLabYaml, type LabCli } from '../world/lab-cli';
import { startTestWorld, type TestWorld } from '../world/test-world';

/** The world as Google and k3d list it; each test picks the parts it asserts on. */
export interface ListedWorld {
  clusters: Array<{ name: string; status: string; nodePools?: Array<{ name: string }> }>;
  networks: string[];
  /** Forwarding rules; `description` is the JSON GKE writes, naming the Service behind the rule. */
  rules: Array<{ name: string; description: string }>;
  k3d: string[];
}

export interface CleanupWorld {
  t: TestWorld;
  env: Record<string, string>;
  /** The GCP project the fake gcloud is configured for, read as a person would. */
  project: string;
  /** The clone of the GitOps repository that lab up makes (lab.yaml's workspaceDir). */
  workspace: string;
  /** lab.yaml's path. */
  config: string;
  lab: LabCli;
  dataDir(): string;
  /** Every command the lab has run so far. */
  journal(): Promise<JournalRecord[]>;
  /** A journal record as one command line, pipelines joined with ` | `. */
  line(record: JournalRecord): string;
  /** A step's log, to say what happened when an assertion fails. */
  logOf(stepId: string): string;
  /** Runs a tool of the world that prints JSON; a non-zero exit fails the test with its stderr. */
  json<T>(file: string, args: string[]): Promise<T>;
  listWorld(): Promise<ListedWorld>;
  close(): Promise<void>;
}

export interface CleanupWorldOptions {
  /** The world's delays times this: each test keeps the scale its timeouts were measured with. */
  timeScale: number;
}

export async function startCleanupWorld(options: CleanupWorldOptions): Promise<CleanupWorld> {
  const t = await startTestWorld({ timeScale: options.timeScale });
  try {
    return await prepare(t);
  } catch (error) {
    // The caller never gets a handle to close, so the world would outlive the test file.
    await t.dispose();
    throw error;
  }
}

async function prepare(t: TestWorld): Promise<CleanupWorld> {
  const worldEnv = t.world.env();
  const env = { ...worldEnv, HOME: t.workDir, GRAFANA_ADMIN_PASSWORD: 'grafana-Secret-4711-xyz' };
  const project = (await t.exec('gcloud', ['config', 'get-value', 'project'])).stdout.trim();
  const workspace = path.join(t.workDir, 'devflux');
  const config = path.join(t.workDir, 'lab.yaml');
  const dataDir = () => path.join(t.workDir, 'lab-data');
  const lab = labCli({ dataDir: dataDir(), env, readyTimeoutMs: 40_000, teardown: { pollMs: 200, timeouts: { loadBalancer: 30_000, gke: 40_000, network: 30_000 } } });
  writeLabYaml(config, { owner: worldEnv.GITHUB_USER!, repository: 'devflux', project, k3dName: 'lab', machineType: 'e2-standard-2', preemptible: true });

  const logOf = (stepId: string): string => {
    const file = path.join(dataDir(), 'logs', `${stepId}.log`);
    // Commands and explanations only: the JSON that gcloud prints would bury them.
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter((l) => /^[^\s{}[\]]/.test(l)).join('\n').slice(-4000) : `(no log for ${stepId})`;
  };

  async function json<T>(file: string, args: string[]): Promise<T> {
    const result = await t.exec(file, args);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as T;
  }

  async function listWorld(): Promise<ListedWorld> {
    const clusters = await json<ListedWorld['clusters']>('gcloud', ['container', 'clusters', 'list', '--format=json', `--project=${project}`]);
    const networks = await json<Array<{ name: string }>>('gcloud', ['compute', 'networks', 'list', '--format=json', `--project=${project}`]);
    const rules = await json<ListedWorld['rules']>('gcloud', ['compute', 'forwarding-rules', 'list', '--format=json', `--project=${project}`]);
    const k3d = await json<Array<{ name: string }>>('k3d', ['cluster', 'list', '-o', 'json']);
    return { clusters, networks: networks.map((n) => n.name), rules, k3d: k3d.map((c) => c.name) };
  }

  return {
    t,
    env,
    project,
    workspace,
    config,
    lab,
    dataDir,
    journal: () => lab.journal(),
    line: (e) => (e.pipeline ?? [e.argv]).map((argv) => argv.join(' ')).join(' | '),
    logOf,
    json,
    listWorld,
    async close() {
      // The world goes even when an engine fails to close: its servers and temp dir must not outlive the file.
      try {
        await lab.close();
      } finally {
        await t.dispose();
      }
    },
  };
}
