/**
 * The service account Crossplane acts as on GCP, and its JSON key. Either the person gives a key
 * file (`gcp.keyFile`: required where the organization forbids creating keys), or the step makes
 * one: the account, one IAM binding per role, the two APIs, and a key written as a 0600 file in
 * the app's private data folder, never in the repository. The key's contents are registered with
 * the masker as soon as they are read, and are never logged.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { LabInputs } from '../../api/inputs';
import { SecretMasker } from '../run/mask';
import type { StepContext } from '../plan/step';
import {
  bindRoles,
  createKey,
  createServiceAccount,
  CROSSPLANE_ROLES,
  enableServices,
  listServiceAccounts,
  REQUIRED_SERVICES,
  serviceAccountEmail,
} from '../tools/gcloud';
import { serviceAccountKeyName } from '../cleanup/world-check';
import { fromCatalogue, runnerOf, type StepBehaviour } from './deps';

export interface ServiceAccountKey {
  clientEmail: string;
  privateKey: string;
  /** The whole file, for the masker and the secret scan. */
  text: string;
}

/** Reads and checks a service-account key JSON; messages never quote its content. */
export function readServiceAccountKey(file: string): ServiceAccountKey {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read the key file ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'}): check gcp.keyFile.`);
  }
  let key: { type?: unknown; private_key?: unknown; client_email?: unknown };
  try {
    key = JSON.parse(text) as typeof key;
  } catch {
    throw new Error(`${file} is not JSON: gcp.keyFile must be a service-account key as created by \`gcloud iam service-accounts keys create\`.`);
  }
  if (key.type !== 'service_account' || typeof key.private_key !== 'string' || typeof key.client_email !== 'string') {
    throw new Error(`${file} is not a service-account key (it needs "type": "service_account", "client_email" and "private_key").`);
  }
  return { clientEmail: key.client_email, privateKey: key.private_key, text };
}

/** Registers every form of the key with the masker before anything could print it. */
export function registerKey(ctx: StepContext, key: ServiceAccountKey): void {
  ctx.registerSecret?.(key.text.trim());
  ctx.registerSecret?.(key.privateKey);
}

/** The folder the step creates keys in: private to the app, outside every repository. */
export const keyFolder = (dataDir: string): string => path.join(dataDir, 'gcp-key');

/** A key for `account` created earlier by this step, if one is still there. */
function createdKeyFile(dataDir: string, account: string): string | undefined {
  const root = keyFolder(dataDir);
  if (!existsSync(root)) return undefined;
  for (const entry of readdirSync(root).sort().reverse()) {
    const file = path.join(root, entry, 'key.json');
    if (!existsSync(file)) continue;
    try {
      if (readServiceAccountKey(file).clientEmail === account) return file;
    } catch {
      // An unreadable leftover is not a key: look further.
    }
  }
  return undefined;
}

function target(inputs: LabInputs): { project: string; account: string } {
  const project = inputs.gcp?.project;
  if (!project) throw new Error('gcp.project is empty: enter your GCP project id.');
  return { project, account: serviceAccountEmail(inputs.gcp.serviceAccountName || 'crossplane', project) };
}

/** Roles of CROSSPLANE_ROLES not yet bound to `account` in the project's IAM policy. */
async function missingRoles(ctx: StepContext, project: string, account: string): Promise<string[]> {
  const result = await ctx.run({ argv: ['gcloud', 'projects', 'get-iam-policy', project, '--format=json'] });
  const policy = JSON.parse(result.stdout || '{}') as { bindings?: Array<{ role?: string; members?: string[] }> };
  const member = `serviceAccount:${account}`;
  return CROSSPLANE_ROLES.filter((role) => !(policy.bindings ?? []).some((b) => b.role === role && (b.members ?? []).includes(member)));
}

export const gcpCredentialsStep: StepBehaviour = (info) => ({
  ...fromCatalogue(info),
  async check(ctx) {
    if (ctx.inputs.gcp?.keyFile) {
      const key = readServiceAccountKey(ctx.inputs.gcp.keyFile);
      registerKey(ctx, key);
      return { done: true, detail: `Using the key file you gave for ${key.clientEmail}`, outputs: { keyFile: path.resolve(ctx.inputs.gcp.keyFile), account: key.clientEmail } };
    }
    const { project, account } = target(ctx.inputs);
    const accounts = await listServiceAccounts(runnerOf(ctx), project);
    if (!accounts.some((a) => a.email === account)) return { done: false, detail: `The service account ${account} does not exist yet` };
    const missing = await missingRoles(ctx, project, account);
    if (missing.length > 0) return { done: false, detail: `${account} lacks ${missing.join(', ')}` };
    const keyFile = createdKeyFile(ctx.dataDir, account);
    if (!keyFile) return { done: false, detail: `${account} has its roles but the app holds no key for it` };
    registerKey(ctx, readServiceAccountKey(keyFile));
    return { done: true, detail: `${account} exists with its ${CROSSPLANE_ROLES.length} roles and the app holds its key`, outputs: { keyFile, account } };
  },
  async run(ctx) {
    if (ctx.inputs.gcp?.keyFile) {
      const key = readServiceAccountKey(ctx.inputs.gcp.keyFile);
      registerKey(ctx, key);
      return { keyFile: path.resolve(ctx.inputs.gcp.keyFile), account: key.clientEmail };
    }
    const run = runnerOf(ctx);
    const { project, account } = target(ctx.inputs);
    await enableServices(run, project, REQUIRED_SERVICES);
    if (!(await listServiceAccounts(run, project)).some((a) => a.email === account)) {
      await createServiceAccount(run, project, ctx.inputs.gcp.serviceAccountName || 'crossplane');
      ctx.ledger?.record({ kind: 'gcp-service-account', name: account, project });
    }
    const missing = await missingRoles(ctx, project, account);
    if (missing.length > 0) await bindRoles(run, project, `serviceAccount:${account}`, missing);
    let keyFile = createdKeyFile(ctx.dataDir, account);
    if (!keyFile) {
      mkdirSync(keyFolder(ctx.dataDir), { recursive: true, mode: 0o700 });
      // createKey masks with the masker it is given; the engine's own is reached through registerKey.
      const created = await createKey(run, { account, project, masker: new SecretMasker(), parentDir: keyFolder(ctx.dataDir) });
      keyFile = created.path;
      ctx.ledger?.record({ kind: 'gcp-service-account-key', name: serviceAccountKeyName(account, created.keyId), project });
      ctx.info(`Created a key for ${account} in the app's private folder (mode 0600); it never goes into the repository.`);
    }
    registerKey(ctx, readServiceAccountKey(keyFile));
    return { keyFile, account };
  },
});
