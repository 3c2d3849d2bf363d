/**
 * The steps from the scaffold to the sealed GCP key, run by the real engine against a simulated
 * world (fake k3d, flux, gcloud and kubeseal, the cluster's API server with the Flux and Sealed
 * Secrets controllers, the simulated GitHub and real git), after the steps they depend on.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StepState } from '../../api/contract';
import type { PartialLabInputs } from '../../api/inputs';
import { startTestWorld, type TestWorld } from '../../../test/sim/world/test-world';
import { createEngine, type Engine } from '../engine/index';
import { labSteps } from '../plan/lab-steps';
import type { StepDefinition } from '../plan/step';
import type { JournalRecord } from '../run/journal';
import { createRunner } from '../run/runner';
import { steps as catalogue } from '../plan/catalogue';
import { toolsStep } from './tools';

const CHAIN = ['docker', 'github-access', 'k3d-cluster', 'flux-preflight', 'flux-bootstrap', 'clone', 'gcp-credentials', 'scaffold', 'sealed-secrets', 'test-seal', 'seal-gcp-creds'];
const MINE = ['gcp-credentials', 'scaffold', 'sealed-secrets', 'test-seal', 'seal-gcp-creds'];
const SEALED = 'infrastructure/k3d-lab/crossplane/configuration/sealedsecret.yaml';

let t: TestWorld;
let env: Record<string, string>;
let token: string;
let login: string;
let project: string;
let workspace: string;
let inputs: PartialLabInputs;
const engines: Engine[] = [];

/** The chain's steps; the dependency on the manual `tools` step is dropped. */
function chainSteps(): StepDefinition[] {
  return labSteps({ env, readyTimeoutMs: 60_000 })
    .filter((s) => CHAIN.includes(s.id))
    .map((s) => ({ ...s, dependsOn: s.dependsOn.filter((d) => CHAIN.includes(d)) }));
}

async function engineOn(dataDir: string, extra: PartialLabInputs = {}): Promise<Engine> {
  const engine = createEngine({ dataDir: path.join(t.workDir, dataDir), env, steps: chainSteps(), logWindowMs: 1 });
  engines.push(engine);
  await engine.start();
  await engine.setInputs({ inputs: { ...inputs, ...extra } });
  await engine.setSecret({ name: 'GITHUB_TOKEN', value: token });
  return engine;
}

async function runStep(engine: Engine, stepId: string): Promise<StepState> {
  await engine.runStep({ stepId });
  await engine.whenIdle();
  return (await engine.getSnapshot({})).steps[stepId]!;
}

const argvs = (entries: JournalRecord[]) => entries.map((e) => (e.pipeline ?? [e.argv]).map((argv) => argv.join(' ')).join(' | '));
const journalOf = async (engine: Engine) => (await engine.getJournal({})).entries as JournalRecord[];
const stepLog = async (engine: Engine, stepId: string) => (await engine.readLog({ stepId, offset: 0, maxBytes: 5_000_000 })).text;

async function git(args: string[]): Promise<string> {
  const result = await t.exec('git', args, { HOME: t.workDir });
  expect(result.code, `git ${args.join(' ')}: ${result.stderr}`).toBe(0);
  return result.stdout;
}

beforeAll(async () => {
  t = await startTestWorld({ timeScale: 0.01 });
  const worldEnv = t.world.env();
  token = worldEnv.GITHUB_TOKEN!;
  login = worldEnv.GITHUB_USER!;
  const { GITHUB_TOKEN: _dropped, ...rest } = worldEnv;
  env = { ...rest, HOME: t.workDir };
  project = (await t.exec('gcloud', ['config', 'get-value', 'project'])).stdout.trim();
  workspace = path.join(t.workDir, 'devflux');
  inputs = {
    github: { owner: login, repository: 'devflux', personal: true },
    gcp: { project },
    clusters: { k3dName: 'lab' } as PartialLabInputs['clusters'],
    workspaceDir: workspace,
  };
}, 60_000);

afterAll(async () => {
  for (const engine of engines) await engine.close();
  await t?.dispose();
});

describe('from the scaffold to the sealed GCP key', () => {
  let first: Engine;
  let keyText: string;
  let privateKey: string;

  it('runs the chain docker..clone, gcp-credentials, scaffold, sealed-secrets, test-seal, seal-gcp-creds', async () => {
    first = await engineOn('lab-data');
    for (const id of CHAIN) {
      const state = await runStep(first, id);
      expect(state.status, `${id}: ${JSON.stringify(state.error)}`).toBe('succeeded');
    }
    const journal = await journalOf(first);
    const byStep = (id: string) => argvs(journal.filter((e) => e.stepId === id));

    // gcp-credentials: the account, one binding per role, the APIs, a 0600 key in the app's data.
    const gcp = byStep('gcp-credentials');
    expect(gcp).toContain(`gcloud services enable container.googleapis.com compute.googleapis.com --project=${project}`);
    expect(gcp).toContain(`gcloud iam service-accounts create crossplane --project=${project}`);
    expect(gcp.filter((a) => a.startsWith('gcloud projects add-iam-policy-binding'))).toHaveLength(3);
    const { keyFile } = (await first.getSnapshot({})).steps['gcp-credentials']!.outputs as Record<string, string>;
    expect(keyFile!.startsWith(path.join(t.workDir, 'lab-data', 'gcp-key'))).toBe(true);
    expect(fs.statSync(keyFile!).mode & 0o777).toBe(0o600);
    keyText = fs.readFileSync(keyFile!, 'utf8');
    privateKey = (JSON.parse(keyText) as { private_key: string }).private_key;

    // scaffold: guards before the commit, one commit, push, reconcile without waiting.
    const scaffold = byStep('scaffold');
    const kustomize = scaffold.findIndex((a) => a.startsWith('kubectl kustomize'));
    const commit = scaffold.findIndex((a) => a.includes(' commit -m '));
    expect(kustomize).toBeGreaterThanOrEqual(0);
    expect(commit).toBeGreaterThan(kustomize);
    expect(scaffold).toContain(`git -C ${workspace} push origin main`);
    expect(scaffold.at(-1)).toBe('flux reconcile kustomization flux-system --with-source --context=k3d-lab');

    // test-seal: one three-process pipeline, then the demo SealedSecret removed.
    const pipeline = journal.find((e) => e.stepId === 'test-seal' && e.pipeline?.length === 3)!;
    expect(pipeline.pipeline![0]!.slice(0, 5)).toEqual(['kubectl', 'create', 'secret', 'generic', 'foobar']);
    expect(pipeline.pipeline!.map((argv) => argv.slice(0, 2).join(' '))).toEqual(['kubectl create', 'kubeseal --format', 'kubectl apply']);
    expect(byStep('test-seal')).toContain('kubectl delete sealedsecret foobar -n default --ignore-not-found --context=k3d-lab');
    const demo = await t.exec('kubectl', ['get', 'sealedsecret', 'foobar', '-n', 'default', '--context=k3d-lab', '--ignore-not-found', '-o', 'name']);
    expect(demo.stdout.trim()).toBe('');

    // seal-gcp-creds: the commands shown are the commands run.
    const seal = journal.find((e) => e.stepId === 'seal-gcp-creds' && e.outputFile)!;
    const shown = chainSteps().find((s) => s.id === 'seal-gcp-creds')!.commands({ ...inputs, gcp: { project, keyFile } } as never)[0]!;
    expect(seal.pipeFrom).toEqual(shown.pipeFrom);
    expect(seal.argv).toEqual(shown.argv);
    expect(seal.outputFile).toBe(path.join(workspace, SEALED));
    expect(await stepLog(first, 'seal-gcp-creds')).not.toContain(privateKey.slice(40, 80));
  }, 240_000);

  it('leaves the scaffold and the sealed file on GitHub, and no key in the history', async () => {
    const check = path.join(t.workDir, 'check-clone');
    await git(['clone', '-q', `https://github.com/${login}/devflux.git`, check]);
    expect(fs.existsSync(path.join(check, '.gitops-lab/scaffold.json'))).toBe(true);
    const sealed = fs.readFileSync(path.join(check, SEALED), 'utf8');
    expect(sealed).toMatch(/kind: SealedSecret/);
    expect(sealed).toMatch(/name: gcp-creds/);
    const kustomization = fs.readFileSync(path.join(check, path.dirname(SEALED), 'kustomization.yaml'), 'utf8');
    expect(kustomization).toContain('sealedsecret.yaml');
    const history = await git(['-C', check, 'log', '-p', '--all']);
    expect(history).toContain('sealedsecret.yaml');
    expect(history).not.toContain('PRIVATE KEY');
    expect(history).not.toContain('"service_account"');
    expect(history).not.toContain(privateKey.split('\n')[1]);
    expect(history).not.toContain(Buffer.from(keyText).toString('base64').slice(0, 60));
    // The app's data folder holds only the key the step created, never a clear Secret.
    const journalText = JSON.stringify(await journalOf(first));
    expect(journalText).not.toContain(privateKey.split('\n')[1]);
    expect(journalText).not.toContain(token);
  });

  it('a restarted engine\'s checks find every step done: no second commit, push or key', async () => {
    const before = await git(['ls-remote', `https://github.com/${login}/devflux.git`, 'refs/heads/main']);
    const firstCount = (await journalOf(first)).length;
    await first.close();
    // The token comes from the environment this time, so the checks `start` runs have it.
    const rerun = createEngine({ dataDir: path.join(t.workDir, 'lab-data'), env: { ...env, GITHUB_TOKEN: token }, steps: chainSteps(), logWindowMs: 1 });
    engines.push(rerun);
    await rerun.start();
    const steps = (await rerun.getSnapshot({})).steps;
    // flux-preflight is cheap and never counts as done; every other step's check finds its outcome.
    for (const id of CHAIN.filter((c) => c !== 'flux-preflight')) expect(steps[id]?.status, id).toBe('succeeded');
    for (const id of MINE) expect(await stepLog(rerun, id)).not.toMatch(/is not any more|could not check/);
    const again = argvs((await journalOf(rerun)).slice(firstCount));
    expect(again).toContain(`git -C ${workspace} fetch origin main`);
    expect(again).toContain(`gcloud iam service-accounts list --format=json --project=${project}`);
    expect(again.filter((a) => / (commit|push) |kubeseal |keys create|service-accounts create/.test(a))).toEqual([]);
    expect(await git(['ls-remote', `https://github.com/${login}/devflux.git`, 'refs/heads/main'])).toBe(before);
  }, 120_000);

  it('refuses to overwrite a scaffold file the person changed, and names it', async () => {
    const edited = 'security/base/sealed-secrets/helmrelease.yaml';
    const other = path.join(t.workDir, 'edit-clone');
    await git(['clone', '-q', `https://github.com/${login}/devflux.git`, other]);
    fs.appendFileSync(path.join(other, edited), '# tuned by hand\n');
    await git(['-C', other, 'commit', '-qam', 'Tune the release by hand']);
    await git(['-C', other, 'push', '-q', 'origin', 'main']);
    const pushed = await git(['ls-remote', `https://github.com/${login}/devflux.git`, 'refs/heads/main']);
    await git(['-C', workspace, 'pull', '-q', '--ff-only']);

    const engine = await engineOn('lab-data-edit');
    const refused = await runStep(engine, 'scaffold');
    expect(refused.status).toBe('failed');
    expect(refused.error?.message).toContain(`refusing to overwrite files changed outside the app: ${edited}`);
    expect(fs.readFileSync(path.join(workspace, edited), 'utf8')).toContain('# tuned by hand');
    expect(await git(['ls-remote', `https://github.com/${login}/devflux.git`, 'refs/heads/main'])).toBe(pushed);
  }, 120_000);

  it('explains what to do when the organization forbids service-account keys', async () => {
    await t.control('/faults', { enable: ['sa-key-forbidden'] });
    try {
      const engine = await engineOn('lab-data-no-key');
      const failed = await runStep(engine, 'gcp-credentials');
      expect(failed.status).toBe('failed');
      expect(failed.error?.message).toContain('Your organization forbids service-account keys (iam.disableServiceAccountKeyCreation)');
      expect(failed.error?.message).toContain('gcp.keyFile');
      expect(fs.readdirSync(path.join(t.workDir, 'lab-data-no-key', 'gcp-key'))).toEqual([]);
    } finally {
      await t.control('/faults', { disable: ['sa-key-forbidden'] });
    }
  }, 60_000);

  it('refuses a gcp.keyFile that is not a service-account key, without quoting it', async () => {
    const notAKey = path.join(t.workDir, 'not-a-key.json');
    fs.writeFileSync(notAKey, JSON.stringify({ type: 'authorized_user', refresh_token: 'rt-very-private' }));
    const engine = await engineOn('lab-data-bad-key', { gcp: { project, keyFile: notAKey } });
    const failed = await runStep(engine, 'gcp-credentials');
    expect(failed.error?.message).toBe(`${notAKey} is not a service-account key (it needs "type": "service_account", "client_email" and "private_key").`);
    expect(argvs(await journalOf(engine)).filter((a) => a.startsWith('gcloud'))).toEqual([]);
  });
});

describe('StepContext.registerSecret', () => {
  it('masks a value a step found itself in the log of every later command', async () => {
    const value = 'sa-key-material-0123456789';
    const step: StepDefinition = {
      id: 'reads-a-key', phase: 'prepare', title: 'Reads a key', why: 'test', dependsOn: [], estimateSeconds: 1, inputs: [], commands: () => [],
      check: async () => ({ done: false }),
      async run(ctx) {
        ctx.registerSecret?.(value);
        await ctx.run({ argv: ['node', '-e', `process.stdout.write(${JSON.stringify(value)} + '\\n')`] });
      },
    };
    const engine = createEngine({ dataDir: fs.mkdtempSync(path.join(t.workDir, 'mask-')), env: process.env, steps: [step], logWindowMs: 1 });
    engines.push(engine);
    await engine.start();
    await engine.runStep({ stepId: 'reads-a-key' });
    await engine.whenIdle();
    const log = await stepLog(engine, 'reads-a-key');
    expect(log).toContain('***');
    expect(log).not.toContain(value);
  });
});

describe('tools', () => {
  it('installs only the missing tool with asdf; a rerun finds it through asdf and installs nothing', async () => {
    // A PATH with every lab tool but flux: the world's executables, one link each.
    const worldBin = path.join(t.world.stateDir, 'bin');
    const bin = fs.mkdtempSync(path.join(t.workDir, 'bin-'));
    for (const tool of fs.readdirSync(worldBin).filter((name) => name !== 'flux')) fs.symlinkSync(path.join(worldBin, tool), path.join(bin, tool));
    const toolEnv = { ...env, PATH: `${bin}:/usr/bin:/bin` };
    const info = catalogue.find((s) => s.id === 'tools')!;
    const engineWith = async (dataDir: string) => {
      const engine = createEngine({ dataDir: path.join(t.workDir, dataDir), env: toolEnv, steps: [toolsStep(info, { env: toolEnv })], runner: createRunner({ baseEnv: toolEnv, loginShell: false }), logWindowMs: 1 });
      engines.push(engine);
      await engine.start();
      return engine;
    };

    const engine = await engineWith('lab-data-tools');
    const state = await runStep(engine, 'tools');
    expect(state, JSON.stringify(state)).toMatchObject({ status: 'succeeded', outputs: { flux: expect.stringMatching(/^2\.9\./), k3d: '5.9.0' } });
    const log = await stepLog(engine, 'tools');
    expect(log).toContain('flux is missing');
    const ran = argvs(await journalOf(engine));
    expect(ran).toContain('asdf install');
    expect(ran).toContain('asdf set --home flux2 2.9.1');
    expect(ran.filter((a) => /^asdf (plugin add|set) (?!.*flux2)/.test(a))).toEqual([]);
    expect(fs.readFileSync(path.join(t.workDir, 'lab-data-tools', 'tools', '.tool-versions'), 'utf8')).toBe('flux2 2.9.1\n');

    const rerun = await engineWith('lab-data-tools-2');
    expect((await rerun.getSnapshot({})).steps.tools?.status).toBe('succeeded');
    expect(argvs(await journalOf(rerun))).toContain('asdf which flux');
    expect(argvs(await journalOf(rerun)).filter((a) => /^asdf (install|plugin add|set)/.test(a))).toEqual([]);
  }, 120_000);
});
