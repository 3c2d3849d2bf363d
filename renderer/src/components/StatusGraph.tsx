/**
 * Flux objects of one cluster drawn as their `dependsOn` graph, left to right, coloured by Ready.
 * The drawing is a picture for sighted mouse users; the same objects are offered as buttons in
 * StatusNodeList, which is what keyboard and screen reader users (and the tests) use.
 */
import { useMemo } from 'react';
import type { ResourceStatus } from '../../../electron/api/contract';
import { resourceKey } from '../lib/apply-event';
import { defaultSizes, layoutGraph } from '../lib/graph-layout';
import { graphNodes, readinessLabels, readinessOf, readySummary } from '../lib/status-view';

interface Props {
  resources: ResourceStatus[];
  selected: string | null;
  onSelect(key: string): void;
}

/** Long names are cut to fit the box; the full name is in the tooltip and the side panel. */
function fit(name: string, max = 20): string {
  return name.length > max ? `${name.slice(0, max - 1)}…` : name;
}

export function StatusGraph({ resources, selected, onSelect }: Props) {
  const layout = useMemo(() => layoutGraph(graphNodes(resources)), [resources]);
  const byKey = useMemo(() => new Map(resources.map((r) => [resourceKey(r), r])), [resources]);
  if (layout.nodes.length === 0) return null;
  const { nodeWidth, nodeHeight } = defaultSizes;
  return (
    <svg
      className="status-graph"
      role="img"
      aria-label={`Dependency graph: ${readySummary(resources)}`}
      width={layout.width}
      height={layout.height}
      viewBox={`0 0 ${layout.width} ${layout.height}`}
    >
      <defs>
        <marker id="graph-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" className="graph-arrow" />
        </marker>
      </defs>
      {layout.edges.map((e) => (
        <line
          key={`${e.from}>${e.to}`}
          className={e.cycle ? 'graph-edge graph-edge-cycle' : 'graph-edge'}
          x1={e.x1}
          y1={e.y1}
          x2={e.cycle ? e.x2 : e.x2 - 1}
          y2={e.y2}
          markerEnd="url(#graph-arrow)"
        >
          {e.cycle ? <title>Dependency cycle: Flux will not apply these</title> : null}
        </line>
      ))}
      {layout.nodes.map((n) => {
        const r = byKey.get(n.id);
        if (!r) return null;
        const state = readinessOf(r);
        return (
          <g key={n.id} className={`graph-node graph-${state}${selected === n.id ? ' graph-selected' : ''}`} transform={`translate(${n.x},${n.y})`} onClick={() => onSelect(n.id)}>
            <title>{`${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}: ${readinessLabels[state]}${r.message ? `\n${r.message}` : ''}`}</title>
            <rect width={nodeWidth} height={nodeHeight} rx={6} />
            <text x={10} y={15} className="graph-name">
              {fit(r.name)}
            </text>
            <text x={10} y={29} className="graph-kind">
              {r.kind}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
