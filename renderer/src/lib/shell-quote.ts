/**
 * Shows a command the way a person would type it in a POSIX shell, so the text can be copied into
 * a terminal and does the same thing. The app itself never runs these strings: it runs argv arrays.
 *
 * `$NAME` placeholders (secrets, or inputs not filled in yet) must stay expandable, so an argument
 * holding one is double-quoted rather than single-quoted.
 */
import type { CommandView } from '../../../electron/api/contract';

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;
const PLACEHOLDER = /\$[A-Za-z_][A-Za-z0-9_]*/g;

export function quoteArg(arg: string): string {
  if (arg === '') return "''";
  if (SAFE.test(arg)) return arg;
  const withoutPlaceholders = arg.replace(PLACEHOLDER, '');
  if (withoutPlaceholders !== arg) {
    if (withoutPlaceholders === '' || SAFE.test(withoutPlaceholders)) return arg;
    // Inside double quotes only $, `, " and \ are special; placeholders keep their $.
    return `"${arg.replace(/[`"\\]/g, '\\$&').replace(/\$(?![A-Za-z_])/g, '\\$')}"`;
  }
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function formatArgv(argv: readonly string[]): string {
  return argv.map(quoteArg).join(' ');
}

/** `producer | consumer > file`, as in the tutorial. */
export function formatCommand(command: CommandView): string {
  let text = formatArgv(command.argv);
  if (command.pipeFrom) text = `${formatArgv(command.pipeFrom)} | ${text}`;
  if (command.outputFile) text = `${text} > ${quoteArg(command.outputFile)}`;
  return text;
}
