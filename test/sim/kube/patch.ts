import { KubeError } from './types.js';

type Json = unknown;
type JsonMap = Record<string, Json>;

export function isMap(value: Json): value is JsonMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** RFC 7386 JSON merge patch: maps merge recursively, `null` deletes, everything else replaces. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isMap(patch)) return clone(patch);
  const result: JsonMap = isMap(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new KubeError(422, 'Invalid', `the server rejected our request due to an error in our request: invalid JSON pointer "${pointer}"`);
  return pointer.slice(1).split('/').map(unescapePointer);
}

function resolveParent(doc: Json, path: string[]): { parent: Json; key: string } {
  let cur = doc;
  for (const seg of path.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(seg)];
    else if (isMap(cur)) cur = cur[seg];
    else cur = undefined;
    if (cur === undefined) throw new KubeError(422, 'Invalid', `the server rejected our request due to an error in our request: doc is missing path: "/${path.join('/')}"`);
  }
  return { parent: cur, key: path[path.length - 1] as string };
}

function getAt(doc: Json, path: string[]): Json {
  if (path.length === 0) return doc;
  const { parent, key } = resolveParent(doc, path);
  const value = Array.isArray(parent) ? parent[Number(key)] : isMap(parent) ? parent[key] : undefined;
  if (value === undefined) throw new KubeError(422, 'Invalid', `the server rejected our request due to an error in our request: doc is missing key: "/${path.join('/')}"`);
  return value;
}

function removeAt(doc: Json, path: string[]): Json {
  const value = getAt(doc, path);
  const { parent, key } = resolveParent(doc, path);
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete (parent as JsonMap)[key];
  return value;
}

function addAt(doc: Json, path: string[], value: Json): Json {
  if (path.length === 0) return clone(value);
  const { parent, key } = resolveParent(doc, path);
  if (Array.isArray(parent)) {
    const index = key === '-' ? parent.length : Number(key);
    if (!(index >= 0 && index <= parent.length)) throw new KubeError(422, 'Invalid', `the server rejected our request due to an error in our request: index out of bounds: ${key}`);
    parent.splice(index, 0, clone(value));
  } else if (isMap(parent)) parent[key] = clone(value);
  else throw new KubeError(422, 'Invalid', `the server rejected our request due to an error in our request: doc is missing path: "/${path.join('/')}"`);
  return doc;
}

/** RFC 6902 JSON patch (the default of @kubernetes/client-node): add, remove, replace, move, copy, test. */
export function jsonPatch(target: Json, operations: Json): Json {
  if (!Array.isArray(operations)) throw new KubeError(400, 'BadRequest', 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc = clone(target);
  for (const op of operations as Array<{ op: string; path: string; from?: string; value?: Json }>) {
    const path = parsePointer(op.path);
    switch (op.op) {
      case 'add': doc = addAt(doc, path, op.value); break;
      case 'remove': removeAt(doc, path); break;
      case 'replace': getAt(doc, path); if (path.length === 0) doc = clone(op.value); else { removeAt(doc, path); doc = addAt(doc, path, op.value); } break;
      case 'move': { const v = removeAt(doc, parsePointer(op.from ?? '')); doc = addAt(doc, path, v); break; }
      case 'copy': doc = addAt(doc, path, getAt(doc, parsePointer(op.from ?? ''))); break;
      case 'test':
        if (JSON.stringify(getAt(doc, path)) !== JSON.stringify(op.value)) throw new KubeError(422, 'Invalid', `the server rejected our request due to an error in our request: testing value /${path.join('/')} failed: test failed`);
        break;
      default: throw new KubeError(422, 'Invalid', `the server rejected our request due to an error in our request: Unexpected kind: ${op.op}`);
    }
  }
  return doc;
}

/**
 * Merge keys of the built-in lists kubectl's strategic merge patches touch. Simplified: chosen by
 * field name (and, for `ports`, by what the elements carry) instead of the full Go type metadata.
 */
function mergeKeyFor(field: string, elements: Json[]): string | undefined {
  switch (field) {
    case 'containers': case 'initContainers': case 'ephemeralContainers': case 'volumes': case 'env':
    case 'imagePullSecrets': case 'secrets':
      return 'name';
    case 'volumeMounts': return 'mountPath';
    case 'volumeDevices': return 'devicePath';
    case 'conditions': case 'addresses': return 'type';
    case 'ownerReferences': return 'uid';
    case 'hostAliases': return 'ip';
    case 'ports': return elements.some((e) => isMap(e) && 'containerPort' in e) ? 'containerPort' : 'port';
    default: return undefined;
  }
}

/** Primitive lists whose patch strategy is merge (set union) rather than replace. */
const MERGED_PRIMITIVE_LISTS = new Set(['finalizers']);

/**
 * Strategic merge patch for built-in kinds, covering what kubectl sends: maps merge, lists of
 * containers/ports/env/volumes... merge by their key, `$setElementOrder/FIELD`, `$patch: delete|replace`,
 * `$deleteFromPrimitiveList/FIELD`; `$retainKeys` is accepted and ignored. Other lists replace.
 */
export function strategicMergePatch(target: Json, patch: Json): Json {
  if (!isMap(patch)) return clone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _, ...rest } = patch;
    return clone(rest);
  }
  const result: JsonMap = isMap(target) ? { ...target } : {};
  const orders: Array<[string, Json[]]> = [];
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys') continue;
    if (key.startsWith('$setElementOrder/')) {
      orders.push([key.slice('$setElementOrder/'.length), value as Json[]]);
      continue;
    }
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const current = result[field];
      if (Array.isArray(current)) result[field] = current.filter((v) => !(value as Json[]).includes(v));
      continue;
    }
    if (value === null) {
      delete result[key];
      continue;
    }
    if (isMap(value) && value.$patch === 'delete') {
      delete result[key];
      continue;
    }
    if (Array.isArray(value)) {
      result[key] = mergeList(key, result[key], value);
      continue;
    }
    result[key] = isMap(value) ? strategicMergePatch(result[key], value) : clone(value);
  }
  for (const [field, order] of orders) {
    const list = result[field];
    if (!Array.isArray(list)) continue;
    const mergeKey = mergeKeyFor(field, list);
    const keyOf = (e: Json): Json => (mergeKey && isMap(e) ? e[mergeKey] : e);
    const wanted = order.map((o) => (mergeKey && isMap(o) ? o[mergeKey] : o));
    // Elements named in the order come first in that order; the server keeps the others after them.
    const sorted = [...list].sort((a, b) => {
      const ia = wanted.indexOf(keyOf(a));
      const ib = wanted.indexOf(keyOf(b));
      return (ia < 0 ? Infinity : ia) - (ib < 0 ? Infinity : ib);
    });
    result[field] = sorted;
  }
  return result;
}

function mergeList(field: string, current: Json, patch: Json[]): Json[] {
  if (patch.some((e) => isMap(e) && e.$patch === 'replace')) return clone(patch.filter((e) => !(isMap(e) && e.$patch === 'replace')));
  const existing = Array.isArray(current) ? clone(current) : [];
  if (MERGED_PRIMITIVE_LISTS.has(field)) return [...existing, ...patch.filter((p) => !existing.includes(p))];
  const mergeKey = mergeKeyFor(field, [...existing, ...patch]);
  if (!mergeKey || !patch.every(isMap)) return clone(patch);
  const out = existing;
  for (const element of patch as JsonMap[]) {
    const index = out.findIndex((e) => isMap(e) && e[mergeKey] === element[mergeKey]);
    if (element.$patch === 'delete') {
      if (index >= 0) out.splice(index, 1);
    } else if (index >= 0) out[index] = strategicMergePatch(out[index], element);
    else out.push(strategicMergePatch({}, element));
  }
  return out;
}

/** Server-side apply merge (simplified: last writer wins, no per-manager field ownership). */
export function applyMerge(target: Json, applied: Json, strategic: boolean): Json {
  return strategic ? strategicMergePatch(target, applied) : mergePatch(target, applied);
}
