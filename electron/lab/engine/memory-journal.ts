/**
 * A journal kept in memory, for tests and for hosts that do not want one on disk. The
 * persistent journal (electron/lab/run/journal.ts) has the same shape.
 */
import type { JournalEntry } from '../../api/contract';
import type { CommandJournal } from './ports';

export function createMemoryJournal(mask: (text: string) => string = (t) => t, now: () => Date = () => new Date()): CommandJournal {
  const entries: JournalEntry[] = [];
  return {
    start(entry) {
      const stages = [entry.argv, ...(entry.pipeTo ?? []).map((stage) => stage.argv)].map((argv) => argv.map(mask));
      const seq = entries.length + 1;
      entries.push({
        seq,
        stepId: entry.stepId,
        argv: stages[stages.length - 1]!,
        ...(stages.length > 1 ? { pipeFrom: stages[stages.length - 2]! } : {}),
        cwd: entry.cwd ?? process.cwd(),
        envNames: [...new Set([...Object.keys(entry.env ?? {}), ...(entry.pipeTo ?? []).flatMap((stage) => Object.keys(stage.env ?? {}))])],
        startedAt: now().toISOString(),
      });
      return seq;
    },
    finish(seq, outcome) {
      const entry = entries[seq - 1];
      if (!entry) return;
      entry.endedAt = now().toISOString();
      entry.exitCode = outcome.exitCode ?? null;
      if (outcome.signal !== undefined) entry.signal = outcome.signal;
      if (outcome.executable !== undefined) entry.executable = outcome.executable;
    },
    list() {
      return entries.map((entry) => ({ ...entry }));
    },
  };
}
