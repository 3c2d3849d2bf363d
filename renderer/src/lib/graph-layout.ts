/**
 * Lays out a dependency graph (Flux `dependsOn`) left to right: each node's column is the length
 * of the longest dependency path leading to it, so everything a node waits for stands to its
 * left. Pure and DOM-free so the rules are tested without a browser.
 *
 * Flux refuses a dependency cycle, but a half-edited repository can still report one; the layout
 * must not hang on it. Cycles are broken at the edge that closes them, and that edge is marked so
 * the drawing can show it differently.
 */

export interface GraphInputNode {
  id: string;
  /** Ids of the nodes this one waits for; unknown ids are ignored. */
  dependsOn: readonly string[];
}

export interface PlacedNode {
  id: string;
  layer: number;
  /** Position within its layer, top to bottom. */
  row: number;
  x: number;
  y: number;
}

export interface PlacedEdge {
  /** The dependency. */
  from: string;
  /** The node that waits for it. */
  to: string;
  /** True for the edge that closed a cycle; it plays no part in the layering. */
  cycle: boolean;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface GraphLayout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

export interface LayoutSizes {
  nodeWidth: number;
  nodeHeight: number;
  gapX: number;
  gapY: number;
  padding: number;
}

export const defaultSizes: LayoutSizes = { nodeWidth: 150, nodeHeight: 36, gapX: 48, gapY: 14, padding: 8 };

/** Edges `dep -> node`, with the ones that close a cycle found by a depth-first search. */
function classifyEdges(nodes: readonly GraphInputNode[]): { from: string; to: string; cycle: boolean }[] {
  const known = new Set(nodes.map((n) => n.id));
  const deps = new Map(nodes.map((n) => [n.id, [...new Set(n.dependsOn)].filter((d) => known.has(d))]));
  const state = new Map<string, 'visiting' | 'done'>();
  const cyclic = new Set<string>();
  // Iterative so a long chain cannot overflow the stack.
  for (const start of nodes) {
    if (state.has(start.id)) continue;
    const stack: { id: string; next: number }[] = [{ id: start.id, next: 0 }];
    state.set(start.id, 'visiting');
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const list = deps.get(top.id)!;
      if (top.next >= list.length) {
        state.set(top.id, 'done');
        stack.pop();
        continue;
      }
      const dep = list[top.next++]!;
      const seen = state.get(dep);
      if (seen === 'visiting') cyclic.add(`${dep}\u0000${top.id}`);
      else if (seen === undefined) {
        state.set(dep, 'visiting');
        stack.push({ id: dep, next: 0 });
      }
    }
  }
  return nodes.flatMap((n) => deps.get(n.id)!.map((dep) => ({ from: dep, to: n.id, cycle: cyclic.has(`${dep}\u0000${n.id}`) })));
}

export function layoutGraph(nodes: readonly GraphInputNode[], sizes: LayoutSizes = defaultSizes): GraphLayout {
  const edges = classifyEdges(nodes);
  const incoming = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  for (const e of edges) if (!e.cycle) incoming.get(e.to)!.push(e.from);

  // Longest path over what is left, which is acyclic: memoised, iterative for the same reason.
  const layer = new Map<string, number>();
  for (const start of nodes) {
    if (layer.has(start.id)) continue;
    const stack = [start.id];
    while (stack.length > 0) {
      const id = stack[stack.length - 1]!;
      const pending = incoming.get(id)!.filter((d) => !layer.has(d));
      if (pending.length > 0) {
        stack.push(...pending);
        continue;
      }
      stack.pop();
      if (!layer.has(id)) layer.set(id, Math.max(-1, ...incoming.get(id)!.map((d) => layer.get(d)!)) + 1);
    }
  }

  const rowsUsed: number[] = [];
  const placed = new Map<string, PlacedNode>();
  const { nodeWidth, nodeHeight, gapX, gapY, padding } = sizes;
  for (const n of nodes) {
    if (placed.has(n.id)) continue;
    const l = layer.get(n.id)!;
    const row = rowsUsed[l] ?? 0;
    rowsUsed[l] = row + 1;
    placed.set(n.id, { id: n.id, layer: l, row, x: padding + l * (nodeWidth + gapX), y: padding + row * (nodeHeight + gapY) });
  }
  const layers = rowsUsed.length;
  const maxRows = Math.max(0, ...rowsUsed.map((r) => r ?? 0));
  return {
    nodes: [...placed.values()],
    edges: edges.map((e) => {
      const a = placed.get(e.from)!;
      const b = placed.get(e.to)!;
      return { ...e, x1: a.x + nodeWidth, y1: a.y + nodeHeight / 2, x2: b.x, y2: b.y + nodeHeight / 2 };
    }),
    width: layers === 0 ? 0 : padding * 2 + layers * nodeWidth + (layers - 1) * gapX,
    height: maxRows === 0 ? 0 : padding * 2 + maxRows * nodeHeight + (maxRows - 1) * gapY,
  };
}
