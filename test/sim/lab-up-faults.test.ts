/**
 * Issue 5, "Must show": `lab up` with each injected fault ends with a clear error naming the step
 * and what to do, and a rerun after clearing the fault finishes without repeating done steps.
 * The faults not already covered elsewhere (docker-down, the rejected GitHub token, the
 * service-account key, GCP quota and the missing gke-gcloud-auth-plugin have their own tests
 * beside the steps): k3d-create-fails, port-in-use, github-token-scopes, slow-network,
 * controller-crash and helmrelease-never-ready.
 *
 * One world for the file; each scenario has its own data folder (a person's `lab up` history)
 * and runs only the steps up to the one the fault hits. The engine runs in-process, through
 * the same `runCli` as `npx lab up --config FILE --yes`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ResourceStatus } from '../../electron/api/contract';
import type { JournalRecord } from '../../electron/lab/run/journal';
import { labCli, writeLabYaml, type LabCli, type LabCliRun } from './world/lab-cli';
import { startTestWorld, type TestWorld } from './world/test-world';

let t: TestWorld;
let env: Record<string, string>;
let login: string;
let project: string;
const labs: LabCli[] = [];
/** What the person saw for each fault, printed once at the end for the record. */
const shown = new Map<string, string>();

interface Scenario {
  /** The data folder and config file of this person's lab. */
  dataDir: string;
  config: string;
  /** The steps this scenario runs, in the catalogue's order; dependencies outside are dropped. */
  stepIds: string[];
  readyTimeoutMs: number;
  reported: ResourceStatus[];
  /** Run just before a step's own run: how a test makes something happen mid-step. */
  beforeRun?: Record<string, () => Promise<void>>;
}

function scenario(name: string, stepIds: string[], options: { k3dName: string; repository: string; readyTimeoutMs?: number }): Scenario {
  const dir = path.join(t.workDir, name);
  fs.mkdirSync(dir, { recursive: true });
  const config = path.join(dir, 'lab.yaml');
  writeLabYaml(config, { owner: login, repository: options.repository, project, k3dName: options.k3dName });
  return { dataDir: path.join(dir, 'lab-data'), config, stepIds, readyTimeoutMs: options.readyTimeoutMs ?? 30_000, reported: [] };
}

/** The scenario's lab as the CLI drives it, made at each use so it sees the scenario as it is now (its steps, hooks, timeout). */
const labOf = (s: Scenario): LabCli =>
  labCli({ dataDir: s.dataDir, env, stepIds: s.stepIds, readyTimeoutMs: s.readyTimeoutMs, reportResource: (status) => s.reported.push(status), beforeRun: s.beforeRun });

async function labUp(s: Scenario): Promise<LabCliRun> {
  const lab = labOf(s);
  labs.push(lab);
  return lab.run(['up', '--config', s.config, '--yes']);
}

/** `lab up` with `fault` on: it must exit 1; what it printed is kept for the record. */
async function labUpFailing(s: Scenario, fault: string): Promise<LabCliRun> {
  await t.control('/faults', { enable: [fault] });
  const failed = await labUp(s);
  shown.set(fault, failed.err);
  expect(failed.code, failed.err).toBe(1);
  return failed;
}

// The journal is a file in the data folder; a fresh engine reads it without touching the world.
const journal = (s: Scenario): Promise<JournalRecord[]> => labOf(s).journal();

const line = (e: JournalRecord): string => (e.pipeline ?? [e.argv]).map((argv) => argv.join(' ')).join(' | ');
const lines = (entries: JournalRecord[], pattern: RegExp): string[] => entries.map(line).filter((l) => pattern.test(l));

beforeAll(async () => {
  t = await startTestWorld({ timeScale: 0.01 });
  const worldEnv = t.world.env();
  login = worldEnv.GITHUB_USER!;
  env = { ...worldEnv, HOME: t.workDir };
  project = (await t.exec('gcloud', ['config', 'get-value', 'project'])).stdout.trim();
}, 60_000);

afterEach(async () => {
  await t.control('/faults', { set: [] });
});

afterAll(async () => {
  for (const [fault, text] of shown) process.stdout.write(`\n--- ${fault}: what lab up printed ---\n${text}`);
  for (const lab of labs) await lab.close().catch(() => undefined);
  await t?.dispose();
});

describe('lab up with an injected fault, then again once it is cleared', () => {
  it('k3d-create-fails: stops at k3d-cluster saying k3d rolled back; the rerun creates the cluster once', async () => {
    const s = scenario('k3d-create-fails', ['docker', 'k3d-cluster'], { k3dName: 'lab', repository: 'devflux' });
    const failed = await labUpFailing(s, 'k3d-create-fails');
    expect(failed.err).toContain('step "k3d-cluster" (k3d cluster) failed: k3d cluster create lab --wait failed with exit code 1');
    expect(failed.err).toContain("hint: Docker could not start the cluster's node container and k3d rolled everything back");
    expect(failed.err).toContain('free memory and disk');
    expect((await t.world.snapshot()).k3d.clusters.map((c) => c.name)).not.toContain('lab');

    await t.control('/faults', { disable: ['k3d-create-fails'] });
    const before = (await journal(s)).length;
    const again = await labUp(s);
    expect(again.code, again.err).toBe(0);
    const rerun = (await journal(s)).slice(before);
    // Docker was done: only checked again (docker info), never started or changed.
    expect(rerun.filter((e) => e.stepId === 'docker').map(line)).toEqual(['docker info']);
    expect(lines(rerun, /k3d cluster create/)).toEqual(['k3d cluster create lab --wait']);
  }, 60_000);

  it('port-in-use: stops at k3d-cluster naming the port and --api-port; the rerun creates the cluster once', async () => {
    const s = scenario('port-in-use', ['docker', 'k3d-cluster'], { k3dName: 'busy', repository: 'devflux-busy' });
    const failed = await labUpFailing(s, 'port-in-use');
    expect(failed.err).toContain('step "k3d-cluster" (k3d cluster) failed: k3d cluster create busy --wait failed with exit code 1');
    const port = /Bind for 0\.0\.0\.0:(\d+) failed: port is already allocated/.exec(failed.err)?.[1];
    expect(port).toBeDefined();
    expect(failed.err).toContain(`hint: port ${port} on this machine is already taken`);
    expect(failed.err).toContain('k3d cluster create busy --api-port 127.0.0.1:');

    await t.control('/faults', { disable: ['port-in-use'] });
    const before = (await journal(s)).length;
    const again = await labUp(s);
    expect(again.code, again.err).toBe(0);
    const rerun = (await journal(s)).slice(before);
    expect(lines(rerun, /k3d cluster create/)).toEqual(['k3d cluster create busy --wait']);
  }, 60_000);

  it('github-token-scopes: stops at github-access naming the missing scope and the token to create; the rerun passes once the token has it', async () => {
    const s = scenario('github-token-scopes', ['github-access'], { k3dName: 'scopes', repository: 'devflux-scopes' });
    const failed = await labUpFailing(s, 'github-token-scopes');
    expect(failed.err).toContain('step "github-access" (GitHub access) failed: The token lacks the "repo" scope');
    expect(failed.err).toContain('create a classic token with "repo", or a fine-grained one with Administration, Contents (read and write) and Metadata');

    await t.control('/faults', { disable: ['github-token-scopes'] });
    const again = await labUp(s);
    expect(again.code, again.err).toBe(0);
    // The step only asks GitHub (GETs through the REST client): it runs no command at all.
    expect(await journal(s)).toEqual([]);
    expect((await labOf(s).snapshot()).steps['github-access']?.status).toBe('succeeded');
  }, 60_000);

  const FLUX = ['docker', 'github-access', 'k3d-cluster', 'flux-preflight', 'flux-bootstrap'];
  const SEALED = [...FLUX, 'clone', 'scaffold', 'sealed-secrets'];
  /** One person's lab on the cluster `gitops`: Flux first (slow network), then the scaffold and Sealed Secrets (controller crash). */
  let gitops: Scenario;

  it('slow-network: every call is slower, lab up still finishes, each thing is created once and nothing is retried', async () => {
    gitops = scenario('gitops', FLUX, { k3dName: 'gitops', repository: 'devflux' });
    await t.control('/faults', { enable: ['slow-network'] });
    const started = performance.now();
    const slow = await labUp(gitops);
    const seconds = (performance.now() - started) / 1000;
    expect(slow.code, slow.err).toBe(0);
    shown.set('slow-network', `${slow.out.split('\n').filter((l) => /steps are done/.test(l)).join('\n')}\n(took ${seconds.toFixed(1)} s with the fault)\n`);
    const first = await journal(gitops);
    expect(lines(first, /k3d cluster create/)).toEqual(['k3d cluster create gitops --wait']);
    expect(lines(first, /flux bootstrap github/)).toHaveLength(1);
    // No command failed or was cut short by a timeout and tried again.
    expect(first.filter((e) => e.exitCode !== 0).map(line)).toEqual([]);

    await t.control('/faults', { disable: ['slow-network'] });
    const again = await labUp(gitops);
    expect(again.code, again.err).toBe(0);
    const rerun = (await journal(gitops)).slice(first.length);
    expect(lines(rerun, /cluster create|bootstrap/)).toEqual([]);
  }, 120_000);

  it('controller-crash: Flux\'s controllers crash as the scaffold is pushed; the steps wait them out and lab up finishes without redoing anything', async () => {
    const logs = `${t.world.kube.get('k3d-gitops')!.url}/api/v1/namespaces/flux-system/services/kustomize-controller/proxy/logs`;
    expect((await fetch(logs)).status).toBe(200);
    let crashed = false;
    const crashControllers = async (): Promise<void> => {
      await t.control('/faults', { enable: ['controller-crash'] });
      // Running controllers whose service loses its endpoints: the crash, seen before the step goes on.
      for (let i = 0; i < 500 && !crashed; i++) {
        crashed = (await fetch(logs)).status === 503;
        if (!crashed) await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    gitops = { ...gitops, stepIds: SEALED, beforeRun: { clone: crashControllers } };
    const before = (await journal(gitops)).length;
    const run = await labUp(gitops);
    expect(run.code, run.err).toBe(0);
    expect(crashed).toBe(true);
    shown.set('controller-crash', `${run.out.split('\n').filter((l) => /steps are done/.test(l)).join('\n')}\n`);
    const firstRun = (await journal(gitops)).slice(before);
    expect(lines(firstRun, /cluster create|bootstrap github/)).toEqual([]);
    expect(lines(firstRun, /git clone/)).toHaveLength(1);
    expect(gitops.reported.filter((r) => r.name === 'sealed-secrets').at(-1)).toMatchObject({ kind: 'HelmRelease', ready: true });

    await t.control('/faults', { disable: ['controller-crash'] });
    const again = await labUp(gitops);
    expect(again.code, again.err).toBe(0);
    const rerun = (await journal(gitops)).slice(before + firstRun.length);
    expect(lines(rerun, /cluster create|bootstrap github|git clone| push |helmrelease/)).toEqual([]);
  }, 120_000);

  it('helmrelease-never-ready: stops at sealed-secrets naming the HelmRelease, Helm\'s error and flux logs; the rerun installs it without repeating done steps', async () => {
    // The person whose cluster `busy` was created after the port was freed goes on with Flux.
    const s = { ...scenario('port-in-use', SEALED, { k3dName: 'busy', repository: 'devflux-busy' }), readyTimeoutMs: 15_000 };
    const before = (await journal(s)).length;
    const failed = await labUpFailing(s, 'helmrelease-never-ready');
    expect(failed.err).toContain(
      'step "sealed-secrets" (Sealed Secrets) failed: HelmRelease kube-system/sealed-secrets is stalled and will not become Ready by itself: ' +
        'Helm install failed for release kube-system/sealed-secrets with chart sealed-secrets@',
    );
    expect(failed.err).toContain('context deadline exceeded (Failed to install after 1 attempt(s))');
    expect(failed.err).toContain('hint: see what Helm did: flux logs --kind=HelmRelease --name=sealed-secrets -n kube-system');
    expect(failed.err).toContain('flux reconcile helmrelease sealed-secrets -n kube-system --force');
    const firstRun = (await journal(s)).slice(before);
    // The cluster came from the port-in-use scenario: found, not created again.
    expect(lines(firstRun, /k3d cluster create/)).toEqual([]);
    expect(lines(firstRun, /flux bootstrap github/)).toHaveLength(1);

    await t.control('/faults', { disable: ['helmrelease-never-ready'] });
    const mark = (await journal(s)).length;
    const again = await labUp(s);
    expect(again.code, again.err).toBe(0);
    const rerun = (await journal(s)).slice(mark);
    expect(lines(rerun, /cluster create|bootstrap github|git clone| push /)).toEqual([]);
    // Flux gave up on the failed install; the rerun asked it for one more, for every stalled
    // release of the cluster (the scaffold's Crossplane release failed the same way).
    const forced = lines(rerun, /helmrelease/);
    expect(forced).toContain('flux reconcile helmrelease sealed-secrets -n kube-system --force --context=k3d-busy');
    expect(forced.filter((l) => !l.endsWith(' --force --context=k3d-busy'))).toEqual([]);
    expect(s.reported.filter((r) => r.name === 'sealed-secrets').at(-1)).toMatchObject({ kind: 'HelmRelease', ready: true });
  }, 120_000);
});
