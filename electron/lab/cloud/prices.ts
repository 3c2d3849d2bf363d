/**
 * What the lab's cloud resources cost while they run, for the estimate shown next to them. A
 * small dated table, not a billing API: prices change and differ by region, so figures are
 * marked as estimates. Source: cloud.google.com/kubernetes-engine/pricing (management fee) and
 * cloud.google.com/compute/vm-instance-pricing (E2, us-central1 list prices), read 2026-11.
 * Other regions (e.g. europe-west9, Paris) are typically 10-30 % dearer.
 */
export const PRICES_AS_OF = '2026-11';

/** GKE Standard cluster management fee, per cluster. One zonal cluster per billing account is free. */
export const GKE_CLUSTER_FEE_PER_HOUR = 0.1;

/**
 * A regional forwarding rule, as a LoadBalancer Service gets one (cloud.google.com/vpc/network-pricing:
 * the first five rules of a project cost the same per hour, read 2026-11).
 */
export const FORWARDING_RULE_PER_HOUR = 0.025;

/** US dollars per hour per node: on-demand, and preemptible (Spot) which Google may stop at any time. */
export const MACHINE_PRICES: Readonly<Record<string, { onDemand: number; preemptible: number }>> = {
  'e2-small': { onDemand: 0.0168, preemptible: 0.005 },
  'e2-medium': { onDemand: 0.0335, preemptible: 0.01 },
  'e2-standard-2': { onDemand: 0.067, preemptible: 0.0201 },
  'e2-standard-4': { onDemand: 0.134, preemptible: 0.0402 },
  'e2-standard-8': { onDemand: 0.268, preemptible: 0.0804 },
};

/** Per hour for `nodes` nodes of `machineType`; undefined for a machine type the table does not know. */
export function nodePoolCostPerHour(machineType: string, nodes: number, preemptible: boolean): number | undefined {
  const price = MACHINE_PRICES[machineType];
  if (!price) return undefined;
  return round((preemptible ? price.preemptible : price.onDemand) * nodes);
}

const round = (value: number): number => Math.round(value * 10_000) / 10_000;
