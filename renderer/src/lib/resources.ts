/**
 * Views over the live resources the engine watches: grouped per cluster, in the order Flux
 * applies them (each after what it `dependsOn`), and the running cost of cloud resources.
 */
import type { ResourceStatus } from '../../../electron/api/contract';

export function groupByCluster(resources: ResourceStatus[]): Map<string, ResourceStatus[]> {
  const groups = new Map<string, ResourceStatus[]>();
  for (const r of resources) {
    if (r.deleted) continue;
    const list = groups.get(r.cluster) ?? [];
    list.push(r);
    groups.set(r.cluster, list);
  }
  return groups;
}

const ref = (r: ResourceStatus) => `${r.namespace ?? ''}/${r.name}`;

/**
 * Dependencies first, otherwise keeping the engine's order. A cycle or a dependency that is not
 * in the list does not hide anything: the object is placed as soon as nothing known blocks it.
 */
export function orderByDependencies(resources: ResourceStatus[]): ResourceStatus[] {
  const byRef = new Map(resources.map((r) => [ref(r), r]));
  const placed = new Set<ResourceStatus>();
  const visiting = new Set<ResourceStatus>();
  const out: ResourceStatus[] = [];
  const visit = (r: ResourceStatus) => {
    if (placed.has(r) || visiting.has(r)) return;
    visiting.add(r);
    for (const dep of r.dependsOn ?? []) {
      const target = byRef.get(dep);
      if (target) visit(target);
    }
    visiting.delete(r);
    placed.add(r);
    out.push(r);
  };
  resources.forEach(visit);
  return out;
}

export interface CloudCost {
  /** US dollars per hour for everything still running. */
  perHour: number;
  /** US dollars spent so far by what is still running, from each resource's creation time. */
  soFar: number;
  count: number;
}

export function cloudCost(resources: ResourceStatus[], now: number): CloudCost {
  let perHour = 0;
  let soFar = 0;
  let count = 0;
  for (const r of resources) {
    if (r.deleted || r.costPerHour === undefined) continue;
    count++;
    perHour += r.costPerHour;
    const created = r.createdAt ? Date.parse(r.createdAt) : NaN;
    if (!Number.isNaN(created) && now > created) soFar += (r.costPerHour * (now - created)) / 3_600_000;
  }
  return { perHour, soFar, count };
}

export function formatDollars(amount: number): string {
  return `$${amount.toFixed(2)}`;
}
