/**
 * Checks a plan's dependency graph before anything runs: a typo in `dependsOn` or a cycle
 * would otherwise show up as a step that waits forever.
 */
export interface PlanNode {
  id: string;
  dependsOn: string[];
}

export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanError';
  }
}

/**
 * Returns the ids in an order where every step comes after its dependencies, keeping the
 * declared order otherwise (so the wizard's order is also the run order). Throws PlanError.
 */
export function orderPlan(nodes: readonly PlanNode[]): string[] {
  const byId = new Map<string, PlanNode>();
  for (const node of nodes) {
    if (byId.has(node.id)) throw new PlanError(`Step "${node.id}" is declared twice`);
    byId.set(node.id, node);
  }
  for (const node of nodes) {
    for (const dep of node.dependsOn) {
      if (!byId.has(dep)) throw new PlanError(`Step "${node.id}" depends on unknown step "${dep}"`);
    }
  }
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): void => {
    const seen = state.get(id);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      const cycle = [...path.slice(path.indexOf(id)), id];
      throw new PlanError(`Dependency cycle: ${cycle.join(' -> ')}`);
    }
    state.set(id, 'visiting');
    path.push(id);
    for (const dep of byId.get(id)!.dependsOn) visit(dep);
    path.pop();
    state.set(id, 'done');
    order.push(id);
  };
  for (const node of nodes) visit(node.id);
  return order;
}

/** `id` and everything it depends on, directly or not, dependencies first. */
export function withDependencies(id: string, nodes: ReadonlyMap<string, PlanNode>, order: readonly string[]): string[] {
  const needed = new Set<string>();
  const add = (current: string): void => {
    if (needed.has(current)) return;
    needed.add(current);
    for (const dep of nodes.get(current)?.dependsOn ?? []) add(dep);
  };
  add(id);
  return order.filter((candidate) => needed.has(candidate));
}
