/** The main panel: the selected step's title, why it exists, and what it will do. */
import { allSteps } from '../store';
import { useLabState } from './lab-context';
import { statusLabels } from '../lib/format';

export function StepCard() {
  const snapshot = useLabState((s) => s.snapshot);
  const selected = useLabState((s) => s.selectedStepId);
  const step = allSteps(snapshot).find((s) => s.id === selected);
  if (!snapshot || !step) return <main className="card" />;
  const state = snapshot.steps[step.id];
  const status = state?.status ?? 'pending';
  return (
    <main className="card" aria-labelledby="card-title">
      <h2 id="card-title">{step.title}</h2>
      <p className={`card-status status-${status}`}>{statusLabels[status]}</p>
      <p className="why">{step.why}</p>
    </main>
  );
}
