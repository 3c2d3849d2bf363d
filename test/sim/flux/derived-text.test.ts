import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { derivedText } from './derived-text.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sim-derived-text-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('text derived once and kept on disk by what it came from', () => {
  it('derives on first use, answers the kept text after, and derives again for another input', () => {
    let derivations = 0;
    const upper = (input: string): string => derivedText('upper', input, () => {
      derivations += 1;
      return input.toUpperCase();
    }, dir);
    expect(upper('flux')).toBe('FLUX');
    expect(upper('flux')).toBe('FLUX');
    expect(derivations).toBe(1);
    expect(upper('kustomize')).toBe('KUSTOMIZE');
    expect(derivations).toBe(2);
    // The same input under another kind is another derivation.
    expect(derivedText('lower', 'flux', () => 'flux', dir)).toBe('flux');
  });

  it('keeps nothing when the derivation fails', async () => {
    const before = await readdir(dir);
    expect(() => derivedText('broken', 'input', () => {
      throw new Error('cannot derive');
    }, dir)).toThrow('cannot derive');
    expect(await readdir(dir)).toEqual(before);
    expect(derivedText('broken', 'input', () => 'derived now', dir)).toBe('derived now');
  });
});
