/**
 * Quoting of argument arrays for bash, for display and for the exported replay script.
 *
 * API: quoteArg(arg, placeholderNames?) -> one bash word that evaluates to exactly `arg`
 *      formatCommand(argv, placeholderNames?) -> the words joined with spaces
 *
 * Nothing here ever feeds a shell in the app itself (commands run as argument arrays); the quoting
 * exists so a person can read a command, or paste the exported script, and get the same argv.
 */

/** Characters that never need quoting in a bash word. */
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** `${NAME}` as produced by SecretMasker.maskAsPlaceholders. */
const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Quotes one argument. With `placeholderNames`, each `${NAME}` among them stays expandable (the
 * exported script reads secrets from the environment); every other character is literal.
 */
export function quoteArg(arg: string, placeholderNames?: ReadonlySet<string>): string {
  if (placeholderNames?.size && hasPlaceholder(arg, placeholderNames)) return quoteWithPlaceholders(arg, placeholderNames);
  if (arg === '') return "''";
  if (SAFE_WORD.test(arg)) return arg;
  // Control characters (newline, tab, ...) are spelled out with ANSI-C quoting so a command stays
  // on one line; plain single quotes cover everything else.
  if (/[\x00-\x1f\x7f]/.test(arg)) return ansiC(arg);
  return "'" + arg.replace(/'/g, `'\\''`) + "'";
}

export function formatCommand(argv: readonly string[], placeholderNames?: ReadonlySet<string>): string {
  return argv.map((arg) => quoteArg(arg, placeholderNames)).join(' ');
}

/** Placeholder names found in a text (in order of first appearance). */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1]!))];
}

function hasPlaceholder(arg: string, names: ReadonlySet<string>): boolean {
  for (const match of arg.matchAll(PLACEHOLDER)) if (names.has(match[1]!)) return true;
  return false;
}

/** Double quotes keep `${NAME}` live; `\`, `"`, `$` and backquote are escaped everywhere else. */
function quoteWithPlaceholders(arg: string, names: ReadonlySet<string>): string {
  let out = '"';
  let last = 0;
  for (const match of arg.matchAll(PLACEHOLDER)) {
    if (!names.has(match[1]!)) continue;
    out += escapeDoubleQuoted(arg.slice(last, match.index));
    out += '${' + match[1] + '}';
    last = match.index! + match[0].length;
  }
  return out + escapeDoubleQuoted(arg.slice(last)) + '"';
}

function escapeDoubleQuoted(text: string): string {
  return text.replace(/[\\"$`]/g, '\\$&');
}

function ansiC(arg: string): string {
  let out = "$'";
  for (const char of arg) {
    const code = char.charCodeAt(0);
    if (char === '\\') out += '\\\\';
    else if (char === "'") out += "\\'";
    else if (char === '\n') out += '\\n';
    else if (char === '\t') out += '\\t';
    else if (char === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += '\\x' + code.toString(16).padStart(2, '0');
    else out += char;
  }
  return out + "'";
}
