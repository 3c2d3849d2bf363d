import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parse, stringify } from 'yaml';

/**
 * Adds and removes one context in a kubeconfig, the way k3d and gcloud edit `$KUBECONFIG`:
 * other clusters, users and contexts are kept. The simulated API servers speak plain HTTP on
 * 127.0.0.1; `insecure-skip-tls-verify` is what @kubernetes/client-node needs to accept that.
 */
export interface ContextEntry {
  name: string;
  server: string;
  user: string;
  /** Extra fields for the user entry, e.g. an exec credential plugin. */
  userFields?: Record<string, unknown>;
}

interface Named {
  name: string;
  [key: string]: unknown;
}

interface KubeconfigDoc {
  apiVersion: string;
  kind: string;
  clusters: Named[];
  contexts: Named[];
  users: Named[];
  'current-context'?: string;
  preferences?: Record<string, unknown>;
}

function load(file: string): KubeconfigDoc {
  const doc = existsSync(file) ? ((parse(readFileSync(file, 'utf8')) ?? {}) as Partial<KubeconfigDoc>) : {};
  return {
    apiVersion: doc.apiVersion ?? 'v1',
    kind: doc.kind ?? 'Config',
    clusters: doc.clusters ?? [],
    contexts: doc.contexts ?? [],
    users: doc.users ?? [],
    preferences: doc.preferences ?? {},
    ...(doc['current-context'] ? { 'current-context': doc['current-context'] } : {}),
  };
}

function save(file: string, doc: KubeconfigDoc): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, stringify(doc), { mode: 0o600 });
  renameSync(tmp, file);
}

function upsert(list: Named[], entry: Named): Named[] {
  return [...list.filter((e) => e.name !== entry.name), entry];
}

export function setContext(file: string, entry: ContextEntry, makeCurrent: boolean): void {
  const doc = load(file);
  doc.clusters = upsert(doc.clusters, { name: entry.name, cluster: { server: entry.server, 'insecure-skip-tls-verify': true } });
  doc.users = upsert(doc.users, { name: entry.user, user: entry.userFields ?? {} });
  doc.contexts = upsert(doc.contexts, { name: entry.name, context: { cluster: entry.name, user: entry.user } });
  if (makeCurrent) doc['current-context'] = entry.name;
  save(file, doc);
}

/** Removes the context, its cluster and its user; clears current-context if it pointed there. */
export function removeContext(file: string, name: string, user: string): void {
  if (!existsSync(file)) return;
  const doc = load(file);
  doc.clusters = doc.clusters.filter((e) => e.name !== name);
  doc.contexts = doc.contexts.filter((e) => e.name !== name);
  doc.users = doc.users.filter((e) => e.name !== user);
  if (doc['current-context'] === name) delete doc['current-context'];
  save(file, doc);
}

/** The first path of a colon-separated KUBECONFIG, the file tools write to. */
export function kubeconfigPath(env: NodeJS.ProcessEnv): string {
  const first = (env.KUBECONFIG ?? '').split(':').find((p) => p.length > 0);
  return first ?? `${env.HOME ?? '.'}/.kube/config`;
}
