import type { Snapshot, StepView } from '../../../electron/api/contract';
import { useLabState } from './lab-context';

/**
 * The selected step if it is one of `stepsOf(snapshot)`, with its state and status, so a card
 * shows only the steps it knows how to show (lab steps or teardown steps).
 */
export function useSelectedStep(stepsOf: (snapshot: Snapshot | null) => StepView[]) {
  const snapshot = useLabState((s) => s.snapshot);
  const selected = useLabState((s) => s.selectedStepId);
  const step = stepsOf(snapshot).find((s) => s.id === selected);
  const state = step ? snapshot?.steps[step.id] : undefined;
  return { snapshot, step, state, status: state?.status ?? 'pending' };
}
