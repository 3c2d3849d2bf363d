/**
 * The GCP key, sealed for the local cluster and committed: `kubectl create secret generic
 * gcp-creds --from-file=creds=KEY --dry-run=client -o yaml | kubeseal ... > sealedsecret.yaml`.
 * The key reaches kubectl as a path; its content only crosses the pipe into kubeseal, so it lands
 * in no file of the repository, no log and none of the app's data. The scaffold is then written
 * again (its kustomization lists the sealed file once it exists), guarded, committed, pushed and
 * reconciled. Done when the sealed file is on the remote branch.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { sealedSecretPaths } from '../gitops/scaffold';
import type { StepContext } from '../plan/step';
import { seal } from '../tools/kubeseal';
import { fromCatalogue, runnerOf, type StepBehaviour } from './deps';
import { readServiceAccountKey, registerKey } from './gcp-credentials';
import { cloneDir, contextOf, remoteFile } from './push';
import { writeAndPublish } from './scaffold';

export const SEAL_COMMIT_MESSAGE = 'Add the sealed GCP credentials for Crossplane (GitOps Lab)';

function keyFileOf(ctx: StepContext): string {
  const file = ctx.inputs.gcp?.keyFile || ctx.outputsOf('gcp-credentials')?.keyFile;
  if (!file) throw new Error('No service-account key: run the GCP service account step first, or give an existing key file (gcp.keyFile).');
  return path.resolve(file);
}

/** True when `text` is a SealedSecret for crossplane-system/gcp-creds with an encrypted `creds`. */
function isSealedGcpCreds(text: string): boolean {
  try {
    const doc = parse(text) as { kind?: string; metadata?: { name?: string; namespace?: string }; spec?: { encryptedData?: Record<string, unknown> } };
    return doc?.kind === 'SealedSecret' && doc.metadata?.name === 'gcp-creds' && doc.metadata?.namespace === 'crossplane-system' && typeof doc.spec?.encryptedData?.creds === 'string';
  } catch {
    return false;
  }
}

export const sealGcpCredsStep: StepBehaviour = (info) => ({
  ...fromCatalogue(info),
  async check(ctx) {
    const dir = cloneDir(ctx);
    const file = sealedSecretPaths(ctx.inputs).gcpCreds;
    if (!existsSync(path.join(dir, '.git'))) return { done: false, detail: `${dir} is not a clone yet` };
    const remote = await remoteFile(ctx, dir, file);
    if (remote === undefined) return { done: false, detail: `origin/main has no ${file} yet` };
    if (!isSealedGcpCreds(remote)) return { done: false, detail: `${file} on origin/main is not a SealedSecret crossplane-system/gcp-creds` };
    return { done: true, detail: `The sealed GCP key is on origin/main (${file})`, outputs: { file } };
  },
  async run(ctx) {
    const dir = cloneDir(ctx);
    const keyFile = keyFileOf(ctx);
    const key = readServiceAccountKey(keyFile);
    registerKey(ctx, key);
    const file = sealedSecretPaths(ctx.inputs).gcpCreds;
    const output = path.join(dir, file);
    mkdirSync(path.dirname(output), { recursive: true });
    await seal(runnerOf(ctx), { name: 'gcp-creds', namespace: 'crossplane-system', files: { creds: keyFile } }, contextOf(ctx.inputs), { outputFile: output });
    await writeAndPublish(ctx, dir, SEAL_COMMIT_MESSAGE, { paths: [file], secrets: [key.text.trim(), key.privateKey] });
    return { file };
  },
});
