/**
 * Run / Retry / Skip / Cancel for one step, each enabled only when it makes sense for the step's
 * status. Skipping asks for a reason, which the journal keeps so an instructor can see why.
 */
import { useId, useState, type FormEvent } from 'react';
import type { LabApi, StepStatus } from '../../../electron/api/contract';
import { availableActions } from '../lib/step-status';
import { ShowOutputButton } from './ShowOutputButton';
import { useLabState } from './lab-context';
import { useLabAction } from './useLabAction';

export function StepActions({ stepId, status }: { stepId: string; status: StepStatus }) {
  const online = useLabState((s) => s.connection === 'open');
  const setActionError = useLabState((s) => s.setActionError);
  const showStream = useLabState((s) => s.showStream);
  const { busy, act } = useLabAction(setActionError);
  const [askingReason, setAskingReason] = useState(false);
  const [reason, setReason] = useState('');
  const reasonId = useId();
  const can = availableActions(status);

  /** Starting a step also brings its output into view, where the person will look next. */
  async function start(request: (api: LabApi) => Promise<unknown>): Promise<void> {
    if (await act(request)) showStream(stepId);
  }

  async function onSkip(event: FormEvent): Promise<void> {
    event.preventDefault();
    if (!reason.trim()) return;
    if (await act((a) => a.skipStep({ stepId, reason: reason.trim() }))) {
      setAskingReason(false);
      setReason('');
    }
  }

  const disabled = busy || !online;
  return (
    <div className="actions">
      <div className="action-row">
        <button type="button" className={can.run ? 'primary' : undefined} disabled={disabled || !can.run} onClick={() => void start((a) => a.runStep({ stepId }))}>
          Run
        </button>
        <button type="button" className={can.retry ? 'primary' : undefined} disabled={disabled || !can.retry} onClick={() => void start((a) => a.retryStep({ stepId }))}>
          Retry
        </button>
        <button type="button" disabled={disabled || !can.skip} aria-expanded={askingReason} onClick={() => setAskingReason((v) => !v)}>
          Skip…
        </button>
        <button type="button" disabled={disabled || !can.cancel} onClick={() => void act((a) => a.cancelStep({ stepId }))}>
          Cancel
        </button>
        <ShowOutputButton stepId={stepId} />
      </div>
      {askingReason && can.skip ? (
        <form
          className="skip-form"
          onSubmit={(e) => void onSkip(e)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setAskingReason(false);
          }}
        >
          <label htmlFor={reasonId}>Why skip this step?</label>
          <input id={reasonId} type="text" value={reason} autoFocus maxLength={500} placeholder="e.g. already done by hand" onChange={(e) => setReason(e.target.value)} />
          <button type="submit" disabled={disabled || !reason.trim()}>
            Skip step
          </button>
        </form>
      ) : null}
    </div>
  );
}
