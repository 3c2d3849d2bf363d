import { useState } from 'react';
import type { LabApi } from '../../../electron/api/contract';
import { errorMessage } from '../lib/errors';
import { useLabContext } from './lab-context';

/**
 * Sends one request to the lab and reports its failure through `setError` (cleared first, so an
 * old error never sits beside a new attempt). `busy` is true while a request is in flight, so the
 * buttons that send it can wait. `act` resolves to whether the request succeeded.
 */
export function useLabAction(setError: (message: string | null) => void): {
  busy: boolean;
  act(request: (api: LabApi) => Promise<unknown>): Promise<boolean>;
} {
  const { api } = useLabContext();
  const [busy, setBusy] = useState(false);

  async function act(request: (api: LabApi) => Promise<unknown>): Promise<boolean> {
    setBusy(true);
    setError(null);
    try {
      await request(api);
      return true;
    } catch (error) {
      setError(errorMessage(error));
      return false;
    } finally {
      setBusy(false);
    }
  }

  return { busy, act };
}
