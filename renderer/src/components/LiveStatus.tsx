/**
 * What the clusters report right now: Flux objects in the order they are applied, each with its
 * Ready condition and message, so a newcomer sees where a stuck reconciliation waits.
 */
import { useId, useState } from 'react';
import type { ResourceStatus } from '../../../electron/api/contract';
import { groupByCluster, orderByDependencies } from '../lib/resources';
import { useLabState } from './lab-context';

function readiness(r: ResourceStatus): { icon: string; label: string; className: string } {
  if (r.suspended) return { icon: '⏸', label: 'Suspended', className: 'status-cancelled' };
  if (r.ready === true) return { icon: '✔', label: 'Ready', className: 'status-succeeded' };
  if (r.ready === false) return { icon: '✖', label: 'Not ready', className: 'status-failed' };
  return { icon: '●', label: 'In progress', className: 'status-running' };
}

export function LiveStatus() {
  const resources = useLabState((s) => s.snapshot?.resources);
  const [chosen, setChosen] = useState<string | null>(null);
  const selectId = useId();
  if (!resources || resources.length === 0) return null;
  const groups = groupByCluster(resources);
  const clusters = [...groups.keys()];
  if (clusters.length === 0) return null;
  const cluster = chosen && groups.has(chosen) ? chosen : clusters[0]!;
  const list = orderByDependencies(groups.get(cluster) ?? []);

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
            </li>
          );
        })}
      </ul>
    </section>
  );
}
