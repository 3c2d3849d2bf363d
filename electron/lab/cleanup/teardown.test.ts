/**
 * The engine's teardown with the real teardown steps over a fake runner that answers gcloud and
 * k3d from a small world in memory (no kubeconfig: the k3d cluster does not answer). Covers the
 * plan (resources from the ledger, cost, refusals asked of the world), `force` deleting directly
 * with gcloud, the ledger recording each removal, the cleanup events, and the direct removal of
 * leftovers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CleanupView, LabEvent, TeardownOptions } from '../../api/contract';
import { createEngine, type Engine } from '../engine/index';
import type { CommandRunner } from '../engine/ports';
import type { StepDefinition } from '../plan/step';
import type { CommandResult, CommandSpec } from '../run/types';
import { deleteRepository } from '../tools/github';
import { openLedger, type Ledger } from './ledger';

const PROJECT = 'gitops-lab-sim';
const ZONE = 'europe-west9-a';

let dir: string;
let ran: string[];
let world: { clusters: string[]; networks: string[]; rules: string[]; k3d: string[] };
let ledger: Ledger;
const engines: Engine[] = [];

/** Answers the commands the teardown runs as the real tools would, from `world`. */
const runner: CommandRunner = {
  async run(spec: CommandSpec): Promise<CommandResult> {
    const argv = spec.argv.join(' ');
    ran.push(argv);
    const ok = (stdout = ''): CommandResult => ({ exitCode: 0, stdout, stderr: '', executable: `/usr/bin/${spec.argv[0]}`, durationMs: 1 });
    if (argv.startsWith('gcloud container clusters list')) {
      return ok(JSON.stringify(world.clusters.map((name) => ({ name, status: 'RUNNING', location: ZONE, zone: ZONE, nodePools: [{ name: 'main-np', status: 'RUNNING', initialNodeCount: 1, config: { machineType: 'e2-standard-2' } }] }))));
    }
    if (argv.startsWith('gcloud compute networks list')) return ok(JSON.stringify(world.networks.map((name) => ({ name }))));
    if (argv.startsWith('gcloud compute forwarding-rules list')) {
      return ok(JSON.stringify(world.rules.map((name) => ({ name, region: `https://www.googleapis.com/compute/v1/projects/${PROJECT}/regions/europe-west9`, IPAddress: '203.0.113.9', network: `https://www.googleapis.com/compute/v1/projects/${PROJECT}/global/networks/dev-network`, description: '' }))));
    }
    if (argv === 'k3d cluster list -o json') return ok(JSON.stringify(world.k3d.map((name) => ({ name, nodes: [], serversRunning: 1, serversCount: 1, agentsRunning: 0, agentsCount: 0 }))));
    const deleted = /^gcloud (container clusters|compute networks|compute forwarding-rules) delete (\S+)/.exec(argv);
    if (deleted) {
      const list = deleted[1] === 'container clusters' ? world.clusters : deleted[1] === 'compute networks' ? world.networks : world.rules;
      list.splice(list.indexOf(deleted[2]!), 1);
      return ok();
    }
    if (argv.startsWith('k3d cluster delete ')) {
      world.k3d = world.k3d.filter((name) => name !== spec.argv[3]);
      return ok();
    }
    return ok('[]');
  },
};

const options = (given: Partial<TeardownOptions> = {}): TeardownOptions => ({ force: false, deleteServiceAccount: false, ...given });

function engine(): Engine {
  const made = createEngine({
    dataDir: dir,
    // No kubeconfig: the k3d cluster does not answer, so Crossplane cannot act.
    env: { KUBECONFIG: join(dir, 'no-kubeconfig') },
    steps: [] as StepDefinition[],
    runner,
    ledger,
    logWindowMs: 1,
    teardown: { pollMs: 10, timeouts: { loadBalancer: 200, gke: 200, network: 200 } },
  });
  engines.push(made);
  return made;
}

async function withInputs(made: Engine): Promise<Engine> {
  await made.setInputs({ inputs: { github: { owner: 'lab-student' }, gcp: { project: PROJECT, zone: ZONE }, clusters: { k3dName: 'lab', gkeName: 'dev-cluster' } as never, workspaceDir: join(dir, 'devflux') } });
  return made;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'teardown-'));
  ran = [];
  world = { clusters: ['dev-cluster'], networks: ['dev-network', 'default'], rules: ['a1b2c3'], k3d: ['lab'] };
  ledger = openLedger(dir);
  ledger.record({ kind: 'gke-cluster', name: 'dev-cluster', project: PROJECT, zone: ZONE, costPerHour: 0.1 });
  ledger.record({ kind: 'gcp-network', name: 'dev-network', project: PROJECT });
  ledger.record({ kind: 'k3d-cluster', name: 'lab' });
});

afterEach(async () => {
  for (const made of engines.splice(0)) await made.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the teardown plan', () => {
  it('lists what will go from the ledger, what it costs, and refuses what Crossplane cannot delete without --force', async () => {
    const made = await withInputs(engine());
    const plan = await made.planTeardown(options());
    const byId = Object.fromEntries(plan.items.map((item) => [item.stepId, item]));
    expect(plan.items.map((item) => item.stepId)).toEqual(['down-apps', 'down-gke', 'down-network', 'down-k3d', 'down-verify']);
    expect(byId['down-gke']?.resources).toEqual([`gke-cluster/${PROJECT}/${ZONE}/dev-cluster`]);
    expect(byId['down-gke']?.refusal).toContain('GKE cluster dev-cluster exists but the k3d cluster does not answer');
    expect(byId['down-gke']?.refusal).toContain(`gcloud container clusters delete dev-cluster --zone=${ZONE} --project=${PROJECT} --quiet`);
    expect(byId['down-apps']?.refusal).toContain('load balancer(s) a1b2c3 remain but the dev cluster is not reachable');
    expect(byId['down-k3d']?.refusal).toContain('would be left without their manager');
    // GKE's fee, one preemptible e2-standard-2 and one forwarding rule.
    expect(plan.costPerHour).toBeCloseTo(0.1 + 0.0201 + 0.025, 4);
    expect(plan.warnings.join('\n')).toContain('kept (--delete-service-account deletes it)');

    const forced = await made.planTeardown(options({ force: true }));
    expect(forced.items.filter((item) => item.refusal)).toEqual([]);
  });
});

describe('running the teardown', () => {
  it('without --force stops at the first step that cannot proceed, naming what remains and the command to remove it', async () => {
    const made = await withInputs(engine());
    await made.runTeardown(options());
    await made.whenTeardownIdle();
    const snapshot = await made.getSnapshot({});
    expect(snapshot.steps['down-apps']?.status).toBe('failed');
    expect(snapshot.steps['down-apps']?.error?.message).toContain(`gcloud compute forwarding-rules delete a1b2c3 --region=europe-west9 --project=${PROJECT} --quiet`);
    expect(snapshot.steps['down-k3d']?.status).toBe('blocked');
    expect(snapshot.cleanup.remaining.join('\n')).toContain('Remove the shop (releases the load balancer) (down-apps): Load balancer(s) remain on network dev-network');
    expect(snapshot.cleanup.completedAt).toBeUndefined();
    expect(ran.filter((argv) => / delete /.test(argv))).toEqual([]);
    expect(world.k3d).toEqual(['lab']);
  });

  it('--force deletes directly with gcloud in the safe order, records each removal in the ledger, and says so in cleanup events', async () => {
    const made = await withInputs(engine());
    const views: CleanupView[] = [];
    made.onEvent((event: LabEvent) => void (event.type === 'cleanup' && views.push(event.cleanup)));
    await made.runTeardown(options({ force: true }));
    await made.whenTeardownIdle();
    expect(ran.filter((argv) => / delete /.test(argv))).toEqual([
      `gcloud compute forwarding-rules delete a1b2c3 --region=europe-west9 --project=${PROJECT} --quiet`,
      `gcloud container clusters delete dev-cluster --zone=${ZONE} --project=${PROJECT} --quiet`,
      `gcloud compute networks delete dev-network --project=${PROJECT} --quiet`,
      'k3d cluster delete lab',
    ]);
    expect(world).toEqual({ clusters: [], networks: ['default'], rules: [], k3d: [] });
    const snapshot = await made.getSnapshot({});
    expect(snapshot.steps['down-verify']).toMatchObject({ status: 'succeeded', outputs: { evidence: expect.stringContaining('no cluster dev-cluster') } });
    expect(snapshot.cleanup.completedAt).toBeDefined();
    expect(ledger.list().map((entry) => [entry.kind, entry.state])).toEqual([['gke-cluster', 'gone'], ['gcp-network', 'gone'], ['k3d-cluster', 'gone']]);
    expect(views.some((view) => view.running)).toBe(true);
    expect(views.at(-1)).toMatchObject({ running: false, remaining: [], cost: { costPerHour: 0 } });
    expect(views.at(-1)?.completedAt).toBeDefined();
  });

  it('a new engine on the same data folder finds the done steps done and does not run them again', async () => {
    const first = await withInputs(engine());
    await first.runTeardown(options({ force: true }));
    await first.whenTeardownIdle();
    await first.close();
    ran = [];
    const second = engine();
    await second.start();
    await second.runTeardown(options());
    await second.whenTeardownIdle();
    expect(ran.filter((argv) => / delete /.test(argv))).toEqual([]);
    expect((await second.getSnapshot({})).steps['down-verify']?.status).toBe('succeeded');
  });
});

describe('the GitHub repository', () => {
  it('is deleted only when asked with exactly owner/repository; the plan says why otherwise', async () => {
    const made = await withInputs(engine());
    const plan = await made.planTeardown(options({ force: true, deleteRepository: 'lab-student/other' }));
    expect(plan.items.find((item) => item.stepId === 'down-repository')?.refusal).toBe('Refusing to delete the GitHub repository: "lab-student/other" is not exactly "lab-student/devflux". Type its full name, owner/repository, to confirm.');
    const kept = await made.planTeardown(options({ force: true }));
    expect(kept.items.map((item) => item.stepId)).not.toContain('down-repository');
    expect(kept.warnings.join('\n')).toContain('Delete the GitHub repository: kept (--delete-repository OWNER/REPOSITORY deletes it).');
  });

  it('DELETE /repos/OWNER/REPO: 204 and 404 are done, 403 names the missing scope', async () => {
    const calls: string[] = [];
    const answer = (status: number): typeof fetch => (async (url: string | URL | Request, init?: RequestInit) => {
      calls.push(`${init?.method} ${String(url)} ${(init?.headers as Record<string, string>).Authorization}`);
      return new Response(null, { status });
    }) as typeof fetch;
    await deleteRepository({ token: 'ghp_x', apiUrl: 'http://127.0.0.1:9/api', fetch: answer(204) }, 'lab-student', 'devflux');
    await deleteRepository({ token: 'ghp_x', apiUrl: 'http://127.0.0.1:9/api', fetch: answer(404) }, 'lab-student', 'devflux');
    expect(calls).toEqual(['DELETE http://127.0.0.1:9/api/repos/lab-student/devflux Bearer ghp_x', 'DELETE http://127.0.0.1:9/api/repos/lab-student/devflux Bearer ghp_x']);
    await expect(deleteRepository({ token: 'ghp_x', apiUrl: 'http://127.0.0.1:9/api', fetch: answer(403) }, 'lab-student', 'devflux')).rejects.toThrow('the token needs the "delete_repo" scope');
  });
});

describe('removing leftovers directly', () => {
  it('deletes the given ledger entries with gcloud and k3d and records them as gone', async () => {
    const made = await withInputs(engine());
    await made.removeLeftovers({ ids: [`gke-cluster/${PROJECT}/${ZONE}/dev-cluster`, 'k3d-cluster/lab'] });
    expect(ran.filter((argv) => / delete /.test(argv))).toEqual([`gcloud container clusters delete dev-cluster --zone=${ZONE} --project=${PROJECT} --quiet`, 'k3d cluster delete lab']);
    expect(ledger.get('k3d-cluster/lab')?.state).toBe('gone');
    await expect(made.removeLeftovers({ ids: ['gke-cluster/nope'] })).rejects.toMatchObject({ code: 'not-found' });
  });
});
