/**
 * The card of a teardown step, shaped like a lab step's: what it removes and why in this order,
 * the exact commands, its state and time, a failure explained, and its output one click away.
 * Teardown steps run only as part of the ordered teardown, so the actions here are the teardown's
 * own: start or resume it (through the dialog that shows the plan) and cancel it.
 */
import { teardownSteps } from '../lib/cleanup';
import { errorMessage } from '../lib/errors';
import { elapsedMs, formatDuration, formatEstimate, statusLabels } from '../lib/format';
import { CleanupButton } from './CleanupButton';
import { CommandList } from './CommandList';
import { StepErrorView } from './StepErrorView';
import { useLabContext, useLabState } from './lab-context';
import { useNow } from './useNow';

export function CleanupStepCard() {
  const { api } = useLabContext();
  const snapshot = useLabState((s) => s.snapshot);
  const selected = useLabState((s) => s.selectedStepId);
  const actionError = useLabState((s) => s.actionError);
  const setActionError = useLabState((s) => s.setActionError);
  const online = useLabState((s) => s.connection === 'open');
  const hasOutput = useLabState((s) => (selected ? s.streams.includes(selected) : false));
  const showStream = useLabState((s) => s.showStream);
  const step = teardownSteps(snapshot).find((s) => s.id === selected);
  const state = step ? snapshot?.steps[step.id] : undefined;
  const status = state?.status ?? 'pending';
  const now = useNow(status === 'running');
  const running = snapshot?.cleanup?.running ?? false;
  if (!snapshot || !step) return <main className="card" aria-label="Step" />;

  const elapsed = elapsedMs(state, now);
  const estimate = formatEstimate(step.estimateSeconds);

  async function cancel(): Promise<void> {
    setActionError(null);
    try {
      await api.cancelTeardown({});
    } catch (error) {
      setActionError(errorMessage(error));
    }
  }

  return (
    <main className="card" aria-labelledby="card-title">
      <div className="card-head">
        <h2 id="card-title">{step.title}</h2>
        <p className="card-timing">
          {elapsed !== null ? <span>{status === 'running' ? 'Running for' : 'Took'} {formatDuration(elapsed)}</span> : null}
          {elapsed !== null && estimate ? ' · ' : null}
          {estimate ? <span>usually {estimate}</span> : null}
        </p>
      </div>
      <p className={`card-status status-${status}`}>
        Clean up · {statusLabels[status]}
        {state && state.attempts > 1 ? ` (attempt ${state.attempts})` : ''}
      </p>
      <p className="why">{step.why}</p>
      <div className="actions">
        <div className="action-row">
          {running ? (
            <button type="button" disabled={!online} onClick={() => void cancel()}>
              Cancel teardown
            </button>
          ) : (
            <CleanupButton className={status === 'failed' || status === 'cancelled' ? 'primary' : undefined} />
          )}
          {hasOutput ? (
            <button type="button" className="link-button" onClick={() => showStream(step.id)}>
              Show output
            </button>
          ) : null}
        </div>
        {status === 'failed' || status === 'cancelled' ? (
          <p className="field-help">Cleaning up again resumes: steps already done are checked, not repeated.</p>
        ) : null}
      </div>
      {actionError ? (
        <p className="action-error" role="alert">
          {actionError}
        </p>
      ) : null}
      {state?.error && status === 'failed' ? <StepErrorView error={state.error} /> : null}
      <CommandList commands={step.commands} />
    </main>
  );
}
