import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubectlHarness } from '../kube/kubectl-harness.js';
import { startTestWorld, type TestWorld } from '../world/test-world.js';
import { installTestChart } from '../workloads/test-install.js';
import './hook.js';

const PROJECT = 'gitops-lab-sim';
const ZONE = 'europe-west9-a';

const providers = `
apiVersion: pkg.crossplane.io/v1
kind: Provider
metadata: { name: provider-gcp-container }
spec: { package: xpkg.upbound.io/upbound/provider-gcp-container:v2.1.0 }
---
apiVersion: pkg.crossplane.io/v1
kind: Provider
metadata: { name: provider-gcp-compute }
spec: { package: xpkg.upbound.io/upbound/provider-gcp-compute:v2.1.0 }
`;

const providerConfig = `
apiVersion: gcp.upbound.io/v1beta1
kind: ProviderConfig
metadata: { name: default }
spec:
  projectID: ${PROJECT}
  credentials:
    source: Secret
    secretRef: { namespace: crossplane-system, name: gcp-creds, key: creds }
`;

function cluster(name: string, deletionProtection: boolean): string {
  return `
apiVersion: container.gcp.upbound.io/v1beta2
kind: Cluster
metadata: { name: ${name} }
spec:
  forProvider:
    location: ${ZONE}
    initialNodeCount: 1
    removeDefaultNodePool: true
    deletionProtection: ${deletionProtection}
    datapathProvider: ADVANCED_DATAPATH
    networkRef: { name: dev-network }
`;
}

const network = `
apiVersion: compute.gcp.upbound.io/v1beta1
kind: Network
metadata: { name: dev-network }
spec:
  forProvider: { autoCreateSubnetworks: true }
`;

const nodePool = `
apiVersion: container.gcp.upbound.io/v1beta2
kind: NodePool
metadata: { name: main-np }
spec:
  forProvider:
    clusterRef: { name: dev-cluster }
    nodeCount: 2
    nodeConfig: { machineType: e2-standard-2 }
`;

interface Cond {
  type: string;
  status: string;
  reason: string;
  message?: string;
}

describe('simulated Crossplane with the upjet GCP provider', () => {
  let t: TestWorld;
  let kubectl: KubectlHarness;
  const stops: Array<() => Promise<void>> = [];

  const run = async (args: string[], input?: string): Promise<string> => {
    const r = await kubectl.run(args, input);
    if (r.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.exitCode}): ${r.stderr}`);
    return r.stdout;
  };
  const conditions = async (resource: string): Promise<Cond[]> => {
    const object = JSON.parse(await run(['get', resource, '-o', 'json'])) as { status?: { conditions?: Cond[] } };
    return object.status?.conditions ?? [];
  };
  const waitFor = (resource: string, condition: string, timeout = '30s'): Promise<string> => run(['wait', `--for=condition=${condition}`, resource, `--timeout=${timeout}`]);

  beforeAll(async () => {
    t = await startTestWorld();
    const created = await t.control<{ cluster: { serverUrl: string } }>('/k3d/create', { name: 'crossplane' });
    kubectl = new KubectlHarness(created.body.cluster.serverUrl, 'k3d-crossplane');
    await installTestChart(t.world, 'k3d-crossplane', { name: 'crossplane', namespace: 'crossplane-system', chart: 'crossplane', version: '2.3.4' }, (stop) => stops.push(stop));
  });

  afterAll(async () => {
    for (const stop of stops) await stop();
    kubectl?.dispose();
    await t?.dispose();
  });

  it('installs providers, the family dependency and their CRDs; an unqualified package gets the v2 error', async () => {
    await run(['apply', '-f', '-'], providers);
    await waitFor('provider/provider-gcp-container', 'Healthy');
    await waitFor('provider/provider-gcp-compute', 'Healthy');
    await waitFor('provider/upbound-provider-family-gcp', 'Healthy');
    const table = await run(['get', 'providers']);
    expect(table).toMatch(/^NAME\s+INSTALLED\s+HEALTHY\s+PACKAGE\s+AGE/);
    expect(table).toMatch(/upbound-provider-family-gcp\s+True\s+True\s+xpkg\.upbound\.io\/upbound\/provider-family-gcp:v2\.1\.0/);
    const crds = await run(['get', 'crds', '-o', 'name']);
    for (const crd of ['clusters.container.gcp.upbound.io', 'nodepools.container.gcp.upbound.io', 'networks.compute.gcp.upbound.io', 'providerconfigs.gcp.upbound.io']) expect(crds).toContain(crd);

    await run(['apply', '-f', '-'], 'apiVersion: pkg.crossplane.io/v1\nkind: Provider\nmetadata: { name: provider-gcp-storage }\nspec: { package: upbound/provider-gcp-storage:v2.1.0 }\n');
    await waitFor('provider/provider-gcp-storage', 'Installed=False');
    const installed = (await conditions('provider/provider-gcp-storage')).find((c) => c.type === 'Installed');
    expect(installed?.message).toContain('must be a fully qualified image name, including the registry');
    expect(crds).not.toContain('buckets.storage.gcp.upbound.io');
  });

  it('reports missing credentials on Synced, then creates the network once the Secret exists', async () => {
    await run(['apply', '-f', '-'], providerConfig);
    await run(['apply', '-f', '-'], network);
    await waitFor('network.compute.gcp.upbound.io/dev-network', 'Synced=False');
    const synced = (await conditions('network.compute.gcp.upbound.io/dev-network')).find((c) => c.type === 'Synced');
    expect(synced?.reason).toBe('ReconcileError');
    expect(synced?.message).toContain('cannot get credentials secret: Secret "gcp-creds" not found');
    const described = await run(['describe', 'network.compute.gcp.upbound.io/dev-network']);
    expect(described).toMatch(/Warning\s+CannotConnectToProvider\s+.*managed\/compute\.gcp\.upbound\.io\/v1beta1, kind=network\s+connect failed: /);
    expect((await t.world.snapshot()).gcp.projects[PROJECT]?.networks ?? []).toEqual([]);

    const key = JSON.stringify({ type: 'service_account', project_id: PROJECT, private_key_id: 'abc', client_email: `crossplane@${PROJECT}.iam.gserviceaccount.com` });
    await run(['create', 'namespace', 'crossplane-system', '--dry-run=client', '-o', 'yaml']).then((yaml) => run(['apply', '-f', '-'], yaml));
    await run(['create', 'secret', 'generic', 'gcp-creds', '-n', 'crossplane-system', `--from-literal=creds=${key}`]);
    await waitFor('network.compute.gcp.upbound.io/dev-network', 'Ready');
    const object = JSON.parse(await run(['get', 'network.compute.gcp.upbound.io/dev-network', '-o', 'json'])) as { metadata: { finalizers: string[]; annotations: Record<string, string> } };
    expect(object.metadata.finalizers).toContain('finalizer.managedresource.crossplane.io');
    expect(object.metadata.annotations['crossplane.io/external-name']).toBe('dev-network');
    expect(await run(['describe', 'network.compute.gcp.upbound.io/dev-network'])).toMatch(/Normal\s+CreatedExternalResource\s+.*Successfully requested creation of external resource/);
    expect((await t.world.snapshot()).gcp.projects[PROJECT]?.networks.map((n) => [n.name, n.status])).toEqual([['dev-network', 'READY']]);
    const usages = await run(['get', 'providerconfigusages.gcp.upbound.io']);
    expect(usages).toMatch(/^NAME\s+AGE\s+CONFIG-NAME\s+RESOURCE-KIND\s+RESOURCE-NAME/);
    expect(usages).toMatch(/\sdefault\s+Network\s+dev-network$/m);
  });

  it('creates a RUNNING GKE cluster with Dataplane V2 and its node pool', async () => {
    await run(['apply', '-f', '-'], `${cluster('dev-cluster', false)}---${nodePool}`);
    await waitFor('cluster.container.gcp.upbound.io/dev-cluster', 'Ready', '60s');
    await waitFor('nodepool.container.gcp.upbound.io/main-np', 'Ready', '60s');
    const table = await run(['get', 'cluster.container.gcp.upbound.io']);
    expect(table).toMatch(/dev-cluster\s+True\s+True\s+dev-cluster\s+\d/);
    const gke = (await t.world.snapshot()).gcp.projects[PROJECT]?.clusters.find((c) => c.name === 'dev-cluster');
    expect(gke).toMatchObject({ status: 'RUNNING', location: ZONE, network: 'dev-network', datapathProvider: 'ADVANCED_DATAPATH' });
    expect(gke?.nodePools.map((p) => p.name)).toContain('main-np');
    const listed = await t.sh(`gcloud container clusters list --project ${PROJECT} --format=json`);
    expect(listed.code).toBe(0);
    const clusters = JSON.parse(listed.stdout) as Array<{ name: string; status: string; networkConfig: { datapathProvider?: string } }>;
    expect(clusters.map((c) => [c.name, c.status, c.networkConfig.datapathProvider])).toEqual([['dev-cluster', 'RUNNING', 'ADVANCED_DATAPATH']]);
  });

  it('refuses to delete a cluster with deletion protection and keeps it', async () => {
    await run(['apply', '-f', '-'], cluster('protected', true));
    await waitFor('cluster.container.gcp.upbound.io/protected', 'Ready', '60s');
    await run(['delete', 'cluster.container.gcp.upbound.io/protected', '--wait=false']);
    await waitFor('cluster.container.gcp.upbound.io/protected', 'Synced=False');
    const synced = (await conditions('cluster.container.gcp.upbound.io/protected')).find((c) => c.type === 'Synced');
    expect(synced?.message).toContain('Cannot destroy cluster because deletion_protection is set to true');
    expect(await run(['get', 'cluster.container.gcp.upbound.io/protected', '-o', 'jsonpath={.metadata.deletionTimestamp}'])).not.toBe('');
    const gke = (await t.world.snapshot()).gcp.projects[PROJECT]?.clusters.find((c) => c.name === 'protected');
    expect(gke?.status).toBe('RUNNING');

    // Turning protection off lets the pending deletion finish.
    await run(['patch', 'cluster.container.gcp.upbound.io/protected', '--type=merge', '-p', '{"spec":{"forProvider":{"deletionProtection":false}}}']);
    await run(['wait', '--for=delete', 'cluster.container.gcp.upbound.io/protected', '--timeout=60s']);
    expect((await t.world.snapshot()).gcp.projects[PROJECT]?.clusters.map((c) => c.name)).toEqual(['dev-cluster']);
  });

  it('reports the GKE quota fault on Synced', async () => {
    await t.control('/faults', { enable: ['gcp-quota-exceeded'] });
    try {
      await run(['apply', '-f', '-'], cluster('quota', false));
      await waitFor('cluster.container.gcp.upbound.io/quota', 'Synced=False');
      const synced = (await conditions('cluster.container.gcp.upbound.io/quota')).find((c) => c.type === 'Synced');
      expect(synced?.message).toMatch(/^create failed: async create failed: .*googleapi: Error 403: Insufficient regional quota to satisfy request/);
    } finally {
      await t.control('/faults', { disable: ['gcp-quota-exceeded'] });
    }
    await run(['delete', 'cluster.container.gcp.upbound.io/quota', '--timeout=30s']);
  });

  it('deletes cluster and pool for real, and a resource whose provider was deleted first hangs on its finalizer', async () => {
    await run(['delete', 'nodepool.container.gcp.upbound.io/main-np', 'cluster.container.gcp.upbound.io/dev-cluster', '--timeout=60s']);
    const listed = await t.sh(`gcloud container clusters list --project ${PROJECT} --format=json`);
    expect(JSON.parse(listed.stdout)).toEqual([]);

    await run(['delete', 'provider/provider-gcp-compute']);
    await run(['delete', 'network.compute.gcp.upbound.io/dev-network', '--wait=false']);
    // Far longer than the network's deletion takes (40 s of lab time): nobody reconciles it.
    const gone = await kubectl.run(['wait', '--for=delete', 'network.compute.gcp.upbound.io/dev-network', '--timeout=2s']);
    expect(gone.exitCode).not.toBe(0);
    const stuck = JSON.parse(await run(['get', 'network.compute.gcp.upbound.io/dev-network', '-o', 'json'])) as { metadata: { deletionTimestamp?: string; finalizers?: string[] } };
    expect(stuck.metadata.deletionTimestamp).toBeTruthy();
    expect(stuck.metadata.finalizers).toEqual(['finalizer.managedresource.crossplane.io']);
    expect((await t.world.snapshot()).gcp.projects[PROJECT]?.networks.map((n) => n.status)).toEqual(['READY']);
  });
});
