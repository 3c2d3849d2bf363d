/**
 * The card of a teardown step, shaped like a lab step's: what it removes and why in this order,
 * the exact commands, its state and time, a failure explained, and its output one click away.
 * Teardown steps run only as part of the ordered teardown, so the actions here are the teardown's
 * own: start or resume it (through the dialog that shows the plan) and cancel it.
 */
import { teardownSteps } from '../lib/cleanup';
import { statusLabels } from '../lib/format';
import { CancelTeardownButton } from './CancelTeardownButton';
import { CleanupButton } from './CleanupButton';
import { CommandList } from './CommandList';
import { ShowOutputButton } from './ShowOutputButton';
import { StepCardHeader } from './StepCardHeader';
import { StepErrorView } from './StepErrorView';
import { useLabState } from './lab-context';
import { useSelectedStep } from './useSelectedStep';
import { ActionError } from './ActionError';

export function CleanupStepCard() {
  const { snapshot, step, state, status } = useSelectedStep(teardownSteps);
  const actionError = useLabState((s) => s.actionError);
  const running = snapshot?.cleanup?.running ?? false;
  if (!snapshot || !step) return <main className="card" aria-label="Step" />;

  return (
    <main className="card" aria-labelledby="card-title">
      <StepCardHeader title={step.title} state={state} estimateSeconds={step.estimateSeconds} />
      <p className={`card-status status-${status}`}>
        Clean up · {statusLabels[status]}
        {state && state.attempts > 1 ? ` (attempt ${state.attempts})` : ''}
      </p>
      <p className="why">{step.why}</p>
      <div className="actions">
        <div className="action-row">
          {running ? <CancelTeardownButton /> : <CleanupButton className={status === 'failed' || status === 'cancelled' ? 'primary' : undefined} />}
          <ShowOutputButton stepId={step.id} />
        </div>
        {status === 'failed' || status === 'cancelled' ? (
          <p className="field-help">Cleaning up again resumes: steps already done are checked, not repeated.</p>
        ) : null}
      </div>
      <ActionError message={actionError} />
      {state?.error && status === 'failed' ? <StepErrorView error={state.error} /> : null}
      <CommandList commands={step.commands} />
    </main>
  );
}
