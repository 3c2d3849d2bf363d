/**
 * The answers a person gives about scaffold files they changed, turned into the inputs the engine
 * reads (`scaffold.keep` / `scaffold.replace`), and the diff split into lines to colour.
 *
 * Each answer names the version it was given for (the hash the engine sent), so the engine asks
 * again if the file changes before the retry runs.
 */
import type { ScaffoldConflictView } from '../../../electron/api/contract';
import type { ScaffoldDecision } from '../../../electron/api/inputs';

export type ConflictChoice = 'keep' | 'replace';

export interface ScaffoldAnswers {
  keep: ScaffoldDecision[];
  replace: ScaffoldDecision[];
}

/**
 * The answers to send: earlier answers about other files stay (another step may meet them), any
 * earlier answer about a file asked now is dropped, and each choice made is added for the version
 * shown.
 */
export function answersWith(previous: Partial<ScaffoldAnswers> | undefined, conflicts: readonly ScaffoldConflictView[], choices: Readonly<Record<string, ConflictChoice>>): ScaffoldAnswers {
  const asked = new Set(conflicts.map((c) => c.file));
  const out: ScaffoldAnswers = {
    keep: (previous?.keep ?? []).filter((d) => !asked.has(d.file)),
    replace: (previous?.replace ?? []).filter((d) => !asked.has(d.file)),
  };
  for (const conflict of conflicts) {
    const choice = choices[conflict.file];
    if (choice) out[choice].push({ file: conflict.file, sha256: conflict.sha256 });
  }
  return out;
}

export function allAnswered(conflicts: readonly ScaffoldConflictView[], choices: Readonly<Record<string, ConflictChoice>>): boolean {
  return conflicts.length > 0 && conflicts.every((c) => choices[c.file] !== undefined);
}

/** The second button's name: it says where the person's version goes, or that a deleted file comes back. */
export function replaceLabel(conflict: ScaffoldConflictView): string {
  return conflict.backup ? `Use the lab's version (mine is kept as ${conflict.backup})` : "Use the lab's version (restores the file)";
}

export const reasonLabels: Record<ScaffoldConflictView['reason'], string> = {
  edited: 'you changed it after the lab wrote it',
  deleted: 'you deleted it',
  'not-written-by-the-app': 'it was already there, not written by the lab',
};

export type DiffLineKind = 'header' | 'hunk' | 'add' | 'del' | 'context';

export interface DiffLine {
  kind: DiffLineKind;
  text: string;
}

/** Unified diff lines by what they are; `---`/`+++` only count as the header before the first hunk. */
export function diffLines(diff: string): DiffLine[] {
  const lines = diff.endsWith('\n') ? diff.slice(0, -1).split('\n') : diff.split('\n');
  let inHunk = false;
  return lines.map((text) => {
    if (text.startsWith('@@')) {
      inHunk = true;
      return { kind: 'hunk', text };
    }
    if (!inHunk) return { kind: 'header', text };
    if (text.startsWith('+')) return { kind: 'add', text };
    if (text.startsWith('-')) return { kind: 'del', text };
    return { kind: 'context', text };
  });
}
