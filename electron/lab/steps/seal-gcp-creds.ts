/**
 * The GCP key, sealed for the local cluster and committed: `kubectl create secret generic
 * gcp-creds --from-file=creds=KEY --dry-run=client -o yaml | kubeseal ... > sealedsecret.yaml`.
 * The key reaches kubectl as a path; its content only crosses the pipe into kubeseal, so it lands
 * in no file of the repository, no log and none of the app's data. The scaffold is then written
 * again (its kustomization lists the sealed file once it exists), guarded, committed, pushed and
 * reconciled.
 *
 * Done when the sealed file is on the remote branch and the cluster that exists now can decrypt
 * it: every new cluster makes a new sealing key (LAB.md section 5), so after `lab down` and a new
 * `lab up` the file from the first day is useless (`no key could decrypt secret`). The sealed file
 * carries, in a comment, the fingerprint of the certificate it was sealed with; the check compares
 * it with the one the cluster's controller serves now (what `kubeseal --fetch-cert` prints). A
 * file without that comment (sealed by hand), or sealed before the controller rotated its key,
 * still counts when the cluster reports the very same SealedSecret Synced.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { sealedSecretPaths } from '../gitops/scaffold';
import { hasContext, type KubeTarget } from '../kube/config';
import { readObject } from '../kube/read';
import { conditionOf } from '../kube/status';
import type { StepContext } from '../plan/step';
import { seal } from '../tools/kubeseal';
import { targetOf } from './clusters';
import { fromCatalogue, runnerOf, type StepBehaviour, type StepDeps } from './deps';
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

/** The SHA-256 fingerprint of a PEM certificate (over its DER bytes, as `openssl x509 -fingerprint -sha256` computes it). */
export function certificateFingerprint(pem: string): string | undefined {
  const body = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem)?.[1]?.replace(/\s+/g, '');
  if (!body) return undefined;
  return `sha256:${createHash('sha256').update(Buffer.from(body, 'base64')).digest('hex')}`;
}

/**
 * What `kubeseal --fetch-cert` reads, asked of the API server's service proxy (the chart's Service
 * `sealed-secrets-controller`, port `http`, in kube-system: the names kubeseal assumes, LAB.md
 * section 5). kubectl rather than kubeseal, since a check must do nothing that could seal.
 */
export const certificateArgv = (context: string): string[] => [
  'kubectl', 'get', '--raw', '/api/v1/namespaces/kube-system/services/http:sealed-secrets-controller:http/proxy/v1/cert.pem', '--request-timeout=20s', `--context=${context}`,
];

/**
 * The fingerprint of the certificate the cluster's controller hands out now, or undefined when it
 * does not answer (no such context, the cluster deleted, the controller not running yet).
 */
export async function clusterCertificate(ctx: StepContext, target: KubeTarget): Promise<string | undefined> {
  if (!hasContext(target)) return undefined;
  try {
    // A deleted GKE cluster's endpoint may never answer: the check must not hang on it.
    const result = await ctx.run({ argv: certificateArgv(target.context), okExitCodes: [0, 1], timeoutMs: 30_000 });
    return result.exitCode === 0 ? certificateFingerprint(result.stdout) : undefined;
  } catch {
    return undefined;
  }
}

const SEALED_WITH = /^# Sealed by GitOps Lab with the certificate (sha256:[0-9a-f]{64})/m;

/** The certificate fingerprint a sealed file says it was sealed with. */
export function sealedWith(text: string): string | undefined {
  return SEALED_WITH.exec(text)?.[1];
}

/** Prefixes kubeseal's output with the certificate it was sealed with (a comment: kustomize and the controller ignore it). */
export function markSealedWith(file: string, fingerprint: string, context: string): void {
  const sealed = readFileSync(file, 'utf8').replace(/^(#[^\n]*\n)+/, '');
  writeFileSync(file, `# Sealed by GitOps Lab with the certificate ${fingerprint} of ${context}'s Sealed Secrets controller\n# (kubeseal --fetch-cert). Only that cluster can decrypt it: another cluster needs it sealed again.\n${sealed}`);
}

export interface SealedFreshness {
  usable: boolean;
  detail: string;
  certificate?: string;
}

/**
 * Whether the cluster behind `context` can decrypt the sealed file `text` (the SealedSecret
 * `ref`): sealed with its current certificate, or the cluster reports that very SealedSecret
 * (same ciphertext) Synced.
 */
export async function sealedForCluster(ctx: StepContext, deps: StepDeps, context: string, text: string, ref: { name: string; namespace: string }, file: string): Promise<SealedFreshness> {
  const target = targetOf(context, deps);
  const certificate = await clusterCertificate(ctx, target);
  if (!certificate) return { usable: false, detail: `${context}'s Sealed Secrets controller does not answer, so it is unknown whether it can decrypt ${file}` };
  const recorded = sealedWith(text);
  if (recorded === certificate) return { usable: true, detail: `${file} is sealed with ${context}'s current certificate`, certificate };
  const inCluster = await readObject(target, { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', ...ref }).catch(() => undefined);
  const synced = inCluster ? conditionOf(inCluster, 'Synced') : undefined;
  const sameCiphertext = JSON.stringify((inCluster?.spec as { encryptedData?: unknown } | undefined)?.encryptedData) === JSON.stringify(encryptedDataOf(text));
  if (sameCiphertext && synced?.status === 'True') return { usable: true, detail: `${context} decrypted ${file} (SealedSecret ${ref.namespace}/${ref.name} is Synced)`, certificate };
  if (sameCiphertext && synced?.status === 'False') return { usable: false, detail: `${context} cannot decrypt ${file}: ${synced.message ?? synced.reason ?? 'not synced'}`, certificate };
  return {
    usable: false,
    detail: recorded
      ? `${file} was sealed with another cluster's certificate (${recorded.slice(0, 19)}…, ${context} has ${certificate.slice(0, 19)}…): ${context} cannot decrypt it`
      : `${file} does not say which certificate sealed it and ${context} has not decrypted it`,
    certificate,
  };
}

function encryptedDataOf(text: string): unknown {
  try {
    return (parse(text) as { spec?: { encryptedData?: unknown } } | null)?.spec?.encryptedData;
  } catch {
    return undefined;
  }
}

/** Seals into `output`, then records in it which certificate sealed it; returns that fingerprint. */
export async function sealToFile(ctx: StepContext, deps: StepDeps, context: string, sealNow: () => Promise<void>, output: string): Promise<string> {
  const certificate = await clusterCertificate(ctx, targetOf(context, deps));
  await sealNow();
  if (certificate) markSealedWith(output, certificate, context);
  return certificate ?? '';
}

export const sealGcpCredsStep: StepBehaviour = (info, deps) => ({
  ...fromCatalogue(info),
  async check(ctx) {
    const dir = cloneDir(ctx);
    const file = sealedSecretPaths(ctx.inputs).gcpCreds;
    if (!existsSync(path.join(dir, '.git'))) return { done: false, detail: `${dir} is not a clone yet` };
    const remote = await remoteFile(ctx, dir, file);
    if (remote === undefined) return { done: false, detail: `origin/main has no ${file} yet` };
    if (!isSealedGcpCreds(remote)) return { done: false, detail: `${file} on origin/main is not a SealedSecret crossplane-system/gcp-creds` };
    const fresh = await sealedForCluster(ctx, deps, contextOf(ctx.inputs), remote, { name: 'gcp-creds', namespace: 'crossplane-system' }, file);
    if (!fresh.usable) return { done: false, detail: fresh.detail };
    return { done: true, detail: `The sealed GCP key is on origin/main (${file}); ${fresh.detail}`, outputs: { file, certificate: fresh.certificate ?? '' } };
  },
  async run(ctx) {
    const dir = cloneDir(ctx);
    const keyFile = keyFileOf(ctx);
    const key = readServiceAccountKey(keyFile);
    registerKey(ctx, key);
    const file = sealedSecretPaths(ctx.inputs).gcpCreds;
    const output = path.join(dir, file);
    mkdirSync(path.dirname(output), { recursive: true });
    const context = contextOf(ctx.inputs);
    const certificate = await sealToFile(ctx, deps, context, () => seal(runnerOf(ctx), { name: 'gcp-creds', namespace: 'crossplane-system', files: { creds: keyFile } }, context, { outputFile: output }), output);
    await writeAndPublish(ctx, dir, SEAL_COMMIT_MESSAGE, { paths: [file], secrets: [key.text.trim(), key.privateKey] });
    return { file, certificate };
  },
});
