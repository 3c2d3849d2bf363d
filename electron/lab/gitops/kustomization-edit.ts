/**
 * Comments a kustomization list entry out (`# - cluster.yaml`) or back in, the way the
 * tutorial's cleanup does by hand, through the yaml Document API so the person's other
 * comments, the order of entries and the formatting survive.
 */
import { promises as fs } from 'node:fs';
import { isScalar, isSeq, parseDocument, Scalar, type YAMLSeq } from 'yaml';

function entryLine(entry: string): RegExp {
  const escaped = entry.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^\\s*-\\s+${escaped}\\s*(#.*)?$`);
}

function joinComments(...parts: Array<string | null | undefined>): string | undefined {
  const kept = parts.filter((p): p is string => typeof p === 'string' && p !== '');
  return kept.length > 0 ? kept.join('\n') : undefined;
}

interface Split {
  before: string | undefined;
  after: string | undefined;
  /** The entry's own trailing comment, without `#`. */
  inline: string | undefined;
}

function splitAt(comment: string | null | undefined, pattern: RegExp): Split | undefined {
  if (!comment) return undefined;
  const lines = comment.split('\n');
  const index = lines.findIndex((line) => pattern.test(line));
  if (index < 0) return undefined;
  const inline = pattern.exec(lines[index]!)?.[1]?.slice(1);
  return { before: joinComments(lines.slice(0, index).join('\n')), after: joinComments(lines.slice(index + 1).join('\n')), inline };
}

function restoredEntry(entry: string, split: Split | undefined): Scalar {
  const node = new Scalar(entry);
  if (split?.before) node.commentBefore = split.before;
  if (split?.inline) node.comment = split.inline;
  return node;
}

/** Edits the text of a kustomization; returns it unchanged when the entry is already as asked. */
export function setListEntryCommentedInText(text: string, entry: string, commented: boolean, field = 'resources'): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`cannot edit: ${doc.errors[0]!.message.split('\n')[0]}`);
  const seq = doc.get(field, true);
  if (!isSeq(seq)) throw new Error(`cannot edit: ${field} is not a list`);
  const list = seq as YAMLSeq<unknown>;
  const index = list.items.findIndex((item) => isScalar(item) && item.value === entry);
  const pattern = entryLine(entry);

  if (commented) {
    if (index < 0) {
      const alreadyCommented = list.items.some((item) => isScalar(item) && splitAt(item.commentBefore, pattern)) || splitAt(list.comment, pattern);
      if (alreadyCommented) return text;
      throw new Error(`cannot comment out: ${field} has no entry ${entry}`);
    }
    const removed = list.items[index] as Scalar;
    list.items.splice(index, 1);
    const line = ` - ${entry}${removed.comment ? ` #${removed.comment}` : ''}`;
    const next = list.items[index];
    if (next && (isScalar(next) || typeof next === 'object')) {
      const node = next as Scalar;
      node.commentBefore = joinComments(removed.commentBefore, line, node.commentBefore);
    } else {
      list.comment = joinComments(removed.commentBefore, line, list.comment);
    }
    return doc.toString();
  }

  if (index >= 0) return text;
  for (let i = 0; i < list.items.length; i++) {
    const node = list.items[i] as Scalar;
    const split = splitAt(node.commentBefore, pattern);
    if (!split) continue;
    node.commentBefore = split.after;
    list.items.splice(i, 0, restoredEntry(entry, split));
    return doc.toString();
  }
  const trailing = splitAt(list.comment, pattern);
  if (trailing) list.comment = trailing.after;
  list.items.push(restoredEntry(entry, trailing));
  return doc.toString();
}

/** The same on a file; writes only when something changed. Returns whether it did. */
export async function setListEntryCommented(file: string, entry: string, commented: boolean, field = 'resources'): Promise<boolean> {
  const text = await fs.readFile(file, 'utf8');
  const edited = setListEntryCommentedInText(text, entry, commented, field);
  if (edited === text) return false;
  await fs.writeFile(file, edited);
  return true;
}
