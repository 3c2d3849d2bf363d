/**
 * Writes the scaffold into the local clone without ever losing the person's work.
 *
 * What the app wrote is recorded (content hashes) in `.gitops-lab/scaffold.json`, committed
 * with the files. On a rerun, for each scaffold file:
 *  - content already as desired: left alone (no rewrite, so no empty commit);
 *  - content still what the app last wrote: replaced by the new version;
 *  - anything else (edited, deleted, or a file the app never wrote): a conflict, with a unified
 *    diff from the current content to the app's version. Nothing is written while conflicts
 *    are unanswered. The person answers per file (`keep` theirs, or `replace` it with the lab's),
 *    and an answer holds only for the version it was given for (its sha256), so a file edited
 *    again is asked about again. Replacing first copies their version to a backup file beside
 *    it (`FILE.mine`, never over an existing backup), and their version is also in the clone's
 *    history, since uncommitted files are refused below.
 * Edits the app makes to scaffold files outside the scaffold (the cleanup's commented-out
 * `- cluster.yaml`) are not in that record: the cleanup keeps its own list of them in the app's
 * data folder (`lab-edits.json`, see recordLabEdit), as "this version came from the app's version
 * by the app's edit". A file holding such a version is the app's own, so the next `lab up` puts
 * the scaffold's version back (which recreates the GKE cluster, as `lab up` means); a version the
 * person changed after the cleanup, or before it, is theirs and asked about as any other.
 *
 * The clone must have no uncommitted changes in the files the scaffold touches, apart from the
 * app's own not-yet-committed writes.
 */
import { createHash } from 'node:crypto';
import { existsSync, promises as fs, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LabInputs, ScaffoldDecision } from '../../api/inputs';
import type { Runner } from '../run/runner';
import { scaffoldFiles, sealedSecretPaths } from './scaffold';
import { unifiedDiff } from './unified-diff';

export const SCAFFOLD_RECORD = '.gitops-lab/scaffold.json';

export interface ScaffoldWriteOptions {
  runner: Runner;
  /** Value of the `lab` label on cloud resources (see ScaffoldOptions). */
  session?: string;
  /** Conflicting files (at the version given) the person agreed to replace with the app's version. */
  replace?: readonly ScaffoldDecision[];
  /** Conflicting files (at the version given) the person keeps as they are. */
  keep?: readonly ScaffoldDecision[];
  /** No one to ask: conflicts are an error. */
  headless?: boolean;
  /** Edits the app itself made to scaffold files outside the scaffold (readLabEdits). */
  labEdits?: readonly LabEdit[];
}

/** One edit the app made to a scaffold file: content hashes (contentHash) of the file before and after it. */
export interface LabEdit {
  file: string;
  before: string;
  after: string;
}

export const LAB_EDITS_FILE = 'lab-edits.json';

/** The app's own edits recorded in `dataDir`; an unreadable list counts as empty (files then conflict, which is safe). */
export function readLabEdits(dataDir: string): LabEdit[] {
  try {
    const parsed = JSON.parse(readFileSync(path.join(dataDir, LAB_EDITS_FILE), 'utf8')) as { edits?: unknown };
    if (!Array.isArray(parsed.edits)) return [];
    return parsed.edits.filter((e): e is LabEdit => typeof e?.file === 'string' && typeof e?.before === 'string' && typeof e?.after === 'string');
  } catch {
    return [];
  }
}

/** Records that the app turned `before` into `after` in `file` (repository path); a no-op edit records nothing. */
export function recordLabEdit(dataDir: string, file: string, before: string, after: string): void {
  const edit: LabEdit = { file, before: contentHash(before), after: contentHash(after) };
  if (edit.before === edit.after) return;
  const edits = readLabEdits(dataDir);
  if (edits.some((e) => e.file === edit.file && e.before === edit.before && e.after === edit.after)) return;
  mkdirSync(dataDir, { recursive: true });
  const target = path.join(dataDir, LAB_EDITS_FILE);
  // Written aside and renamed, so a crash never leaves half a list.
  writeFileSync(`${target}.tmp`, JSON.stringify({ version: 1, edits: [...edits, edit] }, null, 2) + '\n');
  renameSync(`${target}.tmp`, target);
}

/** Every version of `file` that is the app's own: what it last wrote, and whatever its recorded edits made of those. */
function appVersions(file: string, written: string | undefined, edits: readonly LabEdit[]): Set<string> {
  const versions = new Set<string>(written ? [written] : []);
  for (let grew = true; grew; ) {
    grew = false;
    for (const edit of edits) {
      if (edit.file !== file || !versions.has(edit.before) || versions.has(edit.after)) continue;
      versions.add(edit.after);
      grew = true;
    }
  }
  return versions;
}

export type ConflictReason = 'edited' | 'deleted' | 'not-written-by-the-app';

export interface ScaffoldConflict {
  file: string;
  reason: ConflictReason;
  /** From the file as it is to the app's version. */
  diff: string;
  /** `versionHash` of the file as it is: the hash an answer must carry. */
  sha256: string;
  /** Where the person's version goes if they take the lab's; absent for a deleted file. */
  backup?: string;
}

export interface ScaffoldWriteResult {
  written: string[];
  unchanged: string[];
  kept: string[];
  /** Files an edit of the app's own (the cleanup's) had changed, put back to the scaffold's version; also in `written`. */
  restored: string[];
  /** Files replaced by the lab's version at the person's request, with where their version went. */
  replaced: Array<{ file: string; backup?: string }>;
  /** Non-empty means nothing was written: answer with `replace` or `keep`. */
  conflicts: ScaffoldConflict[];
}

export class ScaffoldConflictError extends Error {
  /** What a headless run needs: the lab.yaml keys to set, ready to paste. */
  readonly hint: string;
  constructor(readonly conflicts: ScaffoldConflict[]) {
    super(
      `refusing to overwrite files changed outside the app: ${conflicts.map((c) => c.file).join(', ')}. ` +
        'Nothing was written. Choose per file: keep your version, or use the lab\'s (yours is kept as a backup beside it).',
    );
    this.name = 'ScaffoldConflictError';
    this.hint = decisionsHint(conflicts);
  }
}

/** The `scaffold:` section of lab.yaml that answers these conflicts, one answer per file to pick. */
function decisionsHint(conflicts: ScaffoldConflict[]): string {
  const entries = conflicts.map((c) => `    - file: ${c.file}\n      sha256: ${c.sha256}`);
  return [
    'In the app, choose per file on this step\'s card. In lab.yaml (lab up), list each file under scaffold.keep (leave yours as it is) or scaffold.replace (take the lab\'s; yours is kept beside it as FILE.mine), then rerun:',
    'scaffold:',
    '  keep:',
    ...entries,
    '  replace: []',
  ].join('\n');
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

/** The version an answer refers to: the hex sha256 of the file's content, or `absent`. */
export function versionHash(content: string | undefined): string {
  return content === undefined ? 'absent' : createHash('sha256').update(content).digest('hex');
}

/** The first free `FILE.mine`, `FILE.mine-2`, ...; an existing backup with the same content is reused. */
async function backupPath(repoDir: string, file: string, content: string): Promise<string> {
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? `${file}.mine` : `${file}.mine-${n}`;
    const existing = await readIfExists(path.join(repoDir, candidate));
    if (existing === undefined || existing === content) return candidate;
  }
}

const answered = (decisions: readonly ScaffoldDecision[] | undefined, file: string, hash: string): boolean =>
  (decisions ?? []).some((d) => d.file === file && d.sha256 === hash);

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

  const ownVersions = new Map([...desired.keys()].map((file) => [file, appVersions(file, record.files[file], options.labEdits ?? [])]));
  await refuseUncommitted(repoDir, [...desired.keys()], current, ownVersions, options.runner);

  const result: ScaffoldWriteResult = { written: [], unchanged: [], kept: [], restored: [], replaced: [], conflicts: [] };
  const toWrite: string[] = [];
  const toReplace: string[] = [];
  for (const [file, content] of desired) {
    const now = current.get(file);
    if (now === content) {
      result.unchanged.push(file);
      continue;
    }
    const ours = record.files[file];
    const untouched = now === undefined ? ours === undefined : ours !== undefined && ownVersions.get(file)!.has(contentHash(now));
    if (untouched) {
      if (now !== undefined && contentHash(now) !== ours) result.restored.push(file);
      toWrite.push(file);
      continue;
    }
    const hash = versionHash(now);
    const keep = answered(options.keep, file, hash);
    const replace = answered(options.replace, file, hash);
    // Both answers for one version contradict each other: ask again rather than guess.
    if (keep && !replace) {
      result.kept.push(file);
    } else if (replace && !keep) {
      toReplace.push(file);
    } else {
      const reason: ConflictReason = now === undefined ? 'deleted' : ours === undefined ? 'not-written-by-the-app' : 'edited';
      const conflict: ScaffoldConflict = { file, reason, diff: unifiedDiff(file, now, content), sha256: hash };
      if (now !== undefined) conflict.backup = await backupPath(repoDir, file, now);
      result.conflicts.push(conflict);
    }
  }
  if (result.conflicts.length > 0) {
    if (options.headless) throw new ScaffoldConflictError(result.conflicts);
    return result;
  }

  // The person's versions are copied aside before anything is overwritten.
  for (const file of toReplace) {
    const theirs = current.get(file);
    if (theirs === undefined) {
      result.replaced.push({ file });
      continue;
    }
    const backup = await backupPath(repoDir, file, theirs);
    await fs.writeFile(path.join(repoDir, backup), theirs);
    result.replaced.push({ file, backup });
  }
  const nextRecord: ScaffoldRecord = { version: 1, files: { ...record.files } };
  for (const file of [...toWrite, ...toReplace, ...result.unchanged]) nextRecord.files[file] = contentHash(desired.get(file)!);
  for (const file of [...toWrite, ...toReplace]) {
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
async function refuseUncommitted(repoDir: string, files: string[], current: Map<string, string | undefined>, ownVersions: Map<string, Set<string>>, runner: Runner): Promise<void> {
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
      return !(now !== undefined && ownVersions.get(file)?.has(contentHash(now)));
    });
  if (dirty.length > 0) throw new UncommittedChangesError([...new Set(dirty)].sort());
}
