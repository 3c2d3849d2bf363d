/** The main panel: the selected step's title, why it exists, its inputs, commands and actions. */
import { secretsFor } from '../lib/step-status';
import { allSteps } from '../store';
import { statusLabels } from '../lib/format';
import { CommandList } from './CommandList';
import { InputsForm } from './InputsForm';
import { ClusterStatus } from './ClusterStatus';
import { SecretInput } from './SecretInput';
import { StepActions } from './StepActions';
import { StepCardHeader } from './StepCardHeader';
import { StepErrorView } from './StepErrorView';
import { ScaffoldConflicts } from './ScaffoldConflicts';
import { useLabState } from './lab-context';
import { useSelectedStep } from './useSelectedStep';
import { ActionError } from './ActionError';

export function StepCard() {
  const { snapshot, step, state, status } = useSelectedStep(allSteps);
  const actionError = useLabState((s) => s.actionError);
  if (!snapshot || !step) {
    return (
      <main className="card" aria-label="Step" aria-busy={!snapshot}>
        {!snapshot ? <p className="muted">Loading the lab…</p> : null}
      </main>
    );
  }

  const dependsOn = step.dependsOn.map((id) => allSteps(snapshot).find((s) => s.id === id)?.title ?? id);
  return (
    <main className="card" aria-labelledby="card-title">
      <StepCardHeader title={step.title} state={state} estimateSeconds={step.estimateSeconds} />
      <p className={`card-status status-${status}`}>
        {statusLabels[status]}
        {state && state.attempts > 1 ? ` (attempt ${state.attempts})` : ''}
        {status === 'skipped' && state?.skipReason ? `: ${state.skipReason}` : ''}
      </p>
      <p className="why">{step.why}</p>
      {status === 'blocked' && dependsOn.length > 0 ? <p className="muted">Waits for: {dependsOn.join(', ')}.</p> : null}
      <StepActions key={`actions-${step.id}`} stepId={step.id} status={status} />
      <ActionError message={actionError} />
      {state?.error && status === 'failed' ? <StepErrorView error={state.error} /> : null}
      {state?.error?.conflicts?.length && status === 'failed' ? <ScaffoldConflicts key={`conflicts-${step.id}-${state.attempts}`} stepId={step.id} conflicts={state.error.conflicts} /> : null}
      {state?.outputs && Object.keys(state.outputs).length > 0 ? (
        <section aria-labelledby="outputs-title">
          <h3 id="outputs-title">Results</h3>
          <dl className="outputs">
            {Object.entries(state.outputs).map(([key, value]) => (
              <div key={key}>
                <dt>{key}</dt>
                <dd>
                  <code>{value}</code>
                </dd>
              </div>
            ))}
          </dl>
        </section>
      ) : null}
      {secretsFor(step).map((name) => (
        <SecretInput key={name} name={name} />
      ))}
      <InputsForm key={`inputs-${step.id}`} fields={step.inputs} />
      <CommandList commands={step.commands} />
      <ClusterStatus />
    </main>
  );
}
