/**
 * Starts a troubleshooting command and opens its output: the engine streams it as `log` events
 * under a new run id, which gets a named terminal tab that is switched to at once.
 */
import { useState } from 'react';
import type { TroubleshootRequest } from '../../../electron/api/contract';
import { errorMessage } from '../lib/errors';
import { useLabContext, useLabState } from './lab-context';

export function useTroubleshoot(): { run(request: TroubleshootRequest, label: string): Promise<void>; error: string | null; busy: boolean } {
  const { api } = useLabContext();
  const nameStream = useLabState((s) => s.nameStream);
  const showStream = useLabState((s) => s.showStream);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function run(request: TroubleshootRequest, label: string): Promise<void> {
    setError(null);
    setBusy(true);
    try {
      const { runId } = await api.troubleshoot({ request });
      nameStream(runId, label);
      showStream(runId);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }
  return { run, error, busy };
}
