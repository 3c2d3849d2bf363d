import { describe, expect, it } from 'vitest';
import { GcpError } from '../gcp/errors.js';
import { setCondition } from './conditions.js';
import { googleApiError } from './managed.js';
import { isFamilyMember, isFullyQualified, packageForGroup, parsePackage } from './packages.js';

describe('Crossplane package references', () => {
  it('accepts only fully qualified packages, as the v2 Provider CRD rule does', () => {
    expect(isFullyQualified('xpkg.upbound.io/upbound/provider-gcp-container:v2.1.0')).toBe(true);
    expect(isFullyQualified('xpkg.upbound.io/upbound/provider-gcp-container@sha256:0123abcd')).toBe(true);
    expect(isFullyQualified('upbound/provider-gcp-container:v2.1.0')).toBe(false);
    expect(isFullyQualified('xpkg.upbound.io/upbound/provider-gcp-container')).toBe(false);
    expect(isFullyQualified('crossplane/provider-gcp:v0.21.0')).toBe(false);
  });

  it('splits registry, repository, name and tag, and knows the GCP family', () => {
    const ref = parsePackage('xpkg.upbound.io/upbound/provider-gcp-compute:v2.1.0');
    expect(ref).toEqual({ registry: 'xpkg.upbound.io', repository: 'upbound/provider-gcp-compute', name: 'provider-gcp-compute', tag: 'v2.1.0' });
    expect(isFamilyMember(ref)).toBe(true);
    expect(isFamilyMember(parsePackage('xpkg.upbound.io/upbound/provider-family-gcp:v2.1.0'))).toBe(false);
    expect(packageForGroup('container.gcp.upbound.io')).toBe('provider-gcp-container');
    expect(packageForGroup('container.gcp.m.upbound.io')).toBeUndefined();
  });
});

describe('managed resource wording', () => {
  it('prints Google errors the way the googleapi client does', () => {
    expect(googleApiError(new GcpError(403, 'QUOTA_EXCEEDED', 'Insufficient regional quota'))).toBe('googleapi: Error 403: Insufficient regional quota, forbidden');
    expect(googleApiError(new GcpError(400, 'RESOURCE_IN_USE', 'in use'))).toBe('googleapi: Error 400: in use, resourceInUseByAnotherResource');
  });

  it('keeps a condition transition time while nothing about it changes', () => {
    const first = setCondition([], { type: 'Synced', status: 'True', reason: 'ReconcileSuccess' });
    const stamped = first.map((c) => ({ ...c, lastTransitionTime: '2020-01-01T00:00:00Z' }));
    expect(setCondition(stamped, { type: 'Synced', status: 'True', reason: 'ReconcileSuccess' })[0]?.lastTransitionTime).toBe('2020-01-01T00:00:00Z');
    const failed = setCondition(stamped, { type: 'Synced', status: 'False', reason: 'ReconcileError', message: 'boom' });
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ status: 'False', reason: 'ReconcileError', message: 'boom' });
    expect(failed[0]?.lastTransitionTime).not.toBe('2020-01-01T00:00:00Z');
  });
});
