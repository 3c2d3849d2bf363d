/**
 * Leftover detection at start: the engine asks the world about what its ledger recorded, in the
 * background, and flags a cloud resource still running after a completed teardown. The world
 * here is a fake runner answering with gcloud's JSON shape; a resource it stops listing is gone.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CleanupView, LabEvent } from '../../electron/api/contract';
import { openLedger } from '../../electron/lab/cleanup/ledger';
import { createEngine, type Engine } from '../../electron/lab/engine/index';
import type { CommandRunner } from '../../electron/lab/engine/ports';

const dirs: string[] = [];
const engines: Engine[] = [];
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function fakeGcloud(clusters: () => unknown[]): { runner: CommandRunner; calls: string[][] } {
  const calls: string[][] = [];
  const runner: CommandRunner = {
    run: async (spec) => {
      calls.push(spec.argv);
      const listsClusters = spec.argv[0] === 'gcloud' && spec.argv.slice(1, 4).join(' ') === 'container clusters list';
      return { exitCode: 0, stdout: listsClusters ? JSON.stringify(clusters()) : '[]', stderr: '', executable: `/usr/bin/${spec.argv[0]}`, durationMs: 1 };
    },
  };
  return { runner, calls };
}

function labWith(completedTeardown: boolean): { dir: string; clusterId: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-leftovers-'));
  dirs.push(dir);
  const ledger = openLedger(dir);
  const entry = ledger.record({ kind: 'gke-cluster', name: 'dev-cluster', project: 'p1', zone: 'europe-west9-a', costPerHour: 0.16, labels: { lab: ledger.sessionId } });
  if (completedTeardown) fs.writeFileSync(path.join(dir, 'cleanup.json'), JSON.stringify({ completedAt: '2026-11-26T10:00:00.000Z', remaining: [] }));
  fs.writeFileSync(path.join(dir, 'state.json'), JSON.stringify({ schemaVersion: 2, createdAt: '2026-11-26T09:00:00.000Z', updatedAt: '2026-11-26T09:00:00.000Z', inputs: { gcp: { project: 'p1', zone: 'europe-west9-a' } }, steps: {} }));
  return { dir, clusterId: entry.id };
}

const gkeCluster = { name: 'dev-cluster', location: 'europe-west9-a', zone: 'europe-west9-a', status: 'RUNNING', currentNodeCount: 1, resourceLabels: {}, nodePools: [] };

function cleanupEvents(engine: Engine): CleanupView[] {
  const seen: CleanupView[] = [];
  engine.onEvent((event: LabEvent) => {
    if (event.type === 'cleanup') seen.push(event.cleanup);
  });
  return seen;
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('engine start: leftover detection', () => {
  it('flags a GKE cluster still listed by gcloud after a teardown completed', async () => {
    const { dir, clusterId } = labWith(true);
    const { runner, calls } = fakeGcloud(() => [gkeCluster]);
    const engine = createEngine({ dataDir: dir, env: {}, steps: [], runner });
    engines.push(engine);
    const views = cleanupEvents(engine);
    await engine.start();
    await until(() => views.some((v) => v.ledger.some((e) => e.leftover)));
    const entry = (await engine.getSnapshot({})).cleanup.ledger.find((e) => e.id === clusterId);
    expect(entry).toMatchObject({ state: 'present', leftover: true });
    expect(calls.some((argv) => argv.join(' ').startsWith('gcloud container clusters list'))).toBe(true);
  });

  it('a running cluster of a lab that is not torn down is no leftover, and its cost runs', async () => {
    const { dir, clusterId } = labWith(false);
    const { runner, calls } = fakeGcloud(() => [gkeCluster]);
    const engine = createEngine({ dataDir: dir, env: {}, steps: [], runner });
    engines.push(engine);
    await engine.start();
    await until(() => calls.length > 0);
    await engine.close();
    const snapshot = await createEngine({ dataDir: dir, env: {}, steps: [], runner }).getSnapshot({});
    expect(snapshot.cleanup.ledger.find((e) => e.id === clusterId)).toMatchObject({ state: 'present' });
    expect(snapshot.cleanup.ledger.find((e) => e.id === clusterId)?.leftover).toBeUndefined();
    expect(snapshot.cleanup.cost.costPerHour).toBeGreaterThan(0);
  });

  it('a cluster gcloud no longer lists is recorded gone and stops costing', async () => {
    const { dir, clusterId } = labWith(true);
    const { runner } = fakeGcloud(() => []);
    const engine = createEngine({ dataDir: dir, env: {}, steps: [], runner });
    engines.push(engine);
    const views = cleanupEvents(engine);
    await engine.start();
    await until(() => views.some((v) => v.ledger.some((e) => e.id === clusterId && e.state === 'gone')));
    const snapshot = await engine.getSnapshot({});
    expect(snapshot.cleanup.ledger.find((e) => e.id === clusterId)).toMatchObject({ state: 'gone' });
    expect(snapshot.cleanup.cost.costPerHour).toBe(0);
  });
});

describe('labIsDown (lab doctor reads it to judge leftovers)', () => {
  it('is true only after a teardown completed with nothing left', async () => {
    const { labIsDown } = await import('../../electron/lab/cleanup/teardown');
    expect(labIsDown(labWith(true).dir)).toBe(true);
    expect(labIsDown(labWith(false).dir)).toBe(false);
    const dir = labWith(false).dir;
    fs.writeFileSync(path.join(dir, 'cleanup.json'), JSON.stringify({ remaining: ['GKE cluster (down-gke): still listed'] }));
    expect(labIsDown(dir)).toBe(false);
  });
});
