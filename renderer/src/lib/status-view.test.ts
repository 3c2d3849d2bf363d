import { describe, expect, it } from 'vitest';
import type { ResourceStatus } from '../../../electron/api/contract';
import { costSoFar, formatAge, graphNodes, readinessOf, readySummary } from './status-view';

const ks = (name: string, dependsOn: string[] = [], ready: boolean | null = true): ResourceStatus => ({
  cluster: 'k3d-dev',
  kind: 'Kustomization',
  namespace: 'flux-system',
  name,
  ready,
  message: '',
  dependsOn,
});

describe('graphNodes', () => {
  it('keeps Flux Kustomizations and HelmReleases and resolves dependsOn within the same kind', () => {
    const hr: ResourceStatus = { cluster: 'k3d-dev', kind: 'HelmRelease', namespace: 'flux-system', name: 'infra', ready: true, message: '', dependsOn: ['crds'] };
    const managed: ResourceStatus = { cluster: 'k3d-dev', kind: 'Bucket', name: 'b', ready: true, message: '' };
    const nodes = graphNodes([ks('crds'), ks('infra', ['flux-system/crds']), ks('apps', ['infra', 'elsewhere/x']), hr, managed]);
    expect(nodes.map((n) => n.id)).toEqual([
      'k3d-dev/Kustomization/flux-system/crds',
      'k3d-dev/Kustomization/flux-system/infra',
      'k3d-dev/Kustomization/flux-system/apps',
      'k3d-dev/HelmRelease/flux-system/infra',
    ]);
    expect(nodes[1]!.dependsOn).toEqual(['k3d-dev/Kustomization/flux-system/crds']);
    // A bare name means the object's own namespace; an unknown reference is dropped.
    expect(nodes[2]!.dependsOn).toEqual(['k3d-dev/Kustomization/flux-system/infra']);
    // The HelmRelease's `crds` is a HelmRelease that does not exist, not the Kustomization.
    expect(nodes[3]!.dependsOn).toEqual([]);
  });

  it('leaves out deleted objects', () => {
    expect(graphNodes([{ ...ks('gone'), deleted: true }])).toEqual([]);
  });
});

describe('readySummary and readinessOf', () => {
  it('counts ready objects among those still there', () => {
    expect(readySummary([ks('a'), ks('b', [], false), ks('c', [], null), { ...ks('d'), deleted: true }])).toBe('1 of 3 ready');
  });
  it('tells suspended, ready, not ready and unknown apart', () => {
    expect([readinessOf({ ...ks('a'), suspended: true }), readinessOf(ks('a')), readinessOf(ks('a', [], false)), readinessOf(ks('a', [], null))]).toEqual([
      'suspended',
      'ready',
      'not-ready',
      'unknown',
    ]);
  });
});

describe('formatAge and costSoFar', () => {
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  it('formats ages from seconds to days', () => {
    expect(formatAge('2026-01-01T00:00:00Z', t0 + 42_000)).toBe('42 s');
    expect(formatAge('2026-01-01T00:00:00Z', t0 + 5 * 60_000)).toBe('5 min');
    expect(formatAge('2026-01-01T00:00:00Z', t0 + 190 * 60_000)).toBe('3 h 10 min');
    expect(formatAge('2026-01-01T00:00:00Z', t0 + 52 * 3_600_000)).toBe('2 d 4 h');
    expect(formatAge(undefined, t0)).toBeNull();
  });
  it('prices the time since creation', () => {
    const vm: ResourceStatus = { cluster: 'gcp', kind: 'Cluster', name: 'gke', ready: true, message: '', costPerHour: 0.5, createdAt: '2026-01-01T00:00:00Z' };
    expect(costSoFar(vm, t0 + 3 * 3_600_000)).toBeCloseTo(1.5);
    expect(costSoFar({ ...vm, costPerHour: undefined }, t0)).toBeNull();
  });
});
