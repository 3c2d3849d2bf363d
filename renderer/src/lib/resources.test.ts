import { describe, expect, it } from 'vitest';
import type { ResourceStatus } from '../../../electron/api/contract';
import { cloudCost, formatDollars, groupByCluster, orderByDependencies } from './resources';

const ks = (name: string, dependsOn: string[] = [], extra: Partial<ResourceStatus> = {}): ResourceStatus => ({
  cluster: 'k3d-crossplane',
  kind: 'Kustomization',
  namespace: 'flux-system',
  name,
  ready: null,
  message: '',
  dependsOn,
  ...extra,
});

describe('resources', () => {
  it('orders objects after what they depend on', () => {
    const list = [ks('crossplane-core', ['flux-system/security']), ks('provider', ['flux-system/crossplane-core']), ks('security'), ks('flux-system')];
    expect(orderByDependencies(list).map((r) => r.name)).toEqual(['security', 'crossplane-core', 'provider', 'flux-system']);
  });

  it('survives cycles and unknown dependencies without dropping objects', () => {
    const list = [ks('a', ['flux-system/b']), ks('b', ['flux-system/a']), ks('c', ['elsewhere/x'])];
    expect(orderByDependencies(list).map((r) => r.name).sort()).toEqual(['a', 'b', 'c']);
  });

  it('groups by cluster and leaves deleted objects out', () => {
    const groups = groupByCluster([ks('a'), ks('b', [], { cluster: 'gcp' }), ks('c', [], { deleted: true })]);
    expect([...groups.keys()]).toEqual(['k3d-crossplane', 'gcp']);
    expect(groups.get('k3d-crossplane')?.map((r) => r.name)).toEqual(['a']);
  });

  it('adds up hourly cost and what has been spent since creation', () => {
    const now = Date.parse('2026-01-01T02:00:00Z');
    const cost = cloudCost(
      [
        ks('gke', [], { cluster: 'gcp', costPerHour: 0.2, createdAt: '2026-01-01T00:00:00Z' }),
        ks('nodes', [], { cluster: 'gcp', costPerHour: 0.1, createdAt: '2026-01-01T01:00:00Z' }),
        ks('gone', [], { cluster: 'gcp', costPerHour: 5, deleted: true }),
        ks('free'),
      ],
      now,
    );
    expect(cost.count).toBe(2);
    expect(cost.perHour).toBeCloseTo(0.3);
    expect(cost.soFar).toBeCloseTo(0.5);
    expect(formatDollars(cost.soFar)).toBe('$0.50');
  });
});
