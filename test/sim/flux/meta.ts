import type { KubeObject, ObjectStore } from '../kube/types.js';

/** Flux API versions and the small status helpers every simulated Flux controller shares. */
export const GIT_REPOSITORY = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' } as const;
export const HELM_REPOSITORY = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository' } as const;
export const KUSTOMIZATION = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' } as const;
export const HELM_RELEASE = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease' } as const;

export const REQUESTED_AT = 'reconcile.fluxcd.io/requestedAt';
/** Set with requestedAt by `flux reconcile helmrelease --force`: one install or upgrade despite exhausted retries. */
export const FORCE_AT = 'reconcile.fluxcd.io/forceAt';
/** Set with requestedAt by `flux reconcile helmrelease --reset`: the failure counts start again. */
export const RESET_AT = 'reconcile.fluxcd.io/resetAt';
export const FLUX_NAMESPACE = 'flux-system';

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

export function nowIso(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function conditionsOf(object: KubeObject | undefined): Condition[] {
  const status = (object?.status ?? {}) as { conditions?: Condition[] };
  return Array.isArray(status.conditions) ? status.conditions : [];
}

export function readyCondition(object: KubeObject | undefined): Condition | undefined {
  return conditionsOf(object).find((c) => c.type === 'Ready');
}

export function isReady(object: KubeObject | undefined): boolean {
  return readyCondition(object)?.status === 'True';
}

/** Replaces conditions by type, keeping lastTransitionTime when the status did not change. */
export function mergeConditions(previous: Condition[], updates: Array<Omit<Condition, 'lastTransitionTime'>>, generation: number): Condition[] {
  const out = previous.filter((c) => !updates.some((u) => u.type === c.type));
  for (const update of updates) {
    const old = previous.find((c) => c.type === update.type);
    out.push({ ...update, observedGeneration: generation, lastTransitionTime: old && old.status === update.status ? old.lastTransitionTime : nowIso() });
  }
  // Ready first, as the Flux controllers order them.
  return out.sort((a, b) => Number(b.type === 'Ready') - Number(a.type === 'Ready'));
}

/** `get` that answers undefined while the kind's CRD is not installed (instead of throwing). */
export function safeGet(store: ObjectStore, apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
  try {
    return store.get(apiVersion, kind, namespace, name);
  } catch {
    return undefined;
  }
}

export function safeList(store: ObjectStore, apiVersion: string, kind: string, namespace?: string): KubeObject[] {
  try {
    return store.list(apiVersion, kind, namespace);
  } catch {
    return [];
  }
}

/** Writes a status patch onto the current object; a vanished object is ignored. */
export function patchStatus(store: ObjectStore, ref: { apiVersion: string; kind: string }, namespace: string, name: string, patch: (status: Record<string, unknown>, object: KubeObject) => Record<string, unknown>): KubeObject | undefined {
  const current = safeGet(store, ref.apiVersion, ref.kind, namespace, name);
  if (!current) return undefined;
  const status = patch({ ...((current.status ?? {}) as Record<string, unknown>) }, current);
  return store.updateStatus({ ...current, status });
}

/** Parses a Go duration (`1m0s`, `10m`, `30s`, `1h30m`, `500ms`) into seconds. */
export function parseGoDuration(text: string | undefined, fallbackSeconds: number): number {
  if (!text) return fallbackSeconds;
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001, us: 0.000001, ns: 0.000000001 };
  let total = 0;
  let matched = '';
  for (const part of text.matchAll(/(\d+(?:\.\d+)?)(ms|us|ns|h|m|s)/g)) {
    total += Number(part[1]) * (units[part[2] as string] as number);
    matched += part[0];
  }
  return matched === text && text.length > 0 ? total : fallbackSeconds;
}

/** Go's `time.Duration.String()` for whole seconds: 30s, 1m0s, 1h0m0s. */
export function formatGoDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${m}m${s % 60}s` : `${m}m${s % 60}s`;
}
