import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestWorld, type TestWorld } from '../../../test/sim/world/test-world';
import { SecretMasker } from '../run/mask';
import { createRunner } from '../run/runner';
import {
  authList,
  authPluginPresent,
  bindRoles,
  configGetValue,
  createKey,
  createServiceAccount,
  CROSSPLANE_ROLES,
  enabledServices,
  enableServices,
  forbiddingConstraint,
  getCredentials,
  KeyCreationForbidden,
  listClusters,
  listServiceAccounts,
  REQUIRED_SERVICES,
} from './gcloud';

const PROJECT = 'gitops-lab-sim';
let t: TestWorld;
beforeAll(async () => {
  t = await startTestWorld();
});
afterAll(async () => {
  await t?.dispose();
});

function runner(masker = new SecretMasker()) {
  const lines: string[] = [];
  const runner = createRunner({ masker, baseEnv: { ...t.world.env(), HOME: t.workDir, LANG: 'C' }, loginShell: false });
  const run: typeof runner.run = (spec) => runner.run({ cwd: t.workDir, ...spec }, { onLine: (_source, line) => lines.push(line) });
  return { run, lines, masker };
}

describe('gcloud adapter against the simulated gcloud', () => {
  it('reads the active account and the configured project', async () => {
    const { run } = runner();
    expect(await authList(run)).toEqual([{ account: 'student@example.com', active: true }]);
    expect(await configGetValue(run, 'project')).toBe(PROJECT);
    expect(await configGetValue(run, 'compute/zone')).toBeUndefined();
  });

  it('enables the required APIs and lists them as enabled', async () => {
    const { run } = runner();
    expect(await enabledServices(run, PROJECT)).not.toContain('container.googleapis.com');
    await enableServices(run, PROJECT, REQUIRED_SERVICES);
    expect(await enabledServices(run, PROJECT)).toEqual(expect.arrayContaining([...REQUIRED_SERVICES]));
  });

  it('creates the service account and binds each role', async () => {
    const { run } = runner();
    const email = await createServiceAccount(run, PROJECT, 'crossplane', 'Crossplane');
    expect(email).toBe(`crossplane@${PROJECT}.iam.gserviceaccount.com`);
    expect((await listServiceAccounts(run, PROJECT)).map((sa) => sa.email)).toContain(email);
    await bindRoles(run, PROJECT, `serviceAccount:${email}`);
    const policy = await t.exec('gcloud', ['projects', 'get-iam-policy', PROJECT, '--format=json']);
    const bindings = JSON.parse(policy.stdout).bindings as Array<{ role: string; members: string[] }>;
    for (const role of CROSSPLANE_ROLES) expect(bindings.find((b) => b.role === role)?.members).toContain(`serviceAccount:${email}`);
  });

  it('creates a key as a 0600 file in a private folder, masked and never in the output', async () => {
    const { run, lines, masker } = runner();
    const key = await createKey(run, { account: `crossplane@${PROJECT}.iam.gserviceaccount.com`, project: PROJECT, masker, parentDir: t.workDir });
    try {
      expect(statSync(key.path).mode & 0o777).toBe(0o600);
      expect(statSync(path.dirname(key.path)).mode & 0o777).toBe(0o700);
      const json = JSON.parse(readFileSync(key.path, 'utf8')) as { private_key: string; private_key_id: string };
      expect(key.keyId).toBe(json.private_key_id);
      expect(masker.mask(`leak: ${json.private_key}`)).toBe('leak: ***');
      const output = lines.join('\n');
      expect(output).toContain(`created key [${key.keyId}]`);
      expect(output).not.toContain('PRIVATE KEY');
    } finally {
      key.dispose();
    }
    expect(existsSync(path.dirname(key.path))).toBe(false);
  });

  it('explains the org policy forbidding keys (sa-key-forbidden) and leaves no file behind', async () => {
    const { run, masker } = runner();
    const before = readdirSync(t.workDir).filter((name) => name.startsWith('lab-sa-key-'));
    const error = await t.withFault('sa-key-forbidden', () =>
      createKey(run, { account: `crossplane@${PROJECT}.iam.gserviceaccount.com`, project: PROJECT, masker, parentDir: t.workDir }).catch((e: unknown) => e),
    );
    expect(error).toBeInstanceOf(KeyCreationForbidden);
    expect((error as Error).message).toMatch(/organization forbids service-account keys \(iam\.disableServiceAccountKeyCreation\)/);
    expect((error as Error).message).toContain('gcp.keyFile');
    expect(readdirSync(t.workDir).filter((name) => name.startsWith('lab-sa-key-'))).toEqual(before);
  });

  it('lists clusters as JSON (none yet) and fetches credentials', async () => {
    const { run } = runner();
    expect(await listClusters(run, PROJECT)).toEqual([]);
    // Without --async gcloud waits until the cluster is RUNNING, so it has an endpoint for get-credentials.
    await t.exec('gcloud', ['container', 'clusters', 'create', 'dev-cluster', '--zone=europe-west9-a', `--project=${PROJECT}`]);
    const clusters = await listClusters(run, PROJECT);
    expect(clusters).toEqual([expect.objectContaining({ name: 'dev-cluster', location: 'europe-west9-a' })]);
    const creds = await getCredentials(run, { cluster: 'dev-cluster', zone: 'europe-west9-a', project: PROJECT });
    expect(creds).toEqual({ context: `gke_${PROJECT}_europe-west9-a_dev-cluster`, authPluginMissing: false });
    const missing = await t.withFault('gke-auth-plugin-missing', () => getCredentials(run, { cluster: 'dev-cluster', zone: 'europe-west9-a', project: PROJECT }));
    expect(missing.authPluginMissing).toBe(true);
  });

  it('finds gke-gcloud-auth-plugin through the runner, and notices when it cannot run', async () => {
    const { run } = runner();
    expect((await authPluginPresent(run)).present).toBe(true);
    expect(await t.withFault('gke-auth-plugin-missing', () => authPluginPresent(run))).toMatchObject({ present: false });
  });
});

describe('org-policy detection (transcripts/gcloud.md)', () => {
  it('names the constraint, managed variant included', () => {
    expect(forbiddingConstraint('ERROR: (gcloud.iam.service-accounts.keys.create) FAILED_PRECONDITION: Key creation is not allowed on this service account.\n    type: constraints/iam.disableServiceAccountKeyCreation\n')).toBe('iam.disableServiceAccountKeyCreation');
    expect(forbiddingConstraint('    type: constraints/iam.managed.disableServiceAccountKeyCreation\n')).toBe('iam.managed.disableServiceAccountKeyCreation');
    expect(forbiddingConstraint('ERROR: (gcloud.iam.service-accounts.keys.create) NOT_FOUND: Unknown service account\n')).toBeUndefined();
  });
});
