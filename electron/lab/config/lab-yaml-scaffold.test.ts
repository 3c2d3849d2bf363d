/** lab.yaml's scaffold section: the answers `lab up` cannot ask for, as the scaffold step's error prints them. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LabConfigError, parseLabYaml } from './lab-yaml';

const file = path.join('/labs', 'lab.yaml');
const minimal = 'github:\n  owner: lab-student\ngcp:\n  project: gitops-lab-sim\nworkspaceDir: ./work\n';
const hash = 'ab'.repeat(32);

function refusal(text: string): string[] {
  try {
    parseLabYaml(text, file);
  } catch (error) {
    if (error instanceof LabConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the file to be refused');
}

describe('lab.yaml scaffold answers', () => {
  it('reads keep and replace entries as pasted from the step\'s error, paths left as repository paths', () => {
    const text = `${minimal}scaffold:\n  keep:\n    - file: security/base/kustomization.yaml\n      sha256: ${hash}\n  replace:\n    - file: apps/base/a.yaml\n      sha256: absent\n`;
    expect(parseLabYaml(text, file).inputs.scaffold).toEqual({
      keep: [{ file: 'security/base/kustomization.yaml', sha256: hash }],
      replace: [{ file: 'apps/base/a.yaml', sha256: 'absent' }],
    });
  });

  it('defaults to no answers', () => {
    expect(parseLabYaml(minimal, file).inputs.scaffold).toEqual({ keep: [], replace: [] });
  });

  it('names a misspelt key, a bad hash and a path outside the repository', () => {
    expect(refusal(`${minimal}scaffold:\n  keeps: []\n`)).toEqual(['lab.yaml: scaffold.keeps: unknown key (known here: keep, replace)']);
    const bad = refusal(`${minimal}scaffold:\n  keep:\n    - file: ../outside.yaml\n      sha256: abc123\n`);
    expect(bad.some((p) => p.includes('scaffold.keep.0.file') && p.includes('inside the repository'))).toBe(true);
    expect(bad.some((p) => p.includes('scaffold.keep.0.sha256') && p.includes('the hash the app showed'))).toBe(true);
  });
});
