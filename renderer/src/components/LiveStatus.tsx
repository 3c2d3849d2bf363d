/**
 * What the clusters report right now: Flux objects in the order they are applied, each with its
 * Ready condition and message, so a newcomer sees where a stuck reconciliation waits.
 */
import { useId, useState } from 'react';
import type { ResourceStatus, TroubleshootRequest } from '../../../electron/api/contract';
import { groupByCluster, orderByDependencies } from '../lib/resources';
import { errorMessage } from '../lib/errors';
import { useLabContext, useLabState } from './lab-context';

const LOGGABLE = ['Kustomization', 'HelmRelease', 'GitRepository', 'HelmRepository'] as const;
type LoggableKind = (typeof LOGGABLE)[number];
const isLoggable = (kind: string): kind is LoggableKind => (LOGGABLE as readonly string[]).includes(kind);

/** Cloud resources are listed under `gcp`, which is not a kubectl context to ask. */
const isKubeContext = (cluster: string) => cluster !== 'gcp';

function readiness(r: ResourceStatus): { icon: string; label: string; className: string } {
  if (r.suspended) return { icon: '⏸', label: 'Suspended', className: 'status-cancelled' };
  if (r.ready === true) return { icon: '✔', label: 'Ready', className: 'status-succeeded' };
  if (r.ready === false) return { icon: '✖', label: 'Not ready', className: 'status-failed' };
  return { icon: '●', label: 'In progress', className: 'status-running' };
}

export function LiveStatus() {
  const { api } = useLabContext();
  const resources = useLabState((s) => s.snapshot?.resources);
  const nameStream = useLabState((s) => s.nameStream);
  const showStream = useLabState((s) => s.showStream);
  const [chosen, setChosen] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const selectId = useId();
  if (!resources || resources.length === 0) return null;
  const groups = groupByCluster(resources);
  const clusters = [...groups.keys()];
  if (clusters.length === 0) return null;
  const cluster = chosen && groups.has(chosen) ? chosen : clusters[0]!;
  const list = orderByDependencies(groups.get(cluster) ?? []);

  /** Troubleshooting output streams into its own terminal tab, opened for the person. */
  async function troubleshoot(request: TroubleshootRequest, label: string): Promise<void> {
    setError(null);
    try {
      const { runId } = await api.troubleshoot({ request });
      nameStream(runId, label);
      showStream(runId);
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  return (
    <section className="live" aria-labelledby="live-title">
      <div className="section-head">
        <h3 id="live-title">Live status</h3>
        {clusters.length > 1 ? (
          <>
            <label htmlFor={selectId} className="visually-hidden">
              Cluster
            </label>
            <select id={selectId} value={cluster} onChange={(e) => setChosen(e.target.value)}>
              {clusters.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </>
        ) : (
          <span className="muted">{cluster}</span>
        )}
        {isKubeContext(cluster) ? (
          <button type="button" onClick={() => void troubleshoot({ kind: 'failing', context: cluster }, `Failing on ${cluster}`)}>
            What is failing?
          </button>
        ) : null}
      </div>
      <ul className="live-list">
        {list.map((r) => {
          const state = readiness(r);
          return (
            <li key={`${r.kind}/${r.namespace ?? ''}/${r.name}`}>
              <span className={`status-icon ${state.className}`} aria-hidden="true">
                {state.icon}
              </span>
              <span className="visually-hidden">{state.label}: </span>
              <span className="live-kind">{r.kind}</span> <span className="live-name">{r.namespace ? `${r.namespace}/${r.name}` : r.name}</span>
              {r.message ? <span className="live-message">{r.message}</span> : null}
              {r.dependsOn && r.dependsOn.length > 0 ? <span className="live-deps">after {r.dependsOn.join(', ')}</span> : null}
              {r.ready !== true && isLoggable(r.kind) && isKubeContext(cluster) ? (
                <button
                  type="button"
                  className="link-button"
                  aria-label={`Controller logs for ${r.kind} ${r.name}`}
                  onClick={() =>
                    void troubleshoot(
                      { kind: 'logs', context: cluster, objectKind: r.kind as LoggableKind, name: r.name, namespace: r.namespace ?? 'flux-system' },
                      `Logs: ${r.name}`,
                    )
                  }
                >
                  logs
                </button>
              ) : null}
            </li>
          );
        })}
      </ul>
      {error ? (
        <p className="action-error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}
