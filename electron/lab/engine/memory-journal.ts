/**
 * A journal kept in memory: the engine's default when no journal directory is wired in, and
 * the journal of tests. The persistent one (electron/lab/run/journal.ts) has the same shape.
 */
import type { JournalEntry } from '../../api/contract';
import type { CommandJournal } from './ports';

export function createMemoryJournal(now: () => Date = () => new Date()): CommandJournal {
  const entries: JournalEntry[] = [];
  return {
    start(entry) {
      const seq = entries.length + 1;
      entries.push({ ...entry, seq });
      return seq;
    },
    finish(seq, result) {
      const entry = entries[seq - 1];
      if (!entry) return;
      entry.endedAt = now().toISOString();
      entry.exitCode = result.exitCode;
      if (result.signal !== undefined) entry.signal = result.signal;
      if (result.executable !== undefined) entry.executable = result.executable;
    },
    list() {
      return entries.map((entry) => ({ ...entry }));
    },
  };
}
