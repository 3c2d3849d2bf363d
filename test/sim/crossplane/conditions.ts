/** Crossplane-style status conditions (crossplane-runtime's Condition: type, status, reason, message). */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message?: string;
  lastTransitionTime?: string;
}

export function nowIso(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Sets one condition, keeping its lastTransitionTime when status, reason and message are
 * unchanged, so rewriting an identical status does not look like a change to watchers.
 */
export function setCondition(conditions: Condition[], next: Condition): Condition[] {
  const current = conditions.find((c) => c.type === next.type);
  const same = current && current.status === next.status && current.reason === next.reason && (current.message ?? '') === (next.message ?? '');
  const condition: Condition = { type: next.type, status: next.status, reason: next.reason, ...(next.message ? { message: next.message } : {}), lastTransitionTime: same ? current.lastTransitionTime : nowIso() };
  return current ? conditions.map((c) => (c === current ? condition : c)) : [...conditions, condition];
}

export function conditionOf(object: { [key: string]: unknown }, type: string): Condition | undefined {
  const conditions = ((object.status ?? {}) as { conditions?: Condition[] }).conditions ?? [];
  return conditions.find((c) => c.type === type);
}
