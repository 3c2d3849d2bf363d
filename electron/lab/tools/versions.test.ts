import { describe, expect, it } from 'vitest';
import { compareVersions, findVersion, parseVersion, renderToolVersions, satisfies, toolVersion, toolVersions } from './versions';

const cmp = (a: string, b: string): number => compareVersions(parseVersion(a)!, parseVersion(b)!);

describe('version comparator', () => {
  it('orders by major, minor, patch numerically (not as text)', () => {
    expect(cmp('1.35.2', '1.9.9')).toBe(1);
    expect(cmp('v2.9.1', '2.9.1')).toBe(0);
    expect(cmp('0.36.6', '0.36.10')).toBe(-1);
    expect(cmp('5.10.0', '5.9.0')).toBe(1);
  });

  it('puts a pre-release before its release and compares its identifiers', () => {
    expect(cmp('1.0.0-rc.1', '1.0.0')).toBe(-1);
    expect(cmp('1.0.0-rc.2', '1.0.0-rc.10')).toBe(-1);
    expect(cmp('1.0.0-alpha', '1.0.0-1')).toBe(1);
    expect(cmp('1.0.0+build.5', '1.0.0')).toBe(0);
  });

  it('rejects what is not MAJOR.MINOR.PATCH', () => {
    expect(parseVersion('1.35')).toBeUndefined();
    expect(parseVersion('latest')).toBeUndefined();
  });

  it('checks ranges: x wildcards and comparator sets', () => {
    expect(satisfies('5.9.3', '5.9.x')).toBe(true);
    expect(satisfies('5.10.0', '5.9.x')).toBe(false);
    expect(satisfies('5.9.0-rc.1', '5.9.x')).toBe(false);
    expect(satisfies('1.33.0', '>=1.33.0')).toBe(true);
    expect(satisfies('1.32.9', '>=1.33.0')).toBe(false);
    expect(satisfies('1.36.0', '>=1.33.0 <1.36.0')).toBe(false);
    expect(satisfies('not a version', '>=0.0.0')).toBe(false);
    expect(() => satisfies('1.0.0', '^1.0.0')).toThrow(/unsupported version range/);
  });

  it('finds the version in the tools\' own output', () => {
    expect(findVersion('Client Version: v1.35.2\nKustomize Version: v5.7.1\n')).toBe('1.35.2');
    expect(findVersion('kubeseal version: 0.36.6\n')).toBe('0.36.6');
    expect(findVersion('v4.1.1+g5caf004\n')).toBe('4.1.1');
    expect(findVersion('Google Cloud SDK 578.0.0\n')).toBe('578.0.0');
  });
});

describe('tool table', () => {
  it('pins every tool at a version inside its own supported range', () => {
    for (const spec of toolVersions) expect(satisfies(spec.pinned, spec.supported), spec.plugin).toBe(true);
  });

  it('names the asdf plugins LAB.md lists, and flux is installed by flux2', () => {
    expect(toolVersions.map((spec) => spec.plugin).sort()).toEqual(['flux2', 'gcloud', 'helm', 'k3d', 'kubectl', 'kubeseal', 'kustomize']);
    expect(toolVersion('flux2').executable).toBe('flux');
    expect(satisfies('1.33.4', toolVersion('kubectl').supported)).toBe(true);
  });

  it('renders .tool-versions as "<plugin> <version>" lines', () => {
    const text = renderToolVersions();
    expect(text.split('\n').filter(Boolean)).toHaveLength(toolVersions.length);
    expect(text).toMatch(/^k3d 5\.9\.\d+\n/);
    expect(text).toContain(`flux2 ${toolVersion('flux2').pinned}\n`);
  });
});
