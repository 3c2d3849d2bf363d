import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { resourceNotFound } from './errors.js';
import { isMap, jsonPatch, mergePatch, strategicMergePatch } from './patch.js';
import { decodeKubeProtobuf } from './protobuf.js';
import { apiVersionOf, type TypeRegistry } from './registry.js';
import { parseFieldSelector } from './selectors.js';
import type { FieldValidation, MemoryStore } from './store.js';
import { toTable, type IncludeObject } from './table.js';
import { KubeError, type KubeObject, type ServedType, type ServiceProxyHandler } from './types.js';
import { serveWatch } from './watch.js';

export interface ResourceRoute {
  type: ServedType;
  namespace?: string;
  name?: string;
  subresource?: string;
  subpath: string;
}

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string | string[]>;
}

const MERGE_PATCH = 'application/merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';
const STRATEGIC_PATCH = 'application/strategic-merge-patch+json';
const APPLY_PATCH = 'application/apply-patch+yaml';

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseBody(body: Buffer, contentType: string): unknown {
  if (/protobuf/.test(contentType)) return decodeKubeProtobuf(body);
  const text = body.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return /yaml/.test(contentType) ? (parseYaml(text) as unknown) : (JSON.parse(text) as unknown);
  } catch (error) {
    throw new KubeError(400, 'BadRequest', `the object provided is unrecognized (${(error as Error).message})`);
  }
}

function fieldValidationOf(query: URLSearchParams): FieldValidation {
  const v = query.get('fieldValidation');
  if (v === 'Strict' || v === 'Ignore') return v;
  // The real server's default when the client does not say is Warn.
  return 'Warn';
}

function warningHeaders(warnings: string[]): Record<string, string[]> | undefined {
  return warnings.length ? { Warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`) } : undefined;
}

export interface RestContext {
  registry: TypeRegistry;
  store: MemoryStore;
  proxies: Map<string, ServiceProxyHandler>;
  /** Stop functions of the open watch streams (ended by `closeWatches` and `close`). */
  watches: Set<() => void>;
}

/** Maps `/api/v1/...` and `/apis/G/V/...` paths to a served type, namespace, name and subresource. */
export function route(registry: TypeRegistry, pathname: string): ResourceRoute | undefined {
  const segs = pathname.split('/').filter((s) => s !== '').map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === 'api' && segs.length >= 2) { group = ''; version = segs[1] as string; rest = segs.slice(2); }
  else if (segs[0] === 'apis' && segs.length >= 3) { group = segs[1] as string; version = segs[2] as string; rest = segs.slice(3); }
  else return undefined;
  if (rest.length === 0) return undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const nsType = registry.byResource(group, version, rest[2] as string);
    if (nsType?.namespaced) return { type: nsType, namespace: rest[1], name: rest[3], subresource: rest[4], subpath: rest.slice(5).join('/') };
  }
  const type = registry.byResource(group, version, rest[0] as string);
  if (!type) throw resourceNotFound();
  return { type, name: rest[1], subresource: rest[2], subpath: rest.slice(3).join('/') };
}


/** The REST verbs on one resource path: list/watch/create/deletecollection, get/update/patch/delete, /status and the service proxy. */
export async function handleResource(ctx: RestContext, req: IncomingMessage, url: URL, r: ResourceRoute, res: ServerResponse): Promise<Reply | undefined> {
  const { store, proxies, watches } = ctx;
  const q = url.searchParams;
  const method = req.method ?? 'GET';
  const accept = req.headers.accept ?? '';
  const asTable = /as=Table/.test(accept);
  const include = (q.get('includeObject') as IncludeObject | null) ?? 'Metadata';
  const show = (o: KubeObject): unknown => (asTable ? toTable(r.type, [o], String(o.metadata.resourceVersion), include) : o);
  const contentType = String(req.headers['content-type'] ?? 'application/json');
  const dryRun = q.get('dryRun') === 'All';
  if (r.type.namespaced && r.namespace && !store.hasNamespace(r.namespace) && method !== 'GET') {
    throw new KubeError(404, 'NotFound', `namespaces "${r.namespace}" not found`, { name: r.namespace, kind: 'namespaces' });
  }

  if (r.subresource === 'proxy' && r.type.kind === 'Service' && r.name) {
    const name = r.name.replace(/^https?:/, '').replace(/:[^:]*$/, '');
    const handler = proxies.get(`${r.namespace}/${name}`);
    if (!handler) throw new KubeError(503, 'ServiceUnavailable', `no endpoints available for service "${r.name}"`);
    const body = await readBody(req);
    const reply = await handler(`/${r.subpath}${url.search}`, method, body);
    res.writeHead(reply.status, reply.headers ?? {});
    res.end(reply.body);
    return undefined;
  }
  if (r.subresource && r.subresource !== 'status') throw resourceNotFound();

  if (!r.name) {
    if (method === 'GET') {
      if (q.get('watch') === 'true' || q.get('watch') === '1') {
        const timeout = q.get('timeoutSeconds');
        serveWatch(store, {
          type: r.type,
          ...(r.namespace ? { namespace: r.namespace } : {}),
          ...(q.get('labelSelector') ? { labelSelector: q.get('labelSelector') as string } : {}),
          ...(q.get('fieldSelector') ? { fieldSelector: q.get('fieldSelector') as string } : {}),
          ...(q.get('resourceVersion') !== null ? { resourceVersion: q.get('resourceVersion') as string } : {}),
          sendInitialEvents: q.get('sendInitialEvents') === 'true',
          allowBookmarks: q.get('allowWatchBookmarks') === 'true',
          ...(timeout ? { timeoutSeconds: Number(timeout) } : {}),
          asTable,
        }, res, (stop) => { watches.add(stop); return () => watches.delete(stop); });
        return undefined;
      }
      const fields = parseFieldSelector(q.get('fieldSelector') ?? undefined);
      const items = store.listByType(r.type, r.namespace, q.get('labelSelector') ?? undefined).filter(fields);
      const rv = String(store.resourceVersion);
      if (asTable) return { status: 200, body: toTable(r.type, items, rv, include) };
      return { status: 200, body: { kind: `${r.type.kind}List`, apiVersion: apiVersionOf(r.type.group, r.type.version), metadata: { resourceVersion: rv }, items } };
    }
    if (method === 'POST') {
      const object = parseBody(await readBody(req), contentType) as KubeObject | undefined;
      if (!isMap(object)) throw new KubeError(400, 'BadRequest', 'the object provided is unrecognized');
      object.metadata ??= {} as KubeObject['metadata'];
      if (r.namespace) {
        if (object.metadata.namespace && object.metadata.namespace !== r.namespace)
          throw new KubeError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
        object.metadata.namespace = r.namespace;
      }
      object.apiVersion ??= apiVersionOf(r.type.group, r.type.version);
      object.kind ??= r.type.kind;
      const result = store.createObject(object, { fieldValidation: fieldValidationOf(q), dropStatus: true, dryRun });
      return { status: 201, body: show(result.object), headers: warningHeaders(result.warnings) };
    }
    if (method === 'DELETE') {
      const items = store.listByType(r.type, r.namespace, q.get('labelSelector') ?? undefined).filter(parseFieldSelector(q.get('fieldSelector') ?? undefined));
      const deleted = items.map((o) => store.deleteObject(r.type, o.metadata.namespace, o.metadata.name, { dryRun }));
      return { status: 200, body: { kind: `${r.type.kind}List`, apiVersion: apiVersionOf(r.type.group, r.type.version), metadata: { resourceVersion: String(store.resourceVersion) }, items: deleted } };
    }
    throw new KubeError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
  }

  const name = r.name;
  const isStatus = r.subresource === 'status';
  if (isStatus && !r.type.hasStatusSubresource) throw resourceNotFound();
  if (method === 'GET') return { status: 200, body: show(store.getByType(r.type, r.namespace, name)) };
  if (method === 'PUT') {
    const object = parseBody(await readBody(req), contentType) as KubeObject | undefined;
    if (!isMap(object)) throw new KubeError(400, 'BadRequest', 'the object provided is unrecognized');
    object.metadata ??= {} as KubeObject['metadata'];
    if (object.metadata.name !== name) throw new KubeError(400, 'BadRequest', `the name of the object (${String(object.metadata.name)}) does not match the name on the URL (${name})`);
    if (r.namespace) object.metadata.namespace = r.namespace;
    object.apiVersion = apiVersionOf(r.type.group, r.type.version);
    object.kind = r.type.kind;
    if (isStatus) return { status: 200, body: show(store.updateStatusObject(object, { dryRun })) };
    const result = store.updateObject(object, { fieldValidation: fieldValidationOf(q), dryRun });
    return { status: 200, body: show(result.object), headers: warningHeaders(result.warnings) };
  }
  if (method === 'PATCH') {
    const patchType = contentType.split(';')[0]?.trim() ?? '';
    const body = parseBody(await readBody(req), contentType);
    const fieldValidation = fieldValidationOf(q);
    if (patchType === APPLY_PATCH) {
      if (!isMap(body)) throw new KubeError(400, 'BadRequest', 'the object provided is unrecognized');
      const applied = body as KubeObject;
      applied.metadata ??= {} as KubeObject['metadata'];
      if (applied.metadata.name && applied.metadata.name !== name) throw new KubeError(400, 'BadRequest', `the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`);
      applied.metadata.name = name;
      if (r.namespace) applied.metadata.namespace = r.namespace;
      applied.apiVersion ??= apiVersionOf(r.type.group, r.type.version);
      applied.kind ??= r.type.kind;
      if (isStatus) {
        const current = store.getByType(r.type, r.namespace, name);
        return { status: 200, body: show(store.updateStatusObject({ ...current, status: mergePatch(current.status, applied.status) }, { dryRun })) };
      }
      const result = store.applyObject(applied, q.get('fieldManager') ?? 'unknown', { fieldValidation, dropStatus: true, dryRun });
      return { status: result.created ? 201 : 200, body: show(result.object), headers: warningHeaders(result.warnings) };
    }
    const current = store.getByType(r.type, r.namespace, name);
    let patched: unknown;
    if (patchType === MERGE_PATCH) patched = mergePatch(current, body);
    else if (patchType === JSON_PATCH) patched = jsonPatch(current, body);
    else if (patchType === STRATEGIC_PATCH && !r.type.crd) patched = strategicMergePatch(current, body);
    else {
      throw new KubeError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${JSON_PATCH}, ${MERGE_PATCH}, ${APPLY_PATCH}${r.type.crd ? '' : `, ${STRATEGIC_PATCH}`}`);
    }
    const object = patched as KubeObject;
    if (!isMap(object) || !isMap(object.metadata)) throw new KubeError(422, 'Invalid', 'the patched object has no metadata');
    object.metadata.name = name;
    object.apiVersion = current.apiVersion;
    object.kind = current.kind;
    if (isStatus) return { status: 200, body: show(store.updateStatusObject(object, { dryRun })) };
    const result = store.updateObject(object, { fieldValidation, dryRun });
    return { status: 200, body: show(result.object), headers: warningHeaders(result.warnings) };
  }
  if (method === 'DELETE') {
    const raw = parseBody(await readBody(req), 'application/json');
    const fromBody = isMap(raw) && typeof raw.propagationPolicy === 'string' ? raw.propagationPolicy : undefined;
    const policy = (q.get('propagationPolicy') ?? fromBody ?? 'Background') as 'Background' | 'Foreground' | 'Orphan';
    // Foreground is treated like Background: dependents go at once instead of blocking the owner.
    // kubectl sends dryRun in the DeleteOptions body rather than the query.
    const dryDelete = dryRun || (isMap(raw) && Array.isArray(raw.dryRun) && raw.dryRun.includes('All'));
    const after = store.deleteObject(r.type, r.namespace, name, { propagationPolicy: policy, dryRun: dryDelete });
    const stillThere = dryDelete || store.listByType(r.type, r.namespace).some((o) => o.metadata.name === name && o.metadata.uid === after.metadata.uid);
    if (stillThere) return { status: 200, body: after };
    return {
      status: 200,
      body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name, group: r.type.group || undefined, kind: r.type.plural, uid: after.metadata.uid } },
    };
  }
  throw new KubeError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
}

