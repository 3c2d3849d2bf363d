import { describe, expect, it } from 'vitest';
import { defaultSizes, layoutGraph, type GraphInputNode } from './graph-layout';

const layers = (nodes: GraphInputNode[]) => Object.fromEntries(layoutGraph(nodes).nodes.map((n) => [n.id, n.layer]));

describe('layoutGraph', () => {
  it('puts each node one column right of its deepest dependency (longest path, not shortest)', () => {
    const result = layers([
      { id: 'apps', dependsOn: ['infra', 'crds'] },
      { id: 'crds', dependsOn: [] },
      { id: 'infra', dependsOn: ['crds'] },
      { id: 'monitoring', dependsOn: [] },
    ]);
    expect(result).toEqual({ apps: 2, crds: 0, infra: 1, monitoring: 0 });
  });

  it('stacks nodes of one layer in input order and sizes the drawing to fit', () => {
    const layout = layoutGraph([
      { id: 'a', dependsOn: [] },
      { id: 'b', dependsOn: [] },
      { id: 'c', dependsOn: ['a'] },
    ]);
    const byId = Object.fromEntries(layout.nodes.map((n) => [n.id, n]));
    expect([byId.a!.row, byId.b!.row, byId.c!.row]).toEqual([0, 1, 0]);
    expect(byId.b!.y).toBeGreaterThan(byId.a!.y);
    const { nodeWidth, nodeHeight, gapX, gapY, padding } = defaultSizes;
    expect(layout.width).toBe(2 * padding + 2 * nodeWidth + gapX);
    expect(layout.height).toBe(2 * padding + 2 * nodeHeight + gapY);
  });

  it('draws edges from the right side of the dependency to the left side of the dependent', () => {
    const layout = layoutGraph([
      { id: 'a', dependsOn: [] },
      { id: 'b', dependsOn: ['a'] },
    ]);
    expect(layout.edges).toHaveLength(1);
    const [edge] = layout.edges;
    expect(edge).toMatchObject({ from: 'a', to: 'b', cycle: false });
    expect(edge!.x1).toBeLessThan(edge!.x2);
  });

  it('ignores dependencies that are not in the graph', () => {
    const layout = layoutGraph([{ id: 'a', dependsOn: ['elsewhere'] }]);
    expect(layout.edges).toEqual([]);
    expect(layout.nodes[0]!.layer).toBe(0);
  });

  it('breaks a cycle instead of hanging, and marks exactly the edge that closed it', () => {
    const layout = layoutGraph([
      { id: 'a', dependsOn: ['c'] },
      { id: 'b', dependsOn: ['a'] },
      { id: 'c', dependsOn: ['b'] },
      { id: 'd', dependsOn: ['c'] },
    ]);
    const cyclic = layout.edges.filter((e) => e.cycle);
    expect(cyclic).toHaveLength(1);
    expect(layout.nodes).toHaveLength(4);
    // Without the marked edge the rest is a chain, laid out in increasing columns.
    const byId = Object.fromEntries(layout.nodes.map((n) => [n.id, n.layer]));
    for (const e of layout.edges.filter((x) => !x.cycle)) expect(byId[e.to]!).toBeGreaterThan(byId[e.from]!);
  });

  it('handles a node depending on itself and a long chain without recursion limits', () => {
    expect(layoutGraph([{ id: 'self', dependsOn: ['self'] }]).edges).toMatchObject([{ from: 'self', to: 'self', cycle: true }]);
    const chain = Array.from({ length: 5_000 }, (_, i) => ({ id: `n${i}`, dependsOn: i === 0 ? [] : [`n${i - 1}`] }));
    const layout = layoutGraph(chain);
    expect(layout.nodes.at(-1)!.layer).toBe(4_999);
  });

  it('returns an empty drawing for no nodes', () => {
    expect(layoutGraph([])).toEqual({ nodes: [], edges: [], width: 0, height: 0 });
  });
});
