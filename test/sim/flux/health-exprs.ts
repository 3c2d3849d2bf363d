import type { KubeObject, ObjectStore } from '../kube/types.js';
import { safeGet } from './meta.js';
import { healthOf, type HealthStatus, type ObjectRef } from './readiness.js';

/**
 * kustomize-controller's `spec.healthCheckExprs`: CEL expressions saying when an object of a kind
 * is InProgress, Failed or Current, for kinds kstatus cannot judge (a Crossplane Provider has no
 * Ready condition, so kstatus calls it Current as soon as it exists). As the real evaluator:
 * inProgress first, then failed, then current; none true is InProgress.
 *
 * The world has no CEL interpreter. It understands the form the lab writes,
 * `status.conditions.exists(e, e.type == 'T' && e.status == 'S')` (any `==` tests on the
 * condition's fields joined by `&&`), and refuses any other, as the real controller refuses an
 * expression it cannot compile.
 */
export interface HealthCheckExpr {
  apiVersion: string;
  kind: string;
  current: string;
  inProgress?: string;
  failed?: string;
}

type Predicate = (object: KubeObject) => boolean;

const EXISTS = /^status\.conditions\.exists\(\s*([A-Za-z_]\w*)\s*,\s*(.+)\)$/s;
const TEST = /^([A-Za-z_]\w*)\.([A-Za-z_]\w*)\s*==\s*(?:'([^']*)'|"([^"]*)")$/;

export class UnsupportedExpression extends Error {}

/** Compiles one expression of the supported form into a predicate on the object. */
export function compileExpr(expression: string): Predicate {
  const exists = EXISTS.exec(expression.trim());
  if (!exists) throw new UnsupportedExpression(`failed to parse CEL expression '${expression}'`);
  const [, variable, body] = exists;
  const tests = body!.split('&&').map((clause) => {
    const test = TEST.exec(clause.trim());
    if (!test || test[1] !== variable) throw new UnsupportedExpression(`failed to parse CEL expression '${expression}'`);
    return { field: test[2]!, value: test[3] ?? test[4] ?? '' };
  });
  return (object) => {
    // A missing status.conditions is an evaluation error for the real controller: still waiting.
    const conditions = (object.status as { conditions?: unknown } | undefined)?.conditions;
    if (!Array.isArray(conditions)) return false;
    return conditions.some((c) => typeof c === 'object' && c !== null && tests.every((t) => String((c as Record<string, unknown>)[t.field]) === t.value));
  };
}

const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');

/**
 * The health of the objects a Kustomization checks, with its expressions for the kinds they name
 * (matched by group and kind, as the controller registers its status readers) and kstatus for the
 * rest. Throws UnsupportedExpression for an expression it cannot read.
 */
export function healthReader(store: ObjectStore, exprs: readonly HealthCheckExpr[] = []): (ref: ObjectRef) => HealthStatus {
  const compiled = exprs.map((e) => ({
    group: groupOf(e.apiVersion),
    kind: e.kind,
    current: compileExpr(e.current),
    ...(e.inProgress ? { inProgress: compileExpr(e.inProgress) } : {}),
    ...(e.failed ? { failed: compileExpr(e.failed) } : {}),
  }));
  return (ref) => {
    const object = safeGet(store, ref.apiVersion, ref.kind, ref.namespace, ref.name);
    const custom = compiled.find((c) => c.kind === ref.kind && c.group === groupOf(ref.apiVersion));
    if (!custom || !object) return healthOf(object);
    if (custom.inProgress?.(object)) return 'InProgress';
    if (custom.failed?.(object)) return 'Failed';
    return custom.current(object) ? 'Current' : 'InProgress';
  };
}
