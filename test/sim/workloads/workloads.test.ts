import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubectlHarness } from '../kube/kubectl-harness.js';
import { startTestWorld, type TestWorld } from '../world/test-world.js';
import { installTestChart } from './test-install.js';
import './hook.js';

const PROJECT = 'gitops-lab-sim';
const ZONE = 'europe-west9-a';
const CLUSTER_ID = `gke_${PROJECT}_${ZONE}_dev-cluster`;

describe('dev cluster workloads on a simulated GKE cluster', () => {
  let t: TestWorld;
  let kubectl: KubectlHarness;
  const stops: Array<() => Promise<void>> = [];

  const run = async (args: string[], input?: string): Promise<string> => {
    const r = await kubectl.run(args, input);
    if (r.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.exitCode}): ${r.stderr}`);
    return r.stdout;
  };
  const rules = async (): Promise<Array<{ name: string; IPAddress: string; region: string; network: string; deleting?: boolean }>> =>
    (await t.world.snapshot()).gcp.projects[PROJECT]?.forwardingRules ?? [];
  const externalIp = async (): Promise<string> => {
    await run(['wait', '--for=jsonpath={.status.loadBalancer.ingress[0].ip}', 'service/frontend-external', '-n', 'demo', '--timeout=30s']);
    return run(['get', 'service', 'frontend-external', '-n', 'demo', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}']);
  };

  beforeAll(async () => {
    t = await startTestWorld();
    t.world.gcp.createNetwork(PROJECT, 'dev-network');
    await t.world.gcp.settled();
    t.world.gcp.createCluster(PROJECT, ZONE, 'dev-cluster', { network: 'dev-network', deletionProtection: false });
    await t.world.gcp.settled();
    const server = t.world.kube.get(CLUSTER_ID);
    if (!server) throw new Error('the GKE cluster has no API server');
    kubectl = new KubectlHarness(server.url, CLUSTER_ID);
  });

  afterAll(async () => {
    for (const stop of stops) await stop();
    kubectl?.dispose();
    await t?.dispose();
  });

  it('kube-prometheus-stack fails like Helm when the Grafana Secret is missing, and installs once it exists', async () => {
    const release = { name: 'kube-prometheus-stack', namespace: 'observability', chart: 'kube-prometheus-stack', version: '79.1.0' };
    await expect(installTestChart(t.world, CLUSTER_ID, release, (stop) => stops.push(stop))).rejects.toThrow(
      'Helm install failed for release observability/kube-prometheus-stack with chart kube-prometheus-stack@79.1.0: context deadline exceeded',
    );
    const grafana = JSON.parse(await run(['get', 'deployment', 'kube-prometheus-stack-grafana', '-n', 'observability', '-o', 'json'])) as { status: { readyReplicas: number } };
    expect(grafana.status.readyReplicas).toBe(0);

    await run(['create', 'secret', 'generic', 'kube-prometheus-stack-grafana', '-n', 'observability', '--from-literal=admin-user=admin', '--from-literal=admin-password=s3cret']);
    await installTestChart(t.world, CLUSTER_ID, release, (stop) => stops.push(stop));
    await run(['wait', '--for=condition=Available', 'deployment/kube-prometheus-stack-grafana', '-n', 'observability', '--timeout=10s']);
  });

  it('gives frontend-external an address and a Google load balancer; deleting the Service releases it', async () => {
    await installTestChart(t.world, CLUSTER_ID, { name: 'onlineboutique', namespace: 'demo', chart: 'onlineboutique' }, (stop) => stops.push(stop));
    const ip = await externalIp();
    expect(ip).toMatch(/^203\.0\.113\.\d{1,3}$/);
    const uid = await run(['get', 'service', 'frontend-external', '-n', 'demo', '-o', 'jsonpath={.metadata.uid}']);
    expect(await rules()).toEqual([expect.objectContaining({ name: `a${uid.replace(/-/g, '')}`.slice(0, 32), IPAddress: ip, region: 'europe-west9', network: 'dev-network' })]);
    const table = await run(['get', 'service', 'frontend-external', '-n', 'demo']);
    expect(table).toMatch(new RegExp(`frontend-external\\s+LoadBalancer\\s+\\S+\\s+${ip.replace(/\./g, '\\.')}\\s+80[:/]`));

    await run(['delete', 'service', 'frontend-external', '-n', 'demo', '--timeout=10s']);
    expect((await rules()).every((r) => r.deleting)).toBe(true);
    await t.world.gcp.settled();
    expect(await rules()).toEqual([]);
  });

  it('a load balancer outlives a cluster deleted first and blocks the network', async () => {
    await run(['apply', '-f', '-'], 'apiVersion: v1\nkind: Service\nmetadata: { name: frontend-external, namespace: demo }\nspec:\n  type: LoadBalancer\n  selector: { app: frontend }\n  ports: [{ name: http, port: 80, targetPort: 8080 }]\n');
    const ip = await externalIp();
    const deleted = await t.sh(`gcloud container clusters delete dev-cluster --zone ${ZONE} --project ${PROJECT} --quiet`);
    expect(deleted.code).toBe(0);
    await t.world.gcp.settled();
    expect(t.world.kube.get(CLUSTER_ID)).toBeUndefined();
    expect((await rules()).map((r) => [r.IPAddress, Boolean(r.deleting)])).toEqual([[ip, false]]);
    const network = await t.sh(`gcloud compute networks delete dev-network --project ${PROJECT} --quiet`);
    expect(network.code).not.toBe(0);
    expect(network.stderr).toContain("The network resource 'projects/gitops-lab-sim/global/networks/dev-network' is already being used by");
    expect(network.stderr).toContain('forwardingRules/a');
  });
});
