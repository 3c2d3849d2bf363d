/**
 * Asks the world whether what the ledger names still exists: one list call per kind of resource
 * (and per project), never one per entry, through the same CLIs and REST API the lab uses.
 *
 * A question that cannot be answered (the tool is missing, gcloud's credentials expired, GitHub
 * unreachable) yields `unknown` with what to do about it, never `gone`: calling a billing
 * cluster gone because gcloud could not be asked is exactly the mistake cleanup exists to avoid.
 *
 * It also looks for GKE clusters labelled `lab=<session id>` that the ledger lacks (a crash
 * between creation and recording, an entry lost), so they can be recorded and removed too.
 * It only returns observations: the caller writes them with `ledger.observe` / `ledger.record`.
 */
import type { LedgerEntry, LedgerKind } from '../../api/contract';
import { FORWARDING_RULE_PER_HOUR, GKE_CLUSTER_FEE_PER_HOUR } from '../cloud/prices';
import { CommandError } from '../run/runner';
import { GitHubClient, GitHubError } from '../tools/github';
import { parseClusterList as parseK3dClusterList } from '../tools/k3d';
import type { RunCommand } from '../tools/k3d';
import { SESSION_LABEL, type LedgerRecord } from './ledger';

export interface Observation {
  id: string;
  state: 'present' | 'gone' | 'unknown';
  detail?: string;
  costPerHour?: number;
}

export interface WorldCheckOptions {
  run: RunCommand;
  /** Labels of this lab's cloud resources carry it (`lab=<sessionId>`). */
  sessionId: string;
  /** Project searched for labelled clusters even when the ledger names none in it. */
  project?: string;
  /** For `github-repository` entries; without it they stay `unknown`. */
  githubToken?: string;
  githubApiUrl?: string;
  fetch?: typeof fetch;
}

export interface WorldCheckResult {
  observations: Observation[];
  /** Labelled for this lab in the project but missing from the ledger: record them. */
  discovered: LedgerRecord[];
}

const CLOUD_KINDS = new Set<LedgerKind>(['gke-cluster', 'gke-node-pool', 'gcp-network', 'gcp-load-balancer', 'gcp-service-account', 'gcp-service-account-key']);

/** Why a question could not be answered, in a sentence that says what to do. */
class Unanswered extends Error {}

export async function checkWorld(entries: readonly LedgerEntry[], options: WorldCheckOptions): Promise<WorldCheckResult> {
  const observations: Observation[] = [];
  const discovered: LedgerRecord[] = [];
  const byKind = (...kinds: LedgerKind[]): LedgerEntry[] => entries.filter((entry) => kinds.includes(entry.kind));

  const answer = async (group: LedgerEntry[], ask: () => Promise<Observation[]>): Promise<void> => {
    if (group.length === 0) return;
    try {
      if (group.some((entry) => CLOUD_KINDS.has(entry.kind) && !entry.project)) throw new Unanswered('The ledger does not say which Google Cloud project this is in: look for it in the Cloud Console.');
      observations.push(...(await ask()));
    } catch (error) {
      const detail = unansweredDetail(error);
      for (const entry of group) observations.push({ id: entry.id, state: 'unknown', detail });
    }
  };

  await answer(byKind('k3d-cluster'), () => checkK3d(byKind('k3d-cluster'), options.run));

  const gke = byKind('gke-cluster', 'gke-node-pool');
  await answer(gke.filter((entry) => !entry.project), async () => []);
  const projects = new Set([...gke.map((entry) => entry.project).filter(isString), ...(options.project ? [options.project] : [])]);
  for (const project of projects) {
    const group = gke.filter((entry) => entry.project === project);
    try {
      const clusters = await listGkeClusters(options.run, project, group.length > 0 ? undefined : options.sessionId);
      observations.push(...group.map((entry) => observeGke(entry, clusters)));
      discovered.push(...labelledUnrecorded(clusters, project, options.sessionId, entries));
    } catch (error) {
      const detail = unansweredDetail(error);
      for (const entry of group) observations.push({ id: entry.id, state: 'unknown', detail });
    }
  }

  for (const [project, group] of byProject(byKind('gcp-network'))) {
    await answer(group, async () => {
      const names = new Set((await gcloudList(options.run, ['compute', 'networks', 'list'], project)).map((item) => String(item.name ?? '')));
      return group.map((entry) => presence(entry, names.has(entry.name), `gcloud compute networks list does not list ${entry.name} in ${project}`));
    });
  }

  for (const [project, group] of byProject(byKind('gcp-load-balancer'))) {
    await answer(group, async () => {
      const rules = await gcloudList(options.run, ['compute', 'forwarding-rules', 'list'], project);
      return group.map((entry) => {
        const found = rules.some((rule) => rule.name === entry.name && (!entry.zone || lastSegment(rule.region) === entry.zone));
        return found ? { id: entry.id, state: 'present', costPerHour: FORWARDING_RULE_PER_HOUR } : { id: entry.id, state: 'gone', detail: `gcloud compute forwarding-rules list does not list ${entry.name} in ${project}` };
      });
    });
  }

  const accountsOf = new Map<string, Set<string>>();
  for (const [project, group] of byProject(byKind('gcp-service-account', 'gcp-service-account-key'))) {
    await answer(group, async () => {
      const emails = new Set((await gcloudList(options.run, ['iam', 'service-accounts', 'list'], project)).map((item) => String(item.email ?? '')));
      accountsOf.set(project, emails);
      return group
        .filter((entry) => entry.kind === 'gcp-service-account')
        .map((entry) => presence(entry, emails.has(entry.name), `gcloud iam service-accounts list does not list ${entry.name}`));
    });
  }

  // Keys are listed per account (gcloud has no project-wide key list); a deleted account has none.
  const keys = byKind('gcp-service-account-key').filter((entry) => accountsOf.has(entry.project ?? ''));
  for (const [account, group] of groupBy(keys, (entry) => keyAccount(entry.name))) {
    const project = group[0]!.project!;
    if (!accountsOf.get(project)!.has(account)) {
      for (const entry of group) observations.push({ id: entry.id, state: 'gone', detail: `its service account ${account} no longer exists` });
      continue;
    }
    await answer(group, async () => {
      const listed = await gcloudList(options.run, ['iam', 'service-accounts', 'keys', 'list', `--iam-account=${account}`], project);
      const ids = new Set(listed.map((item) => lastSegment(item.name)));
      return group.map((entry) => presence(entry, ids.has(lastSegment(entry.name)), `gcloud iam service-accounts keys list --iam-account=${account} does not list it`));
    });
  }

  await answer(byKind('github-repository'), () => checkRepositories(byKind('github-repository'), options));

  return { observations, discovered };
}

/** How a service-account key is named in the ledger: the account's email, `/keys/`, the key id. */
export const serviceAccountKeyName = (account: string, keyId: string): string => `${account}/keys/${keyId}`;

function keyAccount(name: string): string {
  return name.split('/keys/')[0] ?? name;
}

async function checkK3d(group: LedgerEntry[], run: RunCommand): Promise<Observation[]> {
  const names = new Set(parseK3dClusterList((await run({ argv: ['k3d', 'cluster', 'list', '-o', 'json'] })).stdout).map((cluster) => cluster.name));
  return group.map((entry) => presence(entry, names.has(entry.name), `k3d cluster list does not list ${entry.name}`));
}

interface GkeItem {
  name: string;
  location: string;
  status: string;
  createTime?: string;
  labels: Record<string, string>;
  nodePools: Array<{ name: string }>;
}

/**
 * `gcloud container clusters list --format=json`. Without ledger entries in the project only the
 * clusters labelled for this lab matter, so gcloud is asked to filter (`resourceLabels.lab=<id>`).
 */
async function listGkeClusters(run: RunCommand, project: string, labelledFor?: string): Promise<GkeItem[]> {
  const filter = labelledFor ? [`--filter=resourceLabels.${SESSION_LABEL}=${labelledFor}`] : [];
  const items = await gcloudList(run, ['container', 'clusters', 'list', ...filter], project);
  return items
    .filter((item) => typeof item.name === 'string')
    .map((item) => ({
      name: item.name as string,
      location: String(item.location ?? item.zone ?? ''),
      status: typeof item.status === 'string' ? item.status : 'STATUS_UNSPECIFIED',
      ...(typeof item.createTime === 'string' ? { createTime: item.createTime } : {}),
      labels: isRecord(item.resourceLabels) ? (item.resourceLabels as Record<string, string>) : {},
      nodePools: (Array.isArray(item.nodePools) ? (item.nodePools as Array<Record<string, unknown>>) : []).map((pool) => ({ name: String(pool.name ?? '') })),
    }));
}

/** GKE node pools are named `<cluster>/<pool>` in the ledger, as on the live board. */
function observeGke(entry: LedgerEntry, clusters: GkeItem[]): Observation {
  const [clusterName, poolName] = entry.kind === 'gke-node-pool' ? splitPool(entry.name) : [entry.name, undefined];
  const cluster = clusters.find((c) => c.name === clusterName && (!entry.zone || c.location === entry.zone));
  if (!cluster) return { id: entry.id, state: 'gone', detail: `gcloud container clusters list does not list ${clusterName} in ${entry.project}` };
  if (poolName === undefined) return { id: entry.id, state: 'present', detail: `${cluster.status} in ${cluster.location}`, costPerHour: GKE_CLUSTER_FEE_PER_HOUR };
  const pool = cluster.nodePools.find((p) => p.name === poolName);
  return pool ? { id: entry.id, state: 'present', detail: `in ${cluster.name} (${cluster.status})` } : { id: entry.id, state: 'gone', detail: `cluster ${cluster.name} has no node pool ${poolName}` };
}

function splitPool(name: string): [string, string] {
  const slash = name.indexOf('/');
  return slash < 0 ? [name, name] : [name.slice(0, slash), name.slice(slash + 1)];
}

function labelledUnrecorded(clusters: GkeItem[], project: string, sessionId: string, entries: readonly LedgerEntry[]): LedgerRecord[] {
  const found: LedgerRecord[] = [];
  for (const cluster of clusters.filter((c) => c.labels[SESSION_LABEL] === sessionId)) {
    const known = (kind: LedgerKind, name: string): boolean => entries.some((e) => e.kind === kind && e.name === name && e.project === project && (!e.zone || e.zone === cluster.location));
    const createdAt = cluster.createTime && !Number.isNaN(Date.parse(cluster.createTime)) ? { createdAt: new Date(cluster.createTime).toISOString() } : {};
    const labels = { [SESSION_LABEL]: sessionId };
    if (!known('gke-cluster', cluster.name)) found.push({ kind: 'gke-cluster', name: cluster.name, project, zone: cluster.location, labels, costPerHour: GKE_CLUSTER_FEE_PER_HOUR, ...createdAt });
    for (const pool of cluster.nodePools) {
      const name = `${cluster.name}/${pool.name}`;
      if (!known('gke-node-pool', name)) found.push({ kind: 'gke-node-pool', name, project, zone: cluster.location, labels, ...createdAt });
    }
  }
  return found;
}

async function checkRepositories(group: LedgerEntry[], options: WorldCheckOptions): Promise<Observation[]> {
  if (!options.githubToken) throw new Unanswered('No GitHub token to ask GitHub with: enter GITHUB_TOKEN, then check again.');
  const client = new GitHubClient({ token: options.githubToken, ...(options.githubApiUrl ? { apiUrl: options.githubApiUrl } : {}), ...(options.fetch ? { fetch: options.fetch } : {}) });
  const observations: Observation[] = [];
  for (const entry of group) {
    const [owner, repo] = entry.name.split('/') as [string, string];
    const found = await client.repository(owner, repo);
    observations.push(presence(entry, found.exists, `GitHub answers 404 for ${entry.name} (deleted, or the token cannot see it)`));
  }
  return observations;
}

function presence(entry: LedgerEntry, present: boolean, goneDetail: string): Observation {
  return present ? { id: entry.id, state: 'present' } : { id: entry.id, state: 'gone', detail: goneDetail };
}

/** A gcloud list as JSON, in one project. */
async function gcloudList(run: RunCommand, command: string[], project: string): Promise<Array<Record<string, unknown>>> {
  const result = await run({ argv: ['gcloud', ...command, '--format=json', `--project=${project}`], timeoutMs: 120_000 });
  const text = result.stdout.trim();
  if (!text) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Unanswered(`gcloud ${command.slice(0, 3).join(' ')} printed something that is not JSON; run it yourself to see why.`);
  }
  return (Array.isArray(parsed) ? parsed : [parsed]).filter(isRecord);
}

/** gcloud's own words when its credentials are no longer usable (core/credentials, auth). */
const EXPIRED_CREDENTIALS = [
  /problem refreshing your current auth tokens/i,
  /Reauthentication (failed|required)/i,
  /does not have any valid credentials/i,
  /You do not currently have an active account selected/i,
  /invalid_grant/i,
];

function unansweredDetail(error: unknown): string {
  if (error instanceof Unanswered) return error.message;
  if (error instanceof GitHubError) {
    if (error.kind === 'bad-credentials') return `${error.message} Then check again.`;
    return `Could not ask GitHub: ${error.message}`;
  }
  if (error instanceof CommandError) {
    const tool = error.command.split(' ')[0] ?? 'the tool';
    if (error.code === 'ENOENT') return `${tool} is not installed (or not on PATH), so the lab cannot tell whether this still exists: install ${tool}, then check again.`;
    if (tool === 'gcloud' && EXPIRED_CREDENTIALS.some((pattern) => pattern.test(error.stderr))) {
      return 'gcloud\'s credentials have expired, so the lab cannot tell whether this still exists: run `gcloud auth login`, then check again.';
    }
    return `${error.command} failed, so the lab cannot tell whether this still exists: ${error.stderrTail || error.message}`;
  }
  return `The lab could not check whether this still exists: ${error instanceof Error ? error.message : String(error)}`;
}

function byProject(entries: LedgerEntry[]): Map<string, LedgerEntry[]> {
  return groupBy(entries, (entry) => entry.project ?? '');
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

function lastSegment(value: unknown): string {
  return String(value ?? '').split('/').pop() ?? '';
}

const isString = (value: unknown): value is string => typeof value === 'string' && value !== '';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
