/**
 * What the engine needs from the outside, as small interfaces it receives rather than imports,
 * so tests swap in fakes without module mocking and the hosts choose the real implementations
 * (electron/lab/run: createRunner, openJournal).
 */
import type { Journal } from '../run/journal';
import type { CommandResult, CommandSpec, OutputListener } from '../run/types';

/** Runs one command (or pipeline); rejects on a non-ok exit, kills the process tree on abort. */
export interface CommandRunner {
  run(spec: CommandSpec, listener?: OutputListener): Promise<CommandResult>;
}

/** What ran, in order, for the journal view and `lab export-script`. */
export type CommandJournal = Pick<Journal, 'start' | 'finish' | 'list'>;
export type { JournalOutcome, JournalRecord, JournalStart } from '../run/journal';
