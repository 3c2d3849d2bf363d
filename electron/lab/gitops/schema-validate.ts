/**
 * Checks one parsed manifest against the shipped CRD schemas, as a strict API server would:
 * undeclared fields are errors (unless under `x-kubernetes-preserve-unknown-fields`),
 * `x-kubernetes-int-or-string` accepts either, `nullable` accepts null. CEL rules
 * (`x-kubernetes-validations`) and `format` are not evaluated. Built-in kinds (Secret,
 * Namespace, Service...) get a light structural check; an apiVersion/kind that no shipped CRD
 * serves is reported, naming the served version when only the version is wrong.
 *
 * Messages read `Kind/name: spec.field: message`.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { gvkKey, type CrdBundle } from './crd-bundle';

type Schema = Record<string, unknown>;

/** API groups built into Kubernetes; their kinds are not in the CRD bundle. */
const BUILT_IN_GROUPS = new Set([
  '', 'apps', 'batch', 'autoscaling', 'policy', 'rbac.authorization.k8s.io', 'networking.k8s.io', 'apiextensions.k8s.io',
  'admissionregistration.k8s.io', 'storage.k8s.io', 'scheduling.k8s.io', 'coordination.k8s.io', 'certificates.k8s.io',
  'discovery.k8s.io', 'node.k8s.io', 'apiregistration.k8s.io',
]);

const KUSTOMIZE_CONFIG = 'kustomize.config.k8s.io';

/** Object metadata is checked the same way for every kind: strings where Kubernetes wants strings. */
const METADATA_SCHEMA: Schema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    namespace: { type: 'string' },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
  },
};

/** Turns a CRD structural schema into the JSON schema Ajv checks. */
function toJsonSchema(schema: Schema, root: boolean): Schema {
  const out: Schema = { ...schema };
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  const props = schema.properties as Record<string, Schema> | undefined;
  if (props) {
    out.properties = Object.fromEntries(
      Object.entries(props).map(([name, sub]) => [name, (root || schema['x-kubernetes-embedded-resource'] === true) && name === 'metadata' ? METADATA_SCHEMA : toJsonSchema(sub, false)]),
    );
  }
  if (schema.items && typeof schema.items === 'object' && !Array.isArray(schema.items)) out.items = toJsonSchema(schema.items as Schema, false);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    out.additionalProperties = toJsonSchema(schema.additionalProperties as Schema, false);
  }
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    // Branches constrain values only; closing them would reject fields the parent declares.
    if (Array.isArray(schema[key])) out[key] = (schema[key] as Schema[]).map((branch) => ({ ...branch }));
  }
  if (schema['x-kubernetes-int-or-string'] === true) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (schema.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  delete out.nullable;
  const isObject = schema.type === 'object' || root;
  if (isObject && !preserve && out.additionalProperties === undefined && (props || root)) out.additionalProperties = false;
  if (root) {
    const rootProps = (out.properties ?? {}) as Record<string, Schema>;
    rootProps.apiVersion ??= { type: 'string' };
    rootProps.kind ??= { type: 'string' };
    rootProps.metadata = METADATA_SCHEMA;
    out.properties = rootProps;
  }
  return out;
}

/** Compiled validators kept at most (one per kind and shape of manifest). */
const COMPILED_LIMIT = 500;

/**
 * The part of a structural schema that can judge these values: a property none of them has
 * cannot fail, so it is left out, while `required`, types, enums and the closing of objects are
 * kept. Validating against it gives the same errors as against the whole schema, and compiling
 * it takes milliseconds where the upbound GKE Cluster's whole schema takes about a second.
 * Branches of anyOf/allOf/oneOf are kept whole.
 */
function pruneToData(schema: Schema, values: readonly unknown[]): Schema {
  const out: Schema = { ...schema };
  const records = values.filter(isRecord);
  const props = schema.properties as Record<string, Schema> | undefined;
  if (props) {
    out.properties = Object.fromEntries(
      Object.entries(props)
        .filter(([name]) => records.some((r) => name in r))
        .map(([name, sub]) => [name, pruneToData(sub, records.filter((r) => name in r).map((r) => r[name]))]),
    );
  }
  if (schema.items && typeof schema.items === 'object' && !Array.isArray(schema.items)) {
    out.items = pruneToData(schema.items as Schema, values.flatMap((v) => (Array.isArray(v) ? v : [])));
  }
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    out.additionalProperties = pruneToData(schema.additionalProperties as Schema, records.flatMap((r) => Object.values(r)));
  }
  return out;
}

function fieldPath(instancePath: string, child?: string): string {
  let out = '';
  const segments = instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) segments.push(child);
  for (const seg of segments) out += /^\d+$/.test(seg) ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  return out || '(root)';
}

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `${fieldPath(error.instancePath, String(params.additionalProperty))}: unknown field (not in the CRD schema)`;
    case 'required':
      return `${fieldPath(error.instancePath, String(params.missingProperty))}: required field is missing`;
    case 'type':
      return `${fieldPath(error.instancePath)}: must be ${String(params.type).replace(',', ' or ')}`;
    case 'enum':
      return `${fieldPath(error.instancePath)}: must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'anyOf':
      return `${fieldPath(error.instancePath)}: must be an integer or a string`;
    default:
      return `${fieldPath(error.instancePath)}: ${error.message ?? 'is invalid'}`;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

export interface ManifestValidator {
  /** Problems of one manifest; empty when it is valid. */
  validate(manifest: unknown): string[];
}

export function createManifestValidator(bundle: CrdBundle): ManifestValidator {
  // optimize: false halves the compile time of the large GKE schemas; validation stays as fast.
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, validateSchema: false, logger: false, code: { optimize: false } });
  const compiled = new Map<string, ValidateFunction>();
  const servedByGroupKind = new Map<string, string[]>();
  for (const key of Object.keys(bundle.schemas)) {
    const [apiVersion, kind] = key.split(' ') as [string, string];
    const gk = `${groupOf(apiVersion)} ${kind}`;
    servedByGroupKind.set(gk, [...(servedByGroupKind.get(gk) ?? []), apiVersion]);
  }

  /** Compiled per kind and per shape of manifest: the scaffold has one or two shapes per kind. */
  const validatorFor = (key: string, manifest: Record<string, unknown>): ValidateFunction => {
    const schema = toJsonSchema(pruneToData(bundle.schemas[key]!.schema, [manifest]), true);
    const cacheKey = `${key}\0${JSON.stringify(schema)}`;
    let fn = compiled.get(cacheKey);
    if (!fn) {
      if (compiled.size >= COMPILED_LIMIT) compiled.clear();
      fn = ajv.compile(schema);
      compiled.set(cacheKey, fn);
    }
    return fn;
  };

  return {
    validate(manifest) {
      if (!isRecord(manifest)) return ['(document): not a Kubernetes object (a mapping with apiVersion and kind)'];
      const { apiVersion, kind } = manifest;
      const name = isRecord(manifest.metadata) && typeof manifest.metadata.name === 'string' ? manifest.metadata.name : '(no name)';
      if (typeof apiVersion !== 'string' || typeof kind !== 'string') return [`${name}: apiVersion and kind are required`];
      const prefix = `${kind}/${name}`;
      const group = groupOf(apiVersion);
      if (group === KUSTOMIZE_CONFIG) return kustomizeConfigProblems(manifest).map((m) => `${kind}: ${m}`);
      if (BUILT_IN_GROUPS.has(group)) return builtInProblems(manifest).map((m) => `${prefix}: ${m}`);
      const key = gvkKey(apiVersion, kind);
      if (!bundle.schemas[key]) {
        const served = servedByGroupKind.get(`${group} ${kind}`);
        if (served) return [`${prefix}: ${apiVersion} is not served (a removed API version); use ${served.join(' or ')}`];
        return [`${prefix}: unknown apiVersion/kind ${apiVersion} ${kind} (no CRD the lab installs defines it)`];
      }
      const validate = validatorFor(key, manifest);
      if (validate(manifest)) return [];
      const errors = validate.errors ?? [];
      const messages = errors
        // Failures inside an anyOf branch are summed up by the anyOf error itself.
        .filter((e) => !/\/anyOf\/\d+\//.test(e.schemaPath))
        .map(describe)
        .map((m) => `${prefix}: ${m}`);
      return [...new Set(messages)];
    },
  };
}

/** kustomization.yaml: only what this app relies on, and the deprecated `bases:`. */
function kustomizeConfigProblems(config: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if ('bases' in config) problems.push('bases: deprecated in kustomize; list the folders under resources instead');
  for (const field of ['resources', 'components']) {
    const value = config[field];
    if (value !== undefined && value !== null && !(Array.isArray(value) && value.every((v) => typeof v === 'string'))) {
      problems.push(`${field}: must be a list of paths`);
    }
  }
  return problems;
}

function stringMapProblems(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (!isRecord(value)) return [`${field}: must be a mapping`];
  return Object.entries(value)
    .filter(([, v]) => typeof v !== 'string')
    .map(([k]) => `${field}.${k}: must be a string (quote it)`);
}

/** Built-in kinds: the structure mistakes a hand-edited manifest typically has. */
function builtInProblems(manifest: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const metadata = manifest.metadata;
  if (!isRecord(metadata)) return ['metadata: required mapping is missing'];
  if (typeof metadata.name !== 'string' && typeof metadata.generateName !== 'string') problems.push('metadata.name: required field is missing');
  problems.push(...stringMapProblems(metadata.labels, 'metadata.labels'), ...stringMapProblems(metadata.annotations, 'metadata.annotations'));
  switch (manifest.kind) {
    case 'Namespace':
      if (metadata.namespace !== undefined) problems.push('metadata.namespace: a Namespace is not namespaced');
      break;
    case 'Secret':
    case 'ConfigMap':
      problems.push(...stringMapProblems(manifest.data, 'data'), ...stringMapProblems(manifest.stringData, 'stringData'));
      break;
    case 'Service': {
      const spec = manifest.spec;
      if (spec !== undefined && !isRecord(spec)) problems.push('spec: must be a mapping');
      else if (spec && spec.ports !== undefined) {
        if (!Array.isArray(spec.ports)) problems.push('spec.ports: must be a list');
        else spec.ports.forEach((p, i) => {
          if (!isRecord(p) || typeof p.port !== 'number') problems.push(`spec.ports[${i}].port: must be a number`);
        });
      }
      break;
    }
  }
  return problems;
}
