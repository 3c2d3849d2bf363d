import { describe, expect, it } from 'vitest';
import { conditionHints, hintsFor } from './condition-hints';

const ids = (message: string) => hintsFor(message).map((h) => h.id);

describe('hintsFor', () => {
  it.each([
    ["dependency 'flux-system/infra-controllers' is not ready", 'dependency'],
    ['decryption failed: no key could decrypt secret (sops)', 'sops-decrypt'],
    ["googleapi: Error 403: Quota 'CPUS' exceeded. Limit: 8.0 in region europe-west1., quotaExceeded", 'quota'],
    ['connect failed: cannot get credentials secret: Secret "gcp-creds" not found', 'credentials'],
    ['Helm install failed for release monitoring/kube-prometheus-stack with chart kube-prometheus-stack@66.2.1: context deadline exceeded', 'helm-timeout'],
    ['cannot delete instance: The instance is protected: deletion_protection is enabled', 'deletion-protection'],
  ])('explains %j', (message, expected) => {
    expect(ids(message)).toContain(expected);
  });

  it('has nothing to say about a healthy or unknown message', () => {
    expect(hintsFor('Applied revision: main@sha1:4f2c1b0')).toEqual([]);
    expect(hintsFor('')).toEqual([]);
  });

  it('gives every hint a distinct id and a sentence', () => {
    expect(new Set(conditionHints.map((h) => h.id)).size).toBe(conditionHints.length);
    for (const h of conditionHints) expect(h.hint).toMatch(/\.$/);
  });
});
