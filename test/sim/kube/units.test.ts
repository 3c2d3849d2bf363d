import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { evaluateJsonPath } from './jsonpath.js';
import { writeKubeconfig } from './kubeconfig.js';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch.js';
import { compareKubeVersions } from './registry.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import { humanDuration } from './table.js';
import { KubeError, type KubeObject } from './types.js';

describe('humanDuration (kubectl ages)', () => {
  it.each([
    [5, '5s'], [119, '119s'], [182, '3m2s'], [300, '5m'], [600, '10m'], [3600, '60m'], [3 * 3600 + 300, '3h5m'],
    [8 * 3600, '8h'], [25 * 3600, '25h'], [3 * 86400 + 4 * 3600, '3d4h'], [400 * 86400, '400d'], [(2 * 365 + 3) * 86400, '2y3d'], [9 * 365 * 86400, '9y'],
  ])('%i seconds is %s', (seconds, expected) => {
    expect(humanDuration(seconds * 1000)).toBe(expected);
  });
});

describe('printer-column JSONPath', () => {
  const object = {
    metadata: { annotations: { 'crossplane.io/external-name': 'dev-cluster' } },
    status: { conditions: [{ type: 'Synced', status: 'True' }, { type: 'Ready', status: 'False', message: 'Creating' }] },
  };

  it('follows filters, escaped dots and indexes', () => {
    expect(evaluateJsonPath(object, '.status.conditions[?(@.type=="Ready")].status')).toEqual(['False']);
    expect(evaluateJsonPath(object, ".status.conditions[?(@.type=='Synced')].status")).toEqual(['True']);
    expect(evaluateJsonPath(object, '.metadata.annotations.crossplane\\.io/external-name')).toEqual(['dev-cluster']);
    expect(evaluateJsonPath(object, '.status.conditions[0].type')).toEqual(['Synced']);
    expect(evaluateJsonPath(object, '.status.conditions[*].type')).toEqual(['Synced', 'Ready']);
    expect(evaluateJsonPath(object, '.spec.missing')).toEqual([]);
  });
});

describe('selectors', () => {
  it('matches every label selector operator', () => {
    const labels = { app: 'web', tier: 'front' };
    const cases: Array<[string, boolean]> = [
      ['app=web', true], ['app==web', true], ['app!=web', false], ['app!=db', true], ['tier in (front,back)', true],
      ['tier notin (front)', false], ['app', true], ['!app', false], ['!missing', true], ['app=web,tier in (back)', false], ['missing!=x', true],
    ];
    for (const [selector, expected] of cases) expect([selector, parseLabelSelector(selector)(labels)]).toEqual([selector, expected]);
  });

  it('matches metadata.name and metadata.namespace field selectors', () => {
    const o: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'ns1' } };
    expect(parseFieldSelector('metadata.name=a,metadata.namespace==ns1')(o)).toBe(true);
    expect(parseFieldSelector('metadata.name!=a')(o)).toBe(false);
    expect(() => parseFieldSelector('nonsense')).toThrow(KubeError);
  });
});

describe('patches', () => {
  it('merge patch merges maps and deletes nulls', () => {
    expect(mergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { c: null, d: 3 }, l: [3] })).toEqual({ a: { b: 1, d: 3 }, l: [3] });
  });

  it('JSON patch applies operations and fails a test op with 422', () => {
    expect(jsonPatch({ a: [1, 2], b: { c: 1 } }, [{ op: 'add', path: '/a/-', value: 3 }, { op: 'move', from: '/b/c', path: '/d' }, { op: 'copy', from: '/d', path: '/e' }])).toEqual({ a: [1, 2, 3], b: {}, d: 1, e: 1 });
    expect(() => jsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }])).toThrow(expect.objectContaining({ code: 422 }) as Error);
    expect(() => jsonPatch({ a: 1 }, [{ op: 'remove', path: '/missing' }])).toThrow(KubeError);
  });

  it('strategic merge patch merges containers and env by name, honours $patch: delete and $setElementOrder', () => {
    const current = {
      spec: { containers: [{ name: 'a', image: 'a:1', env: [{ name: 'X', value: '1' }, { name: 'Y', value: '2' }] }, { name: 'b', image: 'b:1' }] },
      metadata: { finalizers: ['f1'] },
    };
    const patch = {
      spec: {
        '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }],
        containers: [{ name: 'a', image: 'a:2', env: [{ name: 'Y', $patch: 'delete' }, { name: 'Z', value: '3' }] }],
      },
      metadata: { finalizers: ['f2'] },
    };
    expect(strategicMergePatch(current, patch)).toEqual({
      spec: { containers: [{ name: 'b', image: 'b:1' }, { name: 'a', image: 'a:2', env: [{ name: 'X', value: '1' }, { name: 'Z', value: '3' }] }] },
      metadata: { finalizers: ['f1', 'f2'] },
    });
  });

  it('strategic merge patch merges service ports by port and replaces lists without a merge key', () => {
    const current = { spec: { ports: [{ port: 80, name: 'http' }, { port: 443, name: 'https' }], externalIPs: ['1.1.1.1'] } };
    expect(strategicMergePatch(current, { spec: { ports: [{ port: 443, name: 'tls' }], externalIPs: ['2.2.2.2'] } })).toEqual({
      spec: { ports: [{ port: 80, name: 'http' }, { port: 443, name: 'tls' }], externalIPs: ['2.2.2.2'] },
    });
    expect(strategicMergePatch({ a: { b: 1, c: 2 } }, { a: { $patch: 'replace', d: 4 } })).toEqual({ a: { d: 4 } });
    expect(strategicMergePatch({ l: ['x', 'y'] }, { '$deleteFromPrimitiveList/l': ['x'] })).toEqual({ l: ['y'] });
  });
});

describe('version priority', () => {
  it('orders like Kubernetes', () => {
    expect(['v1beta1', 'v1alpha1', 'v2', 'v1', 'foo', 'v1beta2'].sort(compareKubeVersions)).toEqual(['v2', 'v1', 'v1beta2', 'v1beta1', 'v1alpha1', 'foo']);
  });
});

describe('writeKubeconfig', () => {
  it('merges contexts into an existing kubeconfig, keeping the others', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-kubeconfig-'));
    try {
      const file = join(dir, 'config');
      writeFileSync(file, 'apiVersion: v1\nkind: Config\nclusters:\n- name: other\n  cluster:\n    server: https://10.0.0.1\nusers: []\ncontexts:\n- name: other\n  context:\n    cluster: other\n    user: other\ncurrent-context: other\n');
      writeKubeconfig(file, [{ name: 'k3d-crossplane', server: 'http://127.0.0.1:1111' }]);
      writeKubeconfig(file, [{ name: 'gke_p_europe-west9-a_dev-cluster', server: 'http://127.0.0.1:2222' }, { name: 'k3d-crossplane', server: 'http://127.0.0.1:3333' }], 'k3d-crossplane');
      const doc = parse(readFileSync(file, 'utf8')) as { clusters: Array<{ name: string; cluster: Record<string, unknown> }>; contexts: Array<{ name: string }>; users: Array<{ name: string; user: { token?: string } }>; 'current-context': string };
      expect(doc.contexts.map((c) => c.name)).toEqual(['other', 'k3d-crossplane', 'gke_p_europe-west9-a_dev-cluster']);
      expect(doc.clusters.find((c) => c.name === 'k3d-crossplane')?.cluster).toEqual({ server: 'http://127.0.0.1:3333', 'insecure-skip-tls-verify': true });
      expect(doc.users.find((u) => u.name === 'k3d-crossplane-admin')?.user.token).toEqual(expect.any(String));
      expect(doc['current-context']).toBe('k3d-crossplane');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
