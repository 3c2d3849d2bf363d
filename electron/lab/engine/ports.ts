/**
 * What the engine needs from the outside, as small interfaces it receives rather than imports,
 * so tests swap in fakes without module mocking and the hosts choose the real implementations.
 */
import type { JournalEntry } from '../../api/contract';
import type { CommandResult, CommandSpec, OutputListener } from '../run/types';

/** Runs one command (or pipeline); rejects on a non-ok exit, kills the process tree on abort. */
export interface CommandRunner {
  run(spec: CommandSpec, listener?: OutputListener): Promise<CommandResult>;
}

/** Hides secret values (and their encodings) in any text that leaves the engine. */
export interface Masker {
  register(value: string, options?: { name?: string }): void;
  mask(text: string): string;
}

/** What ran, in order, for `lab export-script` and the journal view. */
export interface CommandJournal {
  start(entry: Omit<JournalEntry, 'seq'>): number;
  finish(seq: number, result: { exitCode: number | null; signal?: string | null; executable?: string }): void;
  list(): JournalEntry[];
}
