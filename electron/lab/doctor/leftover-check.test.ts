import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLedger } from '../cleanup/ledger';
import { CommandError } from '../run/runner';
import type { CommandResult, CommandSpec } from '../run/types';
import { noLeftovers } from './leftover-check';
import type { DoctorContext } from './types';

const P = 'my-project-1';
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A data folder whose ledger holds a lab: k3d cluster, GKE cluster and pool, network. */
function dataDirWithLab(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-leftovers-'));
  dirs.push(dir);
  const ledger = openLedger(dir, () => new Date(Date.now() - 3 * 3_600_000));
  ledger.record({ kind: 'k3d-cluster', name: 'crossplane' });
  ledger.record({ kind: 'gke-cluster', name: 'dev-cluster', project: P, zone: 'europe-west9-a', costPerHour: 0.1 });
  ledger.record({ kind: 'gke-node-pool', name: 'dev-cluster/main-np', project: P, zone: 'europe-west9-a', costPerHour: 0.0603 });
  ledger.record({ kind: 'gcp-network', name: 'dev-network', project: P });
  return dir;
}

const json = (value: unknown): string => JSON.stringify(value, null, 2);

function context(dataDir: string, world: { k3d: string[]; gke: string[]; gcloudMissing?: boolean }): DoctorContext {
  const run = async (spec: CommandSpec): Promise<CommandResult> => {
    const line = spec.argv.join(' ');
    const ok = (stdout: string): CommandResult => ({ exitCode: 0, stdout, stderr: '', executable: spec.argv[0]!, durationMs: 1 });
    if (spec.argv[0] === 'gcloud' && world.gcloudMissing) {
      throw new CommandError({ command: line, exitCode: null, signal: null, stdout: '', stderr: '', timedOut: false, cancelled: false, durationMs: 1, code: 'ENOENT' });
    }
    if (line === 'k3d cluster list -o json') return ok(json(world.k3d.map((name) => ({ name, serversCount: 1, serversRunning: 1, nodes: [] }))));
    if (line.startsWith('gcloud container clusters list')) {
      return ok(json(world.gke.map((name) => ({ name, location: 'europe-west9-a', status: 'RUNNING', nodePools: [{ name: 'main-np' }] }))));
    }
    if (line.startsWith('gcloud compute networks list')) return ok(json([{ name: 'dev-network' }]));
    throw new Error(`unexpected: ${line}`);
  };
  return { run, env: {}, dataDir };
}

describe('doctor: no leftovers from an earlier lab', () => {
  it('applies only when the data folder holds a ledger', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-leftovers-'));
    dirs.push(empty);
    expect(noLeftovers.applicable({ run: async () => { throw new Error('unused'); }, env: {}, dataDir: empty })).toBe(false);
    expect(noLeftovers.applicable({ run: async () => { throw new Error('unused'); }, env: {} })).toBe(false);
    expect(noLeftovers.applicable(context(dataDirWithLab(), { k3d: [], gke: [] }))).toBe(true);
  });

  it('passes while the lab runs with its control plane', async () => {
    const result = await noLeftovers.check(context(dataDirWithLab(), { k3d: ['crossplane'], gke: ['dev-cluster'] }));
    expect(result).toMatchObject({ passed: true, description: expect.stringContaining('none is left over') });
  });

  it('fails when the k3d cluster is gone but GKE bills on, with age, cost, lab down --force and the gcloud commands', async () => {
    const result = await noLeftovers.check(context(dataDirWithLab(), { k3d: [], gke: ['dev-cluster'] }));
    expect(result.passed).toBe(false);
    expect(result.description).toMatch(/^gke-cluster dev-cluster in my-project-1 \(3 h 0 min old, about \$0\.10\/h\): its control plane .* is gone/);
    expect(result.description).toContain('Together about $0.16 per hour until removed.');
    expect(result.fixes).toEqual([
      'lab down --force',
      `gcloud container clusters delete dev-cluster --zone=europe-west9-a --project=${P} --quiet`,
      `gcloud compute networks delete dev-network --project=${P} --quiet`,
    ]);
  });

  it('passes when everything is gone, and says what to do when gcloud cannot be asked', async () => {
    const dir = dataDirWithLab();
    expect(await noLeftovers.check(context(dir, { k3d: [], gke: [] }))).toMatchObject({ passed: false });
    const gone = await noLeftovers.check(context(dir, { k3d: ['crossplane'], gke: [] }));
    expect(gone).toMatchObject({ passed: true });
    const missing = await noLeftovers.check(context(dir, { k3d: ['crossplane'], gke: [], gcloudMissing: true }));
    expect(missing.passed).toBe(false);
    expect(missing.description).toBe('Could not check 3 resource(s) of an earlier lab (dev-cluster, dev-cluster/main-np, dev-network).');
    expect(missing.fixes).toEqual([expect.stringMatching(/^gcloud is not installed .* install gcloud, then check again\.$/)]);
  });
});
