/** The top bar: app name, rehearsal banner, link state and the whole-lab buttons. */
import { useState } from 'react';
import { useLabContext, useLabState } from './lab-context';
import { errorMessage } from '../lib/errors';
import { hasBillable } from '../lib/cleanup';
import { CleanupButton } from './CleanupButton';
import { CostClock } from './CostClock';
import { ExportScript } from './ExportScript';
import { NotifyToggle } from './NotifyToggle';
import { useNow } from './useNow';

/** After this long without the host, it was probably stopped rather than briefly unreachable. */
const LONG_OUTAGE_MS = 30_000;

export function Header() {
  const { api } = useLabContext();
  const rehearsal = useLabState((s) => s.snapshot?.rehearsal ?? false);
  const connection = useLabState((s) => s.connection);
  const connectionSince = useLabState((s) => s.connectionSince);
  const now = useNow(connection !== 'open', 5_000);
  const longOutage = connection === 'reconnecting' && now - connectionSince > LONG_OUTAGE_MS;
  const hasSnapshot = useLabState((s) => s.snapshot !== null);
  const anyRunning = useLabState((s) => Object.values(s.snapshot?.steps ?? {}).some((st) => st.status === 'running'));
  const setActionError = useLabState((s) => s.setActionError);
  const billable = useLabState((s) => hasBillable(s.snapshot));
  const [busy, setBusy] = useState(false);

  async function act(action: () => Promise<unknown>): Promise<void> {
    setBusy(true);
    setActionError(null);
    try {
      await action();
    } catch (error) {
      setActionError(errorMessage(error));
    } finally {
      setBusy(false);
    }
  }

  const online = connection === 'open';
  return (
    <header className="header">
      <h1 className="app-name">GitOps Lab</h1>
      {rehearsal ? (
        <p className="rehearsal-banner" role="note" title="Rehearsal: simulated tools and clouds, nothing real is created or billed">
          Rehearsal: simulated tools and clouds, nothing real is created or billed
        </p>
      ) : null}
      <CostClock />
      <p className={`connection connection-${connection}`} role="status" aria-live="polite">
        {connection === 'open' ? 'Connected' : connection === 'connecting' ? 'Connecting…' : 'Connection lost, reconnecting…'}
        {longOutage ? ' If you stopped "lab serve", start it again and open the new address it prints.' : ''}
      </p>
      <div className="header-actions">
        {/* While something bills, cleanup is one click away wherever the person is in the lab. */}
        {billable ? <CleanupButton className="primary" /> : null}
        <NotifyToggle />
        <ExportScript disabled={!online} />
        <button type="button" disabled={!online || !hasSnapshot || busy} onClick={() => void act(() => api.runAll({}))}>
          Run all
        </button>
        <button type="button" disabled={!online || !anyRunning || busy} onClick={() => void act(() => api.cancelAll({}))}>
          Cancel all
        </button>
      </div>
    </header>
  );
}
