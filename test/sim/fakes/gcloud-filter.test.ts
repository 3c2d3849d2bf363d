import { describe, expect, it } from 'vitest';
import { applyFilter } from './gcloud-filter.js';
import { FormatError } from './gcloud-format.js';

const clusters = [
  { name: 'dev-cluster', status: 'RUNNING', resourceLabels: { lab: 's1' }, locations: ['europe-west9-a'] },
  { name: 'other', status: 'PROVISIONING', resourceLabels: { lab: 's2', team: 'Blue' } },
  { name: 'plain', status: 'RUNNING' },
];
const names = (expression: string | undefined) => (applyFilter(clusters, expression) as Array<{ name: string }>).map((c) => c.name);

describe('fake gcloud --filter', () => {
  it('selects by label equality, with or without spaces and quotes', () => {
    expect(names('resourceLabels.lab=s1')).toEqual(['dev-cluster']);
    expect(names('resourceLabels.lab = "s2"')).toEqual(['other']);
    expect(names('resourceLabels.lab=nobody')).toEqual([]);
    expect(names(undefined)).toEqual(['dev-cluster', 'other', 'plain']);
  });

  it('knows has (:), key set (:*), != and negation, joined by AND', () => {
    expect(names('resourceLabels.lab:*')).toEqual(['dev-cluster', 'other']);
    expect(names('-resourceLabels.lab:*')).toEqual(['plain']);
    expect(names('resourceLabels.team:blue')).toEqual(['other']);
    expect(names('status=RUNNING AND NOT resourceLabels.lab:*')).toEqual(['plain']);
    expect(names('status!=RUNNING')).toEqual(['other']);
    expect(names('locations:europe-west9-a')).toEqual(['dev-cluster']);
  });

  it('refuses what it does not implement instead of ignoring it', () => {
    expect(() => names('status=RUNNING OR status=ERROR')).toThrow(FormatError);
    expect(() => names('createTime<2026')).toThrow(FormatError);
  });
});
