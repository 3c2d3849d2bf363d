/**
 * The simulated helm-controller installs a chart referenced through `spec.chartRef` to an
 * OCIRepository (how the scaffold installs online-boutique), and says so when the source is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeApiServer, KubeObject } from '../kube/types.js';
import { startTestWorld, type TestWorld } from '../world/test-world.js';
import { installFlux } from './components.js';
import { HELM_RELEASE, readyCondition } from './meta.js';
import { eventually } from './test-git.js';

const PROJECT = 'gitops-lab-sim';
const ZONE = 'europe-west9-a';
const OCI = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository' } as const;

const release = (name: string, source: string): KubeObject => ({
  ...HELM_RELEASE,
  metadata: { name, namespace: 'demo' },
  spec: { interval: '30m', chartRef: { kind: 'OCIRepository', name: source }, values: { frontend: { externalService: true } } },
});

let t: TestWorld;
let server: KubeApiServer;

beforeAll(async () => {
  t = await startTestWorld();
  t.world.gcp.createCluster(PROJECT, ZONE, 'dev-cluster');
  server = await eventually(() => t.world.kube.get(`gke_${PROJECT}_${ZONE}_dev-cluster`), 20_000, 'GKE API server');
  installFlux(server.store);
  server.store.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } }, 'test');
});

afterAll(async () => {
  await t?.dispose();
});

describe('HelmRelease spec.chartRef to an OCIRepository', () => {
  it('installs the chart named by the artifact URL at the pinned semver; the source is stored', async () => {
    server.store.apply({ ...OCI, metadata: { name: 'onlineboutique', namespace: 'demo' }, spec: { interval: '1h', url: 'oci://us-docker.pkg.dev/online-boutique-ci/charts/onlineboutique', ref: { semver: '0.10.x' } } }, 'test');
    server.store.apply(release('onlineboutique', 'onlineboutique'), 'test');
    const ready = await eventually(() => {
      const c = readyCondition(server.store.get(HELM_RELEASE.apiVersion, HELM_RELEASE.kind, 'demo', 'onlineboutique'));
      return c?.status === 'True' ? c : undefined;
    }, 20_000, () => `onlineboutique Ready: ${JSON.stringify(server.store.get(HELM_RELEASE.apiVersion, HELM_RELEASE.kind, 'demo', 'onlineboutique')?.status)} ${JSON.stringify(server.store.get(OCI.apiVersion, OCI.kind, 'demo', 'onlineboutique')?.status)}`);
    expect(ready.message).toBe('Helm install succeeded for release demo/onlineboutique.v1 with chart onlineboutique@0.10.x');
    expect(readyCondition(server.store.get(OCI.apiVersion, OCI.kind, 'demo', 'onlineboutique'))?.status).toBe('True');
    const ip = await eventually(() => {
      const svc = server.store.get('v1', 'Service', 'demo', 'frontend-external');
      return (svc?.status as { loadBalancer?: { ingress?: Array<{ ip: string }> } } | undefined)?.loadBalancer?.ingress?.[0]?.ip;
    }, 20_000, 'frontend-external address');
    expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it('reports a missing OCIRepository on the release', async () => {
    server.store.apply(release('orphan', 'nowhere'), 'test');
    const failed = await eventually(() => {
      const c = readyCondition(server.store.get(HELM_RELEASE.apiVersion, HELM_RELEASE.kind, 'demo', 'orphan'));
      return c?.status === 'False' ? c : undefined;
    }, 20_000, 'orphan to fail');
    expect(failed).toMatchObject({ reason: 'ArtifactFailed', message: 'could not get HelmChart object: OCIRepository.source.toolkit.fluxcd.io "nowhere" not found' });
  });
});
