/**
 * "Clean up everything": a modal dialog that asks the engine what a teardown with the chosen
 * options would remove, shows it step by step with what each step costs per hour, and starts it
 * only on an explicit confirm. Deleting the GitHub repository needs its full name typed again,
 * because nothing brings it back. The force option appears only when the engine says a step
 * would be refused, with the reason, so nobody ticks it without knowing what it does. Every
 * error the engine returns stays visible in the dialog.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { TeardownPlan } from '../../../electron/api/contract';
import {
  confirmState,
  formatRate,
  noChoices,
  planHasRefusal,
  planLines,
  repositoryName,
  teardownOptions,
  teardownProgress,
  teardownSteps,
  type TeardownChoices,
} from '../lib/cleanup';
import { errorMessage } from '../lib/errors';
import { formatCommand } from '../lib/shell-quote';
import { ActionError } from './ActionError';
import { useLabContext, useLabState } from './lab-context';
import { useLabAction } from './useLabAction';

const FOCUSABLE = 'button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), a[href], [tabindex="0"]';

export function CleanupDialog({ onClose }: { onClose(): void }) {
  const { api } = useLabContext();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const reasonId = useId();
  const repoId = useId();
  const snapshot = useLabState((s) => s.snapshot);
  const online = useLabState((s) => s.connection === 'open');
  const select = useLabState((s) => s.select);
  const showStream = useLabState((s) => s.showStream);
  const [choices, setChoices] = useState<TeardownChoices>(noChoices);
  const [plan, setPlan] = useState<{ key: string; plan: TeardownPlan } | null>(null);
  const [planError, setPlanError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  // The dialog keeps its own error: the wizard's action error sits behind the modal, unseen.
  const { busy, act } = useLabAction(setActionError);

  const expectedRepository = repositoryName(snapshot?.inputs ?? {});
  const options = teardownOptions(choices, expectedRepository);
  const optionsKey = JSON.stringify(options);
  const running = snapshot?.cleanup?.running ?? false;
  const ledger = snapshot?.cleanup?.ledger ?? [];
  const currentPlan = plan?.key === optionsKey ? plan.plan : null;

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

  // The plan follows the options: each change asks again, and only the latest answer counts.
  useEffect(() => {
    let current = true;
    setPlanError(null);
    api.planTeardown(JSON.parse(optionsKey) as typeof options).then(
      (result) => current && setPlan({ key: optionsKey, plan: result }),
      (error: unknown) => current && setPlanError(errorMessage(error)),
    );
    return () => {
      current = false;
    };
    // optionsKey stands for the options object, which is new on every render.
  }, [api, optionsKey]);

  const confirm = confirmState({ choices, expectedRepository, planReady: currentPlan !== null, planFailed: planError !== null, running, busy, online });
  const lines = currentPlan ? planLines(currentPlan, ledger) : [];
  const refused = planHasRefusal(currentPlan) || planHasRefusal(plan?.plan ?? null);
  const progress = teardownProgress(snapshot);

  function close(): void {
    dialogRef.current?.close();
  }

  async function start(): Promise<void> {
    if (!(await act((a) => a.runTeardown(options)))) return;
    // Progress shows in the step list and the terminal; the first teardown step's card and output come into view.
    const first = teardownSteps(snapshot)[0];
    if (first) {
      select(first.id);
      showStream(first.id);
    }
    close();
  }

  /** Tab and Shift+Tab cycle inside the dialog, so the keyboard never lands behind it. */
  function trapFocus(event: KeyboardEvent<HTMLDialogElement>): void {
    if (event.key !== 'Tab') return;
    const items = Array.from(dialogRef.current?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? []);
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }

  const set = (change: Partial<TeardownChoices>) => setChoices((c) => ({ ...c, ...change }));

  return (
    <dialog ref={dialogRef} className="cleanup-dialog" aria-labelledby={titleId} onClose={onClose} onKeyDown={trapFocus}>
      <div className="section-head">
        <h2 id={titleId}>Clean up everything</h2>
        <button type="button" className="dialog-close" onClick={close}>
          Close
        </button>
      </div>
      <p className="cleanup-intro">
        Removes what the lab created, in order: the apps first so Google releases the load balancer, then the GKE cluster through GitOps, the
        network, and only then Crossplane and the k3d cluster. Nothing is deleted until you press Clean up.
      </p>
      {running ? (
        <p className="cleanup-progress" role="status">
          A teardown is running: {progress.done} of {progress.total} steps done{progress.running ? `, now: ${progress.running}` : ''}.
        </p>
      ) : null}

      <section className="cleanup-plan" aria-labelledby={`${titleId}-plan`} aria-busy={!currentPlan && !planError}>
        <h3 id={`${titleId}-plan`}>What will be removed</h3>
        {planError ? (
          <p className="action-error" role="alert">
            The teardown could not be planned: {planError}
          </p>
        ) : null}
        {!currentPlan && !planError ? <p className="muted">Checking what is still there…</p> : null}
        {currentPlan ? (
          <>
            {lines.length === 0 ? <p>Nothing the lab created is left to remove.</p> : null}
            <ol className="plan-list">
              {lines.map((line, index) => (
                <li key={line.stepId} className={line.refusal ? 'plan-refused' : undefined}>
                  <div className="plan-head">
                    <strong>{line.title}</strong>
                    {line.costPerHour > 0 ? <span className="plan-cost">{formatRate(line.costPerHour)}</span> : null}
                  </div>
                  {line.resources.length > 0 ? (
                    <ul className="plan-resources">
                      {line.resources.map((r) => (
                        <li key={r}>{r}</li>
                      ))}
                    </ul>
                  ) : null}
                  {currentPlan.items[index]?.commands.length ? (
                    <pre className="plan-commands">
                      <code>{currentPlan.items[index]!.commands.map(formatCommand).join('\n')}</code>
                    </pre>
                  ) : null}
                  {line.refusal ? <p className="plan-refusal">Would stop here: {line.refusal}</p> : null}
                </li>
              ))}
            </ol>
            <p className="plan-total">
              Running now: <strong>{formatRate(currentPlan.costPerHour)}</strong>, billed until it is removed.
            </p>
            {currentPlan.warnings.length > 0 ? (
              <ul className="plan-warnings" aria-label="Warnings">
                {currentPlan.warnings.map((w) => (
                  <li key={w}>{w}</li>
                ))}
              </ul>
            ) : null}
          </>
        ) : null}
      </section>

      <fieldset className="cleanup-options">
        <legend>Also remove</legend>
        <label className="option">
          <input type="checkbox" checked={choices.deleteServiceAccount} onChange={(e) => set({ deleteServiceAccount: e.target.checked })} />
          Also delete the service account and its key
        </label>
        <label className="option">
          <input
            type="checkbox"
            checked={choices.deleteRepository}
            disabled={!expectedRepository}
            onChange={(e) => set({ deleteRepository: e.target.checked, repositoryTyped: '' })}
          />
          Also delete the GitHub repository
          {!expectedRepository ? <span className="muted"> (set the GitHub owner first)</span> : null}
        </label>
        {choices.deleteRepository && expectedRepository ? (
          <div className="repo-confirm">
            <label htmlFor={repoId}>
              This cannot be undone. Type <code>{expectedRepository}</code> to confirm
            </label>
            <input
              id={repoId}
              type="text"
              autoComplete="off"
              spellCheck={false}
              value={choices.repositoryTyped}
              aria-invalid={choices.repositoryTyped !== '' && choices.repositoryTyped !== expectedRepository}
              onChange={(e) => set({ repositoryTyped: e.target.value })}
            />
          </div>
        ) : null}
        {refused || choices.force ? (
          <div className="force-option">
            <label className="option">
              <input type="checkbox" checked={choices.force} onChange={(e) => set({ force: e.target.checked })} />
              Delete the remaining cloud resources directly with gcloud (force)
            </label>
            <p className="field-help">
              A step above would be refused: Crossplane cannot remove those cloud resources as asked, and the k3d cluster and Crossplane must not go
              while they exist, or nothing would be left to delete them. With this ticked, the lab deletes them with gcloud directly, checks they are
              gone, then carries on. Without it, the teardown stops at that step and says what remains.
            </p>
          </div>
        ) : null}
      </fieldset>

      <ActionError message={actionError} />
      <div className="dialog-actions">
        <span id={reasonId} className="muted">
          {confirm.reason}
        </span>
        {running ? (
          <button type="button" disabled={busy || !online} onClick={() => void act((a) => a.cancelTeardown({}))}>
            Cancel teardown
          </button>
        ) : null}
        <button type="button" className="primary danger" disabled={!confirm.enabled} aria-describedby={reasonId} onClick={() => void start()}>
          Clean up
        </button>
      </div>
    </dialog>
  );
}
