import type { ToolIo } from '../bin/tool-io.js';

/** Flux's stderr logger: one symbol, one space, the message (cmd/flux/log.go). */
export class StatusLog {
  constructor(private readonly io: ToolIo) {}
  action(msg: string): void {
    this.io.stderr.write(`► ${msg}\n`);
  }
  generate(msg: string): void {
    this.io.stderr.write(`✚ ${msg}\n`);
  }
  waiting(msg: string): void {
    this.io.stderr.write(`◎ ${msg}\n`);
  }
  success(msg: string): void {
    this.io.stderr.write(`✔ ${msg}\n`);
  }
  warning(msg: string): void {
    this.io.stderr.write(`⚠️ ${msg}\n`);
  }
  failure(msg: string): void {
    this.io.stderr.write(`✗ ${msg}\n`);
  }
}

/** An error that ends the command with `✗ message` and the given exit code. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * tablewriter without borders and a TAB as padding (as the real samples show it): cells padded
 * with spaces to the column width and joined by a TAB; data rows leave the last cell unpadded and
 * end with a TAB, while the header pads its last cell one wider than the longest value.
 */
export function formatTable(header: string[] | undefined, rows: string[][]): string {
  const all = header ? [header, ...rows] : rows;
  const widths: number[] = [];
  for (const row of all) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  const last = widths.length - 1;
  if (header && last >= 0) widths[last] = Math.max([...(header[last] ?? '')].length, ...rows.map((r) => [...(r[last] ?? '')].length + 1));
  const pad = (cell: string, i: number): string => cell + ' '.repeat(Math.max(0, (widths[i] ?? 0) - [...cell].length));
  const lines: string[] = [];
  if (header) lines.push(header.map((c, i) => pad(c.toUpperCase(), i)).join('\t'));
  for (const row of rows) lines.push(row.map((c, i) => (i === last ? c : pad(c, i))).join('\t') + '\t');
  return lines.map((l) => `${l}\n`).join('');
}

/** `utils.TruncateHex`: a sha1/sha256 digest shortened to 8 characters. */
export function truncateHex(text: string): string {
  return text.replace(/(sha1|sha256):([0-9a-f]{8})[0-9a-f]+/g, '$1:$2');
}
