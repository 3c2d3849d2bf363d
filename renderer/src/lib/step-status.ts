/** Rules that turn step statuses into what the UI offers and shows. */
import type { StepState, StepStatus, StepView } from '../../../electron/api/contract';
import { secretNames, type SecretName } from '../../../electron/api/inputs';

export interface ActionAvailability {
  run: boolean;
  retry: boolean;
  skip: boolean;
  cancel: boolean;
}

/** Which of Run / Retry / Skip / Cancel make sense for a step in this status. */
export function availableActions(status: StepStatus): ActionAvailability {
  return {
    run: status === 'pending',
    retry: status === 'failed' || status === 'cancelled' || status === 'skipped',
    skip: status === 'pending' || status === 'blocked' || status === 'failed' || status === 'cancelled',
    cancel: status === 'running',
  };
}

/** A phase is as far along as its steps; running or failed wins so it stands out. */
export function phaseStatus(steps: Pick<StepView, 'id'>[], states: Record<string, StepState>): StepStatus {
  const statuses = steps.map((s) => states[s.id]?.status ?? 'pending');
  for (const s of ['running', 'failed', 'cancelled'] as const) if (statuses.includes(s)) return s;
  if (statuses.length > 0 && statuses.every((s) => s === 'succeeded' || s === 'skipped')) return 'succeeded';
  if (statuses.some((s) => s === 'succeeded' || s === 'skipped')) return 'running';
  return 'pending';
}

/** Secrets a step's commands receive, so the card can ask for them where they are needed. */
export function secretsFor(step: Pick<StepView, 'commands'>): SecretName[] {
  const names = new Set(step.commands.flatMap((c) => c.env ?? []));
  return secretNames.filter((n) => names.has(n));
}
