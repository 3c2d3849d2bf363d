/**
 * The "Clean up" section under the lab's phases: the button that starts a teardown, its progress,
 * and the teardown steps with their states, each selectable like a lab step so its card and its
 * output tab show what is being deleted while it happens. Arrow keys move between the steps.
 */
import { useEffect, useRef, type KeyboardEvent } from 'react';
import type { StepState, StepView } from '../../../electron/api/contract';
import { teardownProgress, teardownSteps } from '../lib/cleanup';
import { errorMessage } from '../lib/errors';
import { elapsedMs, formatDuration, statusIcons, statusLabels } from '../lib/format';
import { phaseStatus } from '../lib/step-status';
import { CleanupButton } from './CleanupButton';
import { useLabContext, useLabState } from './lab-context';
import { useNow } from './useNow';

export function CleanupNav() {
  const { api } = useLabContext();
  const snapshot = useLabState((s) => s.snapshot);
  const selected = useLabState((s) => s.selectedStepId);
  const select = useLabState((s) => s.select);
  const online = useLabState((s) => s.connection === 'open');
  const setActionError = useLabState((s) => s.setActionError);
  const showStream = useLabState((s) => s.showStream);
  const listRef = useRef<HTMLElement>(null);
  const steps = teardownSteps(snapshot);
  const running = snapshot?.cleanup?.running ?? false;
  const runningStep = steps.find((s) => snapshot?.steps[s.id]?.status === 'running')?.id ?? null;
  const selectedIsTeardown = steps.some((s) => s.id === selected);
  const now = useNow(running);

  // A teardown that starts brings its section into view: the lab's phases above are long.
  useEffect(() => {
    if (running) listRef.current?.scrollIntoView({ block: 'nearest' });
  }, [running]);

  // While someone watches the teardown (a teardown step is on show), the card and the terminal
  // follow the step that runs; someone reading a lab step is left where they are.
  useEffect(() => {
    if (!runningStep || !selectedIsTeardown || runningStep === selected) return;
    select(runningStep);
    showStream(runningStep);
    // Only a new running step moves the view; a click on another step must stick.
  }, [runningStep]);

  if (!snapshot) return null;

  const status = phaseStatus(steps, snapshot.steps);
  const progress = teardownProgress(snapshot);
  const tabStop = steps.some((s) => s.id === selected) ? selected : steps[0]?.id;

  function onKeyDown(event: KeyboardEvent<HTMLElement>): void {
    if (!['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(event.key)) return;
    const buttons = Array.from(listRef.current?.querySelectorAll<HTMLButtonElement>('button.step') ?? []);
    const index = buttons.findIndex((b) => b === document.activeElement);
    if (index === -1) return;
    event.preventDefault();
    const next =
      event.key === 'Home' ? 0 : event.key === 'End' ? buttons.length - 1 : event.key === 'ArrowDown' ? Math.min(index + 1, buttons.length - 1) : Math.max(index - 1, 0);
    const target = buttons[next];
    if (!target) return;
    target.focus();
    if (target.dataset.stepId) select(target.dataset.stepId);
  }

  async function cancel(): Promise<void> {
    setActionError(null);
    try {
      await api.cancelTeardown({});
    } catch (error) {
      setActionError(errorMessage(error));
    }
  }

  return (
    <nav aria-label="Clean up" className="nav cleanup-nav" ref={listRef} onKeyDown={onKeyDown}>
      <h2 id="phase-cleanup" className="phase-title">
        <span className={`status-icon status-${status}`} aria-hidden="true">
          {statusIcons[status]}
        </span>
        Clean up
      </h2>
      <div className="cleanup-nav-actions">
        {/* Once a teardown left nothing behind, the button stays available but stops calling for attention. */}
        <CleanupButton className={snapshot.cleanup.completedAt && !running ? undefined : 'primary'} />
        {running ? (
          <button type="button" disabled={!online} onClick={() => void cancel()}>
            Cancel teardown
          </button>
        ) : null}
      </div>
      {steps.length > 0 && (running || progress.done > 0 || progress.failed) ? (
        <p className="cleanup-nav-progress" role="status">
          {progress.done} of {progress.total} steps done{progress.failed ? `; stopped at ${progress.failed}` : progress.running ? `; now: ${progress.running}` : ''}
        </p>
      ) : null}
      {steps.length > 0 ? (
        <ul aria-labelledby="phase-cleanup">
          {steps.map((step) => (
            <li key={step.id}>
              <TeardownStepButton step={step} state={snapshot.steps[step.id]} selected={step.id === selected} focusable={step.id === tabStop} now={now} onSelect={select} />
            </li>
          ))}
        </ul>
      ) : null}
    </nav>
  );
}

interface TeardownStepButtonProps {
  step: StepView;
  state: StepState | undefined;
  selected: boolean;
  focusable: boolean;
  now: number;
  onSelect(id: string): void;
}

function TeardownStepButton({ step, state, selected, focusable, now, onSelect }: TeardownStepButtonProps) {
  const status = state?.status ?? 'pending';
  const elapsed = elapsedMs(state, now);
  const detailId = `step-detail-${step.id}`;
  // Status and time sit beside the button, not in it, so the button's name is exactly the title.
  return (
    <>
      <button
        type="button"
        className={`step status-${status}`}
        data-step-id={step.id}
        aria-current={selected ? 'step' : undefined}
        aria-describedby={detailId}
        tabIndex={focusable ? 0 : -1}
        onClick={() => onSelect(step.id)}
      >
        <span className={`status-icon status-${status}`} aria-hidden="true">
          {statusIcons[status]}
        </span>
        <span className="step-title">{step.title}</span>
      </button>
      <span id={detailId} className="step-meta">
        <span className="visually-hidden">{statusLabels[status]}</span>
        {elapsed !== null ? <span className="elapsed">{formatDuration(elapsed)}</span> : null}
      </span>
    </>
  );
}
