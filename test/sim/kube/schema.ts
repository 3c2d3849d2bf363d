import { createHash } from 'node:crypto';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

/**
 * Validation of custom resources against their CRD's `openAPIV3Schema`, as the real API server
 * does it: unknown fields (not declared, no `x-kubernetes-preserve-unknown-fields`) are rejected,
 * schema defaults are filled in. The CRD schema is translated to a JSON schema Ajv understands:
 * `x-kubernetes-int-or-string` becomes integer-or-string, `nullable` adds `null`,
 * `x-kubernetes-embedded-resource` allows apiVersion/kind/metadata. Not evaluated (as a deliberate
 * simplification): `x-kubernetes-validations` (CEL rules), `format` checks and list-type uniqueness.
 */

export interface FieldCause {
  reason: 'FieldValueInvalid' | 'FieldValueRequired' | 'FieldValueNotSupported' | 'FieldValueTypeInvalid' | 'FieldValueTooLong';
  field: string;
  message: string;
}

export interface ValidationOutcome {
  causes: FieldCause[];
  /** Paths of fields not declared in the schema (the Strict causes, or Warn/Ignore prunes). */
  unknownFields: string[];
}

type Schema = Record<string, unknown>;

const PASSED_KEYWORDS = [
  'type', 'required', 'enum', 'pattern', 'minimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems',
  'uniqueItems', 'multipleOf', 'minProperties', 'maxProperties', 'default',
];

function translate(schema: Schema, where: 'root' | 'field' | 'junctor'): Schema {
  const out: Schema = {};
  for (const key of PASSED_KEYWORDS) if (key in schema) out[key] = schema[key];
  // OpenAPI 3.0 exclusive bounds are booleans; JSON schema draft 7 wants the bound itself.
  if (schema.exclusiveMinimum === true && typeof schema.minimum === 'number') { out.exclusiveMinimum = schema.minimum; delete out.minimum; }
  if (schema.exclusiveMaximum === true && typeof schema.maximum === 'number') { out.exclusiveMaximum = schema.maximum; delete out.maximum; }
  const branch = (s: unknown): Schema => translate(s as Schema, 'junctor');
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) if (Array.isArray(schema[key])) out[key] = (schema[key] as unknown[]).map(branch);
  if (schema.not) out.not = branch(schema.not);
  if (schema['x-kubernetes-int-or-string'] === true) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }, ...((out.anyOf as Schema[] | undefined) ?? [])].slice(0, 2);
  }
  const childWhere = where === 'junctor' ? 'junctor' : 'field';
  if (schema.items && typeof schema.items === 'object') out.items = translate(schema.items as Schema, childWhere);
  const props: Record<string, Schema> = {};
  if (schema.properties) {
    for (const [name, sub] of Object.entries(schema.properties as Record<string, Schema>)) {
      // Object metadata is the server's own business (names, labels...), not the CRD schema's.
      props[name] = (where === 'root' || schema['x-kubernetes-embedded-resource'] === true) && name === 'metadata' ? { type: 'object' } : translate(sub, childWhere);
    }
  }
  if (where === 'root' || schema['x-kubernetes-embedded-resource'] === true) {
    props.apiVersion ??= { type: 'string' };
    props.kind ??= { type: 'string' };
    props.metadata ??= { type: 'object' };
  }
  if (Object.keys(props).length > 0) out.properties = props;
  if (typeof schema.additionalProperties === 'object' && schema.additionalProperties !== null) out.additionalProperties = translate(schema.additionalProperties as Schema, childWhere);
  else if (schema.additionalProperties === false) out.additionalProperties = false;
  const isObject = schema.type === 'object' || where === 'root';
  const preserves = schema['x-kubernetes-preserve-unknown-fields'] === true;
  // A structural schema prunes (or, under Strict, rejects) what it does not declare; junctor branches only constrain values.
  if (isObject && where !== 'junctor' && !preserves && out.additionalProperties === undefined) out.additionalProperties = false;
  if (schema.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  return out;
}

const ajv = new Ajv({ allErrors: true, verbose: true, strict: false, useDefaults: true, validateFormats: false, validateSchema: false, code: { optimize: false } });
const compiled = new Map<string, ValidateFunction>();
/**
 * By the served type's schema object, which a registered CRD version keeps: hashing the content
 * serialised a 600 KB Crossplane schema on every status write of a managed resource.
 */
const bySchemaObject = new WeakMap<Schema, ValidateFunction>();

/** Compiles once per distinct schema (by content), so every server in a process shares the work. */
export function validatorFor(schema: Schema): ValidateFunction {
  const known = bySchemaObject.get(schema);
  if (known) return known;
  const text = JSON.stringify(schema);
  const key = createHash('sha256').update(text).digest('hex');
  let fn = compiled.get(key);
  if (!fn) {
    fn = ajv.compile(translate(JSON.parse(text) as Schema, 'root'));
    compiled.set(key, fn);
  }
  bySchemaObject.set(schema, fn);
  return fn;
}

function fieldPath(instancePath: string): string {
  let out = '';
  for (const raw of instancePath.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(seg) ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  }
  return out;
}

function join(parent: string, child: string): string {
  return parent === '' ? child : `${parent}.${child}`;
}

function quote(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? 'null';
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function toCause(e: ErrorObject, all: ErrorObject[]): FieldCause | undefined {
  const path = fieldPath(e.instancePath);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'anyOf': {
      // int-or-string and similar unions: worded as one type error listing the allowed types.
      const branchTypes = all
        .filter((b) => b.keyword === 'type' && b.instancePath === e.instancePath && b.schemaPath.startsWith(`${e.schemaPath}/`))
        .map((b) => String((b.params as { type: unknown }).type));
      if (branchTypes.length > 0) {
        const actual = typeName(e.data);
        return { reason: 'FieldValueTypeInvalid', field: path, message: `Invalid value: ${quote(actual)}: ${path} in body must be of type ${branchTypes.join(',')}: ${quote(actual)}` };
      }
      return { reason: 'FieldValueInvalid', field: path, message: `Invalid value: ${quote(e.data)}: ${path} in body must match a schema in anyOf` };
    }
    case 'required':
      return { reason: 'FieldValueRequired', field: join(path, String(params.missingProperty)), message: 'Required value' };
    case 'type': {
      const actual = typeName(e.data);
      return { reason: 'FieldValueTypeInvalid', field: path, message: `Invalid value: ${quote(actual)}: ${path} in body must be of type ${String(params.type).split(',')[0]}: ${quote(actual)}` };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(quote).join(', ');
      return { reason: 'FieldValueNotSupported', field: path, message: `Unsupported value: ${quote(e.data)}: supported values: ${allowed}` };
    }
    case 'pattern':
      return { reason: 'FieldValueInvalid', field: path, message: `Invalid value: ${quote(e.data)}: ${path} in body should match '${String(params.pattern)}'` };
    default:
      return { reason: 'FieldValueInvalid', field: path, message: `Invalid value: ${quote(e.data)}: ${path} in body ${e.message ?? 'is invalid'}` };
  }
}

function deleteAt(object: Record<string, unknown>, instancePath: string, key: string): void {
  let cur: unknown = object;
  for (const seg of instancePath.split('/').slice(1)) cur = (cur as Record<string, unknown>)[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
  if (cur && typeof cur === 'object') delete (cur as Record<string, unknown>)[key];
}

/**
 * Validates (and defaults, in place) a custom resource. Unknown fields are reported separately so
 * the caller can reject them (Strict) or drop them (Warn/Ignore) as `fieldValidation` asks.
 */
export function validateCustomResource(schema: Schema, object: Record<string, unknown>, pruneUnknown: boolean): ValidationOutcome {
  const validate = validatorFor(schema);
  let errors: ErrorObject[] = validate(object) ? [] : [...(validate.errors ?? [])];
  const unknownFields: string[] = [];
  for (const e of errors) {
    if (e.keyword !== 'additionalProperties') continue;
    const name = String((e.params as { additionalProperty: string }).additionalProperty);
    unknownFields.push(join(fieldPath(e.instancePath), name));
    if (pruneUnknown) deleteAt(object, e.instancePath, name);
  }
  if (pruneUnknown && unknownFields.length > 0) errors = validate(object) ? [] : [...(validate.errors ?? [])];
  const causes: FieldCause[] = [];
  for (const e of errors) {
    // Failures inside anyOf/oneOf branches are summarised by the anyOf/oneOf error itself.
    if (/\/(anyOf|oneOf)\/\d+\//.test(e.schemaPath)) continue;
    if (e.keyword === 'additionalProperties') {
      const name = String((e.params as { additionalProperty: string }).additionalProperty);
      causes.push({ reason: 'FieldValueInvalid', field: join(fieldPath(e.instancePath), name), message: 'Invalid value: field not declared in schema' });
      continue;
    }
    const cause = toCause(e, errors);
    if (cause && !causes.some((c) => c.field === cause.field && c.message === cause.message)) causes.push(cause);
  }
  return { causes, unknownFields };
}
