import type { ToolIo } from '../bin/tool-io.js';
import type { KubeObject } from '../kube/types.js';
import { CliError, formatTable, truncateHex } from './cli-output.js';
import type { KubeClient } from './kube-client.js';
import { GIT_REPOSITORY, HELM_RELEASE, HELM_REPOSITORY, KUSTOMIZATION, readyCondition } from './meta.js';

/** `flux get ...`: the tables of cmd/flux/get_*.go. */

interface GetKind {
  apiVersion: string;
  kind: string;
  /** Lower-case kind prefix in `flux get all`. */
  prefix: string;
  revision(object: KubeObject): string;
}

const status = (o: KubeObject): Record<string, unknown> => (o.status ?? {}) as Record<string, unknown>;

export const GET_KINDS: Record<string, GetKind> = {
  gitrepository: { ...GIT_REPOSITORY, prefix: 'gitrepository', revision: (o) => String((status(o).artifact as { revision?: string } | undefined)?.revision ?? '') },
  helmrepository: { ...HELM_REPOSITORY, prefix: 'helmrepository', revision: (o) => String((status(o).artifact as { revision?: string } | undefined)?.revision ?? '') },
  helmrelease: { ...HELM_RELEASE, prefix: 'helmrelease', revision: (o) => String((status(o).history as Array<{ chartVersion?: string }> | undefined)?.[0]?.chartVersion ?? '') },
  kustomization: { ...KUSTOMIZATION, prefix: 'kustomization', revision: (o) => String(status(o).lastAppliedRevision ?? '') },
};

export interface GetOptions {
  namespace: string;
  allNamespaces: boolean;
  noHeader: boolean;
  statusSelector?: string;
  name?: string;
}

function row(kind: GetKind, object: KubeObject, options: GetOptions, prefixed: boolean): string[] {
  const ready = readyCondition(object);
  const suspended = (object.spec as { suspend?: boolean } | undefined)?.suspend === true ? 'True' : 'False';
  const cells = [
    prefixed ? `${kind.prefix}/${object.metadata.name}` : object.metadata.name,
    truncateHex(kind.revision(object)),
    suspended,
    ready ? ready.status : 'False',
    ready ? truncateHex(ready.message) : 'waiting to be reconciled',
  ];
  return options.allNamespaces ? [object.metadata.namespace ?? '', ...cells] : cells;
}

function selected(object: KubeObject, selector: string | undefined): boolean {
  if (!selector) return true;
  const [type = '', wanted = ''] = selector.split('=');
  const condition = (((object.status ?? {}) as { conditions?: Array<{ type: string; status: string }> }).conditions ?? []).find((c) => c.type.toLowerCase() === type.toLowerCase());
  return (condition?.status ?? 'False').toLowerCase() === wanted.toLowerCase();
}

async function rows(client: KubeClient, kind: GetKind, options: GetOptions, prefixed: boolean): Promise<string[][] | undefined> {
  let objects: KubeObject[] | undefined;
  if (options.name) {
    const one = await client.get(kind.apiVersion, kind.kind, options.namespace, options.name);
    if (!one) throw new CliError(`${kind.kind} object '${options.name}' not found in "${options.namespace}" namespace`);
    objects = [one];
  } else objects = await client.list(kind.apiVersion, kind.kind, options.allNamespaces ? undefined : options.namespace);
  if (objects === undefined) return undefined;
  return objects.filter((o) => selected(o, options.statusSelector)).map((o) => row(kind, o, options, prefixed));
}

function header(options: GetOptions): string[] | undefined {
  if (options.noHeader) return undefined;
  const cells = ['Name', 'Revision', 'Suspended', 'Ready', 'Message'];
  return options.allNamespaces ? ['Namespace', ...cells] : cells;
}

export async function getOne(io: ToolIo, client: KubeClient, kindKey: string, options: GetOptions): Promise<void> {
  const kind = GET_KINDS[kindKey] as GetKind;
  const found = (await rows(client, kind, options, false)) ?? [];
  if (found.length === 0) throw new CliError(`no ${kind.kind} objects found in "${options.allNamespaces ? 'any' : options.namespace}" namespace`);
  io.stdout.write(formatTable(header(options), found));
}

export async function getAll(io: ToolIo, client: KubeClient, options: GetOptions): Promise<void> {
  for (const key of ['gitrepository', 'helmrepository', 'helmrelease', 'kustomization']) {
    const found = await rows(client, GET_KINDS[key] as GetKind, options, true);
    if (!found || found.length === 0) continue;
    io.stdout.write(formatTable(header(options), found));
    io.stdout.write('\n');
  }
}
