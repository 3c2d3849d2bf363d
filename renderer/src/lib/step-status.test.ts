import { describe, expect, it } from 'vitest';
import { availableActions, phaseStatus, secretsFor } from './step-status';

describe('availableActions', () => {
  it('offers Run only before a step ran, Cancel only while it runs', () => {
    expect(availableActions('pending')).toEqual({ run: true, retry: false, skip: true, cancel: false });
    expect(availableActions('running')).toEqual({ run: false, retry: false, skip: false, cancel: true });
    expect(availableActions('failed')).toEqual({ run: false, retry: true, skip: true, cancel: false });
    expect(availableActions('succeeded')).toEqual({ run: false, retry: false, skip: false, cancel: false });
    expect(availableActions('blocked').run).toBe(false);
  });
});

describe('phaseStatus', () => {
  const steps = [{ id: 'a' }, { id: 'b' }];
  it('is done when every step succeeded or was skipped', () => {
    expect(phaseStatus(steps, { a: { status: 'succeeded', attempts: 1 }, b: { status: 'skipped', attempts: 0 } })).toBe('succeeded');
  });
  it('shows a failure before anything else', () => {
    expect(phaseStatus(steps, { a: { status: 'failed', attempts: 1 }, b: { status: 'succeeded', attempts: 1 } })).toBe('failed');
  });
  it('is pending when nothing started, in progress when partly done', () => {
    expect(phaseStatus(steps, {})).toBe('pending');
    expect(phaseStatus(steps, { a: { status: 'succeeded', attempts: 1 } })).toBe('running');
  });
});

describe('secretsFor', () => {
  it('lists the secrets passed to a step through the environment', () => {
    expect(secretsFor({ commands: [{ argv: ['flux'], env: ['GITHUB_TOKEN', 'HOME'] }, { argv: ['x'] }] })).toEqual(['GITHUB_TOKEN']);
    expect(secretsFor({ commands: [{ argv: ['k3d'] }] })).toEqual([]);
  });
});
