/**
 * "No leftovers from an earlier lab": reads the cleanup ledger in the data folder, asks the world
 * about what it names (and about clusters labelled for this lab that it lacks), and fails when a
 * cloud resource still bills although nothing will remove it, with `lab down --force` and the
 * exact gcloud commands. Read only: a running app may be writing the same ledger.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { LedgerEntry } from '../../api/contract';
import { costPerHourOf, formatDuration } from '../cleanup/cost-clock';
import { findLeftovers, leftoverFixes, type Leftover } from '../cleanup/leftovers';
import { LEDGER_FILE_NAME, ledgerId, openLedger } from '../cleanup/ledger';
import { checkWorld } from '../cleanup/world-check';
import { githubApiUrl } from '../tools/github';
import { failed, passed, type Diagnostic } from './types';

export const noLeftovers: Diagnostic = {
  id: 'no-leftovers',
  title: 'No leftovers from an earlier lab',
  applicable: (ctx) => ctx.dataDir !== undefined && existsSync(path.join(ctx.dataDir, LEDGER_FILE_NAME)),
  async check(ctx) {
    const ledger = openLedger(ctx.dataDir!);
    const entries = ledger.list();
    // A resource seen gone stays gone: a new one is recorded again.
    const open = entries.filter((entry) => entry.state !== 'gone');
    const result = await checkWorld(open, {
      run: ctx.run,
      sessionId: ledger.sessionId,
      ...(ctx.inputs?.gcp.project ? { project: ctx.inputs.gcp.project } : {}),
      ...(ctx.env.GITHUB_TOKEN ? { githubToken: ctx.env.GITHUB_TOKEN } : {}),
      githubApiUrl: githubApiUrl(ctx.env),
      ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
    });
    const seen = new Map(result.observations.map((o) => [o.id, o]));
    const now = new Date();
    const observed: LedgerEntry[] = [
      ...entries.map((entry) => {
        const o = seen.get(entry.id);
        return o ? { ...entry, state: o.state, ...(o.detail !== undefined ? { detail: o.detail } : {}) } : entry;
      }),
      ...result.discovered.map((record): LedgerEntry => ({ ...record, id: ledgerId(record), createdAt: record.createdAt ?? now.toISOString(), state: 'present' })),
    ];
    const leftovers = findLeftovers(observed, { labDown: ctx.labDown === true, now });
    if (leftovers.length > 0) {
      const perHour = leftovers.reduce((sum, l) => sum + costPerHourOf(l.entry), 0);
      return failed(
        `${leftovers.map(sentence).join('; ')}. Together about $${perHour.toFixed(2)} per hour until removed.`,
        ...leftoverFixes(leftovers),
      );
    }
    const unknown = observed.filter((entry) => entry.state === 'unknown');
    if (unknown.length > 0) {
      const details = [...new Set(unknown.map((entry) => entry.detail ?? 'no answer'))];
      return failed(`Could not check ${unknown.length} resource(s) of an earlier lab (${unknown.map((e) => e.name).join(', ')}).`, ...details);
    }
    const present = observed.filter((entry) => entry.state === 'present');
    const running = present.reduce((sum, entry) => sum + costPerHourOf(entry), 0);
    if (present.length === 0) return passed('Nothing the lab created is left.');
    return passed(`${present.length} resource(s) of the current lab exist with their control plane (about $${running.toFixed(2)} per hour); none is left over.`);
  },
};

function sentence(leftover: Leftover): string {
  const { entry } = leftover;
  const cost = costPerHourOf(entry);
  return `${entry.kind} ${entry.name}${entry.project ? ` in ${entry.project}` : ''} (${formatDuration(leftover.ageMinutes)} old${cost > 0 ? `, about $${cost.toFixed(2)}/h` : ''}): ${leftover.reason}`;
}
