/**
 * Writes the scaffold into the local clone without ever losing the person's work.
 *
 * What the app wrote is recorded (content hashes) in `.gitops-lab/scaffold.json`, committed
 * with the files. On a rerun, for each scaffold file:
 *  - content already as desired: left alone (no rewrite, so no empty commit);
 *  - content still what the app last wrote: replaced by the new version;
 *  - anything else (edited, deleted, or a file the app never wrote): a conflict, with a unified
 *    diff from the current content to the app's version. Nothing is written while conflicts
 *    are unanswered: the UI asks and calls again with `overwrite` / `keep`; headless mode
 *    refuses with an error naming the files.
 * Edits the app makes outside the scaffold (the cleanup's commented-out `- cluster.yaml`) are
 * deliberately not recorded: rewriting them back would recreate the GKE cluster.
 *
 * The clone must have no uncommitted changes in the files the scaffold touches, apart from the
 * app's own not-yet-committed writes.
 */
import { createHash } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import type { LabInputs } from '../../api/inputs';
import type { Runner } from '../run/runner';
import { scaffoldFiles, sealedSecretPaths } from './scaffold';
import { unifiedDiff } from './unified-diff';

export const SCAFFOLD_RECORD = '.gitops-lab/scaffold.json';

export interface ScaffoldWriteOptions {
  runner: Runner;
  /** Value of the `lab` label on cloud resources (see ScaffoldOptions). */
  session?: string;
  /** Conflicting files the person agreed to replace with the app's version. */
  overwrite?: readonly string[];
  /** Conflicting files the person keeps as they are. */
  keep?: readonly string[];
  /** No one to ask: conflicts are an error. */
  headless?: boolean;
}

export type ConflictReason = 'edited' | 'deleted' | 'not-written-by-the-app';

export interface ScaffoldConflict {
  file: string;
  reason: ConflictReason;
  /** From the file as it is to the app's version. */
  diff: string;
}

export interface ScaffoldWriteResult {
  written: string[];
  unchanged: string[];
  kept: string[];
  /** Non-empty means nothing was written: answer with `overwrite` or `keep`. */
  conflicts: ScaffoldConflict[];
}

export class ScaffoldConflictError extends Error {
  constructor(readonly conflicts: ScaffoldConflict[]) {
    super(
      `refusing to overwrite files changed outside the app: ${conflicts.map((c) => c.file).join(', ')}. ` +
        'Commit or revert your changes to them, or run interactively to choose per file.',
    );
    this.name = 'ScaffoldConflictError';
  }
}

export class UncommittedChangesError extends Error {
  constructor(readonly files: string[]) {
    super(`the clone has uncommitted changes to files the scaffold writes: ${files.join(', ')}. Commit or discard them first.`);
    this.name = 'UncommittedChangesError';
  }
}

interface ScaffoldRecord {
  version: 1;
  /** Repository path -> sha256 of the content the app last wrote there. */
  files: Record<string, string>;
}

export function contentHash(content: string): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

export async function writeScaffold(repoDir: string, inputs: LabInputs, options: ScaffoldWriteOptions): Promise<ScaffoldWriteResult> {
  const sealedPaths = sealedSecretPaths(inputs);
  const sealed = {
    gcpCreds: existsSync(path.join(repoDir, sealedPaths.gcpCreds)),
    grafana: existsSync(path.join(repoDir, sealedPaths.grafana)),
  };
  const desired = scaffoldFiles(inputs, { sealed, ...(options.session ? { session: options.session } : {}) });
  const record = await readRecord(repoDir);
  const current = new Map<string, string | undefined>();
  for (const file of desired.keys()) current.set(file, await readIfExists(path.join(repoDir, file)));

  await refuseUncommitted(repoDir, [...desired.keys()], current, record, options.runner);

  const overwrite = new Set(options.overwrite ?? []);
  const keep = new Set(options.keep ?? []);
  const result: ScaffoldWriteResult = { written: [], unchanged: [], kept: [], conflicts: [] };
  const toWrite: string[] = [];
  for (const [file, content] of desired) {
    const now = current.get(file);
    if (now === content) {
      result.unchanged.push(file);
      continue;
    }
    const ours = record.files[file];
    const untouched = now === undefined ? ours === undefined : ours !== undefined && contentHash(now) === ours;
    if (untouched || overwrite.has(file)) {
      toWrite.push(file);
    } else if (keep.has(file)) {
      result.kept.push(file);
    } else {
      const reason: ConflictReason = now === undefined ? 'deleted' : ours === undefined ? 'not-written-by-the-app' : 'edited';
      result.conflicts.push({ file, reason, diff: unifiedDiff(file, now, content) });
    }
  }
  if (result.conflicts.length > 0) {
    if (options.headless) throw new ScaffoldConflictError(result.conflicts);
    return result;
  }

  const nextRecord: ScaffoldRecord = { version: 1, files: { ...record.files } };
  for (const file of [...toWrite, ...result.unchanged]) nextRecord.files[file] = contentHash(desired.get(file)!);
  for (const file of toWrite) {
    const target = path.join(repoDir, file);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, desired.get(file)!);
    result.written.push(file);
  }
  const recordText = serializeRecord(nextRecord);
  if ((await readIfExists(path.join(repoDir, SCAFFOLD_RECORD))) !== recordText) {
    await fs.mkdir(path.join(repoDir, path.dirname(SCAFFOLD_RECORD)), { recursive: true });
    await fs.writeFile(path.join(repoDir, SCAFFOLD_RECORD), recordText);
  }
  return result;
}

function serializeRecord(record: ScaffoldRecord): string {
  const files = Object.fromEntries(Object.keys(record.files).sort().map((key) => [key, record.files[key]]));
  return JSON.stringify({ version: record.version, files }, null, 2) + '\n';
}

async function readRecord(repoDir: string): Promise<ScaffoldRecord> {
  const text = await readIfExists(path.join(repoDir, SCAFFOLD_RECORD));
  if (text === undefined) return { version: 1, files: {} };
  try {
    const parsed = JSON.parse(text) as Partial<ScaffoldRecord>;
    if (parsed && typeof parsed.files === 'object' && parsed.files !== null) return { version: 1, files: parsed.files };
  } catch {
    // An unreadable record means no file can be proven to be the app's: all differing files conflict.
  }
  return { version: 1, files: {} };
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** `git status` of the scaffold's paths; the app's own uncommitted writes do not count. */
async function refuseUncommitted(repoDir: string, files: string[], current: Map<string, string | undefined>, record: ScaffoldRecord, runner: Runner): Promise<void> {
  const { stdout } = await runner.run({ argv: ['git', 'status', '--porcelain=v1', '-z', '--untracked-files=all', '--', ...files], cwd: repoDir });
  const entries = stdout.split('\0');
  const changed: string[] = [];
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if (entry.length <= 3) continue;
    changed.push(entry.slice(3));
    // A rename or copy is followed by its source path, which has no status of its own.
    if (entry[0] === 'R' || entry[0] === 'C') i++;
  }
  const dirty = changed
    .filter((file) => {
      const now = current.get(file);
      return !(now !== undefined && record.files[file] === contentHash(now));
    });
  if (dirty.length > 0) throw new UncommittedChangesError([...new Set(dirty)].sort());
}
