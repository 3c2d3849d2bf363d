import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installFlux } from '../flux/components.js';
import { HELM_RELEASE, readyCondition } from '../flux/meta.js';
import { eventually } from '../flux/test-git.js';
import type { KubeApiServer, KubeObject } from '../kube/types.js';
import { startTestWorld, type TestWorld } from '../world/test-world.js';
import { startWorld, type World } from '../world/world.js';

const PROJECT = 'gitops-lab-sim';
const ZONE = 'europe-west9-a';

function helmRelease(name: string, targetNamespace: string, chart: string, version: string): KubeObject[] {
  return [
    { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', metadata: { name, namespace: 'flux-system' }, spec: { interval: '1h', url: `https://charts.example.org/${name}` } },
    { ...HELM_RELEASE, metadata: { name, namespace: 'flux-system' }, spec: { interval: '10m', targetNamespace, releaseName: name, install: { createNamespace: true }, chart: { spec: { chart, version, sourceRef: { kind: 'HelmRepository', name } } } } },
  ];
}

/** The world's own Flux controllers run beside every cluster; installing Flux wakes them up. */
function withFlux(server: KubeApiServer, objects: KubeObject[]): void {
  installFlux(server.store);
  for (const object of objects) server.store.apply(object, 'test');
}

function releaseReady(server: KubeApiServer, name: string): true | undefined {
  return readyCondition(server.store.get(HELM_RELEASE.apiVersion, HELM_RELEASE.kind, 'flux-system', name))?.status === 'True' ? true : undefined;
}

describe('chart hooks through the world and its Flux controllers', () => {
  let t: TestWorld;
  let restarted: World | undefined;

  beforeAll(async () => {
    t = await startTestWorld();
  });

  afterAll(async () => {
    await restarted?.close();
    await t?.dispose();
  });

  it('a crossplane HelmRelease on the k3d cluster starts Crossplane: a Provider becomes Healthy', async () => {
    const created = await t.control<{ cluster: unknown }>('/k3d/create', { name: 'crossplane' });
    expect(created.status).toBe(200);
    const server = t.world.kube.get('k3d-crossplane')!;
    withFlux(server, helmRelease('crossplane', 'crossplane-system', 'crossplane', '2.3.4'));
    await eventually(() => releaseReady(server, 'crossplane'), 20_000, 'crossplane HelmRelease Ready');
    server.store.apply({ apiVersion: 'pkg.crossplane.io/v1', kind: 'Provider', metadata: { name: 'provider-gcp-container' }, spec: { package: 'xpkg.upbound.io/upbound/provider-gcp-container:v2.1.0' } }, 'test');
    const healthy = await eventually(() => {
      const p = server.store.get('pkg.crossplane.io/v1', 'Provider', undefined, 'provider-gcp-container');
      return (p?.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions?.some((c) => c.type === 'Healthy' && c.status === 'True') ? p : undefined;
    }, 20_000, 'provider Healthy');
    expect(healthy).toBeDefined();
    expect(server.store.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, 'clusters.container.gcp.upbound.io')).toBeDefined();
  });

  it('an onlineboutique HelmRelease on a GKE cluster gets frontend-external a load balancer', async () => {
    t.world.gcp.createCluster(PROJECT, ZONE, 'dev-cluster');
    await eventually(() => t.world.kube.get(`gke_${PROJECT}_${ZONE}_dev-cluster`), 20_000, 'GKE API server');
    const server = t.world.kube.get(`gke_${PROJECT}_${ZONE}_dev-cluster`)!;
    withFlux(server, helmRelease('onlineboutique', 'demo', 'onlineboutique', '0.10.3'));
    await eventually(() => releaseReady(server, 'onlineboutique'), 20_000, 'onlineboutique HelmRelease Ready');
    const ip = await eventually(() => {
      const svc = server.store.get('v1', 'Service', 'demo', 'frontend-external');
      return (svc?.status as { loadBalancer?: { ingress?: Array<{ ip: string }> } } | undefined)?.loadBalancer?.ingress?.[0]?.ip;
    }, 20_000, 'frontend-external address');
    expect(ip).toMatch(/^203\.0\.113\./);
    expect((await t.world.snapshot()).gcp.projects[PROJECT]?.forwardingRules.map((r) => r.IPAddress)).toEqual([ip]);
  });

  it('a restarted world runs Crossplane again on the resumed k3d cluster', async () => {
    await t.world.close();
    restarted = await startWorld({ stateDir: t.world.stateDir, timeScale: 0.001 });
    const server = restarted.kube.get('k3d-crossplane')!;
    expect(server.store.get('pkg.crossplane.io/v1', 'Provider', undefined, 'provider-gcp-container')).toBeDefined();
    server.store.apply({ apiVersion: 'pkg.crossplane.io/v1', kind: 'Provider', metadata: { name: 'provider-gcp-compute' }, spec: { package: 'xpkg.upbound.io/upbound/provider-gcp-compute:v2.1.0' } }, 'test');
    await eventually(() => {
      const p = server.store.get('pkg.crossplane.io/v1', 'Provider', undefined, 'provider-gcp-compute');
      return (p?.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions?.some((c) => c.type === 'Healthy' && c.status === 'True') ? p : undefined;
    }, 20_000, 'provider Healthy after the restart');
    expect(server.store.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, 'networks.compute.gcp.upbound.io')).toBeDefined();
  });
});
