/**
 * `lab down` against the simulated world, in-process with the real engine: one `lab up`, then a
 * teardown that meets every trap of LAB.md section 4 on the way and must end with nothing left,
 * asked of the world through the fake gcloud and k3d:
 * - the shop's frontend-external load balancer: released first, before the cluster goes;
 * - deletionProtection set true by hand (kubectl patch, Flux's Kustomization suspended so nobody
 *   puts it back): switched off before the GitOps deletion, the suspended Kustomization resumed;
 * - the app killed mid-teardown (engine closed while the GKE cluster is being deleted): the next
 *   `lab down` resumes without repeating the load balancer's removal;
 * - the Crossplane providers deleted by hand meanwhile: the managed resources hang on their
 *   finalizers, `lab down` stops with exit 1 naming them and what to do; `lab down --force`
 *   finishes, and says so with gcloud's evidence.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabEvent } from '../../../electron/api/contract';
import { startCleanupWorld, type CleanupWorld } from './cleanup-world';

let sim: CleanupWorld;

beforeAll(async () => {
  sim = await startCleanupWorld({ timeScale: 0.01 });
}, 60_000);

afterAll(() => sim?.close());

async function until(what: string, condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('lab down against the simulated world', () => {
  let cut = 0;

  it('lab up makes the whole lab, with the shop behind a Google load balancer', async () => {
    const run = await sim.lab.run(['up', '--config', sim.config, '--yes']);
    expect(run.code, `${run.err}\n${run.out.slice(-2000)}`).toBe(0);
    const now = await sim.listWorld();
    expect(now.clusters.map((c) => c.name)).toEqual(['dev-cluster']);
    expect(now.networks).toContain('dev-network');
    expect(now.rules.map((r) => JSON.parse(r.description)['kubernetes.io/service-name'])).toEqual(['demo/frontend-external']);
    expect(now.k3d).toEqual(['lab']);
  }, 240_000);

  it('deletionProtection set true by hand is switched off; a teardown killed while the cluster goes leaves the load balancer already released', async () => {
    const k3d = ['--context=k3d-lab'];
    expect((await sim.t.exec('flux', ['suspend', 'kustomization', 'infrastructure-custom-resources', ...k3d])).code).toBe(0);
    const patched = await sim.t.exec('kubectl', ['patch', 'clusters.container.gcp.upbound.io', 'dev-cluster', '--type=merge', '-p', '{"spec":{"forProvider":{"deletionProtection":true}}}', ...k3d]);
    expect(patched.code, patched.stderr).toBe(0);
    // The provider applies it to its Terraform state, which then refuses to destroy the cluster.
    await until('the provider to take deletionProtection', async () => (await sim.t.world.snapshot()).gcp.projects[sim.project]?.clusters[0]?.deletionProtection === true);
    cut = (await sim.journal()).length;

    const first = sim.lab.engine();
    await first.start();
    const waiting = new Promise<void>((resolve) =>
      first.onEvent((event: LabEvent) => {
        if (event.type === 'log' && event.stream === 'down-gke' && event.data.includes('Waiting for Crossplane to delete')) resolve();
      }),
    );
    await first.runTeardown({ force: false, deleteServiceAccount: false });
    await Promise.race([waiting, first.whenTeardownIdle().then(() => Promise.reject(new Error('the teardown ended before deleting the cluster')))]);
    await first.close();

    const lines = (await sim.journal()).slice(cut).map(sim.line);
    cut += lines.length;
    expect(lines).toContain('kubectl delete namespace demo --ignore-not-found --wait=false --context=gke_' + sim.project + '_europe-west9-a_dev-cluster');
    expect(lines).toContain('kubectl patch clusters.container.gcp.upbound.io dev-cluster --type=merge -p {"spec":{"forProvider":{"deletionProtection":false}}} --context=k3d-lab');
    expect(lines, sim.logOf('down-gke')).toContain('flux resume kustomization infrastructure-custom-resources --context=k3d-lab');
    // The load balancer went first; the cluster is still there.
    const now = await sim.listWorld();
    expect(now.rules).toEqual([]);
    expect(now.k3d).toEqual(['lab']);
    // The tutorial's cleanup: the entry commented out, the file's own comments kept.
    const kustomization = fs.readFileSync(path.join(sim.workspace, 'infrastructure/k3d-lab/custom-resources/crossplane/kustomization.yaml'), 'utf8');
    expect(kustomization).toMatch(/^\s*# - cluster\.yaml$/m);
    expect(kustomization).toMatch(/^\s*- network\.yaml$/m);
    expect(kustomization).toContain('comment out cluster.yaml to delete the GKE cluster');
  }, 180_000);

  it('with the providers deleted by hand, lab down resumes, then stops naming the stuck managed resources and what to do (exit 1)', async () => {
    const k3d = ['--context=k3d-lab'];
    expect((await sim.t.exec('flux', ['suspend', 'kustomization', 'crossplane-provider', ...k3d])).code).toBe(0);
    const deleted = await sim.t.exec('kubectl', ['delete', 'providers.pkg.crossplane.io', 'provider-gcp-container', 'provider-gcp-compute', ...k3d]);
    expect(deleted.code, deleted.stderr).toBe(0);

    const run = await sim.lab.run(['down', '--config', sim.config, '--yes']);
    expect(run.code).toBe(1);
    const err = run.err;
    expect(err).toMatch(/teardown step "down-(gke|network)" .* failed: Crossplane cannot delete (GKE cluster dev-cluster|network dev-network): its provider is not running on k3d-lab \(provider-gcp-container \(missing\), provider-gcp-compute \(missing\)\)/);
    expect(err).toContain('hang on the finalizer finalizer.managedresource.crossplane.io (crossplane/crossplane#4251)');
    expect(err).toContain('run lab down --force');
    expect(err).toMatch(/kubectl patch (clusters\.container|networks\.compute)\.gcp\.upbound\.io (dev-cluster|dev-network) --type=merge -p '\{"metadata":\{"finalizers":null\}\}' --context=k3d-lab/);
    expect(run.out).toMatch(/refused as asked: (GKE cluster dev-cluster|network dev-network) exists but Crossplane's provider is not running/);
    // Resumed: the load balancer's removal was found done, not run again; the k3d cluster was kept.
    const lines = (await sim.journal()).slice(cut).map(sim.line);
    expect(lines.filter((l) => l.includes('delete namespace demo'))).toEqual([]);
    expect(lines.filter((l) => l.startsWith('k3d cluster delete'))).toEqual([]);
    expect((await sim.listWorld()).k3d).toEqual(['lab']);
  }, 120_000);

  it('lab down --force --delete-service-account finishes: no GKE cluster, node pool, network, load balancer, k3d cluster or service account, with the gcloud evidence', async () => {
    const run = await sim.lab.run(['down', '--config', sim.config, '--yes', '--force', '--delete-service-account']);
    expect(run.code, `${run.err}\n${sim.logOf('down-gke')}`).toBe(0);
    const now = await sim.listWorld();
    expect(now.clusters).toEqual([]);
    expect(now.networks).not.toContain('dev-network');
    expect(now.rules).toEqual([]);
    expect(now.k3d).toEqual([]);
    const out = run.out;
    expect(out).toContain(`gcloud container clusters list --project=${sim.project}: no cluster dev-cluster`);
    expect(out).toContain(`gcloud compute forwarding-rules list --project=${sim.project}: no load balancer on dev-network`);
    expect(out).toContain(`gcloud compute networks list --project=${sim.project}: no network dev-network`);
    expect(out).toContain('k3d cluster list: no cluster lab');
    expect(out).toContain('Nothing of the lab is left running.');
    const snapshot = await sim.lab.engine().getSnapshot({});
    expect(snapshot.cleanup.completedAt).toBeDefined();
    expect(snapshot.cleanup.remaining).toEqual([]);
    // Asked for: Crossplane's service account and its keys are gone too.
    const accounts = await sim.json<Array<{ email: string }>>('gcloud', ['iam', 'service-accounts', 'list', '--format=json', `--project=${sim.project}`]);
    expect(accounts.map((a) => a.email)).not.toContain(`crossplane@${sim.project}.iam.gserviceaccount.com`);
    expect(snapshot.steps['down-service-account']).toMatchObject({ status: 'succeeded' });
    cut = (await sim.journal()).length;
  }, 180_000);

  it('a second lab down --yes finds everything gone: exit 0 with the evidence, nothing deleted again', async () => {
    const run = await sim.lab.run(['down', '--config', sim.config, '--yes']);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toContain(`gcloud container clusters list --project=${sim.project}: no cluster dev-cluster`);
    expect(run.out).toContain('Nothing of the lab is left running.');
    const lines = (await sim.journal()).slice(cut).map(sim.line);
    expect(lines.filter((l) => / delete |git -C .* (commit|push)/.test(l))).toEqual([]);
  }, 60_000);
});
