/**
 * The "Clean up" section under the lab's phases: the button that starts a teardown, its progress,
 * and the teardown steps with their states, each selectable like a lab step so its card and its
 * output tab show what is being deleted while it happens. Arrow keys move between the steps.
 */
import { useEffect, useRef } from 'react';
import { teardownProgress, teardownSteps } from '../lib/cleanup';
import { phaseStatus } from '../lib/step-status';
import { CancelTeardownButton } from './CancelTeardownButton';
import { CleanupButton } from './CleanupButton';
import { StatusIcon } from './StatusIcon';
import { StepListItem } from './StepListItem';
import { useLabState } from './lab-context';
import { useNow } from './useNow';
import { useStepListKeys } from './useStepListKeys';

export function CleanupNav() {
  const snapshot = useLabState((s) => s.snapshot);
  const selected = useLabState((s) => s.selectedStepId);
  const select = useLabState((s) => s.select);
  const showStream = useLabState((s) => s.showStream);
  const listRef = useRef<HTMLElement>(null);
  const onKeyDown = useStepListKeys(listRef, select);
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

  return (
    <nav aria-label="Clean up" className="nav cleanup-nav" ref={listRef} onKeyDown={onKeyDown}>
      <h2 id="phase-cleanup" className="phase-title">
        <StatusIcon status={status} />
        Clean up
      </h2>
      <div className="cleanup-nav-actions">
        {/* Once a teardown left nothing behind, the button stays available but stops calling for attention. */}
        <CleanupButton className={snapshot.cleanup.completedAt && !running ? undefined : 'primary'} />
        {running ? <CancelTeardownButton /> : null}
      </div>
      {steps.length > 0 && (running || progress.done > 0 || progress.failed) ? (
        <p className="cleanup-nav-progress" role="status">
          {progress.done} of {progress.total} steps done{progress.failed ? `; stopped at ${progress.failed}` : progress.running ? `; now: ${progress.running}` : ''}
        </p>
      ) : null}
      {steps.length > 0 ? (
        <ul aria-labelledby="phase-cleanup">
          {steps.map((step) => (
            <StepListItem
              key={step.id}
              step={step}
              state={snapshot.steps[step.id]}
              selected={step.id === selected}
              focusable={step.id === tabStop}
              now={now}
              showEstimate={false}
              onSelect={select}
            />
          ))}
        </ul>
      ) : null}
    </nav>
  );
}
