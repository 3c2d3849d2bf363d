/** The cost clock: what the cloud resources still running cost, so nobody forgets to clean up. */
import { cloudCost, formatDollars } from '../lib/resources';
import { useLabState } from './lab-context';
import { useNow } from './useNow';

export function CloudCost() {
  const resources = useLabState((s) => s.snapshot?.resources);
  const billable = (resources ?? []).some((r) => !r.deleted && r.costPerHour !== undefined);
  const now = useNow(billable, 10_000);
  if (!billable || !resources) return null;
  const cost = cloudCost(resources, now);
  return (
    <p className="cost" aria-label={`Cloud cost so far ${formatDollars(cost.soFar)}, ${formatDollars(cost.perHour)} per hour`}>
      Cloud {formatDollars(cost.soFar)} · {formatDollars(cost.perHour)}/h
    </p>
  );
}
