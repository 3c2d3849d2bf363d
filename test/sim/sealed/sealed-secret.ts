import type { KeyLike } from 'node:crypto';
import { encryptionLabel, hybridDecrypt, hybridEncrypt, type SealingScope } from './crypto';

/**
 * Secret <-> SealedSecret, shared by the fake kubeseal (sealing) and the simulated controller
 * (unsealing). Field order follows the Go structs, which is what kubeseal's JSON output shows.
 */

export const SEALED_API_VERSION = 'bitnami.com/v1alpha1';
export const CLUSTER_WIDE_ANNOTATION = 'sealedsecrets.bitnami.com/cluster-wide';
export const NAMESPACE_WIDE_ANNOTATION = 'sealedsecrets.bitnami.com/namespace-wide';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export interface SecretInput {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [key: string]: unknown };
  type?: string;
  immutable?: boolean;
  data?: Record<string, string> | null;
  stringData?: Record<string, string> | null;
}

export interface SealedSecretObject {
  kind: 'SealedSecret';
  apiVersion: typeof SEALED_API_VERSION;
  metadata: { name: string; namespace?: string; creationTimestamp: null; labels?: Record<string, string>; annotations?: Record<string, string>; [key: string]: unknown };
  spec: {
    template: { metadata: Record<string, unknown>; type?: string; immutable?: boolean; data?: Record<string, string> };
    encryptedData: Record<string, string>;
  };
}

/** Scope recorded in annotations; strict when none says otherwise. */
export function scopeFromAnnotations(annotations: Record<string, string> | undefined): SealingScope {
  if (annotations?.[CLUSTER_WIDE_ANNOTATION] === 'true') return 'cluster-wide';
  if (annotations?.[NAMESPACE_WIDE_ANNOTATION] === 'true') return 'namespace-wide';
  return 'strict';
}

function scopeAnnotations(existing: Record<string, string> | undefined, scope: SealingScope): Record<string, string> | undefined {
  const result: Record<string, string> = { ...(existing ?? {}) };
  delete result[CLUSTER_WIDE_ANNOTATION];
  delete result[NAMESPACE_WIDE_ANNOTATION];
  delete result[LAST_APPLIED];
  if (scope === 'cluster-wide') result[CLUSTER_WIDE_ANNOTATION] = 'true';
  if (scope === 'namespace-wide') result[NAMESPACE_WIDE_ANNOTATION] = 'true';
  return Object.keys(result).length > 0 ? result : undefined;
}

/** The Secret's values as bytes: `data` is base64, `stringData` is plain and wins on conflicts. */
export function secretValues(secret: SecretInput): Map<string, Buffer> {
  const values = new Map<string, Buffer>();
  for (const [key, value] of Object.entries(secret.data ?? {})) values.set(key, Buffer.from(value, 'base64'));
  for (const [key, value] of Object.entries(secret.stringData ?? {})) values.set(key, Buffer.from(value, 'utf8'));
  return values;
}

export function sealSecret(secret: SecretInput, publicKey: KeyLike, scope: SealingScope): SealedSecretObject {
  const name = secret.metadata?.name ?? '';
  const namespace = secret.metadata?.namespace ?? '';
  const annotations = scopeAnnotations(secret.metadata?.annotations, scope);
  const labels = secret.metadata?.labels;
  const metadata = {
    name,
    ...(namespace ? { namespace } : {}),
    creationTimestamp: null,
    ...(labels ? { labels } : {}),
    ...(annotations ? { annotations } : {}),
  };
  const encryptedData: Record<string, string> = {};
  const label = encryptionLabel(namespace, name, scope);
  for (const [key, value] of secretValues(secret)) encryptedData[key] = hybridEncrypt(publicKey, value, label).toString('base64');
  return {
    kind: 'SealedSecret',
    apiVersion: SEALED_API_VERSION,
    metadata: { name, ...(namespace ? { namespace } : {}), creationTimestamp: null, ...(annotations ? { annotations } : {}) },
    spec: {
      template: {
        metadata,
        ...(secret.type ? { type: secret.type } : {}),
        ...(secret.immutable !== undefined ? { immutable: secret.immutable } : {}),
      },
      encryptedData,
    },
  };
}

export class NoKeyCouldDecryptError extends Error {
  constructor(readonly failedKeys: string[]) {
    super(`no key could decrypt secret (${failedKeys.join(', ')})`);
  }
}

export interface UnsealedSecret {
  type: string;
  immutable?: boolean;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  data: Record<string, string>;
}

/**
 * Tries every private key on every value, as the controller does with all its keys (old ones
 * included after a rotation). The label comes from the SealedSecret's own name and namespace,
 * which is why copying one into another namespace makes it undecryptable.
 */
export function unsealSecret(
  sealed: { metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; spec?: { encryptedData?: Record<string, string>; template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; type?: string; immutable?: boolean; data?: Record<string, string> } } },
  privateKeys: KeyLike[],
): UnsealedSecret {
  const scope = scopeFromAnnotations(sealed.metadata.annotations);
  const label = encryptionLabel(sealed.metadata.namespace ?? '', sealed.metadata.name, scope);
  const data: Record<string, string> = {};
  const failed: string[] = [];
  for (const [key, value] of Object.entries(sealed.spec?.encryptedData ?? {})) {
    const plaintext = tryKeys(privateKeys, Buffer.from(value, 'base64'), label);
    if (plaintext) data[key] = plaintext.toString('base64');
    else failed.push(key);
  }
  if (failed.length > 0) throw new NoKeyCouldDecryptError(failed);
  const template = sealed.spec?.template;
  const annotations = { ...(template?.metadata?.annotations ?? {}) };
  delete annotations[CLUSTER_WIDE_ANNOTATION];
  delete annotations[NAMESPACE_WIDE_ANNOTATION];
  return {
    type: template?.type ?? 'Opaque',
    ...(template?.immutable !== undefined ? { immutable: template.immutable } : {}),
    ...(template?.metadata?.labels ? { labels: template.metadata.labels } : {}),
    ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    // Template data entries are plain values kept beside the decrypted ones.
    data: { ...Object.fromEntries(Object.entries(template?.data ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')])), ...data },
  };
}

function tryKeys(privateKeys: KeyLike[], ciphertext: Buffer, label: Buffer): Buffer | undefined {
  for (const key of privateKeys) {
    try {
      return hybridDecrypt(key, ciphertext, label);
    } catch {
      // Next key: a rotated-out key may still be the right one.
    }
  }
  return undefined;
}
