/**
 * `lab status`: the engine's snapshot as a table for people or JSON for scripts, showing the
 * same steps, in the same order, as the wizard's step list.
 */
import type { Snapshot, StepState } from '../../api/contract';

export interface StepStatusRow {
  phase: string;
  title: string;
  status: StepState['status'];
  attempts: number;
  startedAt?: string;
  endedAt?: string;
  error?: string;
  skipReason?: string;
  outputs?: Record<string, string>;
}

export interface StatusJson {
  version: string;
  rehearsal: boolean;
  steps: Record<string, StepStatusRow>;
  /** The teardown steps (`lab down`), in their order. */
  teardown: Record<string, StepStatusRow>;
}

const PENDING: StepState = { status: 'pending', attempts: 0 };

export function statusJson(snapshot: Snapshot): StatusJson {
  const steps: Record<string, StepStatusRow> = {};
  for (const phase of snapshot.phases) {
    for (const step of phase.steps) {
      steps[step.id] = row(phase.id, step.title, snapshot.steps[step.id] ?? PENDING);
    }
  }
  const teardown: Record<string, StepStatusRow> = {};
  for (const step of snapshot.cleanup?.steps ?? []) teardown[step.id] = row(step.phase, step.title, snapshot.steps[step.id] ?? PENDING);
  return { version: snapshot.version, rehearsal: snapshot.rehearsal, steps, teardown };
}

function row(phase: string, title: string, state: StepState): StepStatusRow {
  return {
    phase,
    title,
    status: state.status,
    attempts: state.attempts,
    ...(state.startedAt ? { startedAt: state.startedAt } : {}),
    ...(state.endedAt ? { endedAt: state.endedAt } : {}),
    ...(state.error ? { error: state.error.message } : {}),
    ...(state.skipReason ? { skipReason: state.skipReason } : {}),
    ...(state.outputs ? { outputs: state.outputs } : {}),
  };
}

/** Phase headings, then one aligned line per step (the teardown's last): id, title, status and why it failed or was skipped. */
export function statusTable(snapshot: Snapshot): string {
  const teardownSteps = snapshot.cleanup?.steps ?? [];
  const rows = [...snapshot.phases.flatMap((phase) => phase.steps), ...teardownSteps].map((step) => {
    const state = snapshot.steps[step.id] ?? PENDING;
    return { id: step.id, title: step.title, status: state.status, note: state.error?.message ?? state.skipReason ?? '' };
  });
  const idWidth = Math.max(4, ...rows.map((r) => r.id.length));
  const titleWidth = Math.max(5, ...rows.map((r) => r.title.length));
  const line = (id: string, title: string, status: string, note: string) =>
    `  ${id.padEnd(idWidth)}  ${title.padEnd(titleWidth)}  ${note ? `${status.padEnd(9)}  ${note}` : status}`.trimEnd();

  const out: string[] = [];
  if (snapshot.rehearsal) out.push('Rehearsal: the outside world is simulated.', '');
  out.push(line('STEP', 'TITLE', 'STATUS', ''));
  for (const phase of snapshot.phases) {
    out.push(phase.title);
    for (const step of phase.steps) {
      const row = rows.find((r) => r.id === step.id)!;
      out.push(line(row.id, row.title, row.status, firstLine(row.note)));
    }
  }
  if (teardownSteps.length > 0) {
    out.push('Teardown (lab down)');
    for (const step of teardownSteps) {
      const row = rows.find((r) => r.id === step.id)!;
      out.push(line(row.id, row.title, row.status, firstLine(row.note)));
    }
  }
  return out.join('\n') + '\n';
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? '';
}
