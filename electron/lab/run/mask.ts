/**
 * Secret masking for everything the lab shows or records.
 *
 * API used by the engine:
 *   const masker = new SecretMasker();
 *   masker.register(value, { name: 'GITHUB_TOKEN' });  // name is optional
 *   masker.mask(text)              -> every secret (and derived form) replaced by `***`
 *   masker.maskAsPlaceholders(text) -> named secrets become `${NAME}`, others `***`
 *   const stream = createStreamMasker(masker);
 *   stream.push(chunk) -> masked text safe to show now; stream.end() -> the held-back rest
 *
 * Matching is leftmost-longest: at each position the longest registered form wins, so a secret
 * that contains another (or shares a prefix with it) is masked as a whole.
 */

export const MASK = '***';

/**
 * Values shorter than this are refused: a 1-3 character "secret" (e.g. "a", "no", "123") occurs
 * all over ordinary output, so masking it would shred logs and parser input while protecting
 * nothing, since such a value can be guessed anyway.
 */
export const MIN_SECRET_LENGTH = 4;

/** JSON fields of a credential file (e.g. a GCP service-account key) that are sensitive on their own. */
const SENSITIVE_JSON_FIELDS = ['private_key', 'private_key_id', 'client_secret', 'refresh_token', 'password', 'token'];

/** Lines of a multi-line secret at least this long are masked on their own (e.g. a PEM body line). */
const LONG_LINE = 16;

export interface RegisterOptions {
  /** Environment variable name shown instead of the value in the journal and exported script. */
  name?: string;
}

interface Pattern {
  text: string;
  name?: string;
}

export class SecretMasker {
  private readonly patterns = new Map<string, Pattern>();
  private compiled: CompiledSecrets | null = null;
  private generation = 0;

  /** Registers a secret with its derived forms. Throws for values shorter than MIN_SECRET_LENGTH. */
  register(value: string, options: RegisterOptions = {}): void {
    if (value.length < MIN_SECRET_LENGTH) {
      throw new Error(`refusing to mask a value shorter than ${MIN_SECRET_LENGTH} characters`);
    }
    if (options.name !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(options.name)) {
      throw new Error(`secret name must be a valid environment variable name: ${options.name}`);
    }
    for (const form of derivedForms(value)) {
      if (form.length < MIN_SECRET_LENGTH) continue;
      const existing = this.patterns.get(form);
      // The first name given for a form wins, so re-registering never renames a placeholder.
      if (existing?.name) continue;
      this.patterns.set(form, options.name ? { text: form, name: options.name } : { text: form });
    }
    this.compiled = null;
    this.generation++;
  }

  /** Number of registered forms (value plus derived ones). */
  get size(): number {
    return this.patterns.size;
  }

  /** Changes whenever a secret is registered; lets stream maskers pick up new secrets. */
  get version(): number {
    return this.generation;
  }

  /** Length of the longest registered form (0 when none). */
  get maxLength(): number {
    return this.compile().maxLength;
  }

  /** Every registered form, longest first. */
  forms(): string[] {
    return [...this.patterns.keys()].sort((a, b) => b.length - a.length);
  }

  mask(text: string): string {
    return this.render(text, () => MASK);
  }

  /** Named secrets become `${NAME}` (for the journal and the exported script); the rest `***`. */
  maskAsPlaceholders(text: string): string {
    const { placeholders } = this.compile();
    return this.render(text, (form) => placeholders.get(form) ?? MASK);
  }

  /** Names of the named secrets that occur in `text` (to list the env vars a script needs). */
  namesIn(text: string): string[] {
    const names = new Set<string>();
    const found = this.compile().findAll(text);
    for (let i = 1; i < found.length; i += 2) {
      const name = this.patterns.get(found[i] as string)?.name;
      if (name) names.add(name);
    }
    return [...names];
  }

  /** The compiled matcher, rebuilt after each registration. */
  compile(): CompiledSecrets {
    if (this.compiled) return this.compiled;
    const forms = this.forms();
    const placeholders = new Map<string, string>();
    for (const pattern of this.patterns.values()) {
      if (pattern.name) placeholders.set(pattern.text, '${' + pattern.name + '}');
    }
    this.compiled = { findAll: createMatcher(forms), placeholders, maxLength: forms[0]?.length ?? 0 };
    return this.compiled;
  }

  private render(text: string, replacement: (form: string) => string): string {
    const found = this.compile().findAll(text);
    if (found.length === 0) return text;
    let out = '';
    let last = 0;
    for (let i = 0; i < found.length; i += 2) {
      const index = found[i] as number;
      const form = found[i + 1] as string;
      out += text.slice(last, index) + replacement(form);
      last = index + form.length;
    }
    return out + text.slice(last);
  }
}

export interface CompiledSecrets {
  /**
   * Leftmost-longest, non-overlapping matches as a flat list: index, form, index, form, ...
   * (flat so the common no-match case allocates nothing but an empty array).
   */
  findAll(text: string): Array<number | string>;
  placeholders: Map<string, string>;
  maxLength: number;
}

/** Forms are found by an anchor of this many characters, since no form is shorter. */
const ANCHOR = MIN_SECRET_LENGTH;

/** Beyond this many distinct anchors one regex pass beats one indexOf pass per anchor. */
const MAX_INDEXOF_ANCHORS = 16;

/**
 * Characters of command output, most common first. String#indexOf skips ahead to the anchor's
 * first character, so an anchor that starts with a rare character is found far faster: for
 * `ghp_BenchToken`, searching `_Ben` rather than `ghp_` avoids stopping at every "g" in a log.
 */
const COMMON_CHARS = ' e.tao-insr\nhl0d1c2u:m/3f=p4g5w6y78b9v,_k"x\'jqz';

function rarity(char: string): number {
  const rank = COMMON_CHARS.indexOf(char);
  return rank < 0 ? COMMON_CHARS.length : rank;
}

/** Where in a form its anchor starts: at the rarest character among the first ones. */
function anchorOffset(form: string): number {
  let best = 0;
  for (let k = 1; k <= Math.min(form.length - ANCHOR, 64); k++) {
    if (rarity(form[k]!) > rarity(form[best]!)) best = k;
  }
  return best;
}

interface AnchorGroup {
  anchor: string;
  /** Position of the anchor inside each form of the group. */
  offset: number;
  /** Longest first. */
  forms: string[];
}

/**
 * Builds a leftmost-longest matcher. Each form has a 4-character anchor at a fixed offset;
 * candidates come from String#indexOf per anchor (a native scan, several GB/s), merged in order
 * of the start they imply, or from one alternation of prefix anchors when there are many; each
 * candidate is confirmed with startsWith, longest form first. A regex alternation of the whole
 * forms was measured 4-10x slower on typical logs.
 */
function createMatcher(forms: string[]): (text: string) => Array<number | string> {
  if (forms.length === 0) return () => [];
  const longestAt = (text: string, index: number, group: string[]): string | undefined => {
    for (const form of group) if (text.startsWith(form, index)) return form;
    return undefined;
  };
  const groupBy = (offsetOf: (form: string) => number): AnchorGroup[] => {
    const groups = new Map<string, AnchorGroup>();
    for (const form of forms) {
      const offset = offsetOf(form);
      const anchor = form.slice(offset, offset + ANCHOR);
      const key = `${offset}:${anchor}`;
      const group = groups.get(key);
      if (group) group.forms.push(form);
      else groups.set(key, { anchor, offset, forms: [form] });
    }
    return [...groups.values()];
  };

  const groups = groupBy(anchorOffset);
  if (groups.length > MAX_INDEXOF_ANCHORS) {
    const prefixGroups = new Map(groupBy(() => 0).map((group) => [group.anchor, group.forms]));
    const anchorRegex = new RegExp([...prefixGroups.keys()].map(escapeRegExp).join('|'), 'g');
    return (text) => {
      const found: Array<number | string> = [];
      anchorRegex.lastIndex = 0;
      for (let hit = anchorRegex.exec(text); hit !== null; hit = anchorRegex.exec(text)) {
        const form = longestAt(text, hit.index, prefixGroups.get(hit[0])!);
        if (form) {
          found.push(hit.index, form);
          anchorRegex.lastIndex = hit.index + form.length;
        } else {
          anchorRegex.lastIndex = hit.index + 1;
        }
      }
      return found;
    };
  }

  const count = groups.length;
  // The start each group's next candidate implies (its anchor hit minus its offset), -1 when none.
  const starts = new Array<number>(count);
  const seek = (text: string, i: number, from: number): number => {
    const group = groups[i]!;
    const hit = text.indexOf(group.anchor, from + group.offset);
    return hit < 0 ? -1 : hit - group.offset;
  };
  return (text) => {
    for (let i = 0; i < count; i++) starts[i] = seek(text, i, 0);
    const found: Array<number | string> = [];
    for (;;) {
      let best = -1;
      for (let i = 0; i < count; i++) {
        const at = starts[i]!;
        if (at >= 0 && (best < 0 || at < best)) best = at;
      }
      if (best < 0) return found;
      // Several groups may propose the same start; the longest form among them wins.
      let form: string | undefined;
      for (let i = 0; i < count; i++) {
        if (starts[i] !== best) continue;
        const candidate = longestAt(text, best, groups[i]!.forms);
        if (candidate && (!form || candidate.length > form.length)) form = candidate;
      }
      const from = form ? best + form.length : best + 1;
      if (form) found.push(best, form);
      for (let i = 0; i < count; i++) {
        if (starts[i]! >= 0 && starts[i]! < from) starts[i] = seek(text, i, from);
      }
    }
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/** The value plus the forms in which it commonly leaks: base64, JSON-escaped, per field, per line. */
export function derivedForms(value: string): string[] {
  const forms = new Set<string>([value]);
  addEncodings(forms, value);
  const trimmed = value.trim();
  if (trimmed !== value && trimmed.length >= MIN_SECRET_LENGTH) addEncodings(forms, trimmed);

  const fields = sensitiveJsonFields(value);
  if (fields) {
    for (const field of fields) {
      addEncodings(forms, field);
      addLongLines(forms, field);
    }
  } else if (value.includes('\n')) {
    addLongLines(forms, value);
  }
  return [...forms];
}

function addEncodings(forms: Set<string>, value: string): void {
  forms.add(value);
  const base64 = Buffer.from(value, 'utf8').toString('base64');
  forms.add(base64);
  forms.add(base64.replace(/=+$/, ''));
  if (/[\n"\\\t\r]/.test(value)) forms.add(JSON.stringify(value).slice(1, -1));
}

function addLongLines(forms: Set<string>, value: string): void {
  for (const line of value.split(/\r?\n/)) {
    const body = line.trim();
    if (body.length >= LONG_LINE) forms.add(body);
  }
}

function sensitiveJsonFields(value: string): string[] | null {
  if (!value.trimStart().startsWith('{')) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const record = parsed as Record<string, unknown>;
  return SENSITIVE_JSON_FIELDS.map((key) => record[key]).filter(
    (field): field is string => typeof field === 'string' && field.length >= MIN_SECRET_LENGTH,
  );
}

export interface StreamMasker {
  /** Masked text that is safe to emit now; a possible secret prefix at the end is held back. */
  push(chunk: string): string;
  /** Masks and returns whatever is still held back. */
  end(): string;
}

/**
 * Masks a stream whose chunks may split a secret anywhere. Only the part of the tail that could
 * still grow into a secret is held back: the longest suffix that is a prefix of some registered
 * form, found by an Aho-Corasick walk over at most the last maxLength characters, so the cost per
 * chunk is linear in the chunk plus the longest secret, independent of the number of secrets.
 */
export function createStreamMasker(masker: SecretMasker, render: 'mask' | 'placeholders' = 'mask'): StreamMasker {
  let held = '';
  let automaton: PrefixAutomaton | null = null;
  let automatonVersion = -1;

  const replaceAll = (text: string): string =>
    render === 'mask' ? masker.mask(text) : masker.maskAsPlaceholders(text);

  return {
    push(chunk: string): string {
      const pending = held ? held + chunk : chunk;
      const { findAll, placeholders, maxLength } = masker.compile();
      if (maxLength === 0) {
        held = '';
        return pending;
      }
      if (automatonVersion !== masker.version) {
        automaton = new PrefixAutomaton(masker.forms());
        automatonVersion = masker.version;
      }
      const tailStart = Math.max(0, pending.length - maxLength);
      const holdFrom = pending.length - automaton!.longestSuffixInTrie(pending, tailStart);

      // Matches starting before holdFrom are final: a longer secret starting there would make a
      // longer suffix of `pending` a secret prefix. Matches starting at or after it wait.
      const found = findAll(pending);
      let out = '';
      let emittedTo = 0;
      for (let i = 0; i < found.length; i += 2) {
        const index = found[i] as number;
        if (index >= holdFrom) break;
        const form = found[i + 1] as string;
        out += pending.slice(emittedTo, index) + (render === 'mask' ? MASK : (placeholders.get(form) ?? MASK));
        emittedTo = index + form.length;
      }
      const cut = Math.max(holdFrom, emittedTo);
      if (emittedTo === 0 && cut === pending.length) {
        held = '';
        return pending;
      }
      out += pending.slice(emittedTo, cut);
      held = pending.slice(cut);
      return out;
    },
    end(): string {
      const rest = replaceAll(held);
      held = '';
      return rest;
    },
  };
}

/** Aho-Corasick goto/fail automaton over the prefixes of a set of strings. */
class PrefixAutomaton {
  private readonly next: Array<Map<number, number>> = [new Map()];
  private readonly fail: number[] = [0];
  private readonly depth: number[] = [0];

  constructor(words: string[]) {
    for (const word of words) {
      let state = 0;
      for (let i = 0; i < word.length; i++) {
        const code = word.charCodeAt(i);
        let target = this.next[state]!.get(code);
        if (target === undefined) {
          target = this.next.length;
          this.next.push(new Map());
          this.fail.push(0);
          this.depth.push(this.depth[state]! + 1);
          this.next[state]!.set(code, target);
        }
        state = target;
      }
    }
    // Breadth-first, so each state's fail link points to a shallower, already-linked state.
    const queue: number[] = [...this.next[0]!.values()];
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      for (const [code, target] of this.next[state]!) {
        queue.push(target);
        let fallback = this.fail[state]!;
        while (fallback !== 0 && !this.next[fallback]!.has(code)) fallback = this.fail[fallback]!;
        const candidate = this.next[fallback]!.get(code);
        this.fail[target] = candidate !== undefined && candidate !== target ? candidate : 0;
      }
    }
  }

  /** Length of the longest suffix of text[from..] that is a prefix of some word. */
  longestSuffixInTrie(text: string, from: number): number {
    let state = 0;
    for (let i = from; i < text.length; i++) {
      const code = text.charCodeAt(i);
      let target = this.next[state]!.get(code);
      while (target === undefined && state !== 0) {
        state = this.fail[state]!;
        target = this.next[state]!.get(code);
      }
      state = target ?? 0;
    }
    return this.depth[state]!;
  }
}
