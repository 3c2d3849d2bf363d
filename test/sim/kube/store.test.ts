import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRD_ROOT } from '../shared-dir';
import { startKubeApiServer } from './server.js';
import { KubeError, type KubeApiServer, type KubeObject } from './types.js';

const UPBOUND_CLUSTER_CRD = join(CRD_ROOT, 'provider-upjet-gcp', 'container.gcp.upbound.io_clusters.yaml');

function widgetCrd(extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { kind: 'Widget', plural: 'widgets', singular: 'widget', shortNames: ['wd'], listKind: 'WidgetList' },
      versions: [{
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }],
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['size'],
                properties: {
                  size: { type: 'integer' },
                  port: { 'x-kubernetes-int-or-string': true },
                  color: { type: 'string', enum: ['red', 'blue'], default: 'red' },
                  note: { type: 'string', nullable: true },
                  values: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                  template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } },
                },
              },
              status: { type: 'object', properties: { phase: { type: 'string' } } },
            },
          },
        },
      }],
      ...extra,
    },
  };
}

function widget(name: string, spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name, namespace: 'default', ...metadata }, spec };
}

function kubeError(fn: () => unknown): KubeError {
  try {
    fn();
  } catch (error) {
    if (error instanceof KubeError) return error;
    throw error;
  }
  throw new Error('expected a KubeError');
}

async function watchLines(url: string, accept: string | undefined, count: number): Promise<Array<{ type: string; object: Record<string, unknown> }>> {
  const controller = new AbortController();
  const res = await fetch(url, { signal: controller.signal, ...(accept ? { headers: { Accept: accept } } : {}) });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  let text = '';
  while (text.split('\n').length <= count) {
    const { value, done } = await reader.read();
    if (done) break;
    text += Buffer.from(value).toString('utf8');
  }
  controller.abort();
  return text.split('\n').filter((l) => l !== '').slice(0, count).map((l) => JSON.parse(l) as { type: string; object: Record<string, unknown> });
}

describe('simulated API server store, CRDs and HTTP details', () => {
  let server: KubeApiServer;

  beforeAll(async () => {
    server = await startKubeApiServer({ clusterName: 'lab', crdFiles: [UPBOUND_CLUSTER_CRD] });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('says which kinds live in namespaces, built-in or from a CRD, and knows no unserved kind', () => {
    expect(server.store.isNamespaced('', 'ConfigMap')).toBe(true);
    expect(server.store.isNamespaced('rbac.authorization.k8s.io', 'ClusterRole')).toBe(false);
    expect(server.store.isNamespaced('container.gcp.upbound.io', 'Cluster')).toBe(false);
    expect(server.store.isNamespaced('example.org', 'Gadget')).toBeUndefined();
  });

  describe('the upbound GKE Cluster CRD (600 KB schema)', () => {
    const cluster = (name: string, forProvider: Record<string, unknown>): KubeObject => ({
      apiVersion: 'container.gcp.upbound.io/v1beta2', kind: 'Cluster', metadata: { name }, spec: { forProvider, providerConfigRef: { name: 'default' } },
    });

    it('accepts a Dataplane V2 cluster and fills in the schema defaults', () => {
      const created = server.store.create(cluster('dev-cluster', { location: 'europe-west9-a', deletionProtection: false, datapathProvider: 'ADVANCED_DATAPATH', initialNodeCount: 1 }));
      expect(created.spec).toMatchObject({ forProvider: { deletionProtection: false, datapathProvider: 'ADVANCED_DATAPATH' }, deletionPolicy: 'Delete', managementPolicies: ['*'] });
      expect(created.metadata.namespace).toBeUndefined();
    });

    it('rejects a legacy-style networkConfig under forProvider, naming the field', () => {
      const error = kubeError(() => server.store.create(cluster('legacy', { location: 'europe-west9-a', networkConfig: { enableIntraNodeVisibility: true } })));
      expect(error.code).toBe(422);
      expect(error.message).toBe('Cluster.container.gcp.upbound.io "legacy" is invalid: spec.forProvider.networkConfig: Invalid value: field not declared in schema');
      expect(error.details?.causes).toEqual([{ reason: 'FieldValueInvalid', field: 'spec.forProvider.networkConfig', message: 'Invalid value: field not declared in schema' }]);
    });

    it('rejects a wrongly typed value', () => {
      const error = kubeError(() => server.store.create(cluster('typed', { location: 'europe-west9-a', deletionProtection: 'no' })));
      expect(error.message).toContain('spec.forProvider.deletionProtection: Invalid value: "string": spec.forProvider.deletionProtection in body must be of type boolean');
    });
  });

  describe('dynamic CRDs', () => {
    it('registers a CRD created over HTTP: Established, discovery, OpenAPI, REST', async () => {
      const res = await fetch(`${server.url}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(widgetCrd()) });
      expect(res.status).toBe(201);
      const crd = await res.json() as { status: { conditions: Array<{ type: string; status: string }> } };
      expect(crd.status.conditions.map((c) => `${c.type}=${c.status}`).sort()).toEqual(['Established=True', 'NamesAccepted=True']);

      const aggregated = await fetch(`${server.url}/apis`, { headers: { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' } });
      expect(aggregated.headers.get('content-type')).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
      const groups = (await aggregated.json() as { items: Array<{ metadata: { name: string }; versions: Array<{ resources: Array<{ resource: string; shortNames?: string[]; subresources?: unknown[] }> }> }> }).items;
      const resource = groups.find((g) => g.metadata.name === 'example.com')?.versions[0]?.resources[0];
      expect(resource).toMatchObject({ resource: 'widgets', shortNames: ['wd'], subresources: [{ subresource: 'status' }] });

      const legacy = await (await fetch(`${server.url}/apis/example.com/v1`)).json() as { resources: Array<{ name: string }> };
      expect(legacy.resources.map((r) => r.name)).toEqual(['widgets', 'widgets/status']);
      const openapi = await (await fetch(`${server.url}/openapi/v3`)).json() as { paths: Record<string, { serverRelativeURL: string }> };
      const gvDoc = await (await fetch(`${server.url}${openapi.paths['apis/example.com/v1']?.serverRelativeURL}`)).json() as { paths: Record<string, unknown> };
      expect(Object.keys(gvDoc.paths)).toContain('/apis/example.com/v1/namespaces/{namespace}/widgets/{name}');
      expect((await fetch(`${server.url}/openapi/v2`)).status).toBe(404);

      const created = await fetch(`${server.url}/apis/example.com/v1/namespaces/default/widgets`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(widget('w1', { size: 3, port: 'http' })) });
      expect(created.status).toBe(201);
      expect(((await created.json()) as KubeObject).spec).toEqual({ size: 3, port: 'http', color: 'red' });
    });

    it('validates int-or-string, nullable, enums, required fields and preserved or embedded objects', () => {
      expect(server.store.create(widget('w2', { size: 1, port: 8080, note: null, values: { any: { thing: 1 } }, template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { x: 1 } } })).spec).toMatchObject({ port: 8080, values: { any: { thing: 1 } } });
      const error = kubeError(() => server.store.create(widget('w3', { port: true, color: 'green' })));
      expect(error.details?.causes).toEqual(expect.arrayContaining([
        expect.objectContaining({ field: 'spec.size', message: 'Required value' }),
        expect.objectContaining({ field: 'spec.color', reason: 'FieldValueNotSupported', message: 'Unsupported value: "green": supported values: "red", "blue"' }),
        expect.objectContaining({ field: 'spec.port', message: 'Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"' }),
      ]));
    });

    it('ignores status through the main resource when the kind has a status subresource; generation follows spec', () => {
      const before = server.store.get('example.com/v1', 'Widget', 'default', 'w2') as KubeObject;
      const afterStatus = server.store.updateStatus({ ...before, status: { phase: 'Ready' } });
      expect(afterStatus.metadata.generation).toBe(before.metadata.generation);
      const viaMain = server.store.update({ ...afterStatus, status: { phase: 'Hacked' }, spec: { ...(afterStatus.spec as object), size: 2 } });
      expect(viaMain.status).toEqual({ phase: 'Ready' });
      expect(viaMain.metadata.generation).toBe((before.metadata.generation ?? 0) + 1);
      const stale = kubeError(() => server.store.update({ ...before }));
      expect(stale).toMatchObject({ code: 409, reason: 'Conflict' });
      expect(stale.message).toBe('Operation cannot be fulfilled on widgets.example.com "w2": the object has been modified; please apply your changes to the latest version and try again');
    });

    it('patches status only through the /status subresource over HTTP', async () => {
      const patch = (suffix: string, body: unknown) => fetch(`${server.url}/apis/example.com/v1/namespaces/default/widgets/w2${suffix}`, {
        method: 'PATCH', headers: { 'Content-Type': 'application/merge-patch+json' }, body: JSON.stringify(body),
      });
      const viaStatus = await patch('/status', { status: { phase: 'Done' } });
      expect(viaStatus.status).toBe(200);
      expect(((await viaStatus.json()) as KubeObject).status).toEqual({ phase: 'Done' });
      const viaMain = await patch('', { status: { phase: 'Ignored' }, metadata: { labels: { seen: 'yes' } } });
      expect(await viaMain.json()).toMatchObject({ status: { phase: 'Done' }, metadata: { labels: { seen: 'yes' } } });
      const strategic = await fetch(`${server.url}/apis/example.com/v1/namespaces/default/widgets/w2`, { method: 'PATCH', headers: { 'Content-Type': 'application/strategic-merge-patch+json' }, body: '{}' });
      expect(strategic.status).toBe(415);
    });

    it('answers 404 NotFound and 409 AlreadyExists with the real wording', async () => {
      const missing = await fetch(`${server.url}/apis/example.com/v1/namespaces/default/widgets/none`);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'widgets.example.com "none" not found', details: { name: 'none', group: 'example.com', kind: 'widgets' } });
      expect(kubeError(() => server.store.create(widget('w2', { size: 1 })))).toMatchObject({ code: 409, reason: 'AlreadyExists', message: 'widgets.example.com "w2" already exists' });
    });

    it('deleting the CRD removes the kind and its objects', async () => {
      server.store.delete('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, 'widgets.example.com');
      expect((await fetch(`${server.url}/apis/example.com/v1/namespaces/default/widgets`)).status).toBe(404);
      expect(server.store.get('example.com/v1', 'Widget', 'default', 'w1')).toBeUndefined();
      expect(() => server.store.create(widget('w9', { size: 1 }))).toThrow(KubeError);
      server.store.create(widgetCrd());
      expect(server.store.list('example.com/v1', 'Widget')).toEqual([]);
    });
  });

  describe('watch streams', () => {
    it('streams a list: ADDED for current objects, then the initial-events-end BOOKMARK, then live events', async () => {
      server.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'streamed' } });
      server.store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 's1', namespace: 'streamed' }, data: {} });
      const url = `${server.url}/api/v1/namespaces/streamed/configmaps?allowWatchBookmarks=true&fieldSelector=metadata.name%3Ds1&resourceVersionMatch=NotOlderThan&sendInitialEvents=true&timeoutSeconds=5&watch=true`;
      const pending = watchLines(url, undefined, 3);
      setTimeout(() => server.store.delete('v1', 'ConfigMap', 'streamed', 's1'), 100);
      const events = await pending;
      expect(events.map((e) => e.type)).toEqual(['ADDED', 'BOOKMARK', 'DELETED']);
      expect(events[1]?.object).toMatchObject({ metadata: { annotations: { 'k8s.io/initial-events-end': 'true' } } });
    });

    it('turns label changes into DELETED and ADDED for a selector-filtered watch', async () => {
      const cm = server.store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'sel', namespace: 'default', labels: { role: 'a' } } });
      const url = `${server.url}/api/v1/namespaces/default/configmaps?watch=true&labelSelector=role%3Da&resourceVersion=${cm.metadata.resourceVersion}`;
      const pending = watchLines(url, undefined, 3);
      setTimeout(() => {
        const left = server.store.update({ ...cm, metadata: { ...cm.metadata, resourceVersion: undefined, labels: { role: 'b' } } });
        server.store.update({ ...left, metadata: { ...left.metadata, labels: { role: 'b', other: 'x' } } });
        server.store.update({ ...left, metadata: { ...left.metadata, resourceVersion: undefined, labels: { role: 'a' } } });
        server.store.update({ ...left, metadata: { ...left.metadata, resourceVersion: undefined, labels: { role: 'a', more: 'y' } } });
      }, 100);
      const events = await pending;
      expect(events.map((e) => `${e.type} ${JSON.stringify((e.object.metadata as { labels: unknown }).labels)}`)).toEqual([
        'DELETED {"role":"b"}', 'ADDED {"role":"a"}', 'MODIFIED {"role":"a","more":"y"}',
      ]);
    });

    it('wraps events in Tables when kubectl get -w asks for them', async () => {
      const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
      const events = await watchLines(`${server.url}/api/v1/namespaces?watch=true&fieldSelector=metadata.name%3Ddefault`, accept, 1);
      expect(events[0]).toMatchObject({ type: 'ADDED', object: { kind: 'Table', rows: [{ cells: ['default', 'Active', expect.any(String)] }] } });
    });
  });

  describe('built-in defaults', () => {
    it('allocates a service cluster IP once, keeps it across updates, and defaults port protocol and target', () => {
      const svc = server.store.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });
      const spec = svc.spec as { clusterIP: string; type: string; ports: unknown[] };
      expect(spec).toMatchObject({ type: 'ClusterIP', clusterIP: expect.stringMatching(/^10\.43\.\d+\.\d+$/), ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] });
      expect(svc.status).toEqual({ loadBalancer: {} });
      const updated = server.store.update({ ...svc, spec: { selector: { app: 'web2' }, ports: [{ port: 8080 }] } });
      expect((updated.spec as { clusterIP: string }).clusterIP).toBe(spec.clusterIP);
    });

    it('folds Secret stringData into base64 data', () => {
      const secret = server.store.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'default' }, stringData: { user: 'admin' } });
      expect(secret).toMatchObject({ type: 'Opaque', data: { user: Buffer.from('admin').toString('base64') } });
      expect(secret).not.toHaveProperty('stringData');
    });
  });

  describe('deletion', () => {
    it('deleting a namespace deletes its objects, waiting for their finalizers', () => {
      server.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } });
      server.store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', namespace: 'doomed', finalizers: ['example.com/hold'] }, data: {} });
      server.store.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'loose', namespace: 'doomed' }, stringData: { k: 'v' } });
      server.store.delete('v1', 'Namespace', undefined, 'doomed');
      expect(server.store.get('v1', 'Namespace', undefined, 'doomed')?.status).toEqual({ phase: 'Terminating' });
      expect(server.store.get('v1', 'Secret', 'doomed', 'loose')).toBeUndefined();
      expect(kubeError(() => server.store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late', namespace: 'doomed' } }))).toMatchObject({ code: 403, reason: 'Forbidden' });
      const held = server.store.get('v1', 'ConfigMap', 'doomed', 'held') as KubeObject;
      server.store.update({ ...held, metadata: { ...held.metadata, finalizers: [] } });
      expect(server.store.get('v1', 'Namespace', undefined, 'doomed')).toBeUndefined();
    });

    it('deletes a collection by label selector', async () => {
      for (const [name, app] of [['dc1', 'x'], ['dc2', 'x'], ['dc3', 'y']]) {
        server.store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: name as string, namespace: 'default', labels: { app: app as string } } });
      }
      const res = await fetch(`${server.url}/api/v1/namespaces/default/configmaps?labelSelector=app%3Dx`, { method: 'DELETE' });
      expect(res.status).toBe(200);
      expect(server.store.list('v1', 'ConfigMap', 'default', 'app').map((o) => o.metadata.name)).toEqual(['dc3']);
    });

    it('collects dependents whose owner is gone, and orphans on request', async () => {
      const owner = server.store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owner', namespace: 'default' } });
      const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid as string };
      server.store.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'dependent', namespace: 'default', ownerReferences: [ref] } });
      server.store.delete('v1', 'ConfigMap', 'default', 'owner');
      expect(server.store.get('v1', 'Secret', 'default', 'dependent')).toBeUndefined();

      const owner2 = server.store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owner2', namespace: 'default' } });
      server.store.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'orphan', namespace: 'default', ownerReferences: [{ ...ref, name: 'owner2', uid: owner2.metadata.uid as string }] } });
      const res = await fetch(`${server.url}/api/v1/namespaces/default/configmaps/owner2`, { method: 'DELETE', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ propagationPolicy: 'Orphan' }) });
      expect(res.status).toBe(200);
      expect(server.store.get('v1', 'Secret', 'default', 'orphan')?.metadata.ownerReferences).toBeUndefined();
    });
  });

  describe('state and service proxy', () => {
    it('restores objects, resourceVersions and CRD registrations from serialize()', async () => {
      const state = server.serialize();
      const rv = Number(server.store.get('v1', 'Namespace', undefined, 'default')?.metadata.resourceVersion);
      const copy = await startKubeApiServer({ clusterName: 'lab', state });
      try {
        expect(copy.store.get('container.gcp.upbound.io/v1beta2', 'Cluster', undefined, 'dev-cluster')?.spec).toMatchObject({ forProvider: { datapathProvider: 'ADVANCED_DATAPATH' } });
        const next = copy.store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after-restore', namespace: 'default' } });
        expect(Number(next.metadata.resourceVersion)).toBeGreaterThan(rv);
        expect(Number(next.metadata.resourceVersion)).toBe((state as { resourceVersion: number }).resourceVersion + 1);
        expect((await fetch(`${copy.url}/apis/example.com/v1/namespaces/default/widgets`)).status).toBe(200);
      } finally {
        await copy.close();
      }
    });

    it('serves the service proxy through a registered handler, 503 otherwise', async () => {
      const path = '/api/v1/namespaces/kube-system/services/http:sealed-secrets-controller:8080/proxy/v1/cert.pem';
      const before = await fetch(`${server.url}${path}`);
      expect(before.status).toBe(503);
      expect(await before.json()).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable', code: 503 });
      const seen: string[] = [];
      server.registerServiceProxy('kube-system', 'sealed-secrets-controller', async (p, method) => {
        seen.push(`${method} ${p}`);
        return { status: 200, headers: { 'Content-Type': 'text/plain' }, body: 'CERT' };
      });
      const after = await fetch(`${server.url}${path}`);
      expect(after.status).toBe(200);
      expect(await after.text()).toBe('CERT');
      expect(seen).toEqual(['GET /v1/cert.pem']);
    });

    it('answers health, version and legacy discovery', async () => {
      expect(await (await fetch(`${server.url}/readyz`)).text()).toBe('ok');
      expect(await (await fetch(`${server.url}/version`)).json()).toMatchObject({ major: '1', minor: '35', gitVersion: 'v1.35.0+k3s1' });
      const core = await (await fetch(`${server.url}/api/v1`)).json() as { resources: Array<{ name: string; shortNames?: string[] }> };
      expect(core.resources.find((r) => r.name === 'services')?.shortNames).toEqual(['svc']);
      const legacy = await fetch(`${server.url}/api`);
      expect(legacy.headers.get('content-type')).toBe('application/json');
      expect(await legacy.json()).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    });
  });
});
