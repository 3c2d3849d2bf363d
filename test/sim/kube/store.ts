import { randomBytes, randomUUID } from 'node:crypto';
import { alreadyExists, conflict, invalid, notFound } from './errors.js';
import { applyMerge, clone, isMap } from './patch.js';
import { apiVersionOf, splitApiVersion, storageKey, TypeRegistry } from './registry.js';
import { validateCustomResource, type FieldCause } from './schema.js';
import { parseLabelSelector } from './selectors.js';
import { defaultBuiltin, keepAllocatedFields, validateBuiltin } from './builtin-rules.js';
import { KubeError, type KubeObject, type ObjectStore, type ServedType, type StoreEvent } from './types.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface WriteOptions {
  fieldValidation?: FieldValidation;
  /** HTTP creates drop `status` of kinds with a status subresource, as the real server does. */
  dropStatus?: boolean;
  /** `dryRun=All`: every check runs and the would-be result is returned, nothing is stored. */
  dryRun?: boolean;
}

export interface WriteResult {
  object: KubeObject;
  warnings: string[];
  created?: boolean;
}

export interface DeleteOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  dryRun?: boolean;
}

/** A change with the resourceVersion it produced, kept for watches resuming from a resourceVersion. */
export interface HistoryEntry {
  rv: number;
  key: string;
  event: StoreEvent;
  /** The object before a MODIFIED change, so selector-filtered watches can tell objects entering or leaving. */
  previous?: KubeObject;
}

const DEFAULT_HISTORY_SIZE = 1000;

function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

function withoutMetaAndStatus(object: KubeObject): string {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = object;
  return JSON.stringify(rest);
}

const NAME_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export interface SerializedState {
  resourceVersion: number;
  objects: KubeObject[];
}

/**
 * The cluster's objects in memory: one global resourceVersion counter, an event history for watch
 * resumption, finalizers, namespace termination, owner-reference garbage collection and CRD
 * registration (a CRD written here immediately serves its kind, like an Established CRD).
 */
export class MemoryStore implements ObjectStore {
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly listeners = new Set<(event: StoreEvent, entry: HistoryEntry) => void>();
  private readonly history: HistoryEntry[] = [];
  private rv = 0;
  /** Watches may resume from any resourceVersion at or after this one. */
  private oldestResumableRv = 0;

  constructor(readonly registry: TypeRegistry, private readonly historySize = DEFAULT_HISTORY_SIZE) {}

  get resourceVersion(): number {
    return this.rv;
  }

  typeOf(apiVersion: string, kind: string): ServedType {
    const type = this.registry.byKind(apiVersion, kind);
    if (!type) throw new KubeError(404, 'NotFound', `the server could not find the requested resource (no kind "${kind}" is registered for version "${apiVersion}")`);
    return type;
  }

  private bucket(type: ServedType): Map<string, KubeObject> {
    const key = storageKey(type);
    let b = this.objects.get(key);
    if (!b) {
      b = new Map();
      this.objects.set(key, b);
    }
    return b;
  }

  /** Presents a stored object in the requested version (versions share one schema-less storage). */
  private present(object: KubeObject, type: ServedType): KubeObject {
    const out = clone(object);
    out.apiVersion = apiVersionOf(type.group, type.version);
    return out;
  }

  private namespaceOf(type: ServedType, namespace: string | undefined): string | undefined {
    return type.namespaced ? namespace || 'default' : undefined;
  }

  /** Unknown kinds (say, a CRD not installed yet) read as absent, so controllers can poll before installation. */
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const type = this.registry.byKind(apiVersion, kind);
    if (!type) return undefined;
    const found = this.bucket(type).get(objectKey(this.namespaceOf(type, namespace), name));
    return found ? this.present(found, type) : undefined;
  }

  getByType(type: ServedType, namespace: string | undefined, name: string): KubeObject {
    const found = this.bucket(type).get(objectKey(this.namespaceOf(type, namespace), name));
    if (!found) throw notFound(type, name);
    return this.present(found, type);
  }

  list(apiVersion: string, kind: string, namespace?: string, labelSelector?: string): KubeObject[] {
    const type = this.registry.byKind(apiVersion, kind);
    return type ? this.listByType(type, namespace, labelSelector) : [];
  }

  listByType(type: ServedType, namespace?: string, labelSelector?: string): KubeObject[] {
    const matches = parseLabelSelector(labelSelector);
    const out: KubeObject[] = [];
    for (const object of this.bucket(type).values()) {
      if (namespace && type.namespaced && object.metadata.namespace !== namespace) continue;
      if (!matches(object.metadata.labels)) continue;
      out.push(this.present(object, type));
    }
    return out.sort((a, b) => objectKey(a.metadata.namespace, a.metadata.name).localeCompare(objectKey(b.metadata.namespace, b.metadata.name)));
  }

  create(object: KubeObject): KubeObject {
    return this.createObject(object).object;
  }

  update(object: KubeObject): KubeObject {
    return this.updateObject(object).object;
  }

  updateStatus(object: KubeObject): KubeObject {
    return this.updateStatusObject(object);
  }

  apply(object: KubeObject, fieldManager: string): KubeObject {
    return this.applyObject(object, fieldManager).object;
  }

  delete(apiVersion: string, kind: string, namespace: string | undefined, name: string): void {
    this.deleteObject(this.typeOf(apiVersion, kind), namespace, name);
  }

  isNamespaced(group: string, kind: string): boolean | undefined {
    return this.registry.all().find((t) => t.group === group && t.kind === kind)?.namespaced;
  }

  watch(listener: (event: StoreEvent) => void): () => void {
    const l = (event: StoreEvent): void => listener(event);
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Like `watch`, with the storage key and resourceVersion of each change (for HTTP watches). */
  subscribe(listener: (event: StoreEvent, entry: HistoryEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Changes after `rv`, or 410 Expired when they are no longer in the history. */
  changesSince(rv: number): HistoryEntry[] {
    if (rv < this.oldestResumableRv) throw new KubeError(410, 'Expired', `too old resource version: ${rv} (${this.oldestResumableRv})`);
    return this.history.filter((h) => h.rv > rv);
  }

  private emit(type: StoreEvent['type'], object: KubeObject, previous?: KubeObject): void {
    const entry: HistoryEntry = { rv: this.rv, key: storageKey(splitKind(object)), event: { type, object: clone(object) }, ...(previous ? { previous } : {}) };
    this.history.push(entry);
    if (this.history.length > this.historySize) {
      const dropped = this.history.shift();
      if (dropped) this.oldestResumableRv = dropped.rv;
    }
    for (const l of [...this.listeners]) {
      try {
        l({ type, object: clone(object) }, entry);
      } catch {
        // A failing listener must not break the write that triggered it.
      }
    }
  }

  private nextRv(): string {
    this.rv += 1;
    return String(this.rv);
  }

  private validate(type: ServedType, object: KubeObject, options: WriteOptions): string[] {
    const causes: FieldCause[] = [];
    const name = object.metadata?.name;
    if (typeof name !== 'string' || name === '') causes.push({ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' });
    else if (!NAME_PATTERN.test(name) || name.length > 253)
      causes.push({ reason: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')` });
    // The real server caps all annotations of an object at 256 KiB: client-side apply of the biggest CRDs trips on it.
    const annotationBytes = Object.entries(object.metadata?.annotations ?? {}).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(String(v)), 0);
    if (annotationBytes > 262144) causes.push({ reason: 'FieldValueTooLong', field: 'metadata.annotations', message: 'Too long: must have at most 262144 bytes' });
    const warnings: string[] = [];
    if (type.schema) {
      const mode = options.fieldValidation ?? 'Strict';
      const outcome = validateCustomResource(type.schema, object as unknown as Record<string, unknown>, mode !== 'Strict');
      causes.push(...outcome.causes);
      if (mode === 'Warn') warnings.push(...outcome.unknownFields.map((f) => `unknown field "${f}"`));
    } else if (!type.crd) {
      causes.push(...validateBuiltin(type, object));
    }
    if (causes.length > 0) throw invalid(type, typeof name === 'string' ? name : '', causes);
    return warnings;
  }

  createObject(input: KubeObject, options: WriteOptions = {}): WriteResult {
    const type = this.typeOf(input.apiVersion, input.kind);
    const object = clone(input);
    object.metadata = { ...(object.metadata ?? {}) } as KubeObject['metadata'];
    const meta = object.metadata;
    if (!meta.name && typeof meta.generateName === 'string') meta.name = `${meta.generateName}${randomBytes(4).toString('hex').slice(0, 5)}`;
    if (type.namespaced) meta.namespace = meta.namespace || 'default';
    else delete meta.namespace;
    if (options.dropStatus && type.hasStatusSubresource) delete object.status;
    defaultBuiltin(type, object);
    const warnings = this.validate(type, object, options);
    if (type.namespaced) {
      const ns = this.bucket(this.typeOf('v1', 'Namespace')).get(objectKey(undefined, meta.namespace as string));
      if (!ns) throw notFound({ group: '', plural: 'namespaces' }, meta.namespace as string);
      if (ns.metadata.deletionTimestamp)
        throw new KubeError(403, 'Forbidden', `${type.plural}${type.group ? '.' + type.group : ''} "${meta.name}" is forbidden: unable to create new content in namespace ${meta.namespace} because it is being terminated`);
    }
    const bucket = this.bucket(type);
    const key = objectKey(meta.namespace, meta.name);
    if (bucket.has(key)) throw alreadyExists(type, meta.name);
    if (type.kind === 'CustomResourceDefinition') this.prepareCrd(object);
    meta.uid = randomUUID();
    meta.creationTimestamp = now();
    meta.generation = 1;
    delete meta.deletionTimestamp;
    if (options.dryRun) return { object: this.present(object, type), warnings, created: true };
    meta.resourceVersion = this.nextRv();
    bucket.set(key, object);
    if (type.kind === 'CustomResourceDefinition') this.registry.registerCrd(object);
    this.emit('ADDED', object);
    if (type.kind === 'Namespace') this.seedNamespace(meta.name);
    return { object: this.present(object, type), warnings, created: true };
  }

  /** A new namespace gets its `default` ServiceAccount, as the service account controller does. */
  private seedNamespace(name: string): void {
    this.createObject({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: name } });
  }

  private prepareCrd(crd: KubeObject): void {
    const spec = crd.spec as { group?: string; names?: { plural?: string; kind?: string; singular?: string; shortNames?: string[]; listKind?: string; categories?: string[] }; versions?: Array<{ name: string; storage?: boolean }> } | undefined;
    const causes: FieldCause[] = [];
    if (!spec?.group) causes.push({ reason: 'FieldValueRequired', field: 'spec.group', message: 'Required value' });
    if (!spec?.names?.plural) causes.push({ reason: 'FieldValueRequired', field: 'spec.names.plural', message: 'Required value' });
    if (!spec?.names?.kind) causes.push({ reason: 'FieldValueRequired', field: 'spec.names.kind', message: 'Required value' });
    if (!spec?.versions?.length) causes.push({ reason: 'FieldValueRequired', field: 'spec.versions', message: 'Required value: must have exactly one version marked as storage version' });
    if (spec?.group && spec.names?.plural && crd.metadata.name !== `${spec.names.plural}.${spec.group}`)
      causes.push({ reason: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: "${crd.metadata.name}": must be spec.names.plural+"."+spec.group` });
    if (causes.length > 0) throw invalid({ group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' }, crd.metadata.name, causes);
    const names = spec?.names ?? {};
    // Conditions that are already True keep their transition time, so a no-op re-apply changes nothing.
    const previous = (isMap(crd.status) && Array.isArray(crd.status.conditions) ? crd.status.conditions : []) as Array<{ type: string; status: string; lastTransitionTime?: string }>;
    const since = (t: string): string => previous.find((c) => c.type === t && c.status === 'True')?.lastTransitionTime ?? now();
    crd.status = {
      acceptedNames: { kind: names.kind, listKind: names.listKind ?? `${names.kind}List`, plural: names.plural, singular: names.singular ?? names.kind?.toLowerCase(), ...(names.shortNames ? { shortNames: names.shortNames } : {}), ...(names.categories ? { categories: names.categories } : {}) },
      conditions: [
        { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: since('NamesAccepted') },
        { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: since('Established') },
      ],
      storedVersions: (spec?.versions ?? []).filter((v) => v.storage).map((v) => v.name),
    };
  }

  private stored(type: ServedType, namespace: string | undefined, name: string): KubeObject {
    const found = this.bucket(type).get(objectKey(this.namespaceOf(type, namespace), name));
    if (!found) throw notFound(type, name);
    return found;
  }

  updateObject(input: KubeObject, options: WriteOptions = {}): WriteResult {
    const type = this.typeOf(input.apiVersion, input.kind);
    const current = this.stored(type, input.metadata?.namespace, input.metadata?.name);
    const rvIn = input.metadata.resourceVersion;
    if (rvIn && rvIn !== current.metadata.resourceVersion) throw conflict(type, current.metadata.name);
    const object = clone(input);
    object.metadata = { ...object.metadata };
    const meta = object.metadata;
    meta.namespace = current.metadata.namespace;
    if (!type.namespaced) delete meta.namespace;
    meta.uid = current.metadata.uid;
    meta.creationTimestamp = current.metadata.creationTimestamp;
    if (current.metadata.deletionTimestamp) {
      meta.deletionTimestamp = current.metadata.deletionTimestamp;
      // Once deletion has begun, finalizers can only be removed.
      meta.finalizers = (meta.finalizers ?? []).filter((f) => current.metadata.finalizers?.includes(f));
    } else delete meta.deletionTimestamp;
    if (type.hasStatusSubresource) {
      if (current.status === undefined) delete object.status;
      else object.status = clone(current.status);
    }
    keepAllocatedFields(type, current, object);
    defaultBuiltin(type, object);
    const warnings = this.validate(type, object, options);
    if (type.kind === 'CustomResourceDefinition') this.prepareCrd(object);
    meta.generation = (current.metadata.generation ?? 1) + (withoutMetaAndStatus(object) !== withoutMetaAndStatus(current) ? 1 : 0);
    if (options.dryRun) {
      object.metadata.resourceVersion = current.metadata.resourceVersion;
      return { object: this.present(object, type), warnings };
    }
    return { object: this.commit(type, current, object), warnings };
  }

  updateStatusObject(input: KubeObject, options: WriteOptions = {}): KubeObject {
    const type = this.typeOf(input.apiVersion, input.kind);
    const current = this.stored(type, input.metadata?.namespace, input.metadata?.name);
    const rvIn = input.metadata.resourceVersion;
    if (rvIn && rvIn !== current.metadata.resourceVersion) throw conflict(type, current.metadata.name);
    const object = clone(current);
    if (input.status === undefined) delete object.status;
    else object.status = clone(input.status);
    if (type.schema) {
      const outcome = validateCustomResource(type.schema, object as unknown as Record<string, unknown>, false);
      const statusCauses = outcome.causes.filter((c) => c.field.startsWith('status'));
      if (statusCauses.length > 0) throw invalid(type, current.metadata.name, statusCauses);
    }
    if (options.dryRun) return this.present(object, type);
    return this.commit(type, current, object);
  }

  /** Stores a changed object (no-op writes keep their resourceVersion and emit nothing, as real). */
  private commit(type: ServedType, current: KubeObject, object: KubeObject): KubeObject {
    object.metadata.resourceVersion = current.metadata.resourceVersion;
    object.apiVersion = current.apiVersion;
    if (JSON.stringify(object) === JSON.stringify(current)) return this.present(current, type);
    const key = objectKey(object.metadata.namespace, object.metadata.name);
    if (object.metadata.deletionTimestamp && !(object.metadata.finalizers?.length) && !this.blocksRemoval(type, object)) {
      this.bucket(type).set(key, object);
      this.remove(type, object, 'Background');
      return this.present(object, type);
    }
    object.metadata.resourceVersion = this.nextRv();
    this.bucket(type).set(key, object);
    if (type.kind === 'CustomResourceDefinition') this.registry.registerCrd(object);
    this.emit('MODIFIED', object, current);
    return this.present(object, type);
  }

  /**
   * Server-side apply, simplified: no per-manager field ownership (so no conflicts, `force` changes
   * nothing) and fields left out of the applied configuration are kept, not removed; the applied
   * configuration is merged over the live object (strategic merge for built-ins) and wins.
   */
  applyObject(input: KubeObject, _fieldManager: string, options: WriteOptions = {}): WriteResult {
    const type = this.typeOf(input.apiVersion, input.kind);
    const existing = this.bucket(type).get(objectKey(this.namespaceOf(type, input.metadata?.namespace), input.metadata?.name));
    if (!existing) return this.createObject(input, { ...options, dropStatus: options.dropStatus ?? false });
    const applied = clone(input);
    if (type.hasStatusSubresource) delete applied.status;
    const { resourceVersion: _rv, ...appliedMeta } = applied.metadata ?? ({} as KubeObject['metadata']);
    applied.metadata = appliedMeta as KubeObject['metadata'];
    const merged = applyMerge(clone(existing), applied, !type.crd) as KubeObject;
    merged.apiVersion = input.apiVersion;
    return this.updateObject(merged, options);
  }

  /** Kinds that stay while they still hold objects: namespaces until emptied. */
  private blocksRemoval(type: ServedType, object: KubeObject): boolean {
    if (type.kind !== 'Namespace') return false;
    const ns = object.metadata.name;
    for (const t of this.registry.all()) {
      if (!t.namespaced) continue;
      for (const o of this.bucket(t).values()) if (o.metadata.namespace === ns) return true;
    }
    return false;
  }

  deleteObject(type: ServedType, namespace: string | undefined, name: string, options: DeleteOptions = {}): KubeObject {
    const current = this.stored(type, namespace, name);
    if (current.metadata.deletionTimestamp || options.dryRun) return this.present(current, type);
    const hasFinalizers = (current.metadata.finalizers?.length ?? 0) > 0;
    if (type.kind === 'Namespace') return this.terminateNamespace(type, current);
    if (hasFinalizers) {
      const object = clone(current);
      object.metadata.deletionTimestamp = now();
      object.metadata.deletionGracePeriodSeconds = 0;
      object.metadata.resourceVersion = this.nextRv();
      this.bucket(type).set(objectKey(object.metadata.namespace, name), object);
      this.emit('MODIFIED', object, current);
      return this.present(object, type);
    }
    return this.remove(type, current, options.propagationPolicy ?? 'Background');
  }

  private terminateNamespace(type: ServedType, current: KubeObject): KubeObject {
    const object = clone(current);
    object.metadata.deletionTimestamp = now();
    object.status = { ...(isMap(object.status) ? object.status : {}), phase: 'Terminating' };
    object.metadata.resourceVersion = this.nextRv();
    this.bucket(type).set(objectKey(undefined, object.metadata.name), object);
    this.emit('MODIFIED', object, current);
    for (const t of [...this.registry.all()]) {
      if (!t.namespaced || this.registry.versionsOf(t)[0] !== t) continue;
      for (const o of [...this.bucket(t).values()]) {
        if (o.metadata.namespace === object.metadata.name && this.bucket(t).has(objectKey(o.metadata.namespace, o.metadata.name))) {
          this.deleteObject(t, o.metadata.namespace, o.metadata.name);
        }
      }
    }
    this.finishNamespace(object.metadata.name);
    const left = this.bucket(type).get(objectKey(undefined, object.metadata.name));
    return this.present(left ?? object, type);
  }

  /** Removes a terminating namespace once nothing is left in it. */
  private finishNamespace(name: string): void {
    const nsType = this.typeOf('v1', 'Namespace');
    const ns = this.bucket(nsType).get(objectKey(undefined, name));
    if (!ns?.metadata.deletionTimestamp || this.blocksRemoval(nsType, ns) || (ns.metadata.finalizers?.length ?? 0) > 0) return;
    this.remove(nsType, ns, 'Background');
  }

  private remove(type: ServedType, object: KubeObject, propagation: DeleteOptions['propagationPolicy']): KubeObject {
    const key = objectKey(object.metadata.namespace, object.metadata.name);
    this.bucket(type).delete(key);
    const gone = clone(object);
    gone.metadata.resourceVersion = this.nextRv();
    this.emit('DELETED', gone);
    if (type.kind === 'CustomResourceDefinition') this.removeCrdObjects(object);
    this.collectDependents(object.metadata.uid as string, propagation);
    if (type.namespaced && object.metadata.namespace) this.finishNamespace(object.metadata.namespace);
    return this.present(gone, type);
  }

  /** Deleting a CRD removes its kind and every object of it (finalizers of those objects are not waited for). */
  private removeCrdObjects(crd: KubeObject): void {
    const types = this.registry.all().filter((t) => t.crd === crd.metadata.name);
    const first = types[0];
    if (first) {
      const bucket = this.bucket(first);
      for (const o of [...bucket.values()]) {
        bucket.delete(objectKey(o.metadata.namespace, o.metadata.name));
        const gone = clone(o);
        gone.metadata.resourceVersion = this.nextRv();
        this.emit('DELETED', gone);
      }
      this.objects.delete(storageKey(first));
    }
    this.registry.unregisterCrd(crd.metadata.name);
  }

  /** Owner-reference garbage collection: dependents go with their last owner (or lose the reference on Orphan). */
  private collectDependents(uid: string, propagation: DeleteOptions['propagationPolicy']): void {
    for (const t of [...this.registry.all()]) {
      if (this.registry.versionsOf(t)[0] !== t) continue;
      for (const o of [...this.bucket(t).values()]) {
        const refs = o.metadata.ownerReferences ?? [];
        if (!refs.some((r) => r.uid === uid)) continue;
        const rest = refs.filter((r) => r.uid !== uid);
        if (propagation === 'Orphan' || rest.length > 0) {
          const updated = clone(o);
          updated.metadata.ownerReferences = rest;
          if (rest.length === 0) delete updated.metadata.ownerReferences;
          updated.metadata.resourceVersion = this.nextRv();
          this.bucket(t).set(objectKey(o.metadata.namespace, o.metadata.name), updated);
          this.emit('MODIFIED', updated, o);
        } else if (this.bucket(t).has(objectKey(o.metadata.namespace, o.metadata.name))) {
          this.deleteObject(t, o.metadata.namespace, o.metadata.name, { propagationPolicy: 'Background' });
        }
      }
    }
  }

  serialize(): SerializedState {
    const objects: KubeObject[] = [];
    for (const bucket of this.objects.values()) for (const o of bucket.values()) objects.push(clone(o));
    // CRDs first, so restoring registers kinds before their objects arrive.
    objects.sort((a, b) => Number(b.kind === 'CustomResourceDefinition') - Number(a.kind === 'CustomResourceDefinition'));
    return { resourceVersion: this.rv, objects };
  }

  restore(state: SerializedState): void {
    for (const o of state.objects) {
      const type = this.registry.byKind(o.apiVersion, o.kind);
      if (!type) continue;
      this.bucket(type).set(objectKey(o.metadata.namespace, o.metadata.name), clone(o));
      if (type.kind === 'CustomResourceDefinition') this.registry.registerCrd(o);
    }
    this.rv = state.resourceVersion;
    this.oldestResumableRv = state.resourceVersion;
  }

  hasNamespace(name: string): boolean {
    return this.bucket(this.typeOf('v1', 'Namespace')).has(objectKey(undefined, name));
  }
}

function splitKind(object: KubeObject): { group: string; kind: string } {
  return { group: splitApiVersion(object.apiVersion).group, kind: object.kind };
}
