/**
 * The lab's progress on disk: `state.json` in the data directory. It is a cache of what the
 * world looks like (the engine re-checks every step on start), so losing it costs time, not
 * correctness; that is why a file that cannot be read is moved aside rather than refused.
 * Inputs are kept; secrets never are (the inputs schema has no secret fields and drops unknown keys).
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { stepStateSchema } from '../../api/contract';
import { partialLabInputsSchema } from '../../api/inputs';
import { writeFileAtomicSync } from './atomic-write';
import { migrate } from './migrations';

export const STATE_SCHEMA_VERSION = 2;
export const STATE_FILE_NAME = 'state.json';

export const labStateSchema = z.object({
  schemaVersion: z.literal(STATE_SCHEMA_VERSION),
  createdAt: z.string(),
  updatedAt: z.string(),
  inputs: partialLabInputsSchema,
  steps: z.record(z.string(), stepStateSchema),
});
export type LabState = z.infer<typeof labStateSchema>;

export interface LoadResult {
  state: LabState;
  /** Set when the file was missing parts, migrated or unusable: said to the person once. */
  notice?: string;
}

export interface StateStore {
  readonly file: string;
  load(): LoadResult;
  save(state: LabState): void;
}

export function createStateStore(dataDir: string, now: () => Date = () => new Date()): StateStore {
  const file = path.join(dataDir, STATE_FILE_NAME);

  function fresh(): LabState {
    const at = now().toISOString();
    return { schemaVersion: STATE_SCHEMA_VERSION, createdAt: at, updatedAt: at, inputs: {}, steps: {} };
  }

  function moveAside(label: 'corrupt' | 'newer', reason: string): LoadResult {
    const stamp = now().toISOString().replace(/[:.]/g, '-');
    const aside = `${file}.${label}-${stamp}`;
    fs.renameSync(file, aside);
    return { state: fresh(), notice: `${reason}; it was moved to ${aside} and the lab starts from a fresh state (each step is re-checked).` };
  }

  return {
    file,
    load() {
      removeStaleTempFiles(dataDir);
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: fresh() };
        throw error;
      }
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch {
        return moveAside('corrupt', `The saved state ${file} is not valid JSON`);
      }
      if (typeof raw !== 'object' || raw === null || !Number.isInteger((raw as { schemaVersion?: unknown }).schemaVersion)) {
        return moveAside('corrupt', `The saved state ${file} has no schema version`);
      }
      const version = (raw as { schemaVersion: number }).schemaVersion;
      if (version > STATE_SCHEMA_VERSION) {
        return moveAside('newer', `The saved state ${file} was written by a newer version of the app (schema ${version})`);
      }
      let migrated: Record<string, unknown>;
      try {
        migrated = migrate(raw as Record<string, unknown>, STATE_SCHEMA_VERSION);
      } catch (error) {
        return moveAside('corrupt', `The saved state ${file} could not be upgraded (${(error as Error).message})`);
      }
      const parsed = labStateSchema.safeParse(migrated);
      if (!parsed.success) {
        return moveAside('corrupt', `The saved state ${file} is damaged (${parsed.error.issues[0]?.message ?? 'invalid'})`);
      }
      return version < STATE_SCHEMA_VERSION
        ? { state: parsed.data, notice: `Upgraded the saved state from schema ${version} to ${STATE_SCHEMA_VERSION}.` }
        : { state: parsed.data };
    },
    save(state) {
      const toWrite: LabState = { ...state, updatedAt: now().toISOString() };
      writeFileAtomicSync(file, `${JSON.stringify(toWrite, null, 2)}\n`);
    },
  };
}

/**
 * A process killed between writing the temp file and renaming it leaves `.state.json.*.tmp`
 * behind; it never holds the only copy of anything (the rename did not happen), so it goes.
 */
function removeStaleTempFiles(dataDir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dataDir);
  } catch {
    return;
  }
  for (const name of names) {
    if (name.startsWith(`.${STATE_FILE_NAME}.`) && name.endsWith('.tmp')) fs.rmSync(path.join(dataDir, name), { force: true });
  }
}
