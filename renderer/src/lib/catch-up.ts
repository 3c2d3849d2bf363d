/**
 * After the link to the host drops, output sent meanwhile never reached this window (the host
 * drops a socket that falls 8 MB behind rather than buffer a whole build). The engine's log file
 * has it: this works out what to add to a stream from the file's tail, continuing exactly where
 * the window's copy ends when that point is found in the tail.
 */

/** How much of the window's copy must match the file to trust the join: a few lines' worth. */
const JOIN_CHARS = 240;

export type CatchUp = { kind: 'none' } | { kind: 'continue'; text: string } | { kind: 'tail'; text: string };

export function missedOutput(history: string, fileTail: string): CatchUp {
  if (!fileTail) return { kind: 'none' };
  const join = history.slice(-JOIN_CHARS);
  if (join.length > 0) {
    const at = fileTail.lastIndexOf(join);
    // Repetitive output (progress lines) can match in several places: join only where unambiguous.
    if (at !== -1 && fileTail.indexOf(join) === at) {
      const rest = fileTail.slice(at + join.length);
      return rest ? { kind: 'continue', text: rest } : { kind: 'none' };
    }
  }
  // The window's copy ends before the tail begins (or is styled differently): show the tail.
  return { kind: 'tail', text: fileTail };
}

export const CATCH_UP_NOTE = '── the link to the lab dropped; the latest output from its log follows ──\n';
