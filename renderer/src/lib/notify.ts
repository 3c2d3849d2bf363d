/**
 * Which step transitions deserve a desktop notification: a long step (estimated at a minute or
 * more, long enough that the person has probably switched windows) that just ended. Pure; the
 * component that shows them deals with the browser's permission.
 */
import type { Snapshot, StepStatus } from '../../../electron/api/contract';

/** Steps shorter than this end before anyone looks away. */
export const NOTIFY_MIN_ESTIMATE_SECONDS = 60;

export interface StepNotice {
  stepId: string;
  title: string;
  body: string;
}

const ENDINGS: Partial<Record<StepStatus, string>> = { succeeded: 'finished', failed: 'failed' };

export function stepEndNotices(before: Snapshot | null, after: Snapshot | null): StepNotice[] {
  // The first snapshot (or one read again after a reconnect) says nothing about what just ended.
  if (!before || !after) return [];
  const notices: StepNotice[] = [];
  for (const phase of after.phases) {
    for (const step of phase.steps) {
      if (step.estimateSeconds < NOTIFY_MIN_ESTIMATE_SECONDS) continue;
      const was = before.steps[step.id]?.status;
      const now = after.steps[step.id];
      const ending = now ? ENDINGS[now.status] : undefined;
      if (was !== 'running' || !ending || !now) continue;
      notices.push({
        stepId: step.id,
        title: `${step.title} ${ending}`,
        body: now.status === 'failed' ? (now.error?.message ?? 'Open GitOps Lab to see why.') : 'Open GitOps Lab for the next step.',
      });
    }
  }
  return notices;
}
