import { FormatError, pick } from './gcloud-format.js';

/**
 * gcloud's `--filter=EXPRESSION` (gcloud topic filters), applied by the client to each listed
 * resource in its API shape, as the real CLI does for list commands. The subset the lab and its
 * cleanup use: terms joined by whitespace or AND, each `key=value`, `key!=value`, `key:value`
 * (has: case-insensitive, any word or list element) or `key:*` (key is set), negated by `-` or
 * NOT. Anything else is refused rather than silently ignored.
 */
export function applyFilter(resources: unknown[], expression: string | undefined): unknown[] {
  if (expression === undefined || expression.trim() === '') return resources;
  const terms = parseTerms(expression);
  return resources.filter((resource) => terms.every((term) => matches(resource, term) !== term.negated));
}

interface Term {
  key: string;
  op: '=' | '!=' | ':';
  value: string;
  negated: boolean;
}

function parseTerms(expression: string): Term[] {
  // Spaces around an operator belong to the term: `resourceLabels.lab = abc`.
  const normalized = expression.replace(/\s*(!=|=|:)\s*/g, '$1');
  const tokens = normalized.match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? [];
  const terms: Term[] = [];
  let negateNext = false;
  for (const token of tokens) {
    if (token === 'AND') continue;
    if (token === 'NOT') {
      negateNext = true;
      continue;
    }
    if (token === 'OR' || /[()]/.test(token)) throw new FormatError(`The simulated gcloud supports only AND and NOT in --filter, not [${token}].`);
    const negated = negateNext || token.startsWith('-');
    negateNext = false;
    const term = /^-?([A-Za-z_][\w.[\]-]*)(!=|=|:)(.*)$/.exec(token);
    if (!term) throw new FormatError(`The simulated gcloud cannot read the --filter term [${token}].`);
    terms.push({ key: term[1]!, op: term[2] as Term['op'], value: unquote(term[3]!), negated });
  }
  return terms;
}

function unquote(value: string): string {
  return /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
}

function matches(resource: unknown, term: Term): boolean {
  const value = pick(resource, term.key);
  const values = (Array.isArray(value) ? value : [value]).filter((v) => v !== undefined && v !== null && v !== '');
  if (term.op === ':' && term.value === '*') return values.length > 0;
  const wanted = term.value.toLowerCase();
  const equal = values.some((v) => String(v).toLowerCase() === wanted);
  if (term.op === '=') return equal;
  if (term.op === '!=') return !equal;
  return equal || values.some((v) => String(v).toLowerCase().split(/[^a-z0-9]+/).includes(wanted));
}
