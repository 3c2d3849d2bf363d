/**
 * One step in a step list (the lab's phases or the teardown): a button named exactly by the step's
 * title, and beside it its status and time. The meta is a sibling, not a child: anything inside the
 * button would join its accessible name.
 */
import type { StepState, StepView } from '../../../electron/api/contract';
import { elapsedMs, formatDuration, formatEstimate, statusLabels } from '../lib/format';
import { StatusIcon } from './StatusIcon';

interface StepListItemProps {
  step: StepView;
  state: StepState | undefined;
  selected: boolean;
  /** The one step reachable with Tab; arrow keys reach the others. */
  focusable: boolean;
  now: number;
  /** Whether a step that has not started shows how long it usually takes. */
  showEstimate: boolean;
  onSelect(id: string): void;
}

export function StepListItem({ step, state, selected, focusable, now, showEstimate, onSelect }: StepListItemProps) {
  const status = state?.status ?? 'pending';
  const elapsed = elapsedMs(state, now);
  const estimate = showEstimate ? formatEstimate(step.estimateSeconds) : null;
  const detailId = `step-detail-${step.id}`;
  return (
    <li>
      <button
        type="button"
        className={`step status-${status}`}
        data-step-id={step.id}
        aria-current={selected ? 'step' : undefined}
        aria-describedby={detailId}
        tabIndex={focusable ? 0 : -1}
        onClick={() => onSelect(step.id)}
      >
        <StatusIcon status={status} />
        <span className="step-title">{step.title}</span>
      </button>
      <span id={detailId} className="step-meta">
        <span className="visually-hidden">{statusLabels[status]}</span>
        {elapsed !== null ? <span className="elapsed">{formatDuration(elapsed)}</span> : null}
        {/* One figure keeps the column narrow: time taken once started, the estimate before. */}
        {elapsed === null && estimate ? <span className="estimate">{estimate}</span> : null}
      </span>
    </li>
  );
}
