/**
 * The fake gcloud's deletions the teardown relies on, as the real CLI behaves: `compute
 * forwarding-rules delete` returns once Google released the rule (Deleted [...] on stderr), a
 * missing rule fails with Google's words (exit 1), and `container clusters delete --quiet`
 * deletes a cluster whatever Terraform's deletion protection says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestWorld, type TestWorld } from '../world/test-world';

const P = 'gitops-lab-sim';
const REGION = 'europe-west9';
let t: TestWorld;

beforeAll(async () => {
  t = await startTestWorld({ timeScale: 0.001 });
}, 30_000);

afterAll(async () => {
  await t?.dispose();
});

describe('fake gcloud deletions', () => {
  it('compute forwarding-rules delete waits until the rule is gone', async () => {
    t.world.gcp.createLoadBalancer(P, REGION, 'a1b2c3', { network: 'dev-network' });
    const deleted = await t.exec('gcloud', ['compute', 'forwarding-rules', 'delete', 'a1b2c3', `--region=${REGION}`, `--project=${P}`, '--quiet']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stderr).toContain(`Deleted [https://www.googleapis.com/compute/v1/projects/${P}/regions/${REGION}/forwardingRules/a1b2c3].`);
    const listed = await t.exec('gcloud', ['compute', 'forwarding-rules', 'list', '--format=json', `--project=${P}`]);
    expect(JSON.parse(listed.stdout)).toEqual([]);
  });

  it('a missing rule fails with exit 1 and Google\'s message', async () => {
    const missing = await t.exec('gcloud', ['compute', 'forwarding-rules', 'delete', 'nope', `--region=${REGION}`, `--project=${P}`, '--quiet']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`ERROR: (gcloud.compute.forwarding-rules.delete) Could not fetch resource:\n - The resource 'projects/${P}/regions/${REGION}/forwardingRules/nope' was not found`);
  });

  it('container clusters delete --quiet deletes a cluster created with deletion protection', async () => {
    t.world.gcp.createCluster(P, 'europe-west9-a', 'guarded', { deletionProtection: true });
    await t.world.gcp.settled();
    const deleted = await t.exec('gcloud', ['container', 'clusters', 'delete', 'guarded', '--zone=europe-west9-a', `--project=${P}`, '--quiet']);
    expect(deleted.code, deleted.stderr).toBe(0);
    const listed = await t.exec('gcloud', ['container', 'clusters', 'list', '--format=json', `--project=${P}`]);
    expect(JSON.parse(listed.stdout)).toEqual([]);
  });
});
