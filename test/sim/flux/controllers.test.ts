import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GitHubServer } from '../github/server.js';
import { startKubeApiServer } from '../kube/server.js';
import type { KubeApiServer, KubeObject } from '../kube/types.js';
import { createClock, type Clock } from '../world/clock.js';
import { Faults } from '../world/faults.js';
import { onChartInstalled } from './charts.js';
import { installFlux } from './components.js';
import { startFluxControllers, type FluxControllers } from './controllers.js';
import { GIT_REPOSITORY, HELM_RELEASE, KUSTOMIZATION, readyCondition, REQUESTED_AT } from './meta.js';
import { eventually, githubWithRepository, type TestWorkingCopy } from './test-git.js';

const TOKEN = 'ghp_fluxcontrollertest000000000000000000';
let work: string;
let github: GitHubServer;
let kube: KubeApiServer;
let clock: Clock;
let faults: Faults;
let flux: FluxControllers;
let repo: TestWorkingCopy;
const chartsSeen: string[] = [];
let removeHook: () => void;

const secretData = (value: string): string => Buffer.from(value).toString('base64');

function apply(object: KubeObject): void {
  kube.store.apply(object, 'test');
}

function kustomization(name: string, spec: Record<string, unknown>): KubeObject {
  return { ...KUSTOMIZATION, metadata: { name, namespace: 'flux-system' }, spec: { interval: '10m', prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' }, ...spec } };
}

function ready(kind: typeof KUSTOMIZATION | typeof HELM_RELEASE | typeof GIT_REPOSITORY, name: string): KubeObject | undefined {
  const object = kube.store.get(kind.apiVersion, kind.kind, 'flux-system', name);
  return readyCondition(object)?.status === 'True' ? object : undefined;
}

function condition(kind: typeof KUSTOMIZATION | typeof HELM_RELEASE, name: string): { status: string; reason: string; message: string } | undefined {
  return readyCondition(kube.store.get(kind.apiVersion, kind.kind, 'flux-system', name));
}

async function requestReconcile(kind: typeof KUSTOMIZATION | typeof GIT_REPOSITORY, name: string): Promise<string> {
  const at = new Date().toISOString() + Math.random();
  const current = kube.store.get(kind.apiVersion, kind.kind, 'flux-system', name) as KubeObject;
  kube.store.update({ ...current, metadata: { ...current.metadata, annotations: { ...(current.metadata.annotations ?? {}), [REQUESTED_AT]: at } } });
  await eventually(() => ((kube.store.get(kind.apiVersion, kind.kind, 'flux-system', name)?.status as { lastHandledReconcileAt?: string } | undefined)?.lastHandledReconcileAt === at ? true : undefined), 20_000, `${name} to handle ${at}`);
  return at;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'flux-controllers-'));
  ({ github, repo } = await githubWithRepository(join(work, 'github'), { token: TOKEN, name: 'devflux' }));
  await repo.write({
    'apps/configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  colour: blue\n',
    'apps/old.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: soon-removed\n  namespace: default\ndata:\n  a: b\n',
    'apps/web.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: default\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n',
    'broken/bad.yaml': 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: bad\n  namespace: flux-system\nspec:\n  interval: 1m\n  prune: true\n',
    'security/release.yaml': [
      'apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: sealed-secrets\n  namespace: flux-system\nspec:\n  interval: 1h\n  url: https://bitnami-labs.github.io/sealed-secrets\n',
      'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: sealed-secrets\n  namespace: flux-system\nspec:\n  interval: 10m\n  targetNamespace: kube-system\n  releaseName: sealed-secrets\n  chart:\n    spec:\n      chart: sealed-secrets\n      version: 2.18.5\n      sourceRef:\n        kind: HelmRepository\n        name: sealed-secrets\n  values:\n    fullnameOverride: sealed-secrets-controller\n',
    ].join('---\n'),
  });
  await repo.commitAndPush('lab manifests');

  kube = await startKubeApiServer({ clusterName: 'flux-test' });
  clock = createClock(0.01);
  faults = new Faults();
  removeHook = onChartInstalled((chart, ctx) => void chartsSeen.push(`${chart}@${ctx.release.version} in ${ctx.release.targetNamespace}`));
  installFlux(kube.store);
  flux = startFluxControllers({ store: kube.store, server: kube, clock, faults, clusterId: 'k3d-test', githubGitUrl: github.gitUrl, sealingKeyBits: 2048 });
  apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'flux-system', namespace: 'flux-system' }, type: 'Opaque', data: { username: secretData('git'), password: secretData(TOKEN) } });
  apply({ ...GIT_REPOSITORY, metadata: { name: 'flux-system', namespace: 'flux-system' }, spec: { interval: '1m', url: 'https://github.com/student/devflux.git', ref: { branch: 'main' }, secretRef: { name: 'flux-system' } } });
});

afterAll(async () => {
  removeHook?.();
  await flux?.close();
  clock?.stop();
  await kube?.close();
  await github?.close();
  await repo?.remove();
  await rm(work, { recursive: true, force: true });
});

describe('simulated Flux controllers', () => {
  it('fetches the GitRepository with real git and stores the artifact revision', async () => {
    const head = (await repo.git(['rev-parse', 'HEAD'])).trim();
    const source = await eventually(() => ready(GIT_REPOSITORY, 'flux-system'), 20_000, 'GitRepository Ready');
    const status = source.status as { artifact: { revision: string }; conditions: Array<{ type: string; status: string; reason: string; message: string }> };
    expect(status.artifact.revision).toBe(`main@sha1:${head}`);
    expect(status.conditions.find((c) => c.type === 'Ready')).toMatchObject({ reason: 'Succeeded', message: `stored artifact for revision 'main@sha1:${head}'` });
    expect(status.conditions.find((c) => c.type === 'ArtifactInStorage')?.status).toBe('True');
  });

  it('applies a folder without kustomization.yaml with real kustomize, labels and inventory', async () => {
    apply(kustomization('apps', { path: './apps', wait: true, timeout: '5m' }));
    const done = await eventually(() => ready(KUSTOMIZATION, 'apps'), 20_000, 'apps Ready');
    const head = (await repo.git(['rev-parse', 'HEAD'])).trim();
    const status = done.status as { lastAppliedRevision: string; inventory: { entries: Array<{ id: string; v: string }> } };
    expect(status.lastAppliedRevision).toBe(`main@sha1:${head}`);
    expect(readyCondition(done)?.message).toBe(`Applied revision: main@sha1:${head}`);
    expect(status.inventory.entries).toEqual([
      { id: 'default_settings__ConfigMap', v: 'v1' },
      { id: 'default_soon-removed__ConfigMap', v: 'v1' },
      { id: 'default_web_apps_Deployment', v: 'v1' },
    ]);
    const cm = kube.store.get('v1', 'ConfigMap', 'default', 'settings');
    expect(cm?.metadata.labels).toMatchObject({ 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' });
    // `wait: true` only succeeded because the Deployment's pods came up.
    expect((kube.store.get('apps/v1', 'Deployment', 'default', 'web')?.status as { readyReplicas?: number }).readyReplicas).toBe(2);
  });

  it('a label put on a running controller Deployment restarts no pod, so nothing is reconciled again', async () => {
    apply(kustomization('apps', { path: './apps', wait: true, timeout: '5m' }));
    await eventually(() => ready(KUSTOMIZATION, 'apps'), 20_000, 'apps Ready');
    await flux.idle();
    const applies = (): number => flux.logs().filter((l) => l.name === 'apps' && l.msg === 'server-side apply completed').length;
    const before = applies();
    const deployment = kube.store.get('apps/v1', 'Deployment', 'flux-system', 'kustomize-controller') as KubeObject;
    kube.store.update({ ...deployment, metadata: { ...deployment.metadata, labels: { ...(deployment.metadata.labels ?? {}), 'kustomize.toolkit.fluxcd.io/name': 'flux-system' } } });
    await flux.idle();
    expect(applies()).toBe(before);
  });

  it('holds a Kustomization whose dependency is not ready', async () => {
    apply(kustomization('missing-path', { path: './does-not-exist' }));
    apply(kustomization('after-missing', { path: './apps', dependsOn: [{ name: 'missing-path' }] }));
    const held = await eventually(() => {
      const c = condition(KUSTOMIZATION, 'after-missing');
      return c?.reason === 'DependencyNotReady' ? c : undefined;
    }, 20_000, 'DependencyNotReady');
    expect(held).toMatchObject({ status: 'False', message: "dependency 'flux-system/missing-path' is not ready" });
    const missing = await eventually(() => {
      const c = condition(KUSTOMIZATION, 'missing-path');
      return c?.status === 'False' ? c : undefined;
    }, 20_000, 'missing-path to fail');
    expect(missing.reason).toBe('ArtifactFailed');
    expect(missing.message).toMatch(/^kustomization path not found: stat .*\/does-not-exist: no such file or directory$/);
  });

  it("holds a dependent until its dependency applied the source's revision, then applies it once the dependency has", async () => {
    const configMap = (name: string, value: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: default\ndata:\n  value: "${value}"\n`;
    await repo.write({ 'first/settings.yaml': configMap('first', 'one'), 'second/settings.yaml': configMap('second', 'one') });
    await repo.commitAndPush('two ordered folders');
    await requestReconcile(GIT_REPOSITORY, 'flux-system');
    apply(kustomization('first', { path: './first' }));
    await eventually(() => ready(KUSTOMIZATION, 'first'), 20_000, 'first Ready');
    // Suspended, the dependency stays Ready on the revision it applied while the source moves on.
    apply(kustomization('first', { path: './first', suspend: true }));
    await repo.write({ 'first/settings.yaml': configMap('first', 'two') });
    const head = await repo.commitAndPush('a new value for first');
    await requestReconcile(GIT_REPOSITORY, 'flux-system');
    apply(kustomization('second', { path: './second', dependsOn: [{ name: 'first' }] }));
    const held = await eventually(() => {
      const c = condition(KUSTOMIZATION, 'second');
      return c?.reason === 'DependencyNotReady' ? c : undefined;
    }, 20_000, 'second held');
    expect(held).toMatchObject({ status: 'False', message: "dependency 'flux-system/first' revision is not up to date" });
    expect(kube.store.get('v1', 'ConfigMap', 'default', 'second')).toBeUndefined();
    // Resumed, the dependency applies the new revision, and the dependent follows.
    const suspended = kube.store.get(KUSTOMIZATION.apiVersion, KUSTOMIZATION.kind, 'flux-system', 'first') as KubeObject;
    kube.store.update({ ...suspended, spec: { ...(suspended.spec as Record<string, unknown>), suspend: false } });
    const applied = await eventually(() => {
      const object = ready(KUSTOMIZATION, 'second');
      return (object?.status as { lastAppliedRevision?: string } | undefined)?.lastAppliedRevision === `main@sha1:${head}` ? object : undefined;
    }, 20_000, () => `second to apply ${head}: ${JSON.stringify(condition(KUSTOMIZATION, 'second'))}`);
    expect((ready(KUSTOMIZATION, 'first')?.status as { lastAppliedRevision?: string }).lastAppliedRevision).toBe(`main@sha1:${head}`);
    expect(readyCondition(applied)?.message).toBe(`Applied revision: main@sha1:${head}`);
    expect(kube.store.get('v1', 'ConfigMap', 'default', 'second')).toBeDefined();
  });

  it('prunes an object removed from Git once the new revision is fetched', async () => {
    await repo.write({ 'apps/old.yaml': null });
    const head = await repo.commitAndPush('drop the old config map');
    await requestReconcile(GIT_REPOSITORY, 'flux-system');
    await requestReconcile(KUSTOMIZATION, 'apps');
    const status = kube.store.get(KUSTOMIZATION.apiVersion, KUSTOMIZATION.kind, 'flux-system', 'apps')?.status as { lastAppliedRevision: string; inventory: { entries: Array<{ id: string }> } };
    expect(status.lastAppliedRevision).toBe(`main@sha1:${head}`);
    expect(kube.store.get('v1', 'ConfigMap', 'default', 'soon-removed')).toBeUndefined();
    expect(kube.store.get('v1', 'ConfigMap', 'default', 'settings')).toBeDefined();
    expect(status.inventory.entries.map((e) => e.id)).not.toContain('default_soon-removed__ConfigMap');
  });

  it('stops waiting on health checks of a revision the source has moved past, and applies the new one', async () => {
    const stuck = 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: stuck\n  namespace: flux-system\nspec:\n  interval: 10m\n  chart:\n    spec:\n      chart: web\n      sourceRef:\n        kind: HelmRepository\n        name: nowhere\n';
    await repo.write({ 'gated/release.yaml': stuck });
    await repo.commitAndPush('a release that never becomes ready');
    await requestReconcile(GIT_REPOSITORY, 'flux-system');
    // An hour of health checks: far longer than this test waits.
    apply(kustomization('gated', { path: './gated', wait: true, timeout: '1h' }));
    await eventually(() => (/^Running health checks/.test(condition(KUSTOMIZATION, 'gated')?.message ?? '') ? true : undefined), 20_000, 'gated to wait on its health checks');
    await repo.write({ 'gated/release.yaml': null, 'gated/settings.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: gated\n  namespace: default\ndata:\n  fixed: "yes"\n' });
    const head = await repo.commitAndPush('replace the release');
    await requestReconcile(GIT_REPOSITORY, 'flux-system');
    const applied = await eventually(() => {
      const object = ready(KUSTOMIZATION, 'gated');
      return (object?.status as { lastAppliedRevision?: string } | undefined)?.lastAppliedRevision === `main@sha1:${head}` ? object : undefined;
    }, 20_000, 'gated to apply the new revision');
    expect(readyCondition(applied)?.message).toBe(`Applied revision: main@sha1:${head}`);
    expect(flux.logs().some((l) => l.name === 'gated' && /^New revision detected during health check, cancelling/.test(l.msg))).toBe(true);
  });

  it("reports the API server's validation error as the Ready message", async () => {
    apply(kustomization('broken', { path: './broken' }));
    const failed = await eventually(() => {
      const c = condition(KUSTOMIZATION, 'broken');
      return c?.reason === 'ReconciliationFailed' ? c : undefined;
    }, 20_000, () => `broken to fail: ${JSON.stringify(kube.store.get(KUSTOMIZATION.apiVersion, KUSTOMIZATION.kind, 'flux-system', 'broken')?.status)}`);
    expect(failed.reason).toBe('ReconciliationFailed');
    expect(failed.message).toMatch(/^Kustomization\/flux-system\/bad dry-run failed \(Invalid\): Kustomization.kustomize.toolkit.fluxcd.io "bad" is invalid: .*sourceRef: Required value/);
  });

  it('installs the sealed-secrets chart: CRD, controller service, Ready message and hooks', async () => {
    apply(kustomization('security', { path: './security' }));
    const release = await eventually(() => ready(HELM_RELEASE, 'sealed-secrets'), 20_000, () => `HelmRelease Ready: ${JSON.stringify(kube.store.get(HELM_RELEASE.apiVersion, HELM_RELEASE.kind, 'flux-system', 'sealed-secrets')?.status)} ${JSON.stringify(kube.store.get(KUSTOMIZATION.apiVersion, KUSTOMIZATION.kind, 'flux-system', 'security')?.status)} ${JSON.stringify(flux.logs().filter((l) => l.level === 'error'))}`);
    expect(readyCondition(release)?.message).toBe('Helm install succeeded for release kube-system/sealed-secrets.v1 with chart sealed-secrets@2.18.5');
    expect(kube.store.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, 'sealedsecrets.bitnami.com')).toBeDefined();
    expect(kube.store.get('v1', 'Service', 'kube-system', 'sealed-secrets-controller')).toBeDefined();
    expect(kube.store.list('v1', 'Secret', 'kube-system', 'sealedsecrets.bitnami.com/sealed-secrets-key=active')).toHaveLength(1);
    expect(chartsSeen).toContain('sealed-secrets@2.18.5 in kube-system');
  });

  it('keeps a HelmRelease from becoming Ready under the helmrelease-never-ready fault', async () => {
    faults.enable('helmrelease-never-ready');
    try {
      apply({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', metadata: { name: 'prometheus-community', namespace: 'flux-system' }, spec: { interval: '1h', url: 'https://prometheus-community.github.io/helm-charts' } });
      apply({ ...HELM_RELEASE, metadata: { name: 'kube-prometheus-stack', namespace: 'flux-system' }, spec: { interval: '10m', timeout: '1m', targetNamespace: 'observability', releaseName: 'kube-prometheus-stack', install: { createNamespace: true }, chart: { spec: { chart: 'kube-prometheus-stack', version: '79.0.0', sourceRef: { kind: 'HelmRepository', name: 'prometheus-community' } } } } });
      const failed = await eventually(() => {
        const c = condition(HELM_RELEASE, 'kube-prometheus-stack');
        return c?.status === 'False' ? c : undefined;
      }, 20_000, 'install to fail');
      expect(failed).toMatchObject({ reason: 'InstallFailed', message: 'Helm install failed for release observability/kube-prometheus-stack with chart kube-prometheus-stack@79.0.0: context deadline exceeded' });
      expect(kube.store.list('apps/v1', 'Deployment', 'observability')).toHaveLength(0);
    } finally {
      faults.disable('helmrelease-never-ready');
    }
  });

  it('stops reconciling while crashed by the controller-crash fault, then catches up', async () => {
    const logsUrl = `${kube.url}/api/v1/namespaces/flux-system/services/kustomize-controller/proxy/logs`;
    const certUrl = `${kube.url}/api/v1/namespaces/kube-system/services/sealed-secrets-controller/proxy/v1/cert.pem`;
    expect((await fetch(certUrl)).status).toBe(200);
    expect((await fetch(logsUrl)).status).toBe(200);
    faults.enable('controller-crash');
    try {
      await eventually(async () => ((await fetch(logsUrl)).status === 503 ? true : undefined), 20_000, 'the crash');
      // The sealed-secrets controller installed by the chart goes down with them.
      expect((await fetch(certUrl)).status).toBe(503);
      // Requested while down: handled only once the controllers are back.
      const handled = await requestReconcile(KUSTOMIZATION, 'apps');
      expect(handled).toBeTruthy();
      expect((await fetch(logsUrl)).status).toBe(200);
      expect((await fetch(certUrl)).status).toBe(200);
    } finally {
      faults.disable('controller-crash');
    }
  });

  it('logs what the controllers did', () => {
    const lines = flux.logs();
    expect(lines.some((l) => l.controller === 'kustomize-controller' && l.name === 'apps' && l.msg === 'server-side apply completed')).toBe(true);
    expect(lines.some((l) => l.controller === 'kustomize-controller' && l.name === 'after-missing' && /Dependencies do not meet ready condition/.test(l.msg))).toBe(true);
  });

  it('restarted controllers start the installed charts\' workloads again, with the same sealing key', async () => {
    const certUrl = `${kube.url}/api/v1/namespaces/kube-system/services/sealed-secrets-controller/proxy/v1/cert.pem`;
    const before = await (await fetch(certUrl)).text();
    expect(before).toContain('BEGIN CERTIFICATE');
    await flux.close();
    flux = startFluxControllers({ store: kube.store, server: kube, clock, faults, clusterId: 'k3d-test', githubGitUrl: github.gitUrl, sealingKeyBits: 2048 });
    const after = await eventually(async () => {
      const res = await fetch(certUrl);
      const text = await res.text();
      return res.status === 200 && text !== '' ? text : undefined;
    }, 20_000, 'the certificate to be served again');
    expect(after).toBe(before);
    expect(kube.store.list('v1', 'Secret', 'kube-system', 'sealedsecrets.bitnami.com/sealed-secrets-key=active')).toHaveLength(1);
  });
});
