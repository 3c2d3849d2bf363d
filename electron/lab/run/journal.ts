/**
 * The journal: every command the lab ran, append-only, in `journal.jsonl`.
 *
 * API: const journal = openJournal(dir, { masker? });
 *      const seq = journal.start({ stepId, ...spec });   // when a command starts
 *      journal.finish(seq, resultOrCommandError);          // when it ends
 *      journal.list() -> JournalRecord[]                   // merged, oldest first
 *      exportScript(entries, stepTitles) -> a bash script that replays the lab by hand
 *
 * Each event is one appended JSON line (a start record, later a completion record), written
 * synchronously so the journal survives a crash; a torn last line is ignored on read.
 * Argument values are masked with `${NAME}` placeholders for named secrets (`***` otherwise);
 * of the environment only the variable names are kept.
 *
 * For a pipeline `a | b | c` the entry's argv is the last command and pipeFrom the one before
 * it (as in the contract's CommandView); `pipeline` holds every stage for the exported script.
 */
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { journalEntrySchema, type JournalEntry } from '../../api/contract';
import type { SecretMasker } from './mask';
import { formatCommand, placeholdersIn } from './shellQuote';
import type { CommandSpec } from './types';

export const JOURNAL_FILE = 'journal.jsonl';

export interface JournalRecord extends JournalEntry {
  /** Every stage of a pipeline, in order (argv is the last, pipeFrom the one before it). */
  pipeline?: string[][];
  /** The tutorial's `> file`. */
  outputFile?: string;
}

export type JournalStart = { stepId: string } & Pick<CommandSpec, 'argv' | 'pipeTo' | 'env' | 'cwd' | 'outputFile'>;

export interface JournalOutcome {
  exitCode?: number | null;
  signal?: string | null;
  executable?: string;
}

export interface Journal {
  readonly file: string;
  start(entry: JournalStart): number;
  finish(seq: number, outcome: JournalOutcome): void;
  list(): JournalRecord[];
}

export interface JournalOptions {
  masker?: SecretMasker;
  now?: () => Date;
}

export function openJournal(dir: string, options: JournalOptions = {}): Journal {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, JOURNAL_FILE);
  const now = options.now ?? (() => new Date());
  const hide = (text: string): string => options.masker?.maskAsPlaceholders(text) ?? text;
  sealTornLine(file);
  let nextSeq = readJournal(file).reduce((max, entry) => Math.max(max, entry.seq), 0) + 1;

  const append = (record: object): void => {
    appendFileSync(file, JSON.stringify(record) + '\n', { mode: 0o600 });
  };

  return {
    file,
    start(entry) {
      const seq = nextSeq++;
      const stages = [entry.argv, ...(entry.pipeTo ?? []).map((stage) => stage.argv)].map((argv) => argv.map(hide));
      const envNames = new Set(Object.keys(entry.env ?? {}));
      for (const stage of entry.pipeTo ?? []) for (const name of Object.keys(stage.env ?? {})) envNames.add(name);
      const record: JournalRecord = {
        seq,
        stepId: entry.stepId,
        argv: stages[stages.length - 1]!,
        ...(stages.length > 1 ? { pipeFrom: stages[stages.length - 2]!, pipeline: stages } : {}),
        cwd: hide(path.resolve(entry.cwd ?? process.cwd())),
        envNames: [...envNames].sort(),
        startedAt: now().toISOString(),
        ...(entry.outputFile ? { outputFile: hide(entry.outputFile) } : {}),
      };
      append({ type: 'start', ...record });
      return seq;
    },
    finish(seq, outcome) {
      append({
        type: 'end',
        seq,
        endedAt: now().toISOString(),
        exitCode: outcome.exitCode ?? null,
        signal: outcome.signal ?? null,
        ...(outcome.executable ? { executable: outcome.executable } : {}),
      });
    },
    list: () => readJournal(file),
  };
}

/** A crash mid-write leaves a line without its newline; start the next record on a line of its own. */
function sealTornLine(file: string): void {
  if (!existsSync(file)) return;
  const size = statSync(file).size;
  if (size === 0) return;
  const fd = openSync(file, 'r');
  const last = Buffer.alloc(1);
  try {
    readSync(fd, last, 0, 1, size - 1);
  } finally {
    closeSync(fd);
  }
  if (last[0] !== 0x0a) appendFileSync(file, '\n');
}

/** Reads and merges the records; lines that do not parse (a torn write) are skipped. */
export function readJournal(file: string): JournalRecord[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const entries = new Map<number, JournalRecord>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    const { type, ...fields } = record;
    if (type === 'start') {
      const parsed = journalEntrySchema.safeParse(fields);
      if (!parsed.success) continue;
      entries.set(parsed.data.seq, {
        ...parsed.data,
        ...(isPipeline(fields.pipeline) ? { pipeline: fields.pipeline } : {}),
        ...(typeof fields.outputFile === 'string' ? { outputFile: fields.outputFile } : {}),
      });
    } else if (type === 'end' && typeof fields.seq === 'number') {
      const entry = entries.get(fields.seq);
      if (!entry) continue;
      if (typeof fields.endedAt === 'string') entry.endedAt = fields.endedAt;
      if (typeof fields.exitCode === 'number' || fields.exitCode === null) entry.exitCode = fields.exitCode;
      if (typeof fields.signal === 'string' || fields.signal === null) entry.signal = fields.signal;
      if (typeof fields.executable === 'string') entry.executable = fields.executable;
    }
  }
  return [...entries.values()].sort((a, b) => a.seq - b.seq);
}

function isPipeline(value: unknown): value is string[][] {
  return Array.isArray(value) && value.every((stage) => Array.isArray(stage) && stage.every((arg) => typeof arg === 'string'));
}

/** The stages of an entry, first to last. */
function stagesOf(entry: JournalRecord): string[][] {
  if (entry.pipeline?.length) return entry.pipeline;
  return entry.pipeFrom ? [entry.pipeFrom, entry.argv] : [entry.argv];
}

/**
 * A bash script that replays the journal by hand. Secrets appear as `${NAME}` and must be in the
 * environment (checked up front); commands that failed are kept as comments so the script follows
 * the successful path while still showing what went wrong on the way.
 */
export function exportScript(entries: readonly JournalRecord[], stepTitles: Record<string, string> | ReadonlyMap<string, string>): string {
  const titleOf = (stepId: string): string =>
    (stepTitles instanceof Map ? stepTitles.get(stepId) : (stepTitles as Record<string, string>)[stepId]) ?? stepId;

  const required = new Set<string>();
  for (const entry of entries) {
    for (const name of entry.envNames) required.add(name);
    for (const stage of stagesOf(entry)) for (const arg of stage) placeholdersIn(arg).forEach((name) => required.add(name));
    if (entry.outputFile) placeholdersIn(entry.outputFile).forEach((name) => required.add(name));
  }

  const lines = ['#!/usr/bin/env bash', '# The commands GitOps Lab ran, in order, to replay the lab by hand.', 'set -euo pipefail', ''];
  if (required.size) {
    lines.push('# Secrets and settings are read from the environment; export them before running.');
    for (const name of [...required].sort()) lines.push(`: "\${${name}:?set ${name} first}"`);
    lines.push('');
  }

  let step: string | undefined;
  let cwd: string | undefined;
  for (const entry of entries) {
    if (entry.stepId !== step) {
      step = entry.stepId;
      lines.push('', ...comment(`Step: ${titleOf(entry.stepId)} (${entry.stepId})`));
    }
    const placeholders = new Set(required);
    let command = stagesOf(entry).map((argv) => formatCommand(argv, placeholders)).join(' | ');
    if (entry.outputFile) command += ` > ${formatCommand([entry.outputFile], placeholders)}`;
    if (entry.endedAt !== undefined && entry.exitCode !== 0) {
      const how = entry.signal ? `killed by ${entry.signal}` : `exit code ${entry.exitCode ?? 'unknown'}`;
      lines.push(...comment(`failed (${how}): ${command}`));
      continue;
    }
    if (entry.endedAt === undefined) {
      lines.push(...comment(`did not finish: ${command}`));
      continue;
    }
    if (entry.cwd !== cwd) {
      cwd = entry.cwd;
      lines.push(`cd ${formatCommand([entry.cwd])}`);
    }
    lines.push(command);
  }
  return lines.join('\n') + '\n';
}

function comment(text: string): string[] {
  return text.split('\n').map((line) => `# ${line}`);
}
