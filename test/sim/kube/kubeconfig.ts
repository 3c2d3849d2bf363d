import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parse, stringify } from 'yaml';

interface KubeconfigDoc {
  apiVersion?: string;
  kind?: string;
  preferences?: Record<string, unknown>;
  clusters?: Array<{ name: string } & { cluster: Record<string, unknown> }>;
  users?: Array<{ name: string } & { user: Record<string, unknown> }>;
  contexts?: Array<{ name: string } & { context: Record<string, unknown> }>;
  'current-context'?: string;
}

function upsert<T extends { name: string }>(list: T[], entry: T): void {
  const index = list.findIndex((e) => e.name === entry.name);
  if (index >= 0) list[index] = entry;
  else list.push(entry);
}

/**
 * Merges contexts into a kubeconfig file (created if missing), as `k3d kubeconfig merge` and
 * `gcloud container clusters get-credentials` do. Each context gets a cluster of the same name
 * (plain http to the simulator, so `insecure-skip-tls-verify: true`, which @kubernetes/client-node
 * needs to accept http) and a user `NAME-admin` with a bearer token. Other entries are kept.
 */
export function writeKubeconfig(file: string, contexts: Array<{ name: string; server: string; namespace?: string }>, current?: string): void {
  const doc: KubeconfigDoc = existsSync(file) ? ((parse(readFileSync(file, 'utf8')) as KubeconfigDoc | null) ?? {}) : {};
  doc.apiVersion = 'v1';
  doc.kind = 'Config';
  doc.preferences ??= {};
  doc.clusters ??= [];
  doc.users ??= [];
  doc.contexts ??= [];
  for (const c of contexts) {
    upsert(doc.clusters, { name: c.name, cluster: { server: c.server, 'insecure-skip-tls-verify': true } });
    upsert(doc.users, { name: `${c.name}-admin`, user: { token: `sim-token-${c.name}` } });
    upsert(doc.contexts, { name: c.name, context: { cluster: c.name, user: `${c.name}-admin`, ...(c.namespace ? { namespace: c.namespace } : {}) } });
  }
  if (current !== undefined) doc['current-context'] = current;
  else doc['current-context'] ??= contexts[0]?.name ?? '';
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, stringify(doc), { mode: 0o600 });
}
