/** A step card's head: the step's title, how long it has run or took, and how long it usually takes. */
import type { StepState } from '../../../electron/api/contract';
import { elapsedMs, formatDuration, formatEstimate } from '../lib/format';
import { useNow } from './useNow';

interface StepCardHeaderProps {
  title: string;
  state: StepState | undefined;
  estimateSeconds: number;
}

export function StepCardHeader({ title, state, estimateSeconds }: StepCardHeaderProps) {
  const running = state?.status === 'running';
  const now = useNow(running);
  const elapsed = elapsedMs(state, now);
  const estimate = formatEstimate(estimateSeconds);
  return (
    <div className="card-head">
      <h2 id="card-title">{title}</h2>
      <p className="card-timing">
        {elapsed !== null ? <span>{running ? 'Running for' : 'Took'} {formatDuration(elapsed)}</span> : null}
        {elapsed !== null && estimate ? ' · ' : null}
        {estimate ? <span>usually {estimate}</span> : null}
      </p>
    </div>
  );
}
