import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { writeKubeconfig } from './kubeconfig.js';
import { startKubeApiServer } from './server.js';
import type { KubeApiServer, KubeObject } from './types.js';

function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = (): void => {
      if (check()) resolve();
      else if (Date.now() - started > timeoutMs) reject(new Error(`gave up waiting for ${what}`));
      else setTimeout(tick, 20);
    };
    tick();
  });
}

function configMap(name: string, data: Record<string, string>, namespace = 'default'): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data };
}

describe('simulated API server with @kubernetes/client-node', () => {
  let server: KubeApiServer;
  let dir: string;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;

  beforeAll(async () => {
    server = await startKubeApiServer({ clusterName: 'lab', watchHistorySize: 50 });
    dir = mkdtempSync(join(tmpdir(), 'sim-client-node-'));
    writeKubeconfig(join(dir, 'kubeconfig'), [{ name: 'k3d-lab', server: server.url }], 'k3d-lab');
    kc = new k8s.KubeConfig();
    kc.loadFromFile(join(dir, 'kubeconfig'));
    core = kc.makeApiClient(k8s.CoreV1Api);
  });

  afterAll(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists namespaces', async () => {
    const list = await core.listNamespace();
    expect(list.items.map((n) => n.metadata?.name)).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    expect(Number(list.metadata?.resourceVersion)).toBeGreaterThan(0);
  });

  it('watches ADDED, MODIFIED and DELETED from a resourceVersion', async () => {
    const start = await core.listNamespacedConfigMap({ namespace: 'default' });
    const events: string[] = [];
    const watch = new k8s.Watch(kc);
    const request = await watch.watch('/api/v1/namespaces/default/configmaps', { allowWatchBookmarks: true, resourceVersion: start.metadata?.resourceVersion },
      (phase: string, obj: KubeObject) => events.push(`${phase} ${obj.metadata.name}`), () => undefined);
    try {
      server.store.create(configMap('watched', { a: '1' }));
      server.store.update(configMap('watched', { a: '2' }));
      server.store.create(configMap('elsewhere', {}, 'kube-system'));
      server.store.delete('v1', 'ConfigMap', 'default', 'watched');
      await until(() => events.length >= 3, 'three watch events');
      expect(events).toEqual(['ADDED watched', 'MODIFIED watched', 'DELETED watched']);
    } finally {
      request.abort();
    }
  });

  it('applies a JSON patch (the client default) and a merge patch', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'patched' }, data: { a: '1', b: '2' } } });
    const afterJson = await core.patchNamespacedConfigMap({ name: 'patched', namespace: 'default', body: [{ op: 'replace', path: '/data/a', value: '10' }, { op: 'remove', path: '/data/b' }] });
    expect(afterJson.data).toEqual({ a: '10' });
    const afterMerge = await core.patchNamespacedConfigMap(
      { name: 'patched', namespace: 'default', body: { data: { c: '3', a: null } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    expect(afterMerge.data).toEqual({ c: '3' });
    expect(Number(afterMerge.metadata?.resourceVersion)).toBeGreaterThan(Number(afterJson.metadata?.resourceVersion));
  });

  it('creates and server-side applies through KubernetesObjectApi (discovery by group/version)', async () => {
    const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
    const manifest = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: 'api:1' }] } } } };
    const created = (await objects.create(manifest)) as KubeObject;
    expect(created.metadata?.uid).toEqual(expect.any(String));
    const replicas = { ...manifest, spec: { ...manifest.spec, replicas: 3 } };
    const applied = (await objects.patch(replicas, undefined, undefined, 'lab', true, k8s.PatchStrategy.ServerSideApply)) as KubeObject;
    expect(applied.spec).toMatchObject({ replicas: 3 });
    expect(applied.metadata?.generation).toBe(2);
  });

  it('rejects a stale update with 409 Conflict', async () => {
    const current = await core.readNamespacedConfigMap({ name: 'patched', namespace: 'default' });
    await core.replaceNamespacedConfigMap({ name: 'patched', namespace: 'default', body: { ...current, data: { d: '4' } } });
    const stale = core.replaceNamespacedConfigMap({ name: 'patched', namespace: 'default', body: { ...current, data: { e: '5' } } });
    await expect(stale).rejects.toMatchObject({ code: 409 });
  });

  it('an informer relists after 410 Expired when its resourceVersion fell out of the history', async () => {
    server.store.create(configMap('inf-old', {}));
    let lists = 0;
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/configmaps', () => {
      lists += 1;
      return core.listNamespacedConfigMap({ namespace: 'default' });
    });
    const added: string[] = [];
    const deleted: string[] = [];
    informer.on('add', (o) => added.push(o.metadata?.name ?? ''));
    informer.on('delete', (o) => deleted.push(o.metadata?.name ?? ''));
    await informer.start();
    try {
      await until(() => added.includes('inf-old'), 'the initial list');
      const staleRv = (await core.listNamespacedConfigMap({ namespace: 'default' })).metadata?.resourceVersion;
      // The stream ends, and more changes than the history holds happen before the informer re-watches.
      server.closeWatches();
      server.store.delete('v1', 'ConfigMap', 'default', 'inf-old');
      server.store.create(configMap('inf-new', {}));
      server.store.create(configMap('churn', {}, 'kube-system'));
      for (let i = 0; i < 60; i++) server.store.update(configMap('churn', { i: String(i) }, 'kube-system'));
      const expired = await fetch(`${server.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${staleRv}`);
      const firstLine = (await expired.text()).split('\n')[0] as string;
      expect(JSON.parse(firstLine)).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
      await until(() => added.includes('inf-new') && deleted.includes('inf-old'), 'the relist');
      expect(lists).toBe(2);
      expect(informer.list().map((o) => o.metadata?.name)).toContain('inf-new');
      expect(informer.list().map((o) => o.metadata?.name)).not.toContain('inf-old');
    } finally {
      await informer.stop();
    }
  });
});
