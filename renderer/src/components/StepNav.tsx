/**
 * The left column: phases and their steps. Each step is a button named exactly by its title;
 * its status and timing sit in a described-by element so screen readers hear them after the
 * name without changing it. Arrow keys move between steps (one tab stop for the whole list).
 */
import { useRef, type KeyboardEvent } from 'react';
import type { StepState, StepView } from '../../../electron/api/contract';
import { elapsedMs, formatDuration, formatEstimate, statusIcons, statusLabels } from '../lib/format';
import { phaseStatus } from '../lib/step-status';
import { useLabState } from './lab-context';
import { useNow } from './useNow';

export function StepNav() {
  const snapshot = useLabState((s) => s.snapshot);
  const selected = useLabState((s) => s.selectedStepId);
  const select = useLabState((s) => s.select);
  const listRef = useRef<HTMLElement>(null);
  const anyRunning = snapshot ? Object.values(snapshot.steps).some((s) => s.status === 'running') : false;
  const now = useNow(anyRunning);

  if (!snapshot) return <nav aria-label="Lab steps" className="nav" />;
  const firstId = snapshot.phases[0]?.steps[0]?.id;

  function onKeyDown(event: KeyboardEvent<HTMLElement>): void {
    const keys = ['ArrowDown', 'ArrowUp', 'Home', 'End'];
    if (!keys.includes(event.key)) return;
    const buttons = Array.from(listRef.current?.querySelectorAll<HTMLButtonElement>('button.step') ?? []);
    const index = buttons.findIndex((b) => b === document.activeElement);
    if (index === -1) return;
    event.preventDefault();
    const next =
      event.key === 'Home' ? 0 : event.key === 'End' ? buttons.length - 1 : event.key === 'ArrowDown' ? Math.min(index + 1, buttons.length - 1) : Math.max(index - 1, 0);
    const target = buttons[next];
    if (!target) return;
    target.focus();
    const id = target.dataset.stepId;
    if (id) select(id);
  }

  return (
    <nav aria-label="Lab steps" className="nav" ref={listRef} onKeyDown={onKeyDown}>
      {snapshot.phases.map((phase) => (
        <div key={phase.id} role="group" className="phase" aria-labelledby={`phase-${phase.id}`}>
          <h2 id={`phase-${phase.id}`} className="phase-title">
            <span className={`status-icon status-${phaseStatus(phase.steps, snapshot.steps)}`} aria-hidden="true">
              {statusIcons[phaseStatus(phase.steps, snapshot.steps)]}
            </span>
            {phase.title}
          </h2>
          <ul>
            {phase.steps.map((step) => (
              <li key={step.id}>
                <StepButton step={step} state={snapshot.steps[step.id]} selected={step.id === selected} focusable={step.id === (selected ?? firstId)} now={now} onSelect={select} />
              </li>
            ))}
          </ul>
        </div>
      ))}
    </nav>
  );
}

interface StepButtonProps {
  step: StepView;
  state: StepState | undefined;
  selected: boolean;
  /** The one step reachable with Tab; arrow keys reach the others. */
  focusable: boolean;
  now: number;
  onSelect(id: string): void;
}

function StepButton({ step, state, selected, focusable, now, onSelect }: StepButtonProps) {
  const status = state?.status ?? 'pending';
  const elapsed = elapsedMs(state, now);
  const estimate = formatEstimate(step.estimateSeconds);
  const detailId = `step-detail-${step.id}`;
  // The meta is a sibling, not a child: anything inside the button would join its accessible name.
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
        {/* One figure keeps the column narrow: time taken once started, the estimate before. */}
        {elapsed === null && estimate ? <span className="estimate">{estimate}</span> : null}
      </span>
    </>
  );
}
