import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { formatCommand, placeholdersIn, quoteArg } from './shellQuote';

describe('quoteArg', () => {
  it('leaves plain words alone and quotes the rest', () => {
    expect(quoteArg('--from-literal=foo=bar')).toBe('--from-literal=foo=bar');
    expect(quoteArg('a b')).toBe("'a b'");
    expect(quoteArg("it's")).toBe(`'it'\\''s'`);
    expect(quoteArg('')).toBe("''");
    expect(quoteArg('a\nb')).toBe("$'a\\nb'");
  });

  it('keeps only the named placeholders expandable', () => {
    const names = new Set(['TOKEN']);
    expect(quoteArg('--token=${TOKEN}', names)).toBe('"--token=${TOKEN}"');
    expect(quoteArg('${OTHER}', names)).toBe("'${OTHER}'");
    expect(placeholdersIn('a ${X} b ${Y_2} ${X}')).toEqual(['X', 'Y_2']);
  });

  it('round-trips awkward arguments through bash', () => {
    const args = ['a b', "'", '"', '\\', '$(id)', '`id`', '${PATH}', '\n', '\t\r', '\u0001x', 'é ü', '#hash', '~', '{a,b}', '[x]', '&&', ';', '<>', '|'];
    const script = `printf '%s\\0' ${formatCommand(args)}`;
    const run = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout.split('\0').slice(0, -1)).toEqual(args);
  });
});
