/**
 * Upgrades a state file written by an older version of the app, one schema version at a time,
 * so a person who updates the app mid-lab keeps their progress.
 *
 * v1 (first releases): `savedAt` only, step status `done` for a finished step, errors as plain
 * strings. v2: `createdAt`/`updatedAt`, status `succeeded` (the LabApi's word), structured
 * errors (`{message}`) that can carry the failing command and exit code.
 */
export type Migration = (state: Record<string, unknown>) => Record<string, unknown>;

/** `migrations[n]` turns a version-n state into a version-(n+1) state. */
export const migrations: Record<number, Migration> = {
  1: (v1) => {
    const steps: Record<string, unknown> = {};
    const oldSteps = isRecord(v1.steps) ? v1.steps : {};
    for (const [id, value] of Object.entries(oldSteps)) {
      if (!isRecord(value)) continue;
      const { error, status, ...rest } = value;
      steps[id] = {
        ...rest,
        status: status === 'done' ? 'succeeded' : status,
        ...(typeof error === 'string' ? { error: { message: error } } : isRecord(error) ? { error } : {}),
      };
    }
    const savedAt = typeof v1.savedAt === 'string' ? v1.savedAt : new Date(0).toISOString();
    return { schemaVersion: 2, createdAt: savedAt, updatedAt: savedAt, inputs: v1.inputs ?? {}, steps };
  },
};

export function migrate(state: Record<string, unknown>, target: number): Record<string, unknown> {
  let current = state;
  let version = Number(current.schemaVersion);
  while (version < target) {
    const step = migrations[version];
    if (!step) throw new Error(`no migration from state schema version ${version}`);
    current = step(current);
    const next = Number(current.schemaVersion);
    if (next !== version + 1) throw new Error(`migration from version ${version} produced version ${next}`);
    version = next;
  }
  return current;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
