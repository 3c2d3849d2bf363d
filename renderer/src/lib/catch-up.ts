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

/**
 * The gap case: the link stayed up but the page fell behind, so the host stopped sending a
 * stream's output and said from which byte of its log it did so. Unlike the tail above, this
 * joins exactly by offset, so repetitive output cannot fool it.
 */

/**
 * Bytes per `readLog` call: each page is handled in one task on the page, so it is kept to a
 * size that takes a few milliseconds; a round trip on loopback costs less than that.
 */
export const GAP_PAGE_BYTES = 256 * 1024;

export type ReadLog = (params: { stepId: string; offset: number; maxBytes: number }) => Promise<{ text: string; offset: number; size: number; truncated: boolean }>;

export interface GapRead {
  /** Byte offset just after the last byte handed on: where live output must continue. */
  at: number;
  /** True when the log no longer held some of the gap (it was rotated past its size cap). */
  lost: boolean;
}

export const GAP_LOST_NOTE = '── some output was rotated out of the step\'s log before it could be shown here ──\n';

/** UTF-8 length of `text`, which the log's offsets count in, without allocating the bytes. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      // A surrogate pair is one 4-byte character.
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Reads `stream`'s log from byte `from` to the end it has at the last read, handing each page's
 * text to `append` in order; the caller then resumes live output at the returned offset.
 */
export async function readGap(read: ReadLog, stream: string, from: number, append: (text: string) => void, pageBytes = GAP_PAGE_BYTES): Promise<GapRead> {
  let at = from;
  let lost = false;
  for (;;) {
    const page = await read({ stepId: stream, offset: at, maxBytes: pageBytes });
    // The log answers from another offset only when `at` is no longer in it.
    if (page.offset !== at) lost = true;
    if (page.text) append(page.text);
    at = page.offset + utf8Length(page.text);
    if (!page.truncated) return { at, lost };
  }
}
