/**
 * A unified diff of two texts (`--- a/FILE`, `+++ b/FILE`, `@@` hunks with three lines of
 * context), so the person sees what the app would change in a file they edited. Line-based
 * LCS: scaffold files are tens of lines, so the quadratic table is small.
 */
const CONTEXT = 3;

type Op = { type: ' ' | '-' | '+'; line: string };

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function diffOps(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ type: ' ', line: a[i]! });
      i++;
      j++;
    } else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      // Removals before additions, as diff(1) prints a replaced line.
      ops.push({ type: '-', line: a[i]! });
      i++;
    } else {
      ops.push({ type: '+', line: b[j]! });
      j++;
    }
  }
  return ops;
}

/** Empty string when the texts are equal. `before` missing means the file does not exist. */
export function unifiedDiff(file: string, before: string | undefined, after: string | undefined): string {
  if (before === after) return '';
  const ops = diffOps(splitLines(before ?? ''), splitLines(after ?? ''));
  const header = [before === undefined ? '--- /dev/null' : `--- a/${file}`, after === undefined ? '+++ /dev/null' : `+++ b/${file}`];
  const hunks: string[] = [];
  let index = 0;
  while (index < ops.length) {
    if (ops[index]!.type === ' ') {
      index++;
      continue;
    }
    // A hunk: the change, its context, and following changes whose context would overlap.
    let start = Math.max(0, index - CONTEXT);
    let end = index;
    while (end < ops.length) {
      if (ops[end]!.type !== ' ') {
        end++;
        continue;
      }
      let run = end;
      while (run < ops.length && ops[run]!.type === ' ') run++;
      if (run === ops.length || run - end > 2 * CONTEXT) {
        end = Math.min(run, end + CONTEXT);
        break;
      }
      end = run;
    }
    let oldLine = 1;
    let newLine = 1;
    for (let k = 0; k < start; k++) {
      if (ops[k]!.type !== '+') oldLine++;
      if (ops[k]!.type !== '-') newLine++;
    }
    const body = ops.slice(start, end);
    const oldCount = body.filter((op) => op.type !== '+').length;
    const newCount = body.filter((op) => op.type !== '-').length;
    hunks.push(`@@ -${oldCount === 0 ? oldLine - 1 : oldLine},${oldCount} +${newCount === 0 ? newLine - 1 : newLine},${newCount} @@`);
    hunks.push(...body.map((op) => op.type + op.line));
    index = end;
    start = end;
  }
  return [...header, ...hunks].join('\n') + '\n';
}
