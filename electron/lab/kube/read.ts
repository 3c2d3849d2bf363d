/**
 * One-off reads of an object for steps' checks: side-effect free, and "not there" (the object,
 * or its kind because the CRD is not installed yet) is an answer, not an error.
 */
import * as k8s from '@kubernetes/client-node';
import { authorizedKubeConfig, type KubeTarget } from './config';
import type { KubeObjectLike } from './status';

/** A 404: the object, or its kind (the CRD is not installed yet), is not there. */
export function isNotFound(error: unknown): boolean {
  if (error instanceof k8s.ApiException && error.code === 404) return true;
  const message = error instanceof Error ? error.message : '';
  // client-node's discovery reports an unknown group/version or kind this way.
  return /HTTP-Code: 404|Unrecognized API version and kind/.test(message);
}

export async function readObject(target: KubeTarget, ref: { apiVersion: string; kind: string; namespace?: string; name: string }): Promise<KubeObjectLike | undefined> {
  const api = k8s.KubernetesObjectApi.makeApiClient(await authorizedKubeConfig(target));
  try {
    return (await api.read({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) } })) as KubeObjectLike;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
