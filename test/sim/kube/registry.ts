import { BUILTIN_TYPES } from './builtins.js';
import type { KubeObject, PrinterColumn, ServedType } from './types.js';

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

/** Kubernetes' version priority: GA before beta before alpha, higher numbers first, others last by name. */
export function compareKubeVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number] | undefined => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return undefined;
    const stage = m[2] === 'alpha' ? 0 : m[2] === 'beta' ? 1 : 2;
    return [stage, Number(m[1]), Number(m[3] ?? 0)];
  };
  const ra = rank(a);
  const rb = rank(b);
  if (!ra && !rb) return a.localeCompare(b);
  if (!ra) return 1;
  if (!rb) return -1;
  for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return (rb[i] as number) - (ra[i] as number);
  return 0;
}

interface CrdVersion {
  name: string;
  served?: boolean;
  storage?: boolean;
  additionalPrinterColumns?: PrinterColumn[];
  schema?: { openAPIV3Schema?: Record<string, unknown> };
  subresources?: { status?: unknown };
}

interface CrdSpec {
  group: string;
  scope: 'Namespaced' | 'Cluster';
  names: { kind: string; plural: string; singular?: string; shortNames?: string[]; categories?: string[]; listKind?: string };
  versions: CrdVersion[];
}

/** The served types of a CustomResourceDefinition object, one per served version. */
export function typesOfCrd(crd: KubeObject): ServedType[] {
  const spec = crd.spec as CrdSpec;
  return spec.versions
    .filter((v) => v.served !== false)
    .map((v) => ({
      group: spec.group,
      version: v.name,
      kind: spec.names.kind,
      plural: spec.names.plural,
      singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
      namespaced: spec.scope === 'Namespaced',
      shortNames: spec.names.shortNames ?? [],
      categories: spec.names.categories ?? [],
      hasStatusSubresource: v.subresources?.status !== undefined,
      printerColumns: v.additionalPrinterColumns ?? [],
      ...(v.schema?.openAPIV3Schema ? { schema: v.schema.openAPIV3Schema } : {}),
      crd: crd.metadata.name,
    }));
}

/** Which group/version/kinds the server serves: the built-ins plus every established CRD. */
export class TypeRegistry {
  private readonly types: ServedType[] = BUILTIN_TYPES.map((b) => ({ ...b, singular: b.singular ?? b.kind.toLowerCase() }));

  all(): readonly ServedType[] {
    return this.types;
  }

  byKind(apiVersion: string, kind: string): ServedType | undefined {
    const { group, version } = splitApiVersion(apiVersion);
    return this.types.find((t) => t.group === group && t.version === version && t.kind === kind);
  }

  byResource(group: string, version: string, plural: string): ServedType | undefined {
    return this.types.find((t) => t.group === group && t.version === version && t.plural === plural);
  }

  /** Every served version of the same group and kind (objects are shared between versions). */
  versionsOf(type: ServedType): ServedType[] {
    return this.types.filter((t) => t.group === type.group && t.kind === type.kind);
  }

  /** Groups in discovery order (legacy core first), each with its versions by Kubernetes priority. */
  groups(): Array<{ name: string; versions: string[] }> {
    const order: string[] = [];
    const versions = new Map<string, Set<string>>();
    for (const t of this.types) {
      if (!versions.has(t.group)) {
        versions.set(t.group, new Set());
        order.push(t.group);
      }
      versions.get(t.group)?.add(t.version);
    }
    return order.map((name) => ({ name, versions: [...(versions.get(name) ?? [])].sort(compareKubeVersions) }));
  }

  /** Registers (or re-registers, after an update) the served versions of a CRD. */
  registerCrd(crd: KubeObject): ServedType[] {
    this.unregisterCrd(crd.metadata.name);
    const added = typesOfCrd(crd);
    this.types.push(...added);
    return added;
  }

  unregisterCrd(name: string): void {
    for (let i = this.types.length - 1; i >= 0; i--) if (this.types[i]?.crd === name) this.types.splice(i, 1);
  }
}

/** Storage key shared by all versions of a kind: objects are stored once, served in every version. */
export function storageKey(type: Pick<ServedType, 'group' | 'kind'>): string {
  return `${type.group}/${type.kind}`;
}
