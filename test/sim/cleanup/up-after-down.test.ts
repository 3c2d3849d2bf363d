/**
 * A workshop's second day: `lab up`, `lab down`, then `lab up` again against the simulated world,
 * in-process with the real engine. The second `lab up` meets what the first day left in the
 * repository: the kustomization with `- cluster.yaml` commented out by the teardown, and secrets
 * sealed with the keys of clusters that no longer exist. It must put the GKE cluster back, seal
 * again for the new clusters (whose controllers then decrypt), and end with the shop's address.
 *
 * Below it, the scaffold writer on its own: the teardown's claimed edit is the app's and is put
 * back; a person's change made on top of it, or an edit nobody claimed, is asked about.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setListEntryCommentedInText } from '../../../electron/lab/gitops/kustomization-edit';
import { customResourcesKustomization, sealedSecretPaths } from '../../../electron/lab/gitops/scaffold';
import { tempDir, testInputs } from '../../../electron/lab/gitops/test-helpers';
import { recordLabEdit, readLabEdits, ScaffoldConflictError, writeScaffold } from '../../../electron/lab/gitops/write';
import { createRunner } from '../../../electron/lab/run/runner';
import { sealedWith } from '../../../electron/lab/steps/seal-gcp-creds';
import { startCleanupWorld, type CleanupWorld } from './cleanup-world';

let sim: CleanupWorld;

beforeAll(async () => {
  sim = await startCleanupWorld({ timeScale: 0.005 });
}, 60_000);

afterAll(() => sim?.close());

const k3dContext = 'k3d-lab';
const gkeContext = () => `gke_${sim.project}_europe-west9-a_dev-cluster`;
const labInputs = () => testInputs({ k3dName: 'lab' });

/** What a second day is judged by: each GKE cluster with its status, the networks, the k3d clusters. */
async function world() {
  const now = await sim.listWorld();
  return { clusters: now.clusters.map((c) => `${c.name} ${c.status}`), networks: now.networks, k3d: now.k3d };
}

/** The file as origin/main holds it (the simulated GitHub), fetched into the clone first. */
async function onRemote(file: string): Promise<string> {
  const fetched = await sim.t.exec('git', ['-C', sim.workspace, 'fetch', '-q', 'origin', 'main']);
  expect(fetched.code, fetched.stderr).toBe(0);
  const shown = await sim.t.exec('git', ['-C', sim.workspace, 'show', `origin/main:${file}`]);
  expect(shown.code, shown.stderr).toBe(0);
  return shown.stdout;
}

/** The fingerprint of the certificate the cluster's controller hands out, read with kubeseal as a person would. */
async function certificateOf(context: string): Promise<string> {
  const fetched = await sim.t.exec('kubeseal', ['--fetch-cert', `--context=${context}`]);
  expect(fetched.code, fetched.stderr).toBe(0);
  const body = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(fetched.stdout)![1]!.replace(/\s+/g, '');
  return `sha256:${createHash('sha256').update(Buffer.from(body, 'base64')).digest('hex')}`;
}

async function syncedOf(context: string, namespace: string, name: string): Promise<string | undefined> {
  const sealed = await sim.json<{ status?: { conditions?: Array<{ type: string; status: string }> } }>('kubectl', ['get', 'sealedsecret', name, '-n', namespace, '-o', 'json', `--context=${context}`]);
  return sealed.status?.conditions?.find((c) => c.type === 'Synced')?.status;
}

describe('lab up after lab down (a second day)', () => {
  const sealed = () => sealedSecretPaths(labInputs());
  const kustomization = () => customResourcesKustomization(labInputs());
  const firstDay: { gcpCreds?: string; grafana?: string } = {};
  let cut = 0;

  it('day one: lab up makes the lab; each sealed file names the certificate of the cluster it was sealed for', async () => {
    const run = await sim.lab.run(['up', '--config', sim.config, '--yes']);
    expect(run.code, `${run.err}\n${run.out.slice(-2000)}`).toBe(0);
    expect((await world()).clusters).toEqual(['dev-cluster RUNNING']);
    firstDay.gcpCreds = sealedWith(await onRemote(sealed().gcpCreds));
    firstDay.grafana = sealedWith(await onRemote(sealed().grafana));
    expect(firstDay.gcpCreds).toBe(await certificateOf(k3dContext));
    expect(firstDay.grafana).toBe(await certificateOf(gkeContext()));
    // Each cluster has its own key.
    expect(firstDay.grafana).not.toBe(firstDay.gcpCreds);
  }, 240_000);

  it('lab down removes everything and leaves - cluster.yaml commented out on origin/main, claimed as the lab\'s own edit', async () => {
    const run = await sim.lab.run(['down', '--config', sim.config, '--yes']);
    expect(run.code, `${run.err}\n${sim.logOf('down-gke')}`).toBe(0);
    expect(await world()).toEqual({ clusters: [], networks: [], k3d: [] });
    const text = await onRemote(kustomization());
    expect(text).toMatch(/^\s*# - cluster\.yaml$/m);
    expect(text).toMatch(/^\s*# - network\.yaml$/m);
    expect(readLabEdits(sim.dataDir()).filter((e) => e.file === kustomization()).length).toBeGreaterThanOrEqual(2);
    cut = (await sim.journal()).length;
  }, 180_000);

  it('day two: lab up exits 0 with the shop\'s address and a RUNNING GKE cluster again', async () => {
    const run = await sim.lab.run(['up', '--config', sim.config, '--yes']);
    expect(run.code, `${run.err}\n${run.out.slice(-3000)}\n${sim.logOf('scaffold')}\n${sim.logOf('seal-gcp-creds')}`).toBe(0);
    const shop = /The shop is at (http:\/\/[\d.]+)/.exec(run.out)?.[1];
    expect(shop).toBeDefined();
    const snapshot = await sim.t.world.snapshot();
    expect(snapshot.gcp.projects[sim.project]?.forwardingRules.map((r) => `http://${r.IPAddress}`)).toEqual([shop]);
    expect((await world()).clusters).toEqual(['dev-cluster RUNNING']);
    expect(sim.logOf('scaffold')).toContain(`Putting back the lab's version of ${kustomization()}`);
    const text = await onRemote(kustomization());
    expect(text).toMatch(/^\s*- cluster\.yaml$/m);
    expect(text).not.toMatch(/# - (cluster|nodepool|network)\.yaml/);
  }, 240_000);

  it('day two sealed again with the new clusters\' keys, and both controllers decrypted', async () => {
    const gcpCreds = sealedWith(await onRemote(sealed().gcpCreds));
    const grafana = sealedWith(await onRemote(sealed().grafana));
    expect(gcpCreds).toBe(await certificateOf(k3dContext));
    expect(grafana).toBe(await certificateOf(gkeContext()));
    expect(gcpCreds).not.toBe(firstDay.gcpCreds);
    expect(grafana).not.toBe(firstDay.grafana);
    expect(await syncedOf(k3dContext, 'crossplane-system', 'gcp-creds')).toBe('True');
    expect(await syncedOf(gkeContext(), 'observability', 'kube-prometheus-stack-grafana')).toBe('True');

    const lines = (await sim.journal()).slice(cut).map(sim.line);
    // The demo round trip ran again on the new local cluster, and each secret was sealed once.
    expect(lines.filter((l) => /kubeseal --format yaml --namespace default /.test(l))).toHaveLength(1);
    expect(lines.filter((l) => /kubeseal --format yaml --namespace crossplane-system /.test(l))).toHaveLength(1);
    expect(lines.filter((l) => /kubeseal --format yaml --namespace observability /.test(l))).toHaveLength(1);
  }, 60_000);
});

describe('the scaffold writer and the lab\'s own edits', () => {
  const runner = createRunner({ loginShell: false });
  const cleanups: Array<() => void> = [];
  afterEach(() => cleanups.splice(0).forEach((remove) => remove()));
  const inputs = testInputs();
  const file = customResourcesKustomization(inputs);
  const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.test', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.test' };
  const git = (dir: string, ...args: string[]) => execFileSync('git', args, { cwd: dir, env: gitEnv, encoding: 'utf8' });

  /** A scaffolded clone whose kustomization the teardown commented out (committed), and the data folder that claims it when `claim`. */
  async function tornDown(claim: boolean): Promise<{ dir: string; data: string; original: string }> {
    const tmp = tempDir('up-after-down-');
    cleanups.push(tmp.remove);
    const dir = path.join(tmp.dir, 'clone');
    const data = path.join(tmp.dir, 'data');
    fs.mkdirSync(dir);
    git(dir, 'init', '-q', '-b', 'main');
    await writeScaffold(dir, inputs, { runner });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'scaffold');
    const original = fs.readFileSync(path.join(dir, file), 'utf8');
    let text = original;
    for (const entries of [['cluster.yaml', 'nodepool.yaml'], ['network.yaml']]) {
      const before = text;
      for (const entry of entries) text = setListEntryCommentedInText(text, entry, true);
      if (claim) recordLabEdit(data, file, before, text);
    }
    fs.writeFileSync(path.join(dir, file), text);
    git(dir, 'commit', '-q', '-am', 'Delete the GKE cluster and the network (GitOps Lab cleanup)');
    return { dir, data, original };
  }

  it('puts the claimed commented-out entries back', async () => {
    const { dir, data, original } = await tornDown(true);
    const result = await writeScaffold(dir, inputs, { runner, headless: true, labEdits: readLabEdits(data) });
    expect(result.restored).toEqual([file]);
    expect(result.written).toEqual([file]);
    expect(fs.readFileSync(path.join(dir, file), 'utf8')).toBe(original);
  });

  it('asks about a change the person made on top of the teardown\'s edit, and writes nothing', async () => {
    const { dir, data } = await tornDown(true);
    const mine = fs.readFileSync(path.join(dir, file), 'utf8') + '# keep the cluster away until Monday\n';
    fs.writeFileSync(path.join(dir, file), mine);
    git(dir, 'commit', '-q', '-am', 'my note');
    const error = await writeScaffold(dir, inputs, { runner, headless: true, labEdits: readLabEdits(data) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScaffoldConflictError);
    expect((error as ScaffoldConflictError).conflicts.map((c) => `${c.file} ${c.reason}`)).toEqual([`${file} edited`]);
    expect(fs.readFileSync(path.join(dir, file), 'utf8')).toBe(mine);
  });

  it('asks about the same commented-out entries when no teardown claimed them (a person followed the tutorial by hand)', async () => {
    const { dir, data } = await tornDown(false);
    await expect(writeScaffold(dir, inputs, { runner, headless: true, labEdits: readLabEdits(data) })).rejects.toBeInstanceOf(ScaffoldConflictError);
  });
});
