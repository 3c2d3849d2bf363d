import { KubeError, type KubeObject } from './types.js';

type Requirement =
  | { op: 'eq' | 'neq'; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'exists' | 'notexists'; key: string };

/** Splits on commas that are not inside `in (a,b)` parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function parseRequirement(term: string): Requirement {
  let m = /^([^\s!=(),]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
  if (m) return { op: m[2] as 'in' | 'notin', key: m[1] as string, values: (m[3] as string).split(',').map((v) => v.trim()) };
  m = /^([^\s!=(),]+)\s*(==|=|!=)\s*([^\s,]*)$/.exec(term);
  if (m) return { op: m[2] === '!=' ? 'neq' : 'eq', key: m[1] as string, value: m[3] as string };
  m = /^!\s*([^\s!=(),]+)$/.exec(term);
  if (m) return { op: 'notexists', key: m[1] as string };
  m = /^([^\s!=(),]+)$/.exec(term);
  if (m) return { op: 'exists', key: m[1] as string };
  throw new KubeError(400, 'BadRequest', `unable to parse requirement: found '${term}', expected: identifier`);
}

/** A label selector as `kubectl -l` sends it: `=`, `==`, `!=`, `in`, `notin`, `key`, `!key`. */
export function parseLabelSelector(selector: string | undefined): (labels: Record<string, string> | undefined) => boolean {
  if (!selector) return () => true;
  const reqs = splitTopLevel(selector).map(parseRequirement);
  return (labels) => {
    const l = labels ?? {};
    return reqs.every((r) => {
      const has = Object.prototype.hasOwnProperty.call(l, r.key);
      const v = l[r.key];
      switch (r.op) {
        case 'eq': return has && v === r.value;
        case 'neq': return !has || v !== r.value;
        case 'in': return has && r.values.includes(v as string);
        case 'notin': return !has || !r.values.includes(v as string);
        case 'exists': return has;
        case 'notexists': return !has;
      }
    });
  };
}

/** Field selectors the lab's clients send: `metadata.name` and `metadata.namespace` (`=`, `==`, `!=`). */
export function parseFieldSelector(selector: string | undefined): (object: KubeObject) => boolean {
  if (!selector) return () => true;
  const reqs = splitTopLevel(selector).map((term) => {
    const m = /^([^\s!=]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw new KubeError(400, 'BadRequest', `invalid selector: '${selector}'; can't understand '${term}'`);
    return { field: m[1] as string, neq: m[2] === '!=', value: m[3] as string };
  });
  return (object) =>
    reqs.every((r) => {
      let actual: string | undefined;
      if (r.field === 'metadata.name') actual = object.metadata.name;
      else if (r.field === 'metadata.namespace') actual = object.metadata.namespace ?? '';
      else {
        // Other field selectors (e.g. `status.phase` on pods) resolve by dotted path, which covers the common ones.
        let cur: unknown = object;
        for (const seg of r.field.split('.')) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
        actual = cur === undefined ? '' : String(cur);
      }
      return r.neq ? actual !== r.value : actual === r.value;
    });
}
