import { stringify } from 'yaml';

/** A default table: header label and the field path of each column. */
export interface TableSpec {
  title?: string;
  columns: Array<[label: string, path: string | ((row: Record<string, unknown>) => unknown)]>;
}

/** Reads `a.b[0].c` from a resource. */
export function pick(resource: unknown, path: string): unknown {
  let value: unknown = resource;
  for (const part of path.split('.')) {
    const match = /^([^[\]]+)((?:\[\d+\])*)$/.exec(part);
    if (!match) return undefined;
    value = (value as Record<string, unknown> | undefined)?.[match[1]!];
    for (const index of match[2]!.matchAll(/\[(\d+)\]/g)) value = (value as unknown[] | undefined)?.[Number(index[1])];
  }
  return value;
}

/** gcloud's JSON printer sorts keys at every level. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  }
  return value;
}

function scalar(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map(scalar).join(';');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export class FormatError extends Error {}

/**
 * Renders resources the way `--format` asks: json, yaml, value(f1,f2), or the command's default
 * table. `single` is for describe-like commands that print one resource, not a list.
 */
export function render(resources: unknown[], format: string | undefined, table: TableSpec | 'yaml', single = false): string {
  const spec = (format ?? '').trim();
  if (spec === 'json') return JSON.stringify(sortKeys(single ? resources[0] : resources), null, 2) + '\n';
  if (spec === 'yaml' || (spec === '' && table === 'yaml')) {
    return resources.map((r) => stringify(sortKeys(r), { lineWidth: 0 })).join('---\n');
  }
  const value = /^value\((.*)\)$/.exec(spec);
  if (value) {
    const fields = value[1]!.split(',').map((f) => f.trim().replace(/\.basename\(\)$/, '').replace(/:.*$/, ''));
    return resources.map((r) => fields.map((f) => scalar(pick(r, f))).join('\t') + '\n').join('');
  }
  if (spec !== '' && spec !== 'table' && !spec.startsWith('table(')) throw new FormatError(`Format [${spec.replace(/\(.*$/, '')}] not supported.`);
  if (table === 'yaml' || resources.length === 0) return '';
  const rows = [table.columns.map(([label]) => label), ...resources.map((r) => table.columns.map(([, path]) => scalar(typeof path === 'function' ? path(r as Record<string, unknown>) : pick(r, path))))];
  const widths = table.columns.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const lines = rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]! + 2))).join('').trimEnd());
  if (table.title) {
    const width = Math.max(...lines.map((l) => l.length));
    lines.unshift(' '.repeat(Math.max(0, Math.floor((width - table.title.length) / 2))) + table.title);
  }
  return lines.join('\n') + '\n';
}
