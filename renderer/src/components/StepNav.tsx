/**
 * The left column: phases and their steps. Each step is a button named exactly by its title;
 * its status and timing sit in a described-by element so screen readers hear them after the
 * name without changing it. Arrow keys move between steps (one tab stop for the whole list).
 */
import { useRef } from 'react';
import { phaseStatus } from '../lib/step-status';
import { StatusIcon } from './StatusIcon';
import { StepListItem } from './StepListItem';
import { useLabState } from './lab-context';
import { useNow } from './useNow';
import { useStepListKeys } from './useStepListKeys';

export function StepNav() {
  const snapshot = useLabState((s) => s.snapshot);
  const selected = useLabState((s) => s.selectedStepId);
  const select = useLabState((s) => s.select);
  const listRef = useRef<HTMLElement>(null);
  const onKeyDown = useStepListKeys(listRef, select);
  const anyRunning = snapshot ? Object.values(snapshot.steps).some((s) => s.status === 'running') : false;
  const now = useNow(anyRunning);

  if (!snapshot) return <nav aria-label="Lab steps" className="nav" />;
  const firstId = snapshot.phases[0]?.steps[0]?.id;

  return (
    <nav aria-label="Lab steps" className="nav" ref={listRef} onKeyDown={onKeyDown}>
      {snapshot.phases.map((phase) => (
        <div key={phase.id} role="group" className="phase" aria-labelledby={`phase-${phase.id}`}>
          <h2 id={`phase-${phase.id}`} className="phase-title">
            <StatusIcon status={phaseStatus(phase.steps, snapshot.steps)} />
            {phase.title}
          </h2>
          <ul>
            {phase.steps.map((step) => (
              <StepListItem
                key={step.id}
                step={step}
                state={snapshot.steps[step.id]}
                selected={step.id === selected}
                focusable={step.id === (selected ?? firstId)}
                now={now}
                showEstimate
                onSelect={select}
              />
            ))}
          </ul>
        </div>
      ))}
    </nav>
  );
}
