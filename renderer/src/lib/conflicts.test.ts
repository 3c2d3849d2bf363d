import { describe, expect, it } from 'vitest';
import type { ScaffoldConflictView } from '../../../electron/api/contract';
import { allAnswered, answersWith, diffLines, replaceLabel } from './conflicts';

const edited: ScaffoldConflictView = { file: 'a/cluster.yaml', reason: 'edited', diff: '', sha256: '1'.repeat(64), backup: 'a/cluster.yaml.mine' };
const deleted: ScaffoldConflictView = { file: 'b/kustomization.yaml', reason: 'deleted', diff: '', sha256: 'absent' };

describe('answersWith', () => {
  it('adds each choice for the version shown and keeps earlier answers about other files', () => {
    const previous = { keep: [{ file: 'other.yaml', sha256: '2'.repeat(64) }], replace: [] };
    expect(answersWith(previous, [edited, deleted], { [edited.file]: 'keep', [deleted.file]: 'replace' })).toEqual({
      keep: [{ file: 'other.yaml', sha256: '2'.repeat(64) }, { file: edited.file, sha256: edited.sha256 }],
      replace: [{ file: deleted.file, sha256: 'absent' }],
    });
  });

  it('drops an earlier answer about a file asked again, whatever version it was for', () => {
    const previous = { keep: [{ file: edited.file, sha256: '3'.repeat(64) }], replace: [{ file: edited.file, sha256: '4'.repeat(64) }] };
    expect(answersWith(previous, [edited], { [edited.file]: 'replace' })).toEqual({ keep: [], replace: [{ file: edited.file, sha256: edited.sha256 }] });
    expect(answersWith(undefined, [edited], {})).toEqual({ keep: [], replace: [] });
  });
});

describe('allAnswered', () => {
  it('is true only when every file has a choice', () => {
    expect(allAnswered([edited, deleted], { [edited.file]: 'keep' })).toBe(false);
    expect(allAnswered([edited, deleted], { [edited.file]: 'keep', [deleted.file]: 'keep' })).toBe(true);
    expect(allAnswered([], {})).toBe(false);
  });
});

describe('replaceLabel', () => {
  it('names the backup, or says a deleted file comes back', () => {
    expect(replaceLabel(edited)).toBe("Use the lab's version (mine is kept as a/cluster.yaml.mine)");
    expect(replaceLabel(deleted)).toBe("Use the lab's version (restores the file)");
  });
});

describe('diffLines', () => {
  it('tells header, hunk, added, removed and context lines apart', () => {
    const diff = ['--- a/f.yaml', '+++ b/f.yaml', '@@ -1,3 +1,3 @@', ' kind: X', '-zone: mine', '+zone: lab', '--- not a header inside a hunk', ''].join('\n');
    expect(diffLines(diff).map((l) => l.kind)).toEqual(['header', 'header', 'hunk', 'context', 'del', 'add', 'del']);
    expect(diffLines(diff)[4]!.text).toBe('-zone: mine');
  });
});
