/**
 * The cloud half of the lab through `lab up`, in-process, with the real engine against a simulated
 * world: every automated step from Docker to the shop's address. The first `lab up` meets the
 * `gcp-quota-exceeded` fault and must stop at gke-cluster with Google's quota message; the second,
 * once the quota is there but gke-gcloud-auth-plugin is missing, at gke-credentials with the
 * plugin's install command; with that cleared too, a third `lab up` (same data folder, as a
 * person re-running it) finishes without repeating what was done, and a fourth finds everything
 * done by asking the world.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResourceStatus, Snapshot } from '../../api/contract';
import { labCli, writeLabYaml, type LabCli } from '../../../test/sim/world/lab-cli';
import { startTestWorld, type TestWorld } from '../../../test/sim/world/test-world';
import { nodePoolCostPerHour } from '../cloud/prices';
import { cloudResources, parseClusterList } from './gke-cluster';
import type { JournalRecord } from '../run/journal';

const CLOUD = ['crossplane', 'gke-cluster', 'gke-credentials', 'flux-bootstrap-dev', 'reseal-grafana', 'apps'];
const PASSWORD = 'grafana-Secret-4711-xyz';

let t: TestWorld;
let env: Record<string, string>;
let project: string;
let login: string;
let workspace: string;
let config: string;
const reported: ResourceStatus[] = [];
let lab: LabCli;

const journal = (): Promise<JournalRecord[]> => lab.journal();
const snapshot = (): Promise<Snapshot> => lab.snapshot();

const line = (e: JournalRecord) => (e.pipeline ?? [e.argv]).map((argv) => argv.join(' ')).join(' | ');

beforeAll(async () => {
  t = await startTestWorld({ timeScale: 0.01 });
  const worldEnv = t.world.env();
  login = worldEnv.GITHUB_USER!;
  env = { ...worldEnv, HOME: t.workDir, GRAFANA_ADMIN_PASSWORD: PASSWORD };
  project = (await t.exec('gcloud', ['config', 'get-value', 'project'])).stdout.trim();
  workspace = path.join(t.workDir, 'devflux');
  config = path.join(t.workDir, 'lab.yaml');
  lab = labCli({ dataDir: path.join(t.workDir, 'lab-data'), env, readyTimeoutMs: 40_000, reportResource: (s) => reported.push(s) });
  writeLabYaml(config, { owner: login, repository: 'devflux', project, k3dName: 'lab', machineType: 'e2-standard-2', preemptible: true });
}, 60_000);

afterAll(async () => {
  await lab?.close();
  await t?.dispose();
});

describe('lab up through the cloud steps', () => {
  let firstCount = 0;

  it('stops at gke-cluster with the quota message while GCP refuses, exit 1', async () => {
    await t.control('/faults', { enable: ['gcp-quota-exceeded'] });
    const run = await lab.run(['up', '--config', config, '--yes']);
    expect(run.code, run.err).toBe(1);
    expect(run.err).toContain('step "gke-cluster" (GKE dev cluster) failed: GCP refused to create Cluster dev-cluster');
    expect(run.err).toContain('Insufficient regional quota');
    const states = (await snapshot()).steps;
    expect(states.crossplane?.status).toBe('succeeded');
    expect(states['gke-cluster']?.status).toBe('failed');
    // Each Crossplane link was reported with its dependsOn for the graph.
    expect(reported.find((s) => s.name === 'crossplane-provider' && s.ready === true)).toMatchObject({ cluster: 'k3d-lab', dependsOn: ['flux-system/crossplane-core'] });
    // The engine's session watch puts on the board what no step waits for by name: Crossplane's HelmRelease.
    expect(reported.find((s) => s.kind === 'HelmRelease' && s.namespace === 'crossplane-system' && s.ready === true)).toMatchObject({ cluster: 'k3d-lab' });
    firstCount = (await journal()).length;
  }, 300_000);

  it('without gke-gcloud-auth-plugin, the next lab up creates the cluster and stops at gke-credentials saying how to install it', async () => {
    await t.control('/faults', { disable: ['gcp-quota-exceeded'], enable: ['gke-auth-plugin-missing'] });
    const run = await lab.run(['up', '--config', config, '--yes']);
    expect(run.code, run.err).toBe(1);
    expect(run.err).toContain(`step "gke-credentials" (Connect to the dev cluster) failed: gcloud wrote the context gke_${project}_europe-west9-a_dev-cluster, but kubectl cannot use it without gke-gcloud-auth-plugin.`);
    expect(run.err).toContain('gcloud components install gke-gcloud-auth-plugin');
    const states = (await snapshot()).steps;
    expect(states['gke-cluster']?.status).toBe('succeeded');
    expect(states['gke-credentials']?.status).toBe('failed');
    expect(states['flux-bootstrap-dev']?.status).not.toBe('succeeded');
  }, 300_000);

  it('after the faults are cleared, a further lab up finishes without repeating done steps and prints the shop address', async () => {
    await t.control('/faults', { disable: ['gke-auth-plugin-missing'] });
    const run = await lab.run(['up', '--config', config, '--yes']);
    expect(run.code, `${run.err}\n${run.out.slice(-3000)}`).toBe(0);
    const shop = /The shop is at (http:\/\/[\d.]+)/.exec(run.out)?.[1];
    expect(shop).toBeDefined();
    const world = await t.world.snapshot();
    expect(world.gcp.projects[project]?.forwardingRules.map((r) => `http://${r.IPAddress}`)).toEqual([shop]);

    const again = (await journal()).slice(firstCount);
    const lines = again.map(line);
    // Done steps were only checked: nothing created twice.
    expect(lines.filter((l) => /k3d cluster create|flux bootstrap github --context=k3d-lab|service-accounts create|git clone/.test(l))).toEqual([]);
    expect(again.filter((e) => e.stepId === 'crossplane')).toEqual([]);
    // get-credentials had written the context: once the plugin is there, the check finds it works.
    expect(lines.filter((l) => / get-credentials /.test(l))).toHaveLength(1);
    // The cloud steps ran the commands they show.
    const shown = (id: string) => lab.steps().find((s) => s.id === id)!.commands((labInputs()) as never);
    for (const id of ['gke-credentials', 'flux-bootstrap-dev']) {
      const ran = again.filter((e) => e.stepId === id).map((e) => e.argv.join(' '));
      for (const command of shown(id)) expect(ran).toContain(command.argv.join(' '));
    }
    expect(lines).toContain(`gcloud container clusters list --format=json --project=${project}`);
    const seal = again.find((e) => e.stepId === 'reseal-grafana' && e.outputFile)!;
    expect(seal.argv).toEqual(shown('reseal-grafana')[1]!.argv);
    expect(seal.pipeFrom).toContain('--from-literal=admin-user=admin');
    expect(seal.pipeFrom!.some((arg) => arg.startsWith('--from-file=admin-password='))).toBe(true);

    const states = (await snapshot()).steps;
    for (const id of CLOUD) expect(states[id]?.status, id).toBe('succeeded');
    expect(states.apps?.outputs?.shopAddress).toBe(shop);
    // Cloud resources with their creation time and cost.
    const gke = reported.filter((s) => s.cluster === 'gcp' && s.kind === 'GKE cluster').at(-1);
    expect(gke).toMatchObject({ name: 'dev-cluster', ready: true, costPerHour: 0.1 });
    expect(Date.parse(gke!.createdAt!)).not.toBeNaN();
    expect(reported.find((s) => s.kind === 'GKE node pool')?.costPerHour).toBeGreaterThan(0);
  }, 300_000);

  it('the Grafana password is nowhere in clear: not in the journal, the logs or the repository history', async () => {
    const data = path.join(t.workDir, 'lab-data');
    const files = fs.readdirSync(data, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.join(d.parentPath ?? d.path, d.name));
    for (const file of files) expect(fs.readFileSync(file, 'utf8'), file).not.toContain(PASSWORD);
    const history = await t.exec('git', ['-C', workspace, 'log', '-p', '--all'], { HOME: t.workDir });
    expect(history.stdout).toContain('observability/dev-cluster/kube-prometheus-stack/sealedsecret.yaml');
    expect(history.stdout).not.toContain(PASSWORD);
    expect(history.stdout).not.toContain(Buffer.from(PASSWORD).toString('base64'));
    // The dev cluster decrypted it with its own key.
    const secret = await t.exec('kubectl', ['get', 'secret', 'kube-prometheus-stack-grafana', '-n', 'observability', `--context=gke_${project}_europe-west9-a_dev-cluster`, '-o', 'jsonpath={.data.admin-password}']);
    expect(Buffer.from(secret.stdout, 'base64').toString()).toBe(PASSWORD);
  });

  it('a fourth lab up finds every step done by asking the world', async () => {
    const before = (await journal()).length;
    const run = await lab.run(['up', '--config', config, '--yes']);
    expect(run.code, run.err).toBe(0);
    const lines = (await journal()).slice(before).map(line);
    expect(lines.filter((l) => / (commit|push) |kubeseal |bootstrap |get-credentials /.test(l))).toEqual([]);
  }, 180_000);
});

describe('gcloud container clusters list --format=json, read for the live board', () => {
  const listed = JSON.stringify([
    {
      name: 'dev-cluster', status: 'RUNNING', location: 'europe-west9-a', zone: 'europe-west9-a', createTime: '2026-11-26T03:00:00+00:00', endpoint: '203.0.113.10',
      currentNodeCount: 2, nodePools: [{ name: 'main-np', status: 'RUNNING', initialNodeCount: 2, config: { machineType: 'e2-standard-4' } }],
    },
    { name: 'other', status: 'PROVISIONING', zone: 'us-central1-a', nodePools: [] },
  ]);

  it('parses clusters and their node pools', () => {
    const [dev, other] = parseClusterList(listed);
    expect(dev).toMatchObject({ name: 'dev-cluster', status: 'RUNNING', location: 'europe-west9-a', endpoint: '203.0.113.10', nodePools: [{ name: 'main-np', machineType: 'e2-standard-4', initialNodeCount: 2 }] });
    expect(other).toMatchObject({ name: 'other', status: 'PROVISIONING', location: 'us-central1-a', nodePools: [] });
    expect(parseClusterList('')).toEqual([]);
  });

  it('prices the cluster fee and the nodes by machine type, count and preemptibility', () => {
    const [dev] = parseClusterList(listed);
    const [cluster, pool] = cloudResources(dev!, { clusters: { preemptible: false } as never });
    expect(cluster).toMatchObject({ cluster: 'gcp', kind: 'GKE cluster', ready: true, costPerHour: 0.1, createdAt: '2026-11-26T03:00:00.000Z' });
    expect(pool).toMatchObject({ kind: 'GKE node pool', name: 'dev-cluster/main-np', message: 'RUNNING: 2 x e2-standard-4', costPerHour: nodePoolCostPerHour('e2-standard-4', 2, false) });
    expect(nodePoolCostPerHour('e2-standard-4', 2, false)).toBeGreaterThan(nodePoolCostPerHour('e2-standard-4', 2, true)!);
    expect(nodePoolCostPerHour('n9-unknown-1', 1, true)).toBeUndefined();
  });
});

function labInputs() {
  return { github: { owner: login, repository: 'devflux', personal: true }, gcp: { project, zone: 'europe-west9-a' }, clusters: { k3dName: 'lab', gkeName: 'dev-cluster' }, workspaceDir: workspace };
}
