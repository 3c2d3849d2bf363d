/**
 * `lab doctor`: every preflight diagnostic, run in order, each answer with its fixes.
 * A diagnostic that throws (a tool missing, an unexpected answer) counts as failed, with the
 * reason; one broken check never hides the others.
 */
import path from 'node:path';
import { CommandError } from '../run/runner';
import { toolVersions } from '../tools/versions';
import { dockerRunning } from './docker-check';
import { gcloudApis, gcloudAuthenticated, gcloudProject, gkeAuthPlugin } from './gcloud-checks';
import { githubRepository, githubToken } from './github-checks';
import { freeDisk, freeMemory, portsFree } from './host-checks';
import { noLeftovers } from './leftover-check';
import { asdfFixes, toolDiagnostics } from './tool-checks';
import type { CheckResult, Diagnostic, DoctorContext } from './types';

export type { CheckResult, Diagnostic, DoctorContext } from './types';

export const diagnostics: readonly Diagnostic[] = [
  dockerRunning,
  ...toolDiagnostics,
  freeDisk,
  freeMemory,
  portsFree,
  githubToken,
  githubRepository,
  gcloudAuthenticated,
  gcloudProject,
  gcloudApis,
  gkeAuthPlugin,
  noLeftovers,
];

export interface DiagnosticOutcome extends CheckResult {
  id: string;
  title: string;
}

export async function runDoctor(ctx: DoctorContext, list: readonly Diagnostic[] = diagnostics): Promise<DiagnosticOutcome[]> {
  const outcomes: DiagnosticOutcome[] = [];
  for (const diagnostic of list) {
    if (!diagnostic.applicable(ctx)) continue;
    const result = await diagnostic.check(ctx).catch(failure);
    outcomes.push({ id: diagnostic.id, title: diagnostic.title, ...result });
  }
  return outcomes;
}

function failure(error: unknown): CheckResult {
  if (error instanceof CommandError && error.code === 'ENOENT') {
    const tool = path.basename(error.command.split(' ')[0] ?? '');
    const spec = toolVersions.find((entry) => entry.executable === tool);
    return { passed: false, description: `${tool} was not found.`, fixes: spec ? asdfFixes(spec) : [`Install ${tool} and make sure it is on PATH.`] };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { passed: false, description: message, fixes: ['Fix the error above, then run `lab doctor` again.'] };
}

/** ✔/✗ lines, each failure followed by its fixes. */
export function formatDoctor(outcomes: readonly DiagnosticOutcome[]): string {
  const lines: string[] = [];
  for (const outcome of outcomes) {
    lines.push(`${outcome.passed ? '✔' : '✗'} ${outcome.title}: ${outcome.description}`);
    for (const fix of outcome.fixes) lines.push(`    → ${fix}`);
  }
  const failedCount = outcomes.filter((outcome) => !outcome.passed).length;
  lines.push(failedCount === 0 ? 'All checks passed.' : `${failedCount} of ${outcomes.length} checks failed.`);
  return lines.join('\n') + '\n';
}

export function doctorJson(outcomes: readonly DiagnosticOutcome[]): { ok: boolean; checks: DiagnosticOutcome[] } {
  return { ok: outcomes.every((outcome) => outcome.passed), checks: [...outcomes] };
}
