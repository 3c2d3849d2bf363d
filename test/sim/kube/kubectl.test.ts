import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { KubectlHarness } from './kubectl-harness.js';
import { startKubeApiServer } from './server.js';
import type { KubeApiServer, KubeObject } from './types.js';
import { CRD_ROOT } from '../shared-dir';

const FLUX_CRDS = join(CRD_ROOT, 'flux');

function kustomization(name: string, spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): string {
  return JSON.stringify({
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name, namespace: 'default', ...metadata },
    spec: { interval: '10m', path: './apps', prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' }, ...spec },
  });
}

function readyStatus(message: string): Record<string, unknown> {
  return { conditions: [{ type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message, lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }] };
}

describe('simulated API server with real kubectl', () => {
  let server: KubeApiServer;
  let kubectl: KubectlHarness;

  beforeAll(async () => {
    server = await startKubeApiServer({
      clusterName: 'lab',
      nodes: [{ name: 'k3d-lab-server-0', roles: ['control-plane', 'master'] }],
      crdFiles: readdirSync(FLUX_CRDS).map((f) => join(FLUX_CRDS, f)),
    });
    kubectl = new KubectlHarness(server.url);
  });

  afterAll(async () => {
    await server?.close();
    kubectl?.dispose();
  });

  it('lists nodes with the built-in columns', async () => {
    const r = await kubectl.run(['get', 'nodes']);
    expect(r.exitCode).toBe(0);
    const [header, row] = r.stdout.trim().split('\n');
    expect(header?.split(/\s{2,}/)).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
    expect(row?.split(/\s{2,}/)).toEqual(['k3d-lab-server-0', 'Ready', 'control-plane,master', expect.stringMatching(/^\d+s$/), 'v1.35.0+k3s1']);
  });

  it('lists the default namespaces by short name, and as JSON', async () => {
    const table = await kubectl.run(['get', 'ns']);
    expect(table.exitCode).toBe(0);
    expect(table.stdout).toMatch(/^NAME\s+STATUS\s+AGE\n/);
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) expect(table.stdout).toMatch(new RegExp(`^${ns}\\s+Active\\s+\\d+s$`, 'm'));
    const json = await kubectl.run(['get', 'ns', '-o', 'json']);
    const list = JSON.parse(json.stdout) as { kind: string; items: KubeObject[] };
    expect(list.kind).toBe('List');
    expect(list.items.map((i) => i.metadata.name)).toEqual(expect.arrayContaining(['default', 'kube-system', 'kube-public', 'kube-node-lease']));
  });

  it('evaluates -o jsonpath on the kubernetes service', async () => {
    const r = await kubectl.run(['get', 'svc', 'kubernetes', '-o', 'jsonpath={.spec.clusterIP} {.spec.ports[0].port}']);
    expect(r).toMatchObject({ exitCode: 0, stdout: '10.43.0.1 443' });
  });

  it('reads a load balancer address set through the store, as the lab checks the shop address', async () => {
    expect((await kubectl.run(['get', 'svc', 'kubernetes', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}'])).stdout).toBe('');
    server.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    const svc = server.store.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'frontend-external', namespace: 'shop' }, spec: { type: 'LoadBalancer', selector: { app: 'frontend' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } });
    const pending = await kubectl.run(['get', 'svc', '-n', 'shop']);
    expect(pending.stdout.split('\n')[1]?.split(/\s{2,}/)).toEqual(['frontend-external', 'LoadBalancer', svc.spec && (svc.spec as { clusterIP: string }).clusterIP, '<pending>', '80/TCP', expect.stringMatching(/^\d+s$/)]);
    server.store.updateStatus({ ...svc, status: { loadBalancer: { ingress: [{ ip: '34.155.10.20' }] } } });
    const r = await kubectl.run(['get', 'svc', '-n', 'shop', 'frontend-external', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}']);
    expect(r).toMatchObject({ exitCode: 0, stdout: '34.155.10.20' });
  });

  it('reports the server version and the current context', async () => {
    const version = await kubectl.run(['version', '-o', 'json']);
    expect(JSON.parse(version.stdout).serverVersion.gitVersion).toBe('v1.35.0+k3s1');
    const ctx = await kubectl.run(['config', 'current-context']);
    expect(ctx).toMatchObject({ exitCode: 0, stdout: 'k3d-lab' });
  });

  it('words a missing object like the real server', async () => {
    const r = await kubectl.run(['get', 'ks', 'nope']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('Error from server (NotFound): kustomizations.kustomize.toolkit.fluxcd.io "nope" not found');
  });

  it('applies a Kustomization: created, unchanged, then configured with a new generation', async () => {
    const first = await kubectl.run(['apply', '-f', '-'], kustomization('apps'));
    expect(first).toMatchObject({ exitCode: 0, stdout: 'kustomization.kustomize.toolkit.fluxcd.io/apps created' });
    const again = await kubectl.run(['apply', '-f', '-'], kustomization('apps'));
    expect(again).toMatchObject({ exitCode: 0, stdout: 'kustomization.kustomize.toolkit.fluxcd.io/apps unchanged' });
    const changed = await kubectl.run(['apply', '-f', '-'], kustomization('apps', { interval: '5m' }));
    expect(changed).toMatchObject({ exitCode: 0, stdout: 'kustomization.kustomize.toolkit.fluxcd.io/apps configured' });
    const stored = server.store.get('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', 'default', 'apps');
    expect(stored?.spec).toMatchObject({ interval: '5m', prune: true });
    expect(stored?.metadata.generation).toBe(2);
    expect(stored?.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toContain('"5m"');
  });

  it('applies built-in kinds with strategic merge patches', async () => {
    const deployment = (image: string, env: Array<{ name: string; value: string }>) => JSON.stringify({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image, env }] } } },
    });
    expect((await kubectl.run(['apply', '-f', '-'], deployment('nginx:1', [{ name: 'A', value: '1' }, { name: 'B', value: '2' }]))).stdout).toBe('deployment.apps/web created');
    const changed = await kubectl.run(['apply', '-f', '-'], deployment('nginx:2', [{ name: 'B', value: '3' }]));
    expect(changed).toMatchObject({ exitCode: 0, stdout: 'deployment.apps/web configured' });
    const stored = server.store.get('apps/v1', 'Deployment', 'default', 'web');
    const container = ((stored?.spec as { template: { spec: { containers: Array<Record<string, unknown>> } } }).template.spec.containers)[0];
    expect(container).toMatchObject({ name: 'web', image: 'nginx:2', env: [{ name: 'B', value: '3' }] });
  });

  it('server-side applies: created then updated', async () => {
    const created = await kubectl.run(['apply', '--server-side', '-f', '-'], kustomization('ssa'));
    expect(created).toMatchObject({ exitCode: 0, stdout: 'kustomization.kustomize.toolkit.fluxcd.io/ssa serverside-applied' });
    const updated = await kubectl.run(['apply', '--server-side', '-f', '-'], kustomization('ssa', { path: './other' }));
    expect(updated.exitCode).toBe(0);
    expect(server.store.get('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', 'default', 'ssa')?.spec).toMatchObject({ path: './other' });
  });

  it('changes nothing on --dry-run=server (apply, then delete), and leaves empty printer cells empty', async () => {
    const dry = await kubectl.run(['apply', '--dry-run=server', '-f', '-'], kustomization('dry'));
    expect(dry).toMatchObject({ exitCode: 0, stdout: 'kustomization.kustomize.toolkit.fluxcd.io/dry created (server dry run)' });
    expect(server.store.get('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', 'default', 'dry')).toBeUndefined();
    await kubectl.run(['apply', '-f', '-'], kustomization('dry'));
    expect((await kubectl.run(['get', 'ks', 'dry'])).stdout.split('\n')[1]).toMatch(/^dry\s+\d+s\s*$/);
    expect((await kubectl.run(['delete', '--dry-run=server', 'ks', 'dry'])).stdout).toContain('(server dry run)');
    expect(server.store.get('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', 'default', 'dry')).toBeDefined();
  });

  it('rejects an unknown field with 422 naming it', async () => {
    const r = await kubectl.run(['apply', '-f', '-'], kustomization('bad', { prunee: true }));
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('The Kustomization "bad" is invalid: spec.prunee: Invalid value: field not declared in schema');
    expect(server.store.get('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', 'default', 'bad')).toBeUndefined();
  });

  it('answers raw HTTP with a 422 Status for Strict and a Warning header for Warn', async () => {
    const post = (validation: string) => fetch(`${server.url}/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/default/kustomizations?fieldValidation=${validation}`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: kustomization(`raw-${validation.toLowerCase()}`, { prunee: true }),
    });
    const strict = await post('Strict');
    expect(strict.status).toBe(422);
    const status = await strict.json() as { reason: string; message: string; details: { causes: Array<{ field: string; reason: string }> } };
    expect(status.reason).toBe('Invalid');
    expect(status.message).toBe('Kustomization.kustomize.toolkit.fluxcd.io "raw-strict" is invalid: spec.prunee: Invalid value: field not declared in schema');
    expect(status.details.causes).toEqual([{ reason: 'FieldValueInvalid', field: 'spec.prunee', message: 'Invalid value: field not declared in schema' }]);
    const warn = await post('Warn');
    expect(warn.status).toBe(201);
    expect(warn.headers.get('warning')).toBe('299 - "unknown field \\"spec.prunee\\""');
    expect(((await warn.json()) as KubeObject).spec).not.toHaveProperty('prunee');
  });

  it('prints the CRD printer columns for kustomizations', async () => {
    const ks = server.store.get('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', 'default', 'apps') as KubeObject;
    server.store.updateStatus({ ...ks, status: readyStatus('Applied revision: main@sha1:2c9b772e') });
    const r = await kubectl.run(['get', 'kustomizations', '-A']);
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]?.split(/\s{2,}/)).toEqual(['NAMESPACE', 'NAME', 'AGE', 'READY', 'STATUS']);
    expect(lines.find((l) => /^default\s+apps\s/.test(l))?.split(/\s{2,}/)).toEqual(['default', 'apps', expect.stringMatching(/^\d+s$/), 'True', 'Applied revision: main@sha1:2c9b772e']);
  });

  it('waits for a condition set later through the store', async () => {
    await kubectl.run(['apply', '-f', '-'], kustomization('waited'));
    const waiting = kubectl.start(['wait', '--for=condition=Ready', 'kustomization/waited', '--timeout=30s']);
    setTimeout(() => {
      const ks = server.store.get('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', 'default', 'waited') as KubeObject;
      server.store.updateStatus({ ...ks, status: readyStatus('ok') });
    }, 400);
    const r = await waiting;
    expect(r.exitCode).toBe(0);
    expect(String(r.stdout)).toBe('kustomization.kustomize.toolkit.fluxcd.io/waited condition met');
  });

  it('deletes at once without finalizers', async () => {
    await kubectl.run(['apply', '-f', '-'], kustomization('plain'));
    const r = await kubectl.run(['delete', 'ks', 'plain']);
    expect(r).toMatchObject({ exitCode: 0, stdout: 'kustomization.kustomize.toolkit.fluxcd.io "plain" deleted from default namespace' });
    expect(server.store.get('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', 'default', 'plain')).toBeUndefined();
  });

  it('keeps a finalized object until its last finalizer goes, and kubectl delete waits for that', async () => {
    await kubectl.run(['apply', '-f', '-'], kustomization('held', {}, { finalizers: ['finalizers.fluxcd.io'] }));
    let settled = false;
    const deleting = kubectl.start(['delete', 'ks', 'held', '--timeout=30s']);
    void deleting.then(() => { settled = true; });
    await new Promise((resolve) => setTimeout(resolve, 800));
    const held = server.store.get('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', 'default', 'held') as KubeObject;
    expect(held.metadata.deletionTimestamp).toEqual(expect.any(String));
    expect(settled).toBe(false);
    server.store.update({ ...held, metadata: { ...held.metadata, finalizers: [] } });
    const r = await deleting;
    expect(r.exitCode).toBe(0);
    expect(String(r.stdout)).toContain('kustomization.kustomize.toolkit.fluxcd.io "held" deleted');
    expect(server.store.get('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', 'default', 'held')).toBeUndefined();
  });

  it('filters by label selectors', async () => {
    for (const [name, tier] of [['l1', 'web'], ['l2', 'db'], ['l3', 'cache']]) {
      server.store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: name as string, namespace: 'default', labels: { tier: tier as string } }, data: {} });
    }
    const r = await kubectl.run(['get', 'cm', '-l', 'tier in (web,db),tier!=db', '-o', 'name']);
    expect(r).toMatchObject({ exitCode: 0, stdout: 'configmap/l1' });
  });

  it('creates namespaces and secrets from the protobuf bodies of kubectl create, and deletes a namespace with its content', async () => {
    expect(await kubectl.run(['create', 'namespace', 'demo'])).toMatchObject({ exitCode: 0, stdout: 'namespace/demo created' });
    expect(await kubectl.run(['create', 'secret', 'generic', 'foobar', '-n', 'demo', '--from-literal=foo=bar'])).toMatchObject({ exitCode: 0, stdout: 'secret/foobar created' });
    expect(await kubectl.run(['get', 'secret', 'foobar', '-n', 'demo', '-o', 'jsonpath={.data.foo}'])).toMatchObject({ exitCode: 0, stdout: Buffer.from('bar').toString('base64') });
    expect(server.store.get('v1', 'Secret', 'demo', 'foobar')).toMatchObject({ type: 'Opaque', metadata: { namespace: 'demo' } });
    const deleted = await kubectl.run(['delete', 'namespace', 'demo']);
    expect(deleted).toMatchObject({ exitCode: 0, stdout: 'namespace "demo" deleted' });
    expect(server.store.get('v1', 'Secret', 'demo', 'foobar')).toBeUndefined();
    expect((await kubectl.run(['get', 'ns', 'demo'])).stderr).toContain('namespaces "demo" not found');
  });

  it('serves a CRD applied through kubectl, and refuses a client-side apply of a CRD too big for the annotation', async () => {
    const applied = await kubectl.run(['apply', '-f', join(CRD_ROOT, 'sealed-secrets', 'bitnami.com_sealedsecrets.yaml')]);
    expect(applied).toMatchObject({ exitCode: 0, stdout: 'customresourcedefinition.apiextensions.k8s.io/sealedsecrets.bitnami.com created' });
    const listed = await kubectl.run(['get', 'sealedsecrets', '-A']);
    expect(listed).toMatchObject({ exitCode: 0, stderr: 'No resources found' });
    const big = join(CRD_ROOT, 'provider-upjet-gcp', 'container.gcp.upbound.io_clusters.yaml');
    const tooLong = await kubectl.run(['apply', '-f', big]);
    expect(tooLong.exitCode).toBe(1);
    expect(tooLong.stderr).toContain('The CustomResourceDefinition "clusters.container.gcp.upbound.io" is invalid: metadata.annotations: Too long: must have at most 262144 bytes');
    expect(await kubectl.run(['apply', '--server-side', '-f', big])).toMatchObject({ exitCode: 0, stdout: 'customresourcedefinition.apiextensions.k8s.io/clusters.container.gcp.upbound.io serverside-applied' });
  });

  it('streams table rows with kubectl get -w', async () => {
    server.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'watched' } });
    server.store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'first', namespace: 'watched' }, data: { a: '1' } });
    const watching = kubectl.start(['get', 'configmaps', '-n', 'watched', '-w']);
    let out = '';
    watching.stdout?.on('data', (chunk: Buffer) => { out += chunk.toString('utf8'); });
    try {
      const deadline = Date.now() + 15_000;
      const waitFor = async (re: RegExp): Promise<void> => {
        while (!re.test(out)) {
          if (Date.now() > deadline) throw new Error(`kubectl get -w printed only: ${out}`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      };
      await waitFor(/^first\s+1\s+\d+s$/m);
      server.store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'second', namespace: 'watched' }, data: { a: '1', b: '2' } });
      await waitFor(/^second\s+2\s+\d+s$/m);
      expect(out.split('\n')[0]?.split(/\s{2,}/)).toEqual(['NAME', 'DATA', 'AGE']);
    } finally {
      watching.kill();
      await watching;
    }
  });
});
