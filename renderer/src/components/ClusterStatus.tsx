/**
 * The live status panel: for the chosen cluster (a kube context, or `gcp` for cloud resources),
 * the Flux objects as a dependency graph with an equivalent list of buttons, the selected
 * object's details, the other resources with age and running cost, and troubleshooting.
 * Everything comes from `resource` events kept in the snapshot; nothing here polls.
 */
import { useId, useState } from 'react';
import type { ResourceStatus } from '../../../electron/api/contract';
import { resourceKey } from '../lib/apply-event';
import { formatDollars, groupByCluster, orderByDependencies } from '../lib/resources';
import { costSoFar, formatAge, isGraphKind, readinessLabels, readinessOf, readySummary } from '../lib/status-view';
import { ObjectDetails, ConditionHints } from './ObjectDetails';
import { StatusGraph } from './StatusGraph';
import { TroubleshootPanel } from './TroubleshootPanel';
import { useLabState } from './lab-context';
import { useNow } from './useNow';
import { useTroubleshoot } from './useTroubleshoot';

/** Cloud resources are listed under `gcp`, which is not a kubectl context to ask. */
const CLOUD = 'gcp';

export function ClusterStatus() {
  const resources = useLabState((s) => s.snapshot?.resources);
  const [chosen, setChosen] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const troubleshoot = useTroubleshoot();
  const selectId = useId();
  const groups = groupByCluster(resources ?? []);
  const clusters = [...groups.keys()];
  // Ages and costs in the table keep counting: the session's watches keep these rows for hours.
  const timed = (resources ?? []).some((r) => !r.deleted && !isGraphKind(r.kind) && (r.costPerHour !== undefined || r.createdAt !== undefined));
  const now = useNow(timed, 10_000);
  if (clusters.length === 0) return null;
  const cluster = chosen && groups.has(chosen) ? chosen : clusters[0]!;
  const all = groups.get(cluster) ?? [];
  const flux = orderByDependencies(all.filter((r) => isGraphKind(r.kind)));
  const others = all.filter((r) => !isGraphKind(r.kind));
  const selectedResource = all.find((r) => resourceKey(r) === selected);
  const context = cluster === CLOUD ? null : cluster;
  const run = (request: Parameters<typeof troubleshoot.run>[0], label: string) => void troubleshoot.run(request, label);

  return (
    <section className="live" aria-labelledby="live-title">
      <div className="section-head">
        <h3 id="live-title">Live status</h3>
        <label htmlFor={selectId}>Cluster</label>
        <select id={selectId} value={cluster} onChange={(e) => setChosen(e.target.value)}>
          {clusters.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </div>
      {flux.length > 0 ? (
        <div className="live-graph">
          <div className="graph-scroll">
            <StatusGraph resources={flux} selected={selected} onSelect={setSelected} />
          </div>
          <ul className="graph-list" aria-label={`Flux objects on ${cluster}, ${readySummary(flux)}`}>
            {flux.map((r) => {
              const key = resourceKey(r);
              const state = readinessOf(r);
              return (
                <li key={key}>
                  <button type="button" className={`node-button readiness-${state}`} aria-pressed={selected === key} onClick={() => setSelected(key)}>
                    {r.kind} {r.name}: {readinessLabels[state]}
                  </button>
                  {r.dependsOn && r.dependsOn.length > 0 ? <span className="live-deps"> after {r.dependsOn.join(', ')}</span> : null}
                  {r.ready === false && selected !== key ? <ConditionHints message={r.message} /> : null}
                </li>
              );
            })}
          </ul>
          {selectedResource ? <ObjectDetails resource={selectedResource} context={context} busy={troubleshoot.busy} run={run} /> : null}
        </div>
      ) : null}
      {others.length > 0 ? <OtherResources resources={others} now={now} /> : null}
      {context ? (
        <TroubleshootPanel
          context={context}
          busy={troubleshoot.busy}
          run={run}
          chosen={selectedResource ? { kind: selectedResource.kind, name: selectedResource.name, namespace: selectedResource.namespace } : undefined}
        />
      ) : null}
      {troubleshoot.error ? (
        <p className="action-error" role="alert">
          {troubleshoot.error}
        </p>
      ) : null}
    </section>
  );
}

function OtherResources({ resources, now }: { resources: ResourceStatus[]; now: number }) {
  return (
    <table className="resource-table">
      <caption>Sources, Crossplane and cloud resources</caption>
      <thead>
        <tr>
          <th scope="col">Resource</th>
          <th scope="col">Status</th>
          <th scope="col">Age</th>
          <th scope="col">Cost</th>
        </tr>
      </thead>
      <tbody>
        {resources.map((r) => {
          const state = readinessOf(r);
          const spent = costSoFar(r, now);
          return (
            <tr key={resourceKey(r)}>
              <th scope="row">
                {r.kind} {r.namespace ? `${r.namespace}/` : ''}
                {r.name}
              </th>
              <td className={`readiness-${state}`} title={r.message}>
                {readinessLabels[state]}
                {r.ready === false ? <ConditionHints message={r.message} /> : null}
              </td>
              <td>{formatAge(r.createdAt, now) ?? '—'}</td>
              <td>{spent === null ? '—' : `${formatDollars(spent)} (${formatDollars(r.costPerHour ?? 0)}/h)`}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
