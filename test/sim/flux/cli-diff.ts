import { join } from 'node:path';
import type { ToolIo } from '../bin/tool-io.js';
import type { KubeObject } from '../kube/types.js';
import { CliError, StatusLog } from './cli-output.js';
import { entryOf, refOfEntry, type InventoryEntry } from './inventory.js';
import type { KubeClient } from './kube-client.js';
import { buildKustomization } from './kustomize-build.js';
import { KUSTOMIZATION } from './meta.js';

/**
 * `flux diff kustomization NAME --path P`, best effort: builds the local folder with the real
 * kustomize and compares each object's spec/data (not a server-side dry-run like the real CLI),
 * then reports objects of the inventory that the build no longer has.
 */

function flatten(value: unknown, prefix: string, out: Map<string, string>): void {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else out.set(prefix, JSON.stringify(value));
}

function comparable(object: KubeObject): Map<string, string> {
  const out = new Map<string, string>();
  for (const key of ['spec', 'data', 'stringData']) if (object[key] !== undefined) flatten(object[key], key, out);
  return out;
}

const id = (o: { kind: string; name: string; namespace?: string }): string => `${o.kind}/${o.namespace ? `${o.namespace}/` : ''}${o.name}`;

export async function diffKustomization(io: ToolIo, log: StatusLog, client: KubeClient, name: string, path: string | undefined, namespace: string): Promise<number> {
  if (!path) throw new CliError('invalid resource path ""', 2);
  const ks = await client.get(KUSTOMIZATION.apiVersion, KUSTOMIZATION.kind, namespace, name);
  if (!ks) throw new CliError(`kustomizations.kustomize.toolkit.fluxcd.io "${name}" not found`, 2);
  const kubectl = join(io.env.LAB_KUBE_TOOLS ?? '', 'kubectl');
  let objects: KubeObject[];
  try {
    objects = await buildKustomization({ artifactDir: io.cwd, path, kubectl: io.env.LAB_KUBE_TOOLS ? kubectl : 'kubectl' });
  } catch (error) {
    throw new CliError(/path not found/.test((error as Error).message) ? `invalid resource path "${path}"` : (error as Error).message, 2);
  }
  const target = (ks.spec as { targetNamespace?: string }).targetNamespace;
  let changed = false;
  let output = '';
  const built = new Set<string>();
  for (const object of objects) {
    if (target && object.kind !== 'Namespace' && object.kind !== 'CustomResourceDefinition') object.metadata.namespace = target;
    built.add(entryOf({ ...object, metadata: { ...object.metadata, namespace: object.metadata.namespace ?? '' } }).id);
    const ref = { kind: object.kind, name: object.metadata.name, ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}) };
    const live = await client.get(object.apiVersion, object.kind, object.metadata.namespace, object.metadata.name);
    if (!live) {
      output += `► ${id(ref)} created\n`;
      changed = true;
      continue;
    }
    const want = comparable(object);
    const have = comparable(live);
    const drifts = [...want.entries()].filter(([k, v]) => have.get(k) !== v);
    if (drifts.length === 0) continue;
    changed = true;
    output += `► ${id(ref)} drifted\n\n`;
    for (const [k, v] of drifts) output += `${k}\n  ± value change\n    - ${JSON.parse(have.get(k) ?? 'null') ?? ''}\n    + ${JSON.parse(v) ?? ''}\n\n`;
  }
  const inventory = ((ks.status ?? {}) as { inventory?: { entries?: InventoryEntry[] } }).inventory?.entries ?? [];
  for (const entry of inventory) {
    if (built.has(entry.id)) continue;
    const ref = refOfEntry(entry);
    output += `► ${id(ref)} deleted\n`;
    changed = true;
  }
  io.stdout.write(output);
  if (changed) {
    log.warning('identified at least one change, exiting with non-zero exit code');
    return 1;
  }
  return 0;
}
