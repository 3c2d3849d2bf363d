import { describe, expect, it } from 'vitest';
import { conditionState, dependsOn, kustomizationApplied, managedResourceStatus, toResourceStatus } from './status';

const ks = (status: unknown, generation = 2, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  metadata: { name: 'crossplane-provider', namespace: 'flux-system', generation, creationTimestamp: '2026-01-02T03:04:05Z' },
  spec: { dependsOn: [{ name: 'crossplane-core' }, { name: 'security', namespace: 'other' }], ...extra },
  status,
});

describe('object status', () => {
  it('reads Ready with its message; a condition about an older generation is not a verdict yet', () => {
    expect(conditionState(ks({ conditions: [{ type: 'Ready', status: 'True', message: 'Applied revision: main@sha1:1', observedGeneration: 2 }] }), 'Ready')).toEqual({ ready: true, message: 'Applied revision: main@sha1:1' });
    expect(conditionState(ks({ conditions: [{ type: 'Ready', status: 'True', message: 'old', observedGeneration: 1 }] }), 'Ready')).toEqual({ ready: null, message: 'old' });
    expect(conditionState(ks({ conditions: [{ type: 'Ready', status: 'False', reason: 'DependencyNotReady' }] }), 'Ready')).toEqual({ ready: false, message: 'DependencyNotReady' });
    expect(conditionState(ks(undefined), 'Ready')).toEqual({ ready: null, message: 'waiting for the Ready condition' });
  });

  it('turns dependsOn into namespace/name, defaulting to the object\'s namespace', () => {
    expect(dependsOn(ks(undefined))).toEqual(['flux-system/crossplane-core', 'other/security']);
  });

  it('builds the ResourceStatus the engine publishes', () => {
    const status = ks({ conditions: [{ type: 'Ready', status: 'False', message: "dependency 'flux-system/crossplane-core' is not ready" }] }, 2, { suspend: true });
    expect(toResourceStatus('k3d-crossplane', status)).toEqual({
      cluster: 'k3d-crossplane', kind: 'Kustomization', namespace: 'flux-system', name: 'crossplane-provider', ready: false,
      message: "dependency 'flux-system/crossplane-core' is not ready", dependsOn: ['flux-system/crossplane-core', 'other/security'], suspended: true, createdAt: '2026-01-02T03:04:05.000Z',
    });
    expect(toResourceStatus('k3d-crossplane', status, 'Ready', true)).toMatchObject({ ready: null, message: 'deleted', deleted: true });
  });
});

describe('kustomizationApplied', () => {
  const ks = (status: Record<string, unknown>) => ({ metadata: { name: 'crossplane-core', namespace: 'flux-system', generation: 1 }, status });
  const ready = (value: string, message: string) => [{ type: 'Ready', status: value, reason: 'x', message, observedGeneration: 1 }];

  it('counts a periodic reconcile of an applied Kustomization as applied', () => {
    const state = kustomizationApplied(ks({ conditions: ready('Unknown', 'Reconciliation in progress'), lastAppliedRevision: 'main@sha1:abc' }));
    expect(state.applied).toBe(true);
    expect(state.message).toContain('main@sha1:abc');
  });

  it('is not applied when nothing was ever applied, or when Ready is False', () => {
    expect(kustomizationApplied(ks({ conditions: ready('Unknown', 'Reconciliation in progress') })).applied).toBe(false);
    const failed = kustomizationApplied(ks({ conditions: ready('False', "dependency 'flux-system/security' is not ready"), lastAppliedRevision: 'main@sha1:abc' }));
    expect(failed).toEqual({ applied: false, message: "dependency 'flux-system/security' is not ready" });
  });

  it('is applied when Ready is True', () => {
    expect(kustomizationApplied(ks({ conditions: ready('True', 'Applied revision: main@sha1:abc') })).applied).toBe(true);
  });
});

describe('managed resource status', () => {
  const gke = (conditions: unknown[]) => ({ apiVersion: 'container.gcp.upbound.io/v1beta2', kind: 'Cluster', metadata: { name: 'dev-cluster' }, status: { conditions } });

  it("shows a failed Synced with Google's message while Ready is not True", () => {
    const refused = gke([
      { type: 'Ready', status: 'False', reason: 'Creating' },
      { type: 'Synced', status: 'False', reason: 'ReconcileError', message: 'create failed: googleapi: Error 403: Insufficient regional quota' },
    ]);
    expect(managedResourceStatus('k3d-crossplane', refused)).toMatchObject({ kind: 'Cluster', name: 'dev-cluster', ready: false, message: 'create failed: googleapi: Error 403: Insufficient regional quota' });
  });

  it('keeps Ready when it is True or when Synced is fine', () => {
    expect(managedResourceStatus('k3d-crossplane', gke([{ type: 'Ready', status: 'True', reason: 'Available' }, { type: 'Synced', status: 'False', message: 'late' }]))).toMatchObject({ ready: true, message: 'Available' });
    expect(managedResourceStatus('k3d-crossplane', gke([{ type: 'Ready', status: 'False', reason: 'Creating' }, { type: 'Synced', status: 'True' }]))).toMatchObject({ ready: false, message: 'Creating' });
    expect(managedResourceStatus('k3d-crossplane', gke([{ type: 'Synced', status: 'False', message: 'x' }]), true)).toMatchObject({ deleted: true, message: 'deleted' });
  });
});
