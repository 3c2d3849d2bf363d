/**
 * The cost clock in the header: how long billable cloud resources have run, what they cost so far
 * and per hour, with the date of the price table, so nobody forgets a cluster over lunch. It
 * keeps ticking between the engine's figures. Until the engine's ledger has recorded anything
 * (a lab started before the ledger existed), the live resources' estimate stands in.
 */
import { useMemo } from 'react';
import { clockRunning, costClockText, deadlineText, ledgerKnows } from '../lib/cleanup';
import { CloudCost } from './CloudCost';
import { useLabState } from './lab-context';
import { useNow } from './useNow';

/** Cents and minutes change slowly; a tick every few seconds looks live without costing CPU. */
const TICK_MS = 5_000;

export function CostClock() {
  const cost = useLabState((s) => s.snapshot?.cleanup?.cost);
  const knows = useLabState((s) => ledgerKnows(s.snapshot));
  const running = clockRunning(cost);
  // The engine's cost-so-far is exact at the moment it arrives; the clock adds the time since.
  const receivedAt = useMemo(() => Date.now(), [cost]);
  const now = useNow(running, TICK_MS);
  if (!knows) return <CloudCost />;
  if (!cost || !running) return null;
  const text = costClockText(cost, receivedAt, Math.max(now, receivedAt));
  const deadline = deadlineText(cost, now);
  return (
    <p className="cost cost-clock" role="timer" aria-label={`Cloud cost: ${text}${deadline ? `; ${deadline}` : ''}`}>
      <span>Cloud {text}</span>
      {deadline ? <span className="cost-deadline"> · {deadline}</span> : null}
    </p>
  );
}
