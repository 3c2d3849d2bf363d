/**
 * The world check against a fake runner that answers with the shapes real gcloud and k3d print
 * (`--format=json`: a list, keys sorted; transcripts/gcloud.md, k3d.md) and a fake GitHub.
 */
import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../api/contract';
import { CommandError } from '../run/runner';
import type { CommandResult, CommandSpec } from '../run/types';
import { checkWorld, serviceAccountKeyName } from './world-check';

const P = 'my-project-1';
const SA = `crossplane@${P}.iam.gserviceaccount.com`;

function entry(kind: LedgerEntry['kind'], name: string, extra: Partial<LedgerEntry> = {}): LedgerEntry {
  return { id: `${kind}/${name}`, kind, name, createdAt: '2026-11-26T10:00:00.000Z', state: 'present', ...extra };
}

const cluster = (name: string, labels?: Record<string, string>) => ({
  createTime: '2026-11-26T10:05:00+00:00',
  currentNodeCount: 1,
  endpoint: '34.155.142.176',
  location: 'europe-west9-a',
  name,
  nodePools: [{ config: { machineType: 'e2-standard-2' }, initialNodeCount: 1, name: 'main-np', status: 'RUNNING' }],
  ...(labels ? { resourceLabels: labels } : {}),
  selfLink: `https://container.googleapis.com/v1/projects/${P}/zones/europe-west9-a/clusters/${name}`,
  status: 'RUNNING',
  zone: 'europe-west9-a',
});

type Answer = string | CommandError;

function fakeRun(answers: Record<string, Answer>) {
  const calls: string[] = [];
  const run = async (spec: CommandSpec): Promise<CommandResult> => {
    const line = spec.argv.join(' ');
    calls.push(line);
    // The most specific answer wins: `gcloud` alone stands for every gcloud command.
    const key = Object.keys(answers).filter((k) => line.startsWith(k)).sort((a, b) => b.length - a.length)[0];
    if (key === undefined) throw new Error(`unexpected command: ${line}`);
    const answer = answers[key]!;
    if (answer instanceof CommandError) throw answer;
    return { exitCode: 0, stdout: answer, stderr: '', executable: `/usr/bin/${spec.argv[0]}`, durationMs: 1 };
  };
  return { run, calls };
}

function failure(command: string, stderr: string, code?: string): CommandError {
  return new CommandError({ command, exitCode: code ? null : 1, signal: null, stdout: '', stderr, timedOut: false, cancelled: false, durationMs: 5, ...(code ? { code } : {}) });
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

const ledger: LedgerEntry[] = [
  entry('k3d-cluster', 'crossplane', { cluster: 'k3d-crossplane' }),
  entry('k3d-cluster', 'old'),
  entry('gke-cluster', 'dev-cluster', { project: P, zone: 'europe-west9-a' }),
  entry('gke-node-pool', 'dev-cluster/main-np', { project: P, zone: 'europe-west9-a' }),
  entry('gke-cluster', 'gone-cluster', { project: P, zone: 'europe-west9-a' }),
  entry('gcp-network', 'dev-network', { project: P }),
  entry('gcp-load-balancer', 'a0123456789abcdef0123456789abcd', { project: P, zone: 'europe-west9' }),
  entry('gcp-service-account', SA, { project: P }),
  entry('gcp-service-account-key', serviceAccountKeyName(SA, '38061c478eba1a2c20d2ffbf6fad5d32973fe4ca'), { project: P }),
  entry('gcp-service-account-key', serviceAccountKeyName(SA, 'b455682ab103e6ebe155d6adedcadfe74422aa49'), { project: P }),
];

const world = {
  'k3d cluster list -o json': json([{ name: 'crossplane', serversCount: 1, serversRunning: 1, agentsCount: 0, agentsRunning: 0, nodes: [] }]),
  'gcloud container clusters list --format=json': json([cluster('dev-cluster', { lab: 'abc123def456' }), cluster('labelled-only', { lab: 'abc123def456' }), cluster('someone-else')]),
  'gcloud compute networks list --format=json': json([{ autoCreateSubnetworks: true, name: 'default' }, { autoCreateSubnetworks: true, name: 'dev-network' }]),
  'gcloud compute forwarding-rules list --format=json': json([
    { IPAddress: '203.0.113.7', name: 'a0123456789abcdef0123456789abcd', region: `https://www.googleapis.com/compute/v1/projects/${P}/regions/europe-west9` },
  ]),
  'gcloud iam service-accounts list --format=json': json([{ email: SA, name: `projects/${P}/serviceAccounts/${SA}` }]),
  'gcloud iam service-accounts keys list': json([{ keyType: 'USER_MANAGED', name: `projects/${P}/serviceAccounts/${SA}/keys/38061c478eba1a2c20d2ffbf6fad5d32973fe4ca` }]),
};

const state = (observations: Array<{ id: string; state: string }>) => Object.fromEntries(observations.map((o) => [o.id, o.state]));

describe('checkWorld', () => {
  it('asks once per kind and tells present from gone', async () => {
    const { run, calls } = fakeRun(world);
    const result = await checkWorld(ledger, { run, sessionId: 'abc123def456', project: P });
    expect(state(result.observations)).toEqual({
      'k3d-cluster/crossplane': 'present',
      'k3d-cluster/old': 'gone',
      'gke-cluster/dev-cluster': 'present',
      'gke-node-pool/dev-cluster/main-np': 'present',
      'gke-cluster/gone-cluster': 'gone',
      'gcp-network/dev-network': 'present',
      'gcp-load-balancer/a0123456789abcdef0123456789abcd': 'present',
      [`gcp-service-account/${SA}`]: 'present',
      [`gcp-service-account-key/${SA}/keys/38061c478eba1a2c20d2ffbf6fad5d32973fe4ca`]: 'present',
      [`gcp-service-account-key/${SA}/keys/b455682ab103e6ebe155d6adedcadfe74422aa49`]: 'gone',
    });
    expect(calls).toEqual([
      'k3d cluster list -o json',
      `gcloud container clusters list --format=json --project=${P}`,
      `gcloud compute networks list --format=json --project=${P}`,
      `gcloud compute forwarding-rules list --format=json --project=${P}`,
      `gcloud iam service-accounts list --format=json --project=${P}`,
      `gcloud iam service-accounts keys list --iam-account=${SA} --format=json --project=${P}`,
    ]);
    expect(result.observations.find((o) => o.id === 'gke-cluster/gone-cluster')?.detail).toBe(`gcloud container clusters list does not list gone-cluster in ${P}`);
    // Labelled for this session but not in the ledger: reported for recording, with its node pool.
    expect(result.discovered).toEqual([
      { kind: 'gke-cluster', name: 'labelled-only', project: P, zone: 'europe-west9-a', labels: { lab: 'abc123def456' }, costPerHour: 0.1, createdAt: '2026-11-26T10:05:00.000Z' },
      { kind: 'gke-node-pool', name: 'labelled-only/main-np', project: P, zone: 'europe-west9-a', labels: { lab: 'abc123def456' }, createdAt: '2026-11-26T10:05:00.000Z' },
    ]);
  });

  it('with no GKE entry in the ledger, asks gcloud for the clusters labelled for this session', async () => {
    const { run, calls } = fakeRun({ 'gcloud container clusters list': json([cluster('dev-cluster', { lab: 's1' })]) });
    const result = await checkWorld([], { run, sessionId: 's1', project: P });
    expect(calls).toEqual([`gcloud container clusters list --filter=resourceLabels.lab=s1 --format=json --project=${P}`]);
    expect(result.discovered.map((r) => r.name)).toEqual(['dev-cluster', 'dev-cluster/main-np']);
  });

  it('says unknown, with what to do, when gcloud is missing or its credentials expired; never gone', async () => {
    const missing = fakeRun({ gcloud: failure('gcloud container clusters list', '', 'ENOENT') });
    const gke = ledger.filter((e) => e.kind.startsWith('g'));
    const result = await checkWorld(gke, { run: missing.run, sessionId: 'x' });
    expect(new Set(result.observations.map((o) => o.state))).toEqual(new Set(['unknown']));
    expect(result.observations).toHaveLength(gke.length);
    expect(result.observations[0]!.detail).toMatch(/^gcloud is not installed .* install gcloud, then check again/);

    const expired = fakeRun({
      gcloud: failure('gcloud container clusters list', 'ERROR: (gcloud.container.clusters.list) There was a problem refreshing your current auth tokens: Reauthentication failed. cannot prompt during non-interactive execution.'),
    });
    const again = await checkWorld(gke, { run: expired.run, sessionId: 'x' });
    expect(new Set(again.observations.map((o) => o.state))).toEqual(new Set(['unknown']));
    expect(again.observations[0]!.detail).toContain('run `gcloud auth login`');
  });

  it('says unknown for an entry that names no project', async () => {
    const { run, calls } = fakeRun({});
    const result = await checkWorld([entry('gke-cluster', 'dev-cluster'), entry('gcp-network', 'dev-network')], { run, sessionId: 'x' });
    expect(result.observations.map((o) => [o.id, o.state])).toEqual([['gke-cluster/dev-cluster', 'unknown'], ['gcp-network/dev-network', 'unknown']]);
    expect(result.observations[0]!.detail).toMatch(/which Google Cloud project/);
    expect(calls).toEqual([]);
  });

  it('keeps one failing kind from hiding the others', async () => {
    const { run } = fakeRun({ ...world, 'gcloud compute networks list --format=json': failure('gcloud compute networks list', 'ERROR: (gcloud.compute.networks.list) Some requests did not succeed:\n - Compute Engine API has not been used in project 1234 before or it is disabled.') });
    const result = state((await checkWorld(ledger, { run, sessionId: 'x' })).observations);
    expect(result['gcp-network/dev-network']).toBe('unknown');
    expect(result['gke-cluster/dev-cluster']).toBe('present');
  });

  it('asks GitHub for repositories with the token, and says unknown without one', async () => {
    const repo = [entry('github-repository', 'octo/devflux'), entry('github-repository', 'octo/deleted')];
    const seen: string[] = [];
    const fetchFake = (async (url: string | URL, init?: RequestInit) => {
      seen.push(`${String(url)} ${(init?.headers as Record<string, string>).Authorization}`);
      return String(url).endsWith('/octo/devflux')
        ? new Response(JSON.stringify({ full_name: 'octo/devflux', permissions: { admin: true } }), { status: 200 })
        : new Response(JSON.stringify({ message: 'Not Found' }), { status: 404 });
    }) as typeof fetch;
    const { run } = fakeRun({});
    const result = await checkWorld(repo, { run, sessionId: 'x', githubToken: 'ghp_test', githubApiUrl: 'http://127.0.0.1:9', fetch: fetchFake });
    expect(state(result.observations)).toEqual({ 'github-repository/octo/devflux': 'present', 'github-repository/octo/deleted': 'gone' });
    expect(seen).toEqual(['http://127.0.0.1:9/repos/octo/devflux Bearer ghp_test', 'http://127.0.0.1:9/repos/octo/deleted Bearer ghp_test']);
    const without = await checkWorld(repo, { run, sessionId: 'x' });
    expect(without.observations.map((o) => o.state)).toEqual(['unknown', 'unknown']);
    expect(without.observations[0]!.detail).toMatch(/GITHUB_TOKEN/);
  });
});
