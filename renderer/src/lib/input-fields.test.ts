import { describe, expect, it } from 'vitest';
import { defaultValue, fieldPatch, fieldSpec, getField, parseControlValue, validateField } from './input-fields';

describe('input fields', () => {
  it('reads and patches dotted fields', () => {
    expect(getField({ github: { owner: 'smana' } }, 'github.owner')).toBe('smana');
    expect(getField({}, 'clusters.minNodes')).toBeUndefined();
    expect(fieldPatch('clusters.minNodes', 2)).toEqual({ clusters: { minNodes: 2 } });
    expect(fieldPatch('workspaceDir', '/tmp/x')).toEqual({ workspaceDir: '/tmp/x' });
  });

  it("validates with the engine's messages", () => {
    const owner = fieldSpec('github.owner');
    expect(validateField(owner, 'smana')).toBeNull();
    expect(validateField(owner, 'bad--name')).toMatch(/^github\.owner:/);
    expect(validateField(owner, parseControlValue(owner, ''))).toBe('github.owner: required');
    const k3d = fieldSpec('clusters.k3dName');
    expect(validateField(k3d, 'Crossplane')).toMatch(/lower-case/);
  });

  it('turns number boxes into numbers and checks their range', () => {
    const min = fieldSpec('clusters.minNodes');
    expect(parseControlValue(min, '2')).toBe(2);
    expect(validateField(min, parseControlValue(min, '0'))).toBe('clusters.minNodes: at least 1');
    expect(validateField(min, parseControlValue(min, '1.5'))).toBe('clusters.minNodes: a whole number');
  });

  it("knows each field's default, so untouched checkboxes show what the engine will use", () => {
    expect(defaultValue(fieldSpec('github.personal'))).toBe(true);
    expect(defaultValue(fieldSpec('clusters.dataplaneV2'))).toBe(false);
    expect(defaultValue(fieldSpec('clusters.minNodes'))).toBe(1);
    expect(defaultValue(fieldSpec('github.owner'))).toBeUndefined();
  });

  it('has a labelled field for every input a catalogue step lists', async () => {
    const { steps } = await import('../../../electron/lab/plan/catalogue');
    for (const path of new Set(steps.flatMap((s) => s.inputs))) {
      expect(fieldSpec(path).label, path).not.toBe(path);
    }
  });
});
