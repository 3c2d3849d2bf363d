/**
 * The first lab steps run by the real engine against a simulated world: fake k3d and flux,
 * the cluster's API server with the world's Flux controllers, the simulated GitHub and real git.
 * Each "second run" is a fresh engine on an empty data directory: only the world remembers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JournalEntry, ResourceStatus, StepState } from '../../api/contract';
import type { PartialLabInputs } from '../../api/inputs';
import { startTestWorld, type TestWorld } from '../../../test/sim/world/test-world';
import { createEngine, type Engine } from '../engine/index';
import { labSteps } from '../plan/lab-steps';
import type { StepDefinition } from '../plan/step';

const IDS = ['docker', 'github-access', 'k3d-cluster', 'flux-preflight', 'flux-bootstrap', 'clone'];

let t: TestWorld;
let env: Record<string, string>;
let token: string;
let login: string;
let workspace: string;
let inputs: PartialLabInputs;
const reported: ResourceStatus[] = [];
const engines: Engine[] = [];
let dataDirs = 0;

/** The automated steps only; dependencies on manual steps (tools, docker, github-access) are dropped. */
function automated(): StepDefinition[] {
  return labSteps({ env, readyTimeoutMs: 60_000, reportResource: (s) => reported.push(s) })
    .filter((s) => IDS.includes(s.id))
    .map((s) => ({ ...s, dependsOn: s.dependsOn.filter((d) => IDS.includes(d)) }));
}

async function freshEngine(): Promise<Engine> {
  const engine = createEngine({ dataDir: path.join(t.workDir, `lab-data-${++dataDirs}`), env, steps: automated(), logWindowMs: 1 });
  engines.push(engine);
  await engine.start();
  await engine.setInputs({ inputs });
  await engine.setSecret({ name: 'GITHUB_TOKEN', value: token });
  return engine;
}

async function runStep(engine: Engine, stepId: string): Promise<StepState> {
  await engine.runStep({ stepId });
  await engine.whenIdle();
  return (await engine.getSnapshot({})).steps[stepId]!;
}

async function journal(engine: Engine, stepId: string): Promise<JournalEntry[]> {
  return (await engine.getJournal({})).entries.filter((e) => e.stepId === stepId);
}

const argvs = (entries: JournalEntry[]) => entries.map((e) => e.argv.join(' '));

beforeAll(async () => {
  t = await startTestWorld({ timeScale: 0.01 });
  const worldEnv = t.world.env();
  token = worldEnv.GITHUB_TOKEN!;
  login = worldEnv.GITHUB_USER!;
  // The token reaches commands only through the engine's secret: the world's git credential
  // helper, which reads GITHUB_TOKEN from the environment, finds nothing.
  const { GITHUB_TOKEN: _dropped, ...rest } = worldEnv;
  env = { ...rest, HOME: t.workDir };
  workspace = path.join(t.workDir, 'devflux');
  inputs = { github: { owner: login, repository: 'devflux', personal: true }, clusters: { k3dName: 'lab' } as PartialLabInputs['clusters'], workspaceDir: workspace };
});

afterAll(async () => {
  for (const engine of engines) await engine.close();
  await t?.dispose();
});

describe('k3d-cluster', () => {
  it('creates the cluster; a second run finds it and creates nothing', async () => {
    const first = await freshEngine();
    expect(await runStep(first, 'k3d-cluster')).toMatchObject({ status: 'succeeded', outputs: { context: 'k3d-lab' } });
    expect(argvs(await journal(first, 'k3d-cluster'))).toContain('k3d cluster create lab --wait');
    const listed = await t.exec('k3d', ['cluster', 'list', '--no-headers'], { HOME: t.workDir });
    expect(listed.stdout).toMatch(/^lab\s+1\/1/);

    const second = await freshEngine();
    expect(await runStep(second, 'k3d-cluster')).toMatchObject({ status: 'succeeded', outputs: { context: 'k3d-lab' } });
    const again = argvs(await journal(second, 'k3d-cluster'));
    expect(again).toContain('k3d cluster list -o json');
    expect(again.filter((a) => a.startsWith('k3d cluster create'))).toEqual([]);
    const log = (await second.readLog({ stepId: 'k3d-cluster', offset: 0, maxBytes: 100_000 })).text;
    expect(log).toContain('Already done: k3d cluster "lab" runs and the kubeconfig has its context k3d-lab');
  });
});

describe('flux-preflight', () => {
  it('runs flux check --pre against the cluster and passes', async () => {
    const engine = await freshEngine();
    expect(await runStep(engine, 'flux-preflight')).toMatchObject({ status: 'succeeded' });
    expect(argvs(await journal(engine, 'flux-preflight'))).toContain('flux check --pre --context=k3d-lab');
    const log = (await engine.readLog({ stepId: 'flux-preflight', offset: 0, maxBytes: 100_000 })).text;
    expect(log).toContain('prerequisites checks passed');
  });
});

describe('flux-bootstrap', () => {
  it('bootstraps with the token in the environment only, waits for flux-system Ready; a rerun skips it', async () => {
    const engine = await freshEngine();
    const state = await runStep(engine, 'flux-bootstrap');
    expect(state, JSON.stringify(state.error)).toMatchObject({ status: 'succeeded', outputs: { context: 'k3d-lab', path: 'clusters/k3d-lab' } });
    const [bootstrap] = (await journal(engine, 'flux-bootstrap')).filter((e) => e.argv[1] === 'bootstrap');
    const shown = automated().find((s) => s.id === 'flux-bootstrap')!.commands(inputs as Parameters<StepDefinition["commands"]>[0]);
    expect(bootstrap!.argv).toEqual(shown[0]!.argv);
    expect(bootstrap!.argv).toContain('--token-auth');
    expect(bootstrap!.envNames).toEqual(['GITHUB_TOKEN']);
    expect(JSON.stringify(await engine.getJournal({}))).not.toContain(token);
    expect((await engine.readLog({ stepId: 'flux-bootstrap', offset: 0, maxBytes: 1_000_000 })).text).not.toContain(token);
    expect(reported.filter((s) => s.name === 'flux-system').at(-1)).toMatchObject({ cluster: 'k3d-lab', kind: 'Kustomization', namespace: 'flux-system', ready: true });

    const rerun = await freshEngine();
    expect(await runStep(rerun, 'flux-bootstrap')).toMatchObject({ status: 'succeeded' });
    expect((await journal(rerun, 'flux-bootstrap')).filter((e) => e.argv[1] === 'bootstrap')).toEqual([]);
    const log = (await rerun.readLog({ stepId: 'flux-bootstrap', offset: 0, maxBytes: 100_000 })).text;
    expect(log).toContain('Already done: Kustomization flux-system/flux-system is Ready on k3d-lab');
  });
});

describe('clone', () => {
  it('clones the private repository with the token kept out of argv and .git/config', async () => {
    const engine = await freshEngine();
    const state = await runStep(engine, 'clone');
    expect(state, JSON.stringify(state.error)).toMatchObject({ status: 'succeeded', outputs: { dir: workspace } });
    expect(fs.existsSync(path.join(workspace, 'clusters/k3d-lab/flux-system/gotk-sync.yaml'))).toBe(true);
    const config = fs.readFileSync(path.join(workspace, '.git/config'), 'utf8');
    expect(config).toContain(`url = https://github.com/${login}/devflux.git`);
    expect(config).not.toContain(token);
    expect(config).not.toContain(Buffer.from(`x-access-token:${token}`).toString('base64'));
    const entries = await journal(engine, 'clone');
    expect(argvs(entries)).toContain(`git clone https://github.com/${login}/devflux.git ${workspace}`);
    expect(JSON.stringify(entries)).not.toContain(token);

    const rerun = await freshEngine();
    expect(await runStep(rerun, 'clone')).toMatchObject({ status: 'succeeded' });
    expect(argvs(await journal(rerun, 'clone')).filter((a) => a.startsWith('git clone') || a.includes(' pull '))).toEqual([]);
  });

  it('refuses to pull into a clone with uncommitted changes, then fast-forwards it once clean', async () => {
    // Someone pushes a commit; meanwhile the local clone has an edit.
    const pushed = await t.sh(`git clone -q "https://github.com/$GITHUB_USER/devflux.git" other && cd other && echo hi > NOTE.md && git add NOTE.md && git commit -qm 'Add a note' && git push -q origin main`);
    expect(pushed.code, pushed.stderr).toBe(0);
    fs.appendFileSync(path.join(workspace, 'clusters/k3d-lab/flux-system/kustomization.yaml'), '# local edit\n');

    const engine = await freshEngine();
    const refused = await runStep(engine, 'clone');
    expect(refused.status).toBe('failed');
    expect(refused.error?.message).toContain(`${workspace} has uncommitted changes (1 file: clusters/k3d-lab/flux-system/kustomization.yaml)`);
    expect(refused.error?.message).toContain('stash');
    expect(fs.existsSync(path.join(workspace, 'NOTE.md'))).toBe(false);
    expect(fs.readFileSync(path.join(workspace, 'clusters/k3d-lab/flux-system/kustomization.yaml'), 'utf8')).toContain('# local edit');

    const restored = await t.exec('git', ['-C', workspace, 'checkout', '--', '.'], { HOME: t.workDir });
    expect(restored.code, restored.stderr).toBe(0);
    const clean = await freshEngine();
    const pulled = await runStep(clean, 'clone');
    expect(pulled, JSON.stringify(pulled.error)).toMatchObject({ status: 'succeeded' });
    expect(argvs(await journal(clean, 'clone'))).toContain(`git -C ${workspace} pull --ff-only`);
    expect(fs.readFileSync(path.join(workspace, 'NOTE.md'), 'utf8')).toBe('hi\n');
  });
});

describe('docker', () => {
  it('is done while the daemon runs; with the daemon down it fails saying what to do', async () => {
    const up = await freshEngine();
    expect(await runStep(up, 'docker')).toMatchObject({ status: 'succeeded' });
    expect(argvs(await journal(up, 'docker'))).toEqual(['docker info']);

    await t.control('/faults', { enable: ['docker-down'] });
    try {
      const down = await freshEngine();
      const failed = await runStep(down, 'docker');
      expect(failed.status).toBe('failed');
      expect(failed.error?.message).toContain('Docker is not available: Cannot connect to the Docker daemon');
      expect(failed.error?.message).toContain('Start Docker');
    } finally {
      await t.control('/faults', { disable: ['docker-down'] });
    }
  });
});

describe('github-access', () => {
  it('accepts the world\'s token for its owner; refuses another owner and a rejected token', async () => {
    const engine = await freshEngine();
    const ok = await runStep(engine, 'github-access');
    expect(ok, JSON.stringify(ok.error)).toMatchObject({ status: 'succeeded', outputs: { login, tokenKind: 'classic', repository: `${login}/devflux`, repositoryExists: 'true' } });

    const other = await freshEngine();
    await other.setInputs({ inputs: { github: { owner: 'someone-else', repository: 'devflux', personal: true } } });
    const wrongOwner = await runStep(other, 'github-access');
    expect(wrongOwner.error?.message).toBe(`The token belongs to ${login}, but github.owner is someone-else: use ${login} as owner, or untick "personal" for an organization.`);

    await t.control('/faults', { enable: ['github-token-rejected'] });
    try {
      const rejected = await runStep(await freshEngine(), 'github-access');
      expect(rejected.status).toBe('failed');
      expect(rejected.error?.message).toContain('401 Bad credentials');
      expect(rejected.error?.message).not.toContain(token);
    } finally {
      await t.control('/faults', { disable: ['github-token-rejected'] });
    }
  });
});
