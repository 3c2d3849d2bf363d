/**
 * The cleanup watch: a fake runner answering with real gcloud/k3d JSON shapes and a fake clock
 * for the unit tests; then one test against the simulated world, through the real fake gcloud.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startTestWorld, type TestWorld } from '../../../test/sim/world/test-world';
import { createRunner } from '../run/runner';
import type { CommandResult, CommandSpec } from '../run/types';
import type { Timers } from './cost-clock';
import { openLedger } from './ledger';
import { createCleanupWatch, type CleanupNotice } from './world-check-watch';

const P = 'my-project-1';
const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cleanup-watch-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

function fakeWorld() {
  const world = { k3d: ['crossplane'], clusters: ['dev-cluster'] };
  const calls: string[] = [];
  const run = async (spec: CommandSpec): Promise<CommandResult> => {
    const line = spec.argv.join(' ');
    calls.push(line);
    const ok = (stdout: string): CommandResult => ({ exitCode: 0, stdout, stderr: '', executable: spec.argv[0]!, durationMs: 1 });
    if (line === 'k3d cluster list -o json') return ok(json(world.k3d.map((name) => ({ name, serversCount: 1, serversRunning: 1, nodes: [] }))));
    if (line.startsWith('gcloud container clusters list')) {
      return ok(json(world.clusters.map((name) => ({ name, location: 'europe-west9-a', zone: 'europe-west9-a', status: 'RUNNING', nodePools: [{ name: 'main-np', status: 'RUNNING' }] }))));
    }
    if (line.startsWith('gcloud compute networks list')) return ok(json([{ name: 'dev-network' }]));
    throw new Error(`unexpected command: ${line}`);
  };
  return { world, calls, run };
}

function fakeTimers() {
  const pending = new Map<number, () => void>();
  let next = 1;
  const timers: Timers = { set: (callback) => (pending.set(next, callback), next++), clear: (handle) => void pending.delete(handle as number) };
  return { timers, fireAll: () => [...pending.entries()].forEach(([id, callback]) => (pending.delete(id), callback())) };
}

describe('cleanup watch', () => {
  it('writes what the world says into the ledger and flags leftovers whose control plane is gone', async () => {
    let now = new Date('2026-11-26T10:00:00Z');
    const ledger = openLedger(tempDir(), () => now);
    ledger.record({ kind: 'k3d-cluster', name: 'crossplane' });
    ledger.record({ kind: 'gke-cluster', name: 'dev-cluster', project: P, zone: 'europe-west9-a', costPerHour: 0.1 });
    ledger.record({ kind: 'gke-node-pool', name: 'dev-cluster/main-np', project: P, zone: 'europe-west9-a', costPerHour: 0.0603 });
    ledger.record({ kind: 'gcp-network', name: 'dev-network', project: P });
    const fake = fakeWorld();
    const watch = createCleanupWatch({ ledger, run: fake.run, inputs: { gcp: { project: P } }, onNotice: () => undefined, startCleanup: () => undefined, now: () => now, timers: fakeTimers().timers });
    try {
      await watch.reconcile();
      expect(ledger.list().map((e) => [e.id, e.state, e.leftover ?? false])).toEqual([
        ['k3d-cluster/crossplane', 'present', false],
        [`gke-cluster/${P}/europe-west9-a/dev-cluster`, 'present', false],
        [`gke-node-pool/${P}/europe-west9-a/dev-cluster/main-np`, 'present', false],
        [`gcp-network/${P}/dev-network`, 'present', false],
      ]);
      expect(watch.leftovers()).toEqual([]);

      // The k3d cluster was deleted by hand: the GKE cluster, its pool and the network bill on with nothing to delete them.
      fake.world.k3d = [];
      now = new Date('2026-11-26T12:00:00Z');
      await watch.reconcile();
      expect(ledger.list().filter((e) => e.leftover).map((e) => e.kind)).toEqual(['gke-cluster', 'gke-node-pool', 'gcp-network']);
      expect(watch.leftovers().map((l) => [l.entry.kind, l.ageMinutes])).toEqual([['gke-cluster', 120], ['gke-node-pool', 120], ['gcp-network', 120]]);
      expect(watch.costClock()).toMatchObject({ since: '2026-11-26T10:00:00.000Z', costPerHour: 0.1603, costSoFar: 0.3206 });

      // Once removed with gcloud, they are gone and no longer leftovers.
      fake.world.clusters = [];
      await watch.reconcile();
      expect(ledger.list().filter((e) => e.kind.startsWith('gke')).map((e) => [e.state, e.leftover ?? false])).toEqual([['gone', false], ['gone', false]]);
      expect(watch.costClock()).toMatchObject({ costPerHour: 0, costSoFar: 0 });
    } finally {
      watch.close();
    }
  });

  it('reminds through onNotice after the configured time, and starts the cleanup once at the deadline', async () => {
    let now = new Date('2026-11-26T10:00:00Z');
    const ledger = openLedger(tempDir(), () => now);
    const notices: CleanupNotice[] = [];
    let cleanups = 0;
    const time = fakeTimers();
    const watch = createCleanupWatch({
      ledger,
      run: fakeWorld().run,
      inputs: () => ({ gcp: { project: P }, cleanup: { remindAfterMinutes: 30, deadline: '2026-11-26T11:00:00Z' } }),
      onNotice: (notice) => notices.push(notice),
      startCleanup: () => void cleanups++,
      now: () => now,
      timers: time.timers,
    });
    try {
      // Recording the cluster (as the step does) arms the clock through the ledger's change listener.
      ledger.record({ kind: 'gke-cluster', name: 'dev-cluster', project: P, zone: 'europe-west9-a', costPerHour: 0.1 });
      now = new Date('2026-11-26T10:31:00Z');
      time.fireAll();
      expect(notices).toEqual([{ level: 'warning', message: expect.stringMatching(/running for 31 min and cost about \$0\.05 so far/) }]);
      expect(cleanups).toBe(0);
      now = new Date('2026-11-26T11:00:01Z');
      time.fireAll();
      expect(cleanups).toBe(1);
      expect(notices[1]).toEqual({ level: 'warning', message: expect.stringMatching(/^The cleanup deadline \(2026-11-26T11:00:00\.000Z\) has passed with cloud resources still running/) });
      await watch.reconcile();
      time.fireAll();
      expect(cleanups).toBe(1);
      expect(watch.costClock()).toMatchObject({ remindAfterMinutes: 30, deadline: '2026-11-26T11:00:00.000Z' });
    } finally {
      watch.close();
    }
  });
});

describe('cleanup watch against the simulated world', () => {
  let t: TestWorld | undefined;
  afterAll(async () => {
    await t?.dispose();
  });

  it('finds a cluster labelled for this lab through gcloud --filter, sees it present, and gone after gcloud deletes it', async () => {
    t = await startTestWorld();
    const env = { ...t.world.env(), HOME: t.workDir, LANG: 'C' };
    const runner = createRunner({ baseEnv: env, loginShell: false });
    const commands: string[] = [];
    const run = (spec: CommandSpec) => (commands.push(spec.argv.join(' ')), runner.run({ ...spec, cwd: t!.workDir }));
    const project = (await run({ argv: ['gcloud', 'config', 'get-value', 'project'] })).stdout.trim();
    const ledger = openLedger(tempDir());
    const zone = 'europe-west9-a';
    await run({ argv: ['gcloud', 'container', 'clusters', 'create', 'dev-cluster', `--zone=${zone}`, `--project=${project}`, '--num-nodes=1', `--labels=lab=${ledger.sessionId}`] });
    await run({ argv: ['gcloud', 'container', 'clusters', 'create', 'someone-elses', `--zone=${zone}`, `--project=${project}`, '--num-nodes=1', '--labels=lab=other'] });
    const watch = createCleanupWatch({ ledger, run, inputs: { gcp: { project } }, env, onNotice: () => undefined, startCleanup: () => undefined });
    try {
      // The ledger is empty (as after a crash before recording): the label finds the cluster.
      await watch.reconcile();
      expect(commands).toContain(`gcloud container clusters list --filter=resourceLabels.lab=${ledger.sessionId} --format=json --project=${project}`);
      const id = `gke-cluster/${project}/${zone}/dev-cluster`;
      expect(ledger.list().map((e) => [e.id, e.state])).toEqual([
        [id, 'present'],
        [`gke-node-pool/${project}/${zone}/dev-cluster/default-pool`, 'present'],
      ]);
      expect(ledger.get(id)?.labels).toEqual({ lab: ledger.sessionId });

      await run({ argv: ['gcloud', 'container', 'clusters', 'delete', 'dev-cluster', `--zone=${zone}`, `--project=${project}`, '--quiet'] });
      await watch.reconcile();
      expect(ledger.get(id)).toMatchObject({ state: 'gone', detail: `gcloud container clusters list does not list dev-cluster in ${project}` });
      expect(ledger.list().map((e) => e.name)).not.toContain('someone-elses');
      expect(watch.costClock().costPerHour).toBe(0);
    } finally {
      watch.close();
    }
  }, 120_000);
});
