import { describe, expect, it } from 'vitest';
import type { ResourceStatus, Snapshot } from '../../../electron/api/contract';
import { applyEvent } from './apply-event';

const base: Snapshot = {
  version: '0.1.0',
  rehearsal: false,
  phases: [],
  steps: { docker: { status: 'pending', attempts: 0 } },
  inputs: {},
  secrets: { GITHUB_TOKEN: false },
  resources: [],
  cleanup: { steps: [], running: false, remaining: [], ledger: [], cost: { costPerHour: 0, costSoFar: 0, pricesAsOf: '2026-11' } },
};

const ks = (ready: boolean | null, extra: Partial<ResourceStatus> = {}): ResourceStatus => ({
  cluster: 'k3d-crossplane',
  kind: 'Kustomization',
  namespace: 'flux-system',
  name: 'security',
  ready,
  message: '',
  ...extra,
});

describe('applyEvent', () => {
  it('replaces a step state without touching the original snapshot', () => {
    const next = applyEvent(base, { type: 'step', stepId: 'docker', state: { status: 'running', attempts: 1 } });
    expect(next.steps.docker?.status).toBe('running');
    expect(base.steps.docker?.status).toBe('pending');
  });

  it('takes inputs and secret availability from an inputs event', () => {
    const next = applyEvent(base, { type: 'inputs', inputs: { github: { owner: 'smana' } }, secrets: { GITHUB_TOKEN: true } });
    expect(next.inputs.github?.owner).toBe('smana');
    expect(next.secrets.GITHUB_TOKEN).toBe(true);
  });

  it('adds, updates in place and removes resources by identity', () => {
    const other = ks(true, { name: 'flux-system' });
    let s = applyEvent(base, { type: 'resource', resource: other });
    s = applyEvent(s, { type: 'resource', resource: ks(null) });
    s = applyEvent(s, { type: 'resource', resource: ks(true) });
    expect(s.resources.map((r) => [r.name, r.ready])).toEqual([
      ['flux-system', true],
      ['security', true],
    ]);
    s = applyEvent(s, { type: 'resource', resource: ks(true, { deleted: true }) });
    expect(s.resources.map((r) => r.name)).toEqual(['flux-system']);
  });

  it('leaves the snapshot unchanged for log events', () => {
    expect(applyEvent(base, { type: 'log', stream: 'docker', source: 'stdout', data: 'x' })).toBe(base);
  });
});
