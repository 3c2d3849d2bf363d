/**
 * Cloud and local resources the ledger says are still there while the lab is meant to be down
 * (or whose control plane is gone): shown from the first screen, with their age and what they
 * cost per hour, and one button that removes them all directly.
 */
import { useState } from 'react';
import { formatRate, leftoverLine, leftovers, leftoversCostPerHour } from '../lib/cleanup';
import { errorMessage } from '../lib/errors';
import { useLabContext, useLabState } from './lab-context';
import { useNow } from './useNow';

export function LeftoversBanner() {
  const { api } = useLabContext();
  const ledger = useLabState((s) => s.snapshot?.cleanup?.ledger);
  const online = useLabState((s) => s.connection === 'open');
  const found = leftovers(ledger ?? []);
  const now = useNow(found.length > 0, 60_000);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (found.length === 0) return null;

  async function remove(): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      await api.removeLeftovers({ ids: found.map((e) => e.id) });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  const perHour = leftoversCostPerHour(found);
  return (
    <section className="leftovers" role="alert" aria-labelledby="leftovers-title">
      <div className="leftovers-head">
        <h2 id="leftovers-title">
          Still running from an earlier lab{perHour > 0 ? `: ${formatRate(perHour)}` : ''}
        </h2>
        <button type="button" className="primary danger" disabled={busy || !online} onClick={() => void remove()}>
          {busy ? 'Removing…' : 'Remove leftovers'}
        </button>
      </div>
      <ul>
        {found.map((entry) => (
          <li key={entry.id}>
            {leftoverLine(entry, now)}
            {entry.detail ? <span className="muted"> · {entry.detail}</span> : null}
          </li>
        ))}
      </ul>
      {error ? <p className="action-error">Could not remove them: {error}</p> : null}
    </section>
  );
}
