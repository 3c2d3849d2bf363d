/**
 * The simple JSONPaths of CRD `additionalPrinterColumns`: `.a.b`, escaped dots (`.metadata.annotations.crossplane\.io/external-name`),
 * `[0]`, `[*]`, `['key']` and filters `[?(@.type=="Ready")]` (`==`/`!=`, either quote style).
 */
type Step = { kind: 'field'; name: string } | { kind: 'index'; index: number } | { kind: 'all' } | { kind: 'filter'; path: string[]; op: '==' | '!='; value: string };

function parse(path: string): Step[] {
  const steps: Step[] = [];
  let i = path.startsWith('{') && path.endsWith('}') ? 1 : 0;
  const end = i === 1 ? path.length - 1 : path.length;
  while (i < end) {
    const ch = path[i];
    if (ch === '.') {
      i++;
      let name = '';
      while (i < end && path[i] !== '.' && path[i] !== '[') {
        if (path[i] === '\\' && i + 1 < end) i++;
        name += path[i];
        i++;
      }
      if (name !== '') steps.push(name === '*' ? { kind: 'all' } : { kind: 'field', name });
    } else if (ch === '[') {
      const close = findClose(path, i);
      const inner = path.slice(i + 1, close).trim();
      i = close + 1;
      if (inner === '*') steps.push({ kind: 'all' });
      else if (/^-?\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) });
      else if (/^'.*'$|^".*"$/.test(inner)) steps.push({ kind: 'field', name: inner.slice(1, -1) });
      else {
        const m = /^\?\(@((?:\.[\w-]+)+)\s*(==|!=)\s*(['"])(.*)\3\)$/.exec(inner);
        if (!m) throw new Error(`unsupported JSONPath: ${path}`);
        steps.push({ kind: 'filter', path: (m[1] as string).split('.').slice(1), op: m[2] as '==' | '!=', value: m[4] as string });
      }
    } else i++;
  }
  return steps;
}

function findClose(path: string, open: number): number {
  let quote: string | undefined;
  for (let i = open + 1; i < path.length; i++) {
    const ch = path[i];
    if (quote) { if (ch === quote) quote = undefined; }
    else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === ']') return i;
  }
  return path.length;
}

function child(value: unknown, name: string): unknown {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[name] : undefined;
}

/** All values the path selects (empty when nothing matches). */
export function evaluateJsonPath(object: unknown, path: string): unknown[] {
  let current: unknown[] = [object];
  for (const step of parse(path)) {
    const next: unknown[] = [];
    for (const value of current) {
      if (step.kind === 'field') {
        const v = child(value, step.name);
        if (v !== undefined) next.push(v);
      } else if (step.kind === 'index') {
        if (Array.isArray(value)) {
          const v = value[step.index < 0 ? value.length + step.index : step.index];
          if (v !== undefined) next.push(v);
        }
      } else if (step.kind === 'all') {
        if (Array.isArray(value)) next.push(...value);
        else if (value && typeof value === 'object') next.push(...Object.values(value));
      } else if (Array.isArray(value)) {
        for (const element of value) {
          let probe: unknown = element;
          for (const seg of step.path) probe = child(probe, seg);
          const text = probe === undefined ? undefined : String(probe);
          if (step.op === '==' ? text === step.value : text !== undefined && text !== step.value) next.push(element);
        }
      }
    }
    current = next;
  }
  return current;
}
