import type { FieldCause } from './schema.js';
import { KubeError, type ServedType } from './types.js';

/** `kustomizations.kustomize.toolkit.fluxcd.io`, `pods`: how the API server names a resource in errors. */
export function qualifiedResource(type: Pick<ServedType, 'group' | 'plural'>): string {
  return type.group ? `${type.plural}.${type.group}` : type.plural;
}

function details(type: Pick<ServedType, 'group' | 'plural'>, name: string): Record<string, unknown> {
  return { name, group: type.group || undefined, kind: type.plural };
}

export function notFound(type: Pick<ServedType, 'group' | 'plural'>, name: string): KubeError {
  return new KubeError(404, 'NotFound', `${qualifiedResource(type)} "${name}" not found`, details(type, name));
}

export function alreadyExists(type: Pick<ServedType, 'group' | 'plural'>, name: string): KubeError {
  return new KubeError(409, 'AlreadyExists', `${qualifiedResource(type)} "${name}" already exists`, details(type, name));
}

export function conflict(type: Pick<ServedType, 'group' | 'plural'>, name: string): KubeError {
  return new KubeError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(type)} "${name}": the object has been modified; please apply your changes to the latest version and try again`, details(type, name));
}

/** 422 Invalid, worded like the real server: `Kind.group "name" is invalid: field: message`. */
export function invalid(type: Pick<ServedType, 'group' | 'kind'>, name: string, causes: FieldCause[]): KubeError {
  const qualifiedKind = type.group ? `${type.kind}.${type.group}` : type.kind;
  const list = causes.map((c) => `${c.field}: ${c.message}`);
  const summary = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  return new KubeError(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${summary}`, {
    name,
    group: type.group || undefined,
    kind: type.kind,
    causes: causes.map((c) => ({ reason: c.reason, message: c.message, field: c.field })),
  });
}

export function resourceNotFound(): KubeError {
  return new KubeError(404, 'NotFound', 'the server could not find the requested resource');
}

/** The Kubernetes `Status` object a failed request answers with. */
export function statusOf(error: KubeError): Record<string, unknown> {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: error.message,
    reason: error.reason,
    ...(error.details ? { details: JSON.parse(JSON.stringify(error.details)) as unknown } : {}),
    code: error.code,
  };
}
