/**
 * What sets a held Flux object going, as in kustomize-controller: not its dependency becoming
 * Ready (the controller does not watch dependencies), but its own `--requeue-dependency` look or a
 * `flux reconcile`. And `healthCheckExprs`: a Crossplane Provider, which kstatus alone calls
 * Current as soon as it exists, keeps its Kustomization from Ready until it reports Healthy.
 * The world runs at half speed, so the requeue look is 15 s away while the test looks.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GitHubServer } from '../github/server.js';
import { readCrdFiles } from '../kube/crd-files.js';
import { startKubeApiServer } from '../kube/server.js';
import type { KubeApiServer, KubeObject } from '../kube/types.js';
import { CRD_ROOT } from '../shared-dir.js';
import { createClock, type Clock } from '../world/clock.js';
import { Faults } from '../world/faults.js';
import { installFlux } from './components.js';
import { startFluxControllers, type FluxControllers } from './controllers.js';
import { GIT_REPOSITORY, KUSTOMIZATION, readyCondition, REQUESTED_AT } from './meta.js';
import { eventually, githubWithRepository, type TestWorkingCopy } from './test-git.js';

const TOKEN = 'ghp_fluxrequeuetest00000000000000000000';
const PROVIDER_HEALTHY = "status.conditions.exists(e, e.type == 'Healthy' && e.status == 'True')";
let work: string;
let github: GitHubServer;
let kube: KubeApiServer;
let clock: Clock;
let flux: FluxControllers;
let repo: TestWorkingCopy;

const configMap = (name: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: default\ndata:\n  value: one\n`;
const provider = (name: string): string => `apiVersion: pkg.crossplane.io/v1\nkind: Provider\nmetadata:\n  name: ${name}\nspec:\n  package: xpkg.upbound.io/upbound/${name}:v2.6.0\n`;

function kustomization(name: string, spec: Record<string, unknown>): KubeObject {
  return { ...KUSTOMIZATION, metadata: { name, namespace: 'flux-system' }, spec: { interval: '10m', prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' }, ...spec } };
}

const condition = (name: string) => readyCondition(kube.store.get(KUSTOMIZATION.apiVersion, KUSTOMIZATION.kind, 'flux-system', name));
const readyNow = (name: string): true | undefined => (condition(name)?.status === 'True' ? true : undefined);

async function requestReconcile(name: string): Promise<void> {
  const current = kube.store.get(KUSTOMIZATION.apiVersion, KUSTOMIZATION.kind, 'flux-system', name) as KubeObject;
  kube.store.update({ ...current, metadata: { ...current.metadata, annotations: { ...(current.metadata.annotations ?? {}), [REQUESTED_AT]: new Date().toISOString() } } });
}

function setHealthy(name: string, status: 'True' | 'False'): void {
  const current = kube.store.get('pkg.crossplane.io/v1', 'Provider', undefined, name)!;
  const lastTransitionTime = new Date().toISOString();
  kube.store.updateStatus({ ...current, status: { conditions: [{ type: 'Installed', status: 'True', reason: 'ActivePackageRevision', lastTransitionTime }, { type: 'Healthy', status, reason: status === 'True' ? 'HealthyPackageRevision' : 'UnhealthyPackageRevision', lastTransitionTime }] } });
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'flux-requeue-'));
  ({ github, repo } = await githubWithRepository(join(work, 'github'), { token: TOKEN, name: 'devflux' }));
  await repo.write({
    'first/cm.yaml': configMap('first'),
    'second/cm.yaml': configMap('second'),
    'providers/provider.yaml': provider('provider-gcp-compute'),
    'unchecked/provider.yaml': provider('provider-gcp-storage'),
  });
  await repo.commitAndPush('ordered folders');

  kube = await startKubeApiServer({ clusterName: 'flux-requeue' });
  for (const crd of readCrdFiles([join(process.env.LAB_SIM_CRDS ?? CRD_ROOT, 'crossplane', 'pkg.crossplane.io_providers.yaml')])) kube.store.create(crd);
  clock = createClock(0.5);
  installFlux(kube.store);
  flux = startFluxControllers({ store: kube.store, server: kube, clock, faults: new Faults(), clusterId: 'k3d-requeue', githubGitUrl: github.gitUrl });
  kube.store.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'flux-system', namespace: 'flux-system' }, type: 'Opaque', data: { username: Buffer.from('git').toString('base64'), password: Buffer.from(TOKEN).toString('base64') } }, 'test');
  kube.store.apply({ ...GIT_REPOSITORY, metadata: { name: 'flux-system', namespace: 'flux-system' }, spec: { interval: '1h', url: 'https://github.com/student/devflux.git', ref: { branch: 'main' }, secretRef: { name: 'flux-system' } } }, 'test');
  await eventually(() => (readyCondition(kube.store.get(GIT_REPOSITORY.apiVersion, GIT_REPOSITORY.kind, 'flux-system', 'flux-system'))?.status === 'True' ? true : undefined), 20_000, 'GitRepository Ready');
}, 60_000);

afterAll(async () => {
  await flux?.close();
  clock?.stop();
  await kube?.close();
  await github?.close();
  await repo?.remove();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('a Kustomization held for a dependency', () => {
  it('stays held after the dependency becomes Ready, until someone asks (flux reconcile)', async () => {
    kube.store.apply(kustomization('second', { path: './second', dependsOn: [{ name: 'first' }] }), 'test');
    await eventually(() => (condition('second')?.reason === 'DependencyNotReady' ? true : undefined), 20_000, 'second held');
    kube.store.apply(kustomization('first', { path: './first' }), 'test');
    await eventually(() => readyNow('first'), 20_000, 'first Ready');

    // The requeue look is 15 s away: what a watch of the dependency would have started has not.
    await pause(500);
    expect(condition('second')).toMatchObject({ status: 'False', reason: 'DependencyNotReady' });
    expect(kube.store.get('v1', 'ConfigMap', 'default', 'second')).toBeUndefined();

    await requestReconcile('second');
    await eventually(() => readyNow('second'), 20_000, () => `second Ready: ${JSON.stringify(condition('second'))}`);
    expect(kube.store.get('v1', 'ConfigMap', 'default', 'second')).toBeDefined();
  }, 60_000);
});

describe('healthCheckExprs', () => {
  it('keeps a Kustomization that applies a Provider from Ready until the Provider reports Healthy', async () => {
    kube.store.apply(kustomization('providers', { path: './providers', wait: true, timeout: '5m', healthCheckExprs: [{ apiVersion: 'pkg.crossplane.io/v1', kind: 'Provider', current: PROVIDER_HEALTHY }] }), 'test');
    await eventually(() => (kube.store.get('pkg.crossplane.io/v1', 'Provider', undefined, 'provider-gcp-compute') ? true : undefined), 20_000, 'Provider applied');
    setHealthy('provider-gcp-compute', 'False');
    // A few of the controller's health polls (1 s each at this scale) see an unhealthy Provider.
    await pause(2_500);
    expect(condition('providers')).toMatchObject({ status: 'Unknown', reason: 'Progressing' });
    expect(condition('providers')?.message).toMatch(/^Running health checks for revision /);

    setHealthy('provider-gcp-compute', 'True');
    await eventually(() => readyNow('providers'), 20_000, () => `providers Ready: ${JSON.stringify(condition('providers'))}`);
  }, 60_000);

  it('without them, kstatus alone finds the same unhealthy Provider Current at once', async () => {
    kube.store.apply(kustomization('unchecked', { path: './unchecked', wait: true, timeout: '5m' }), 'test');
    await eventually(() => (kube.store.get('pkg.crossplane.io/v1', 'Provider', undefined, 'provider-gcp-storage') ? true : undefined), 20_000, 'Provider applied');
    setHealthy('provider-gcp-storage', 'False');
    await eventually(() => readyNow('unchecked'), 20_000, () => `unchecked Ready: ${JSON.stringify(condition('unchecked'))}`);
  }, 60_000);

  it('refuses an expression the world cannot read, as the controller refuses one it cannot compile', async () => {
    kube.store.apply(kustomization('unreadable', { path: './first', wait: true, healthCheckExprs: [{ apiVersion: 'v1', kind: 'ConfigMap', current: 'data.value == "one"' }] }), 'test');
    await eventually(() => (condition('unreadable')?.status === 'False' ? true : undefined), 20_000, 'unreadable to fail');
    expect(condition('unreadable')).toMatchObject({ reason: 'HealthCheckFailed', message: `failed to parse CEL expression 'data.value == "one"'` });
  }, 30_000);
});

describe('wait: true', () => {
  it('ignores healthChecks, as the CRD says: an object it names but does not apply does not hold it back', async () => {
    kube.store.apply(
      kustomization('waits', { path: './first', wait: true, timeout: '5m', healthChecks: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'never-there', namespace: 'default' }] }),
      'test',
    );
    await eventually(() => readyNow('waits'), 20_000, () => `waits Ready: ${JSON.stringify(condition('waits'))}`);
  }, 30_000);

  it('without wait, healthChecks hold it until the object is there', async () => {
    kube.store.apply(kustomization('checks', { path: './first', timeout: '5m', healthChecks: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'later', namespace: 'default' }] }), 'test');
    await eventually(() => (condition('checks')?.reason === 'Progressing' ? true : undefined), 20_000, 'checks running its health checks');
    await pause(1_500);
    expect(readyNow('checks')).toBeUndefined();
    kube.store.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'later', namespace: 'default' }, data: {} }, 'test');
    await eventually(() => readyNow('checks'), 20_000, () => `checks Ready: ${JSON.stringify(condition('checks'))}`);
  }, 30_000);
});
