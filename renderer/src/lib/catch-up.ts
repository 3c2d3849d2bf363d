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
  /**
   * True when the log no longer holds byte `at` (rotated away) or stopped lining up with what is
   * shown: `at` is where that was, and the host decides how to go on.
   */
  lost: boolean;
}

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

export const GAP_LOST_NOTE = "── some output is missing here: the step's log rotated it away before this page could read it ──\n";

/** How much of the text already shown each read re-reads, to check the log still lines up with it. */
export const OVERLAP_CHARS = 256;

/** Reads kept in flight at once: a flood outruns one round trip at a time. */
export const GAP_READ_DEPTH = 4;

/** The most bytes OVERLAP_CHARS can take in UTF-8. */
const MAX_OVERLAP_BYTES = OVERLAP_CHARS * 4;

type LogPage = Awaited<ReturnType<ReadLog>>;

/**
 * Reads `stream`'s log from byte `from` to the end it has at the last read, handing each page's
 * text to `append` in order; the caller then resumes live output at the returned offset.
 *
 * `shown` ends with the text the page already has up to `from` (any length; its last
 * OVERLAP_CHARS are used). Log offsets are absolute, so a rotation never moves them, but each
 * page still starts a little earlier and must repeat that text: a log that does not match what
 * is shown (or no longer holds it, after a rotation) must not have its text shown as the
 * continuation. On a mismatch, or where the log starts after `from`, it stops at the last byte
 * it could place and reports `lost`.
 *
 * Up to `depth` pages are asked for ahead, each where the one before should end; a page that
 * ended elsewhere (at a character boundary, or the log's end) makes it ask again from there.
 */
export async function readGap(
  read: ReadLog,
  stream: string,
  from: number,
  append: (text: string) => void,
  shown = '',
  pageBytes = GAP_PAGE_BYTES,
  depth = GAP_READ_DEPTH,
): Promise<GapRead> {
  let at = from;
  let tail = keepTail('', shown);
  let nextStart = from;
  let queue: Array<{ start: number; page: Promise<LogPage> }> = [];
  const ask = () => {
    const start = nextStart;
    const lead = Math.min(start, MAX_OVERLAP_BYTES);
    const page = read({ stepId: stream, offset: start - lead, maxBytes: pageBytes + lead });
    // A page asked for ahead may be dropped unread; its failure must not go unhandled.
    page.catch(() => {});
    queue.push({ start, page });
    nextStart = start + pageBytes;
  };
  while (queue.length < depth) ask();
  for (;;) {
    const { start, page: pending } = queue.shift()!;
    const page = await pending;
    if (start !== at) {
      queue = [];
      nextStart = at;
      while (queue.length < depth) ask();
      continue;
    }
    let tailBytes = utf8Length(tail);
    if (tailBytes > at) {
      // Text shown before the log began (a note of the page's own): nothing to check against.
      tail = '';
      tailBytes = 0;
    }
    if (page.offset > at - tailBytes && page.offset <= at) {
      // The log now starts inside the text shown (older bytes were rotated away): check what it holds.
      tail = fromByte(tail, page.offset - (at - tailBytes)) ?? '';
      tailBytes = utf8Length(tail);
    }
    const skip = at - tailBytes - page.offset;
    const text = skip >= 0 ? fromByte(page.text, skip) : null;
    if (text === null || !text.startsWith(tail)) return { at, lost: true };
    const fresh = text.slice(tail.length);
    if (fresh) append(fresh);
    at += utf8Length(fresh);
    tail = keepTail(tail, fresh);
    if (!page.truncated) return { at, lost: false };
    while (queue.length < depth) ask();
  }
}

/** `text` from its `bytes`-th UTF-8 byte on, or null when that is inside a character or past the end. */
function fromByte(text: string, bytes: number): string | null {
  let counted = 0;
  let i = 0;
  while (counted < bytes && i < text.length) {
    counted += utf8Length(text.slice(i, text.codePointAt(i)! > 0xffff ? i + 2 : i + 1));
    i += text.codePointAt(i)! > 0xffff ? 2 : 1;
  }
  return counted === bytes ? text.slice(i) : null;
}

/** The last OVERLAP_CHARS of `tail + text`: what a stream needs to remember for readGap. */
export function keepTail(tail: string, text: string): string {
  const joined = text.length >= OVERLAP_CHARS ? text : tail + text;
  let start = Math.max(0, joined.length - OVERLAP_CHARS);
  const code = joined.charCodeAt(start);
  if (start > 0 && code >= 0xdc00 && code <= 0xdfff) start++;
  return joined.slice(start);
}
