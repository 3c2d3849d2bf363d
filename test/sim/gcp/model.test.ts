import { describe, expect, it } from 'vitest';
import { createClock } from '../world/clock.js';
import { GcpError } from './errors.js';
import { GcpModel } from './model.js';
import { emptyGcpState } from './types.js';

function model(active: string[] = [], hooks = {}) {
  const clock = createClock(0.0001, { held: true });
  const faults = { has: (name: string) => active.includes(name) };
  let changes = 0;
  const gcp = new GcpModel(emptyGcpState(), clock, faults, () => void changes++, hooks);
  return { gcp, clock, changes: () => changes };
}

function caught(fn: () => unknown): GcpError {
  try {
    fn();
  } catch (error) {
    if (error instanceof GcpError) return error;
    throw error;
  }
  throw new Error('expected a GcpError');
}

describe('the GCP model (library API for gcloud and the Crossplane provider simulation)', () => {
  it('a cluster is PROVISIONING until its scaled duration passes, then RUNNING with its API server port', async () => {
    const started: string[] = [];
    const { gcp, clock } = model([], { clusterRunning: async (_p: string, c: { name: string }) => (started.push(c.name), 4242) });
    const cluster = gcp.createCluster('p', 'europe-west9-a', 'dev-cluster', { labels: { lab: 's1' } });
    expect(cluster.status).toBe('PROVISIONING');
    expect(gcp.getCluster('p', 'europe-west9-a', 'dev-cluster').nodePools[0]?.status).toBe('PROVISIONING');
    clock.release();
    await gcp.settled();
    const running = gcp.getCluster('p', 'europe-west9-a', 'dev-cluster');
    expect(running).toMatchObject({ status: 'RUNNING', apiPort: 4242, labels: { lab: 's1' } });
    expect(started).toEqual(['dev-cluster']);
  });

  it("node pools and clusters delete through STOPPING; Terraform's deletion protection does not stop the API", async () => {
    const gone: string[] = [];
    const { gcp, clock } = model([], { clusterGone: async (_p: string, c: { name: string }) => void gone.push(c.name) });
    clock.release();
    gcp.createCluster('p', 'z', 'guarded', { deletionProtection: true });
    gcp.createCluster('p', 'z', 'c1');
    await gcp.settled();
    expect(gcp.deleteCluster('p', 'z', 'guarded').status).toBe('STOPPING');
    const pool = gcp.createNodePool('p', 'z', 'c1', 'main-np', { nodeCount: 2 });
    expect(pool.status).toBe('PROVISIONING');
    await gcp.settled();
    expect(gcp.getNodePool('p', 'z', 'c1', 'main-np').status).toBe('RUNNING');
    expect(gcp.deleteCluster('p', 'z', 'c1').status).toBe('STOPPING');
    await gcp.settled();
    expect(caught(() => gcp.getCluster('p', 'z', 'c1')).code).toBe(404);
    expect(gone.sort()).toEqual(['c1', 'guarded']);
  });

  it('quota exceeded: clusters and node pools fail with the real 403 wording', async () => {
    const { gcp, clock } = model(['gcp-quota-exceeded']);
    clock.release();
    const error = caught(() => gcp.createCluster('proj-x', 'z', 'c'));
    expect(error.code).toBe(403);
    expect(error.message).toBe(
      `Insufficient regional quota to satisfy request: resource "SSD_TOTAL_GB": request requires '300.0' and is short '100.0'. project has a quota of '500.0' with '200.0' available. View and manage quotas at https://console.cloud.google.com/iam-admin/quotas?usage=USED&project=proj-x.`,
    );
    expect(gcp.listClusters('proj-x')).toEqual([]);
  });

  it('a network in use by a cluster or a load balancer cannot be deleted; once free it goes after its delay', async () => {
    const { gcp, clock } = model();
    clock.release();
    gcp.createNetwork('p', 'dev-network');
    gcp.createCluster('p', 'z', 'c', { network: 'dev-network' });
    await gcp.settled();
    expect(gcp.getNetwork('p', 'dev-network').status).toBe('READY');
    expect(caught(() => gcp.deleteNetwork('p', 'dev-network')).message).toMatch(/^The network resource 'projects\/p\/global\/networks\/dev-network' is already being used by 'projects\/p\/global\/firewalls\/gke-c-/);
    gcp.deleteCluster('p', 'z', 'c');
    gcp.createLoadBalancer('p', 'europe-west9', 'lb1', { network: 'dev-network' });
    await gcp.settled();
    expect(caught(() => gcp.deleteNetwork('p', 'dev-network')).message).toContain("is already being used by 'projects/p/regions/europe-west9/forwardingRules/lb1'");
    gcp.deleteLoadBalancer('p', 'europe-west9', 'lb1');
    expect(gcp.getLoadBalancer('p', 'europe-west9', 'lb1').deleting).toBe(true);
    await gcp.settled();
    expect(gcp.deleteNetwork('p', 'dev-network').status).toBe('DELETING');
    await gcp.settled();
    expect(gcp.listNetworks('p')).toEqual([]);
  });

  it('service accounts: duplicate refused, bindings are one member per role, keys are metadata only', async () => {
    const { gcp, changes } = model();
    const sa = gcp.createServiceAccount('p', 'crossplane', 'Crossplane');
    expect(caught(() => gcp.createServiceAccount('p', 'crossplane')).status).toBe('ALREADY_EXISTS');
    gcp.addIamBinding('p', `serviceAccount:${sa.email}`, 'roles/container.admin');
    const policy = gcp.addIamBinding('p', `serviceAccount:${sa.email}`, 'roles/container.admin');
    expect(policy.bindings.find((b) => b.role === 'roles/container.admin')?.members).toEqual([`serviceAccount:${sa.email}`]);
    const created = await gcp.createKey(sa.email);
    expect(created.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(JSON.stringify(gcp.state)).not.toContain('PRIVATE KEY');
    expect(gcp.listKeys(sa.email).map((k) => k.keyId)).toEqual([created.key.keyId]);
    gcp.deleteServiceAccount(sa.email);
    expect(gcp.listServiceAccounts('p')).toEqual([]);
    expect(gcp.state.projects.p?.iamPolicy.bindings.some((b) => b.members.includes(`serviceAccount:${sa.email}`))).toBe(false);
    expect(changes()).toBeGreaterThan(4);
  });

  it('sa-key-forbidden refuses keys with the org-policy constraint', async () => {
    const { gcp } = model(['sa-key-forbidden']);
    const sa = gcp.createServiceAccount('p', 'crossplane');
    await expect(gcp.createKey(sa.email)).rejects.toThrow(/constraints\/iam\.disableServiceAccountKeyCreation/);
    expect(gcp.listKeys(sa.email)).toEqual([]);
  });
});
