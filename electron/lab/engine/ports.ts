/**
 * What the engine needs from the outside, as small interfaces it receives rather than imports,
 * so tests swap in fakes without module mocking and the hosts choose the real implementations.
 * The shapes match electron/lab/run (createRunner, openJournal).
 */
import type { JournalEntry } from '../../api/contract';
import type { CommandResult, CommandSpec, OutputListener } from '../run/types';

/** Runs one command (or pipeline); rejects on a non-ok exit, kills the process tree on abort. */
export interface CommandRunner {
  run(spec: CommandSpec, listener?: OutputListener): Promise<CommandResult>;
}

/** A command as it starts: the journal keeps argv (masked) and env names, never env values. */
export type JournalStart = { stepId: string } & Pick<CommandSpec, 'argv' | 'pipeTo' | 'env' | 'cwd' | 'outputFile'>;

/** How it ended: a CommandResult or a runner error carry these fields. */
export interface JournalOutcome {
  exitCode?: number | null;
  signal?: string | null;
  executable?: string;
}

/** What ran, in order, for `lab export-script` and the journal view. */
export interface CommandJournal {
  start(entry: JournalStart): number;
  finish(seq: number, outcome: JournalOutcome): void;
  list(): JournalEntry[];
}
