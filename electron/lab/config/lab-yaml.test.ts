import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LabConfigError, loadLabYaml, parseLabYaml } from './lab-yaml';

const fixture = path.resolve(__dirname, '../../../test/fixtures/lab.yaml');
const dir = mkdtempSync(path.join(tmpdir(), 'lab-yaml-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problems(text: string): string[] {
  try {
    parseLabYaml(text, path.join(dir, 'lab.yaml'));
  } catch (error) {
    if (error instanceof LabConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the file to be refused');
}

const minimal = 'github:\n  owner: lab-student\ngcp:\n  project: gitops-lab-sim\nworkspaceDir: ./work\n';

describe('lab.yaml', () => {
  it('loads the instructors\' fixture with paths resolved against its folder', () => {
    const config = loadLabYaml(fixture);
    expect(config.inputs.github).toEqual({ owner: 'lab-student', repository: 'devflux', personal: true });
    expect(config.inputs.gcp.project).toBe('gitops-lab-sim');
    expect(config.inputs.workspaceDir).toBe(path.join(path.dirname(fixture), 'devflux'));
    expect(config.inputs.gcp.keyFile).toBe('');
    expect(config.inputs.cleanup).toEqual({ remindAfterMinutes: 30 });
  });

  it('fills the schema defaults and resolves ~ to the home folder', () => {
    const config = parseLabYaml(minimal.replace('./work', '~/labs/devflux'), path.join(dir, 'lab.yaml'));
    expect(config.inputs.workspaceDir).toBe(path.join(homedir(), 'labs/devflux'));
    expect(config.inputs.clusters.k3dName).toBe('crossplane');
    expect(config.inputs.github.repository).toBe('devflux');
  });

  it('resolves a relative keyFile against the file\'s folder', () => {
    const config = parseLabYaml('github:\n  owner: lab-student\ngcp:\n  project: gitops-lab-sim\n  keyFile: keys/sa.json\nworkspaceDir: w\n', path.join(dir, 'sub', 'lab.yaml'));
    expect(config.inputs.gcp.keyFile).toBe(path.join(dir, 'sub', 'keys', 'sa.json'));
    expect(config.inputs.cleanup).toBeUndefined();
  });

  it('names the file and the field in every message', () => {
    expect(problems(minimal.replace('lab-student', 'bad owner!'))).toEqual([expect.stringMatching(/^lab\.yaml: github\.owner: use your GitHub user/)]);
    expect(problems(minimal.replace('gitops-lab-sim', 'X'))).toEqual([expect.stringMatching(/^lab\.yaml: gcp\.project: a project id/)]);
    expect(problems('github:\n  owner: 42\ngcp:\n  project: gitops-lab-sim\nworkspaceDir: w\n')).toEqual([expect.stringMatching(/^lab\.yaml: github\.owner: /)]);
    expect(problems('github:\n  owner: lab-student\nworkspaceDir: w\n')).toEqual(['lab.yaml: gcp: required']);
    expect(problems(minimal + 'clusters:\n  minNodes: 5\n  maxNodes: 2\n')).toEqual(['lab.yaml: clusters.maxNodes: must be at least clusters.minNodes']);
  });

  it('refuses a token with the way to pass it instead', () => {
    const [message] = problems(minimal.replace('  owner: lab-student\n', '  owner: lab-student\n  token: ghp_abcdef\n'));
    expect(message).toMatch(/^lab\.yaml: github\.token: a token does not belong in this file/);
    expect(message).toContain('GITHUB_TOKEN');
    expect(message).not.toContain('ghp_abcdef');
  });

  it('reports unknown keys (typos) by their path', () => {
    expect(problems(minimal.replace('  owner:', '  ownr: x\n  owner:'))).toEqual([expect.stringMatching(/^lab\.yaml: github\.ownr: unknown key/)]);
  });

  it('checks the cleanup keys (reminder and workshop deadline)', () => {
    expect(problems(minimal + 'cleanup:\n  remindAfterMinutes: 0\n  deadline: tomorrow\n')).toEqual([
      'lab.yaml: cleanup.remindAfterMinutes: at least 1',
      expect.stringMatching(/^lab\.yaml: cleanup\.deadline: use HH:MM local time/),
    ]);
    expect(parseLabYaml(minimal + 'cleanup:\n  deadline: "17:30"\n', path.join(dir, 'lab.yaml')).inputs.cleanup).toEqual({ deadline: '17:30' });
    expect(problems(minimal + 'workshop:\n  reminderMinutes: 30\n')).toEqual([expect.stringMatching(/^lab\.yaml: workshop: unknown key/)]);
  });

  it('reports YAML syntax errors with the line, and a missing file by name', () => {
    expect(problems('github:\n  owner: [lab\n')[0]).toMatch(/^lab\.yaml: line \d+: /);
    const missing = path.join(dir, 'nope.yaml');
    expect(() => loadLabYaml(missing)).toThrow(/nope\.yaml: cannot read the file \(it does not exist\)/);
    writeFileSync(path.join(dir, 'list.yaml'), '- a\n- b\n');
    expect(() => loadLabYaml(path.join(dir, 'list.yaml'))).toThrow(/list\.yaml: the file must be a mapping/);
  });
});
