import { createPrivateKey } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startTestWorld, type TestWorld } from '../world/test-world.js';

let t: TestWorld;
beforeAll(async () => {
  // Time stands still until the GKE test has seen PROVISIONING, so nothing races the timers.
  t = await startTestWorld({ holdClock: true });
});
afterAll(async () => {
  await t?.dispose();
});

const P = 'lab-project';
const SA = `crossplane@${P}.iam.gserviceaccount.com`;
const ROLES = ['roles/container.admin', 'roles/compute.networkAdmin', 'roles/iam.serviceAccountUser'];

describe('fake gcloud: the service-account step', () => {
  it('enables APIs, creates the account, binds three roles one call each', async () => {
    const enable = await t.exec('gcloud', ['services', 'enable', 'container.googleapis.com', 'compute.googleapis.com', `--project=${P}`]);
    expect(enable.code).toBe(0);
    expect(enable.stderr).toMatch(/^(Operation "operations\/acf\.p2-\d+-[0-9a-f-]+" finished successfully\.\n){2}$/);
    const created = await t.exec('gcloud', ['iam', 'service-accounts', 'create', 'crossplane', `--project=${P}`]);
    expect(created).toEqual({ code: 0, stdout: '', stderr: `Created service account [crossplane].\nService account email: ${SA}\n` });
    let policy: { bindings: Array<{ role: string; members: string[] }> } | undefined;
    for (const role of ROLES) {
      const bound = await t.exec('gcloud', ['projects', 'add-iam-policy-binding', P, `--member=serviceAccount:${SA}`, `--role=${role}`]);
      expect(bound.code).toBe(0);
      expect(bound.stderr).toBe(`Updated IAM policy for project [${P}].\n`);
      policy = parse(bound.stdout) as typeof policy;
    }
    for (const role of ROLES) expect(policy!.bindings.find((b) => b.role === role)?.members).toEqual([`serviceAccount:${SA}`]);
    const roles = policy!.bindings.map((b) => b.role);
    expect(roles).toEqual([...roles].sort());
    const emails = await t.exec('gcloud', ['iam', 'service-accounts', 'list', `--project=${P}`, '--format=value(email)']);
    expect(emails.stdout).toBe(`${SA}\n`);
    const services = JSON.parse((await t.exec('gcloud', ['services', 'list', '--enabled', `--project=${P}`, '--format=json'])).stdout) as Array<{ config: { name: string }; state: string }>;
    expect(services.map((s) => s.config.name)).toEqual(expect.arrayContaining(['container.googleapis.com', 'compute.googleapis.com']));
  });

  it('creates a key file with the real field names and a real PEM key, never exposed by GET /world', async () => {
    const key = await t.exec('gcloud', ['iam', 'service-accounts', 'keys', 'create', 'crossplane.json', `--iam-account=${SA}`]);
    expect(key.code, key.stderr).toBe(0);
    const match = /^created key \[([0-9a-f]{40})\] of type \[json\] as \[crossplane\.json\] for \[(.+)\]\n$/.exec(key.stderr);
    expect(match?.[2]).toBe(SA);
    const file = join(t.workDir, 'crossplane.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    expect(Object.keys(json)).toEqual(['type', 'project_id', 'private_key_id', 'private_key', 'client_email', 'client_id', 'auth_uri', 'token_uri', 'auth_provider_x509_cert_url', 'client_x509_cert_url', 'universe_domain']);
    expect(json).toMatchObject({ type: 'service_account', project_id: P, private_key_id: match?.[1], client_email: SA });
    const pem = createPrivateKey(json.private_key!);
    expect(pem.asymmetricKeyType).toBe('rsa');
    expect(pem.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const world = JSON.stringify((await t.control('/world')).body);
    expect(world).toContain(match?.[1]);
    expect(world).not.toContain('PRIVATE KEY');
    expect(world).not.toContain(json.private_key!.split('\n')[1]);
    expect(world).not.toContain(t.world.env().GITHUB_TOKEN);
    const listed = await t.exec('gcloud', ['iam', 'service-accounts', 'keys', 'list', `--iam-account=${SA}`, '--format=value(name)']);
    expect(listed.stdout).toBe(`projects/${P}/serviceAccounts/${SA}/keys/${match?.[1]}\n`);
  });

  it('sa-key-forbidden: the org-policy error, exit 1, no key', async () => {
    await t.control('/faults', { enable: ['sa-key-forbidden'] });
    try {
      const key = await t.exec('gcloud', ['iam', 'service-accounts', 'keys', 'create', 'second.json', `--iam-account=${SA}`]);
      expect(key.code).toBe(1);
      expect(key.stderr).toMatch(/^ERROR: \(gcloud\.iam\.service-accounts\.keys\.create\) FAILED_PRECONDITION: Key creation is not allowed on this service account\.\n/);
      expect(key.stderr).toContain('type: constraints/iam.disableServiceAccountKeyCreation');
    } finally {
      await t.control('/faults', { disable: ['sa-key-forbidden'] });
    }
  });

  it('auth list and config get-value/set read and write the gcloud configuration', async () => {
    const auth = await t.exec('gcloud', ['auth', 'list']);
    expect(auth.stdout).toMatch(/^ +Credentialed Accounts\nACTIVE  ACCOUNT\n\*       student@example\.com\n$/);
    expect(auth.stderr).toContain('To set the active account, run:\n    $ gcloud config set account `ACCOUNT`\n');
    expect((await t.exec('gcloud', ['config', 'get-value', 'project'])).stdout).toBe('gitops-lab-sim\n');
    expect(await t.exec('gcloud', ['config', 'set', 'project', P])).toEqual({ code: 0, stdout: '', stderr: 'Updated property [core/project].\n' });
    expect((await t.exec('gcloud', ['config', 'get-value', 'project'])).stdout).toBe(`${P}\n`);
    // The project now comes from the configuration: no --project needed.
    expect((await t.exec('gcloud', ['iam', 'service-accounts', 'list', '--format=value(email)'])).stdout).toBe(`${SA}\n`);
  });

  it('unknown flags and commands fail like gcloud: exit 2', async () => {
    const flag = await t.exec('gcloud', ['container', 'clusters', 'list', '--bogus']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/^ERROR: \(gcloud\.container\.clusters\.list\) unrecognized arguments: --bogus/);
    const command = await t.exec('gcloud', ['container', 'clusterz', 'list']);
    expect(command.code).toBe(2);
    expect(command.stderr).toMatch(/^ERROR: \(gcloud\.container\) Invalid choice: 'clusterz'\./);
  });
});

describe('fake gcloud: GKE', () => {
  it('quota fault: cluster creation fails with the regional quota wording', async () => {
    await t.control('/faults', { enable: ['gcp-quota-exceeded'] });
    try {
      const create = await t.exec('gcloud', ['container', 'clusters', 'create', 'dev-cluster', '--zone=europe-west9-a', `--project=${P}`]);
      expect(create.code).toBe(1);
      expect(create.stderr).toMatch(/^ERROR: \(gcloud\.container\.clusters\.create\) ResponseError: code=403, message=Insufficient regional quota to satisfy request: resource "SSD_TOTAL_GB"/);
      expect(JSON.parse((await t.exec('gcloud', ['container', 'clusters', 'list', `--project=${P}`, '--format=json'])).stdout)).toEqual([]);
    } finally {
      await t.control('/faults', { disable: ['gcp-quota-exceeded'] });
    }
  });

  it('a cluster goes PROVISIONING -> RUNNING; get-credentials writes gke_P_Z_NAME and kubectl sees 3 nodes', async () => {
    const model = t.world.gcp;
    model.createCluster(P, 'europe-west9-a', 'dev-cluster', { labels: { lab: 'rehearsal' } });
    const provisioning = JSON.parse((await t.exec('gcloud', ['container', 'clusters', 'list', `--project=${P}`, '--format=json'])).stdout) as Array<Record<string, unknown>>;
    expect(provisioning).toHaveLength(1);
    expect(provisioning[0]).toMatchObject({ name: 'dev-cluster', location: 'europe-west9-a', zone: 'europe-west9-a', status: 'PROVISIONING', resourceLabels: { lab: 'rehearsal' } });
    const early = await t.exec('gcloud', ['container', 'clusters', 'get-credentials', 'dev-cluster', '--zone=europe-west9-a', `--project=${P}`]);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('WARNING: cluster dev-cluster is not running. The kubernetes API may not be available.');
    t.world.clock.release();
    await model.settled();
    const creds = await t.sh(`gcloud container clusters get-credentials dev-cluster --zone europe-west9-a --project ${P} && kubectl config current-context && kubectl get nodes --no-headers`);
    expect(creds.code, creds.stderr).toBe(0);
    expect(creds.stderr).toBe('Fetching cluster endpoint and auth data.\nkubeconfig entry generated for dev-cluster.\n');
    const [context, ...nodes] = creds.stdout.trim().split('\n');
    expect(context).toBe(`gke_${P}_europe-west9-a_dev-cluster`);
    expect(nodes).toHaveLength(3);
    for (const node of nodes) expect(node).toMatch(/^gke-dev-cluster-default-pool-\S+\s+Ready\s/);
    const running = JSON.parse((await t.exec('gcloud', ['container', 'clusters', 'list', `--project=${P}`, '--format=json'])).stdout) as Array<Record<string, unknown>>;
    expect(running[0]).toMatchObject({ status: 'RUNNING', currentNodeCount: 3, selfLink: `https://container.googleapis.com/v1/projects/${P}/zones/europe-west9-a/clusters/dev-cluster` });
  });

  it('gke-auth-plugin-missing: get-credentials prints the CRITICAL warning and still writes the entry', async () => {
    await t.control('/faults', { enable: ['gke-auth-plugin-missing'] });
    try {
      const creds = await t.exec('gcloud', ['container', 'clusters', 'get-credentials', 'dev-cluster', '--zone=europe-west9-a', `--project=${P}`]);
      expect(creds.code).toBe(0);
      expect(creds.stderr).toContain('CRITICAL: ACTION REQUIRED: gke-gcloud-auth-plugin, which is needed for continued use of kubectl, was not found or is not executable.');
    } finally {
      await t.control('/faults', { disable: ['gke-auth-plugin-missing'] });
    }
  });

  it('a load balancer blocks the network; clusters delete and the list ends empty', async () => {
    const model = t.world.gcp;
    model.createNetwork(P, 'dev-network');
    model.createLoadBalancer(P, 'europe-west9', 'a1b2c3', { network: 'dev-network' });
    const rules = JSON.parse((await t.exec('gcloud', ['compute', 'forwarding-rules', 'list', `--project=${P}`, '--format=json'])).stdout) as Array<{ name: string; IPAddress: string }>;
    expect(rules.map((r) => r.name)).toEqual(['a1b2c3']);
    const blocked = await t.exec('gcloud', ['compute', 'networks', 'delete', 'dev-network', `--project=${P}`, '--quiet']);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain(`ERROR: (gcloud.compute.networks.delete) Could not fetch resource:\n - The network resource 'projects/${P}/global/networks/dev-network' is already being used by 'projects/${P}/regions/europe-west9/forwardingRules/a1b2c3'`);
    const unattended = await t.exec('gcloud', ['container', 'clusters', 'delete', 'dev-cluster', '--zone=europe-west9-a', `--project=${P}`]);
    expect(unattended.code).toBe(1);
    expect(unattended.stderr).toContain('ERROR: (gcloud.container.clusters.delete) This prompt could not be answered because you are not in an interactive session.');
    expect(t.world.gcp.getCluster(P, 'europe-west9-a', 'dev-cluster').status).toBe('RUNNING');
    const deleted = await t.exec('gcloud', ['container', 'clusters', 'delete', 'dev-cluster', '--zone=europe-west9-a', `--project=${P}`, '--quiet']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stderr).toContain(`Deleting cluster dev-cluster...done.\nDeleted [https://container.googleapis.com/v1/projects/${P}/zones/europe-west9-a/clusters/dev-cluster].\n`);
    expect((await t.exec('gcloud', ['container', 'clusters', 'list', `--project=${P}`, '--format=json'])).stdout).toBe('[]\n');
    expect(t.world.kube.ids()).toEqual([]);
  });
});
