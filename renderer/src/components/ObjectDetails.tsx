/** The selected Flux object: its Ready message, a hint when the message is a known pitfall, Logs and Trace. */
import type { ResourceStatus, TroubleshootRequest } from '../../../electron/api/contract';
import { hintsFor } from '../lib/condition-hints';
import { readinessLabels, readinessOf } from '../lib/status-view';

const LOGGABLE = ['Kustomization', 'HelmRelease', 'GitRepository', 'HelmRepository'] as const;
type LoggableKind = (typeof LOGGABLE)[number];
const isLoggable = (kind: string): kind is LoggableKind => (LOGGABLE as readonly string[]).includes(kind);

interface Props {
  resource: ResourceStatus;
  /** Absent for cloud resources, which no kubectl context can be asked about. */
  context: string | null;
  busy: boolean;
  run(request: TroubleshootRequest, label: string): void;
}

export function ObjectDetails({ resource: r, context, busy, run }: Props) {
  const state = readinessOf(r);
  const namespace = r.namespace ?? 'flux-system';
  return (
    <section className="object-details" aria-labelledby="object-details-title">
      <h4 id="object-details-title">
        {r.kind} {r.name}
      </h4>
      <dl className="object-facts">
        <div>
          <dt>Status</dt>
          <dd className={`readiness-${state}`}>{readinessLabels[state]}</dd>
        </div>
        <div>
          <dt>Namespace</dt>
          <dd>{r.namespace ?? '—'}</dd>
        </div>
        <div>
          <dt>Message</dt>
          <dd className="object-message">{r.message || '—'}</dd>
        </div>
      </dl>
      {r.ready !== true ? <ConditionHints message={r.message} /> : null}
      {context ? (
        <div className="object-actions">
          {isLoggable(r.kind) ? (
            <button
              type="button"
              disabled={busy}
              onClick={() => run({ kind: 'logs', context, objectKind: r.kind as LoggableKind, name: r.name, namespace }, `Logs: ${r.name}`)}
            >
              Logs
            </button>
          ) : null}
          <button type="button" disabled={busy} onClick={() => run({ kind: 'trace', context, object: `${r.kind}/${r.name}`, namespace }, `Trace: ${r.name}`)}>
            Trace
          </button>
        </div>
      ) : null}
    </section>
  );
}

export function ConditionHints({ message }: { message: string }) {
  const hints = hintsFor(message);
  if (hints.length === 0) return null;
  return (
    <ul className="condition-hints" aria-label="What this usually means">
      {hints.map((h) => (
        <li key={h.id}>{h.hint}</li>
      ))}
    </ul>
  );
}
