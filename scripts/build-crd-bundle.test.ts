import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without type declarations
import { buildBundle, stripDescriptions } from './build-crd-bundle.mjs';

const root = path.join(__dirname, '..');

describe('build-crd-bundle', () => {
  it('strips description keywords but keeps properties named description', () => {
    const schema = { description: 'x', type: 'object', properties: { description: { description: 'y', type: 'string' }, items: { type: 'array', items: { description: 'z', type: 'string' } } } };
    expect(stripDescriptions(schema)).toEqual({ type: 'object', properties: { description: { type: 'string' }, items: { type: 'array', items: { type: 'string' } } } });
  });

  it('the committed assets/crd-schemas.json is what the script builds from the shared CRDs', () => {
    const crds = path.join(root, '..', 'shared', 'crds');
    const committed = readFileSync(path.join(root, 'assets', 'crd-schemas.json'), 'utf8');
    expect(JSON.stringify(buildBundle(crds)) + '\n').toBe(committed);
  });
});
