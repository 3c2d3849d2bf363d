import type { KubeObject, ObjectStore } from '../kube/types.js';

/**
 * What the upjet GCP provider does before any call to Google: find the ProviderConfig, read its
 * credentials Secret. Failures carry the provider's real error chain, which ends up in the
 * managed resource's Synced condition.
 */

export const PROVIDER_CONFIG = { apiVersion: 'gcp.upbound.io/v1beta1', kind: 'ProviderConfig' } as const;
export const PROVIDER_CONFIG_USAGE = { apiVersion: 'gcp.upbound.io/v1beta1', kind: 'ProviderConfigUsage' } as const;

/**
 * Records that a managed resource uses its ProviderConfig, as crossplane-runtime's usage tracker
 * does (named after the resource's UID, owned by it, so it goes when the resource goes).
 */
export function trackUsage(store: ObjectStore, managed: KubeObject, configName: string): void {
  const uid = String(managed.metadata.uid ?? '');
  if (!uid || store.get(PROVIDER_CONFIG_USAGE.apiVersion, PROVIDER_CONFIG_USAGE.kind, undefined, uid)) return;
  store.create({
    ...PROVIDER_CONFIG_USAGE,
    metadata: {
      name: uid,
      labels: { 'crossplane.io/provider-config': configName },
      ownerReferences: [{ apiVersion: managed.apiVersion, kind: managed.kind, name: managed.metadata.name, uid, controller: true, blockOwnerDeletion: true } as { apiVersion: string; kind: string; name: string; uid: string }],
    },
    providerConfigRef: { name: configName },
    resourceRef: { apiVersion: managed.apiVersion, kind: managed.kind, name: managed.metadata.name, uid },
  });
}

/** The wrapping prefix of a failed connect in a current (no-fork, async) upjet provider. */
const CONNECT = 'connect failed: cannot initialize the no-fork async external client: cannot get terraform setup';

export interface ResolvedConfig {
  project: string;
  configName: string;
}

export type CredentialResult = { ok: true; config: ResolvedConfig } | { ok: false; message: string };

export function resolveCredentials(store: ObjectStore, managed: KubeObject): CredentialResult {
  const spec = (managed.spec ?? {}) as { providerConfigRef?: { name?: string } };
  const configName = spec.providerConfigRef?.name ?? 'default';
  let config: KubeObject | undefined;
  try {
    config = store.get(PROVIDER_CONFIG.apiVersion, PROVIDER_CONFIG.kind, undefined, configName);
  } catch {
    config = undefined;
  }
  if (!config) {
    return { ok: false, message: `${CONNECT}: cannot resolve provider config: cannot get referenced ProviderConfig: ProviderConfig.gcp.upbound.io "${configName}" not found` };
  }
  const configSpec = (config.spec ?? {}) as { projectID?: string; credentials?: { source?: string; secretRef?: { name?: string; namespace?: string; key?: string } } };
  const credentials = configSpec.credentials ?? {};
  if (credentials.source === 'Secret' || credentials.secretRef) {
    const ref = credentials.secretRef ?? {};
    const secret = store.get('v1', 'Secret', ref.namespace ?? 'crossplane-system', ref.name ?? '');
    if (!secret) return { ok: false, message: `${CONNECT}: cannot extract JSON key credentials: cannot get credentials secret: Secret "${ref.name ?? ''}" not found` };
    const data = (secret.data ?? {}) as Record<string, string>;
    const raw = data[ref.key ?? ''];
    if (!raw) return { ok: false, message: `${CONNECT}: cannot extract JSON key credentials: unexpected end of JSON input` };
    try {
      JSON.parse(Buffer.from(raw, 'base64').toString('utf8'));
    } catch (error) {
      return { ok: false, message: `${CONNECT}: cannot extract JSON key credentials: ${(error as Error).message}` };
    }
  }
  return { ok: true, config: { project: configSpec.projectID ?? '', configName } };
}
