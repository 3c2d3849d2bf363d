/** The `cleanup` section of lab.yaml: reminder and deadline, validated with messages naming the field. */
import { describe, expect, it } from 'vitest';
import { LabConfigError, parseLabYaml } from '../config/lab-yaml';

const minimal = 'github:\n  owner: octo\ngcp:\n  project: my-project-1\nworkspaceDir: ./devflux\n';

function problems(text: string): string[] {
  try {
    parseLabYaml(text, '/tmp/lab.yaml');
  } catch (error) {
    if (error instanceof LabConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('lab.yaml cleanup section', () => {
  it('reads the reminder and either form of deadline into the inputs', () => {
    expect(parseLabYaml(`${minimal}cleanup:\n  remindAfterMinutes: 45\n  deadline: "17:30"\n`, '/tmp/lab.yaml').inputs.cleanup).toEqual({ remindAfterMinutes: 45, deadline: '17:30' });
    expect(parseLabYaml(`${minimal}cleanup:\n  deadline: 2026-11-27T17:00:00+01:00\n`, '/tmp/lab.yaml').inputs.cleanup).toEqual({ deadline: '2026-11-27T17:00:00+01:00' });
    expect(parseLabYaml(minimal, '/tmp/lab.yaml').inputs.cleanup).toBeUndefined();
  });

  it('names the field in every refusal', () => {
    expect(problems(`${minimal}cleanup:\n  remindAfterMinutes: 0\n  deadline: "25:00"\n`)).toEqual([
      'lab.yaml: cleanup.remindAfterMinutes: at least 1',
      expect.stringMatching(/^lab\.yaml: cleanup\.deadline: use HH:MM local time/),
    ]);
    expect(problems(`${minimal}cleanup:\n  deadline: 2026-11-27T17:00:00\n`)).toEqual([expect.stringMatching(/^lab\.yaml: cleanup\.deadline: /)]);
    expect(problems(`${minimal}cleanup:\n  remindAfter: 10\n`)).toEqual(['lab.yaml: cleanup.remindAfter: unknown key (known here: remindAfterMinutes, deadline)']);
    expect(problems(`${minimal}cleanup:\n  remindAfterMinutes: soon\n`)).toEqual([expect.stringMatching(/^lab\.yaml: cleanup\.remindAfterMinutes: /)]);
  });
});
