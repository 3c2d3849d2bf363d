import { describe, expect, it } from 'vitest';
import { emptyGcpState } from '../gcp/types.js';
import { gkeClusterOf } from './gke-cluster.js';
import { forwardingRuleName } from './load-balancers.js';
import { grafanaSecretName } from './observability.js';

describe('GKE workload helpers', () => {
  it('reads project, zone, region and name from a gke_ cluster id, and k3d ids as no GKE cluster', () => {
    expect(gkeClusterOf('gke_gitops-lab-sim_europe-west9-a_dev-cluster')).toEqual({ project: 'gitops-lab-sim', location: 'europe-west9-a', name: 'dev-cluster', region: 'europe-west9' });
    expect(gkeClusterOf('gke_p_us-central1_regional')?.region).toBe('us-central1');
    expect(gkeClusterOf('k3d-crossplane')).toBeUndefined();
  });

  it('finds a running GKE cluster by its plain name, and only when the name is unambiguous', () => {
    const state = emptyGcpState();
    const cluster = (name: string, location: string, apiPort?: number) => ({ name, location, apiPort }) as never;
    state.projects.p = { projectId: 'p', clusters: [cluster('dev-cluster', 'europe-west9-a', 4000), cluster('stopped', 'europe-west9-a')] } as never;
    expect(gkeClusterOf('dev-cluster', { state })).toEqual({ project: 'p', location: 'europe-west9-a', name: 'dev-cluster', region: 'europe-west9' });
    expect(gkeClusterOf('stopped', { state })).toBeUndefined();
    state.projects.q = { projectId: 'q', clusters: [cluster('dev-cluster', 'us-east1-b', 4001)] } as never;
    expect(gkeClusterOf('dev-cluster', { state })).toBeUndefined();
  });

  it('names the forwarding rule like GKE: a + the Service UID without dashes, 32 characters', () => {
    const name = forwardingRuleName('0f8e2a8c-1b2d-4c3e-9f00-123456789abc');
    expect(name).toBe('a0f8e2a8c1b2d4c3e9f00123456789ab');
    expect(name).toHaveLength(32);
  });

  it("reads Grafana's Secret from the chart values, else the release's own name", () => {
    const release = { name: 'kube-prometheus-stack', namespace: 'flux-system', targetNamespace: 'observability', chart: 'kube-prometheus-stack', version: '79.1.0' };
    expect(grafanaSecretName({ ...release, values: {} })).toBe('kube-prometheus-stack-grafana');
    expect(grafanaSecretName({ ...release, values: { grafana: { admin: { existingSecret: 'grafana-admin' } } } })).toBe('grafana-admin');
  });
});
