/**
 * The scaffold met files the person changed: each one with the change the lab would make, and a
 * choice per file (keep mine, or take the lab's with mine kept beside it), then one retry. The
 * choices travel as inputs, so `lab up` users answer the same question in lab.yaml.
 */
import { useState } from 'react';
import type { ScaffoldConflictView } from '../../../electron/api/contract';
import { allAnswered, answersWith, diffLines, reasonLabels, replaceLabel, type ConflictChoice } from '../lib/conflicts';
import { errorMessage } from '../lib/errors';
import { useLabContext, useLabState } from './lab-context';

export function ScaffoldConflicts({ stepId, conflicts }: { stepId: string; conflicts: readonly ScaffoldConflictView[] }) {
  const { api } = useLabContext();
  const previous = useLabState((s) => s.snapshot?.inputs.scaffold);
  const online = useLabState((s) => s.connection === 'open');
  const setActionError = useLabState((s) => s.setActionError);
  const [choices, setChoices] = useState<Record<string, ConflictChoice>>({});
  const [busy, setBusy] = useState(false);

  const choose = (file: string, choice: ConflictChoice) => setChoices((c) => ({ ...c, [file]: choice }));

  async function retry(): Promise<void> {
    setBusy(true);
    setActionError(null);
    try {
      const saved = await api.setInputs({ inputs: { scaffold: answersWith(previous, conflicts, choices) } });
      if (!saved.ok) throw new Error(saved.issues.map((i) => i.message).join('; '));
      await api.retryStep({ stepId });
    } catch (error) {
      setActionError(errorMessage(error));
    } finally {
      setBusy(false);
    }
  }

  const answered = Object.keys(choices).filter((file) => conflicts.some((c) => c.file === file)).length;
  return (
    <section className="scaffold-conflicts" aria-labelledby="scaffold-conflicts-title">
      <h3 id="scaffold-conflicts-title">Files you changed</h3>
      <p>
        The lab would change {conflicts.length === 1 ? 'this file' : `these ${conflicts.length} files`}, which you changed yourself. Nothing has been written yet:
        choose for each file, then retry. Lines starting with <span className="diff-del">-</span> are yours, lines starting with <span className="diff-add">+</span> are the lab's.
      </p>
      <ul className="conflict-list" aria-label="Changed files">
        {conflicts.map((conflict) => {
          const id = `conflict-${conflict.file.replace(/[^A-Za-z0-9_-]/g, '-')}`;
          const choice = choices[conflict.file];
          return (
            <li key={conflict.file}>
              <section className="conflict" aria-labelledby={id}>
                <h4 id={id}>
                  <code>{conflict.file}</code>
                </h4>
                <p className="muted">Why it is asked: {reasonLabels[conflict.reason]}.</p>
                <pre className="conflict-diff" tabIndex={0} aria-label={`Changes the lab would make to ${conflict.file}`}>
                  {diffLines(conflict.diff).map((line, index) => (
                    <span key={index} className={`diff-line diff-${line.kind}`}>
                      {line.text}
                      {'\n'}
                    </span>
                  ))}
                </pre>
                <div className="action-row" role="group" aria-label={`What to do with ${conflict.file}`}>
                  <button type="button" aria-pressed={choice === 'keep'} className={choice === 'keep' ? 'chosen' : undefined} disabled={busy} onClick={() => choose(conflict.file, 'keep')}>
                    Keep my version
                  </button>
                  <button type="button" aria-pressed={choice === 'replace'} className={choice === 'replace' ? 'chosen' : undefined} disabled={busy} onClick={() => choose(conflict.file, 'replace')}>
                    {replaceLabel(conflict)}
                  </button>
                </div>
              </section>
            </li>
          );
        })}
      </ul>
      <div className="action-row">
        <button type="button" className="primary" disabled={busy || !online || !allAnswered(conflicts, choices)} onClick={() => void retry()}>
          Retry with these choices
        </button>
        <span className="muted" aria-live="polite">
          {answered} of {conflicts.length} chosen
        </span>
      </div>
    </section>
  );
}
