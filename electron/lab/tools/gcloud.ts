/**
 * gcloud, as the lab uses it: account and project, APIs, the Crossplane service account with
 * one IAM binding per role, its key, GKE clusters and credentials. Lists are read with
 * `--format=json` (stdout, keys sorted); status lines go to stderr (transcripts/gcloud.md).
 *
 * The service-account key is a credential: it is written into a private folder (0700) as a 0600
 * file, registered with the masker before anything could print it, and never logged.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SecretMasker } from '../run/mask';
import { CommandError } from '../run/runner';
import type { RunCommand } from './docker';

/** The roles the tutorial binds, each with its own `add-iam-policy-binding` call. */
export const CROSSPLANE_ROLES = ['roles/container.admin', 'roles/compute.networkAdmin', 'roles/iam.serviceAccountUser'] as const;
/** The APIs the GKE cluster and its network need. */
export const REQUIRED_SERVICES = ['container.googleapis.com', 'compute.googleapis.com'] as const;

export interface GcloudAccount {
  account: string;
  active: boolean;
}

export async function authList(run: RunCommand): Promise<GcloudAccount[]> {
  const result = await run({ argv: ['gcloud', 'auth', 'list', '--format=json'] });
  const items = parseJsonList(result.stdout) as Array<{ account?: string; status?: string }>;
  return items.filter((item) => item.account).map((item) => ({ account: item.account!, active: item.status === 'ACTIVE' }));
}

/** A configuration property; undefined when gcloud answers `(unset)` (on stderr, stdout empty). */
export async function configGetValue(run: RunCommand, property: string): Promise<string | undefined> {
  const result = await run({ argv: ['gcloud', 'config', 'get-value', property] });
  const value = result.stdout.trim();
  return value === '' ? undefined : value;
}

/** Names of the enabled APIs, e.g. `container.googleapis.com`. */
export async function enabledServices(run: RunCommand, project: string): Promise<string[]> {
  const result = await run({ argv: ['gcloud', 'services', 'list', '--enabled', '--format=json', `--project=${project}`] });
  const items = parseJsonList(result.stdout) as Array<{ name?: string; config?: { name?: string } }>;
  // `name` is `projects/<number>/services/<api>`; `config.name` is the API name itself.
  return items.map((item) => item.config?.name ?? item.name?.split('/').pop() ?? '').filter(Boolean);
}

export async function enableServices(run: RunCommand, project: string, services: readonly string[]): Promise<void> {
  await run({ argv: ['gcloud', 'services', 'enable', ...services, `--project=${project}`], timeoutMs: 600_000 });
}

export interface ServiceAccountInfo {
  email: string;
  displayName?: string;
  disabled: boolean;
}

export async function listServiceAccounts(run: RunCommand, project: string): Promise<ServiceAccountInfo[]> {
  const result = await run({ argv: ['gcloud', 'iam', 'service-accounts', 'list', '--format=json', `--project=${project}`] });
  const items = parseJsonList(result.stdout) as Array<{ email?: string; displayName?: string; disabled?: boolean }>;
  return items
    .filter((item) => item.email)
    .map((item) => ({ email: item.email!, ...(item.displayName ? { displayName: item.displayName } : {}), disabled: item.disabled === true }));
}

export function serviceAccountEmail(name: string, project: string): string {
  return `${name}@${project}.iam.gserviceaccount.com`;
}

/** Creates the account; returns its email (gcloud >= 575 prints it, older ones do not, so it is derived). */
export async function createServiceAccount(run: RunCommand, project: string, name: string, displayName?: string): Promise<string> {
  const argv = ['gcloud', 'iam', 'service-accounts', 'create', name, `--project=${project}`];
  if (displayName) argv.push(`--display-name=${displayName}`);
  const result = await run({ argv });
  return /^Service account email: (\S+)$/m.exec(result.stderr)?.[1] ?? serviceAccountEmail(name, project);
}

/** One `add-iam-policy-binding` per role, as the tutorial does; `--condition=None` keeps it non-interactive. */
export async function bindRoles(run: RunCommand, project: string, member: string, roles: readonly string[] = CROSSPLANE_ROLES): Promise<void> {
  for (const role of roles) {
    await run({ argv: ['gcloud', 'projects', 'add-iam-policy-binding', project, `--member=${member}`, `--role=${role}`, '--condition=None'] });
  }
}

/** Key creation refused by `constraints/iam.disableServiceAccountKeyCreation` (or its managed variant). */
export class KeyCreationForbidden extends Error {
  constructor(readonly account: string, readonly constraint: string) {
    super(
      `Your organization forbids service-account keys (${constraint}), so gcloud could not create a key for ${account}. ` +
        'Ask an organization policy administrator to allow key creation for this project ' +
        `(gcloud resource-manager org-policies disable-enforce iam.disableServiceAccountKeyCreation --project=PROJECT), ` +
        'use a project outside the organization, or give the lab an existing key file (gcp.keyFile).',
    );
    this.name = 'KeyCreationForbidden';
  }
}

export interface CreatedKey {
  /** Absolute path of the 0600 key file inside a private 0700 folder. */
  path: string;
  keyId: string;
  /** Removes the key file and its folder. */
  dispose(): void;
}

/**
 * Creates a JSON key for `account`. The whole JSON and its private key are registered with the
 * masker, so even a tool echoing it later shows `***`.
 */
export async function createKey(run: RunCommand, options: { account: string; project: string; masker: SecretMasker; parentDir?: string }): Promise<CreatedKey> {
  const dir = mkdtempSync(join(options.parentDir ?? tmpdir(), 'lab-sa-key-'));
  chmodSync(dir, 0o700);
  const path = join(dir, 'key.json');
  const dispose = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    await run({ argv: ['gcloud', 'iam', 'service-accounts', 'keys', 'create', path, `--iam-account=${options.account}`, `--project=${options.project}`] });
  } catch (error) {
    // gcloud may leave an empty file behind when it is refused.
    dispose();
    const constraint = error instanceof CommandError ? forbiddingConstraint(error.stderr) : undefined;
    if (constraint) throw new KeyCreationForbidden(options.account, constraint);
    throw error;
  }
  try {
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
    const text = readFileSync(path, 'utf8');
    options.masker.register(text.trim());
    const key = JSON.parse(text) as { private_key?: string; private_key_id?: string };
    if (key.private_key) options.masker.register(key.private_key);
    return { path, keyId: key.private_key_id ?? '', dispose };
  } catch (error) {
    dispose();
    throw error;
  }
}

/** The org-policy constraint named in a refused key creation, if that is why it failed. */
export function forbiddingConstraint(stderr: string): string | undefined {
  const named = /type: constraints\/(iam\.(?:managed\.)?disableServiceAccountKeyCreation)/.exec(stderr);
  if (named) return named[1];
  return /Key creation is not allowed on this service account/.test(stderr) ? 'iam.disableServiceAccountKeyCreation' : undefined;
}

export interface GkeClusterInfo {
  name: string;
  location: string;
  status: string;
  endpoint?: string;
}

export async function listClusters(run: RunCommand, project: string): Promise<GkeClusterInfo[]> {
  const result = await run({ argv: ['gcloud', 'container', 'clusters', 'list', '--format=json', `--project=${project}`] });
  const items = parseJsonList(result.stdout) as Array<{ name?: string; location?: string; zone?: string; status?: string; endpoint?: string }>;
  return items
    .filter((item) => item.name)
    .map((item) => ({ name: item.name!, location: item.location ?? item.zone ?? '', status: item.status ?? 'STATUS_UNSPECIFIED', ...(item.endpoint ? { endpoint: item.endpoint } : {}) }));
}

/** Writes the kubeconfig entry; reports gcloud's CRITICAL warning about the missing auth plugin. */
export async function getCredentials(run: RunCommand, options: { cluster: string; zone: string; project: string }): Promise<{ context: string; authPluginMissing: boolean }> {
  const result = await run({ argv: ['gcloud', 'container', 'clusters', 'get-credentials', options.cluster, `--zone=${options.zone}`, `--project=${options.project}`] });
  return {
    context: `gke_${options.project}_${options.zone}_${options.cluster}`,
    authPluginMissing: /gke-gcloud-auth-plugin, which is needed for continued use of kubectl, was not found/.test(result.stderr),
  };
}

/**
 * Whether `gke-gcloud-auth-plugin` can run: found by the runner's resolver (PATH, login shell,
 * usual folders) and answering `--version`.
 */
export async function authPluginPresent(run: RunCommand): Promise<{ present: boolean; detail: string }> {
  try {
    const result = await run({ argv: ['gke-gcloud-auth-plugin', '--version'], timeoutMs: 30_000 });
    return { present: true, detail: result.stdout.trim() || result.executable };
  } catch (error) {
    if (error instanceof CommandError) return { present: false, detail: error.code === 'ENOENT' ? 'not found' : error.stderrTail || error.message };
    throw error;
  }
}

function parseJsonList(stdout: string): unknown[] {
  const text = stdout.trim();
  if (!text) return [];
  const parsed: unknown = JSON.parse(text);
  return Array.isArray(parsed) ? parsed : [parsed];
}

// ---------------------------------------------------------------------------------------------
// Cleanup: what the teardown lists and deletes directly. Delete commands ask for confirmation
// unless `--quiet`, and without a terminal they fail, so every delete passes it.

export interface GcpNetworkInfo {
  name: string;
  selfLink?: string;
}

export async function listNetworks(run: RunCommand, project: string): Promise<GcpNetworkInfo[]> {
  const result = await run({ argv: ['gcloud', 'compute', 'networks', 'list', '--format=json', `--project=${project}`] });
  const items = parseJsonList(result.stdout) as Array<{ name?: string; selfLink?: string }>;
  return items.filter((item) => item.name).map((item) => ({ name: item.name!, ...(item.selfLink ? { selfLink: item.selfLink } : {}) }));
}

export interface ForwardingRuleInfo {
  name: string;
  /** The region's name (the API returns its URL). */
  region: string;
  ipAddress: string;
  /** The network's name, when the rule names one. */
  network?: string;
  description: string;
}

export async function listForwardingRules(run: RunCommand, project: string): Promise<ForwardingRuleInfo[]> {
  const result = await run({ argv: ['gcloud', 'compute', 'forwarding-rules', 'list', '--format=json', `--project=${project}`] });
  const items = parseJsonList(result.stdout) as Array<{ name?: string; region?: string; IPAddress?: string; network?: string; description?: string }>;
  const last = (url: string | undefined): string => (url ?? '').split('/').filter(Boolean).pop() ?? '';
  return items
    .filter((item) => item.name)
    .map((item) => ({ name: item.name!, region: last(item.region), ipAddress: item.IPAddress ?? '', ...(item.network ? { network: last(item.network) } : {}), description: item.description ?? '' }));
}

export const gcloudDeleteArgv = {
  cluster: (o: { name: string; zone: string; project: string }): string[] => ['gcloud', 'container', 'clusters', 'delete', o.name, `--zone=${o.zone}`, `--project=${o.project}`, '--quiet'],
  forwardingRule: (o: { name: string; region: string; project: string }): string[] => ['gcloud', 'compute', 'forwarding-rules', 'delete', o.name, `--region=${o.region}`, `--project=${o.project}`, '--quiet'],
  network: (o: { name: string; project: string }): string[] => ['gcloud', 'compute', 'networks', 'delete', o.name, `--project=${o.project}`, '--quiet'],
  serviceAccount: (o: { email: string; project: string }): string[] => ['gcloud', 'iam', 'service-accounts', 'delete', o.email, `--project=${o.project}`, '--quiet'],
};

/** Waits for Google to finish (about five minutes for a real cluster): without `--async` gcloud returns when it is gone. */
export async function deleteGkeCluster(run: RunCommand, options: { name: string; zone: string; project: string }): Promise<void> {
  await run({ argv: gcloudDeleteArgv.cluster(options), timeoutMs: 30 * 60_000 });
}

export async function deleteForwardingRule(run: RunCommand, options: { name: string; region: string; project: string }): Promise<void> {
  await run({ argv: gcloudDeleteArgv.forwardingRule(options), timeoutMs: 10 * 60_000 });
}

export async function deleteNetwork(run: RunCommand, options: { name: string; project: string }): Promise<void> {
  await run({ argv: gcloudDeleteArgv.network(options), timeoutMs: 10 * 60_000 });
}

/** Its keys are deleted with it. */
export async function deleteServiceAccount(run: RunCommand, options: { email: string; project: string }): Promise<void> {
  await run({ argv: gcloudDeleteArgv.serviceAccount(options) });
}
