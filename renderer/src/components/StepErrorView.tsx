/** What went wrong in a failed step: the message, what to try, the command and its last stderr lines. */
import type { StepError } from '../../../electron/api/contract';

export function StepErrorView({ error }: { error: StepError }) {
  const exit = error.signal ? `stopped by ${error.signal}` : error.exitCode !== undefined && error.exitCode !== null ? `exit code ${error.exitCode}` : null;
  return (
    <section className="step-error" role="alert" aria-labelledby="step-error-title">
      <h3 id="step-error-title">What went wrong</h3>
      <p className="error-message">{error.message}</p>
      {error.hint ? (
        <p className="error-hint">
          <strong>Try: </strong>
          {error.hint}
        </p>
      ) : null}
      {error.command ? (
        <p className="error-command">
          <code>{error.command}</code>
          {exit ? <span className="muted"> ({exit})</span> : null}
        </p>
      ) : null}
      {error.stderrTail ? <pre className="stderr-tail" aria-label="Last lines of the error output">{error.stderrTail}</pre> : null}
    </section>
  );
}
