/**
 * What the live status panel draws for one cluster: Flux Kustomizations and HelmReleases as a
 * dependency graph, everything else (Crossplane managed resources, cloud resources, sources) as
 * a list with age and running cost. Pure, so the panel's rules are tested without a browser.
 */
import type { ResourceStatus } from '../../../electron/api/contract';
import type { GraphInputNode } from './graph-layout';
import { resourceKey } from './apply-event';

export const GRAPH_KINDS = ['Kustomization', 'HelmRelease'] as const;
export const isGraphKind = (kind: string) => (GRAPH_KINDS as readonly string[]).includes(kind);

export type Readiness = 'ready' | 'not-ready' | 'unknown' | 'suspended';

export function readinessOf(r: ResourceStatus): Readiness {
  if (r.suspended) return 'suspended';
  if (r.ready === true) return 'ready';
  if (r.ready === false) return 'not-ready';
  return 'unknown';
}

export const readinessLabels: Record<Readiness, string> = {
  ready: 'Ready',
  'not-ready': 'Not ready',
  unknown: 'In progress',
  suspended: 'Suspended',
};

/**
 * Graph nodes keyed by resourceKey. A `dependsOn` entry is `namespace/name` of the same kind
 * (Flux only lets a Kustomization wait for Kustomizations, a HelmRelease for HelmReleases); an
 * entry without a namespace means the object's own namespace, as in Flux.
 */
export function graphNodes(resources: readonly ResourceStatus[]): GraphInputNode[] {
  const flux = resources.filter((r) => !r.deleted && isGraphKind(r.kind));
  const byRef = new Map(flux.map((r) => [`${r.kind}|${r.namespace ?? ''}/${r.name}`, resourceKey(r)]));
  return flux.map((r) => ({
    id: resourceKey(r),
    dependsOn: (r.dependsOn ?? [])
      .map((dep) => byRef.get(`${r.kind}|${dep.includes('/') ? dep : `${r.namespace ?? ''}/${dep}`}`))
      .filter((id): id is string => id !== undefined),
  }));
}

/** The accessible summary of the drawing, e.g. "5 of 7 ready". */
export function readySummary(resources: readonly ResourceStatus[]): string {
  const live = resources.filter((r) => !r.deleted);
  return `${live.filter((r) => r.ready === true).length} of ${live.length} ready`;
}

/** `42 s`, `5 min`, `3 h 10 min`, `2 d 4 h`: an age read at a glance. */
export function formatAge(createdAt: string | undefined, now: number): string | null {
  const created = createdAt ? Date.parse(createdAt) : NaN;
  if (Number.isNaN(created)) return null;
  const s = Math.max(0, Math.floor((now - created) / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  return h % 24 ? `${Math.floor(h / 24)} d ${h % 24} h` : `${Math.floor(h / 24)} d`;
}

/** What this resource has cost since it was created, in US dollars, or null when unknown. */
export function costSoFar(r: ResourceStatus, now: number): number | null {
  const created = r.createdAt ? Date.parse(r.createdAt) : NaN;
  if (r.costPerHour === undefined || Number.isNaN(created)) return null;
  return (r.costPerHour * Math.max(0, now - created)) / 3_600_000;
}
