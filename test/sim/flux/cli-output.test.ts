import { describe, expect, it } from 'vitest';
import { parseArgs } from './cli-args.js';
import { formatTable, truncateHex } from './cli-output.js';
import { formatGoDuration, parseGoDuration } from './meta.js';

describe('flux table and argument helpers', () => {
  it('reproduces the golden get_kustomization_from_git bytes', () => {
    const table = formatTable(['Name', 'Revision', 'Suspended', 'Ready', 'Message'], [['tkfg', '6.3.5@sha1:67e2c98a', 'False', 'True', 'Applied revision: 6.3.5@sha1:67e2c98a']]);
    expect(table).toBe('NAME\tREVISION           \tSUSPENDED\tREADY\tMESSAGE                               \ntkfg\t6.3.5@sha1:67e2c98a\tFalse    \tTrue \tApplied revision: 6.3.5@sha1:67e2c98a\t\n');
  });

  it('pads an empty revision to the header width, as the probe-depends sample shows', () => {
    const table = formatTable(['Name', 'Revision', 'Suspended', 'Ready', 'Message'], [['probe-depends', '', 'False', 'False', 'x']]);
    expect(table.split('\n')[1]).toBe('probe-depends\t        \tFalse    \tFalse\tx\t');
  });

  it('truncates digests to 8 hex characters', () => {
    expect(truncateHex(`Applied revision: main@sha1:${'a1b2c3d4e5'.repeat(4)}`)).toBe('Applied revision: main@sha1:a1b2c3d4');
    expect(truncateHex('stored artifact: revision \'sha256:0123456789abcdef\'')).toBe("stored artifact: revision 'sha256:01234567'");
  });

  it('parses cobra flags: --a=b, --a b, booleans and -n / -A', () => {
    const parsed = parseArgs(['get', 'ks', '-n', 'apps', '--status-selector=ready=false', '-A', '--no-header', 'extra'], new Set(['all-namespaces', 'no-header']));
    expect(parsed.positional).toEqual(['get', 'ks', 'extra']);
    expect(Object.fromEntries(parsed.flags)).toEqual({ namespace: 'apps', 'status-selector': 'ready=false', 'all-namespaces': 'true', 'no-header': 'true' });
  });

  it('reads and writes Go durations', () => {
    expect(parseGoDuration('1h30m', 0)).toBe(5400);
    expect(parseGoDuration('1m0s', 0)).toBe(60);
    expect(parseGoDuration('nonsense', 42)).toBe(42);
    expect(formatGoDuration(30)).toBe('30s');
    expect(formatGoDuration(300)).toBe('5m0s');
    expect(formatGoDuration(3600)).toBe('1h0m0s');
  });
});
