/**
 * Turns the journal into a shell script a person can read and re-run by hand: one section per
 * step, each argument single-quoted, secrets only as `$NAME` references (the journal never
 * holds their values).
 */
import type { JournalEntry } from '../../api/contract';

export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  // A `$NAME` placeholder stays expandable so the script reads the secret from the environment.
  if (/^\$[A-Z_][A-Z0-9_]*$/.test(arg)) return `"${arg}"`;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function scriptFromJournal(entries: readonly JournalEntry[], titles: Readonly<Record<string, string>>): string {
  const lines = ['#!/usr/bin/env bash', '# Commands run by GitOps Lab, in order.', 'set -euo pipefail', ''];
  let currentStep: string | undefined;
  for (const entry of entries) {
    if (entry.stepId !== currentStep) {
      currentStep = entry.stepId;
      lines.push(`# --- ${titles[entry.stepId] ?? entry.stepId} (${entry.stepId})`);
    }
    const command = entry.argv.map(shellQuote).join(' ');
    const line = entry.pipeFrom ? `${entry.pipeFrom.map(shellQuote).join(' ')} | ${command}` : command;
    lines.push(`(cd ${shellQuote(entry.cwd)} && ${line})`);
  }
  return `${lines.join('\n')}\n`;
}
