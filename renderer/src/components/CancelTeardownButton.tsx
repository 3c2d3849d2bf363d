/** Stops the running teardown; a refusal shows as the wizard's action error. */
import { useLabState } from './lab-context';
import { useLabAction } from './useLabAction';

export function CancelTeardownButton() {
  const online = useLabState((s) => s.connection === 'open');
  const setActionError = useLabState((s) => s.setActionError);
  const { act } = useLabAction(setActionError);
  return (
    <button type="button" disabled={!online} onClick={() => void act((api) => api.cancelTeardown({}))}>
      Cancel teardown
    </button>
  );
}
