/** Small text formatters for durations and estimates shown next to steps. */
import type { StepState, StepStatus } from '../../../electron/api/contract';

/** `0:41`, `12:05`, `1:02:03`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Estimates are only worth showing for steps long enough to make someone wonder: `~10 min`. */
export function formatEstimate(seconds: number): string | null {
  if (seconds < 60) return null;
  return `~${Math.round(seconds / 60)} min`;
}

/** Elapsed time of a running or finished step, or null when it has not started. */
export function elapsedMs(state: StepState | undefined, now: number): number | null {
  if (!state?.startedAt) return null;
  const start = Date.parse(state.startedAt);
  if (Number.isNaN(start)) return null;
  if (state.status === 'running') return now - start;
  const end = state.endedAt ? Date.parse(state.endedAt) : NaN;
  return Number.isNaN(end) ? null : end - start;
}

export const statusLabels: Record<StepStatus, string> = {
  pending: 'Not started',
  blocked: 'Waiting for earlier steps',
  running: 'Running',
  succeeded: 'Done',
  failed: 'Failed',
  skipped: 'Skipped',
  cancelled: 'Cancelled',
};

export const statusIcons: Record<StepStatus, string> = {
  pending: '○',
  blocked: '◌',
  running: '●',
  succeeded: '✔',
  failed: '✖',
  skipped: '↷',
  cancelled: '■',
};
