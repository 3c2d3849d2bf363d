/**
 * Kubeconfig for one context, read from the environment the engine runs commands with
 * (KUBECONFIG, else ~/.kube/config), so the API client talks to the same cluster kubectl does.
 */
import fs, { statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';

export interface KubeTarget {
  /** The kubeconfig context, e.g. `k3d-crossplane`. */
  context: string;
  /** Environment holding KUBECONFIG / HOME; default process.env. */
  env?: NodeJS.ProcessEnv;
}

export class KubeContextMissing extends Error {
  constructor(readonly context: string) {
    super(`The kubeconfig has no context "${context}"`);
    this.name = 'KubeContextMissing';
  }
}

function kubeconfigFiles(env: NodeJS.ProcessEnv): string[] {
  const listed = (env.KUBECONFIG ?? '').split(path.delimiter).filter(Boolean);
  if (listed.length > 0) return listed;
  return [path.join(env.HOME ?? os.homedir(), '.kube', 'config')];
}

/** Loads and merges every kubeconfig file (first one wins, as kubectl does) and selects `context`. */
export function loadKubeConfig(target: KubeTarget): k8s.KubeConfig {
  const env = target.env ?? process.env;
  const kc = new k8s.KubeConfig();
  let loaded = false;
  for (const file of kubeconfigFiles(env)) {
    if (!fs.existsSync(file)) continue;
    if (!loaded) {
      kc.loadFromFile(file);
      loaded = true;
      continue;
    }
    const next = new k8s.KubeConfig();
    next.loadFromFile(file);
    // client-node's mergeConfig throws on duplicates; kubectl keeps the first file's entry.
    for (const cluster of next.clusters) if (!kc.getCluster(cluster.name)) kc.addCluster(cluster);
    for (const user of next.users) if (!kc.getUser(user.name)) kc.addUser(user);
    for (const context of next.contexts) if (!kc.getContextObject(context.name)) kc.addContext(context);
  }
  if (!loaded || !kc.getContextObject(target.context)) throw new KubeContextMissing(target.context);
  kc.setCurrentContext(target.context);
  if (target.env) withExecEnv(kc, target.env);
  return kc;
}

/**
 * Credential plugins (e.g. gke-gcloud-auth-plugin, which calls gcloud) must run with the same
 * environment as kubectl does: client-node starts them with its own process's environment plus
 * the kubeconfig's `exec.env`, so the engine's environment (PATH, HOME, CLOUDSDK_CONFIG) goes there.
 */
function withExecEnv(kc: k8s.KubeConfig, env: NodeJS.ProcessEnv): void {
  const fromEnv = Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined);
  for (const user of kc.users) {
    const exec = user.exec as { env?: Array<{ name: string; value: string }> } | undefined;
    if (!exec) continue;
    // The kubeconfig's own entries win, as they do for kubectl.
    const own = exec.env ?? [];
    exec.env = [...fromEnv.filter(([name]) => !own.some((e) => e.name === name)).map(([name, value]) => ({ name, value })), ...own];
  }
}

/** Loaded kubeconfigs kept at most; more means the environment keeps changing. */
const SHARED_CONFIGS_LIMIT = 32;
const sharedConfigs = new Map<string, k8s.KubeConfig>();

/**
 * One loaded kubeconfig per context, environment and state of the kubeconfig files, for the
 * many short reads steps make: client-node keeps a credential plugin's token
 * (gke-gcloud-auth-plugin) in the KubeConfig that fetched it, so reads that share it run the
 * plugin once per token lifetime instead of once each. A rewritten kubeconfig (get-credentials,
 * k3d) has a new state and is loaded again. Callers must not change the returned config.
 */
export function sharedKubeConfig(target: KubeTarget): k8s.KubeConfig {
  const env = target.env ?? process.env;
  const key = JSON.stringify([target.context, kubeconfigState(env), Object.entries(env).sort(([a], [b]) => a.localeCompare(b))]);
  const known = sharedConfigs.get(key);
  if (known) return known;
  const kc = loadKubeConfig(target);
  if (sharedConfigs.size >= SHARED_CONFIGS_LIMIT) sharedConfigs.clear();
  sharedConfigs.set(key, kc);
  return kc;
}

/** Size and modification time of the files loadKubeConfig reads. */
function kubeconfigState(env: NodeJS.ProcessEnv): string[] {
  return kubeconfigFiles(env).map((file) => {
    try {
      const stat = statSync(file);
      return `${file}:${stat.size}:${stat.mtimeMs}`;
    } catch {
      return `${file}:none`;
    }
  });
}

const fetching = new WeakMap<k8s.KubeConfig, Promise<void>>();

/**
 * `sharedKubeConfig` with its credentials fetched: client-node caches a plugin's token only once
 * the plugin answered, so reads started together would each run it. They wait for one fetch
 * instead; once the token is cached a fetch costs nothing, and an expired one is fetched again.
 */
export async function authorizedKubeConfig(target: KubeTarget): Promise<k8s.KubeConfig> {
  const kc = sharedKubeConfig(target);
  let pending = fetching.get(kc);
  if (!pending) {
    pending = kc.applyToHTTPSOptions({}).finally(() => fetching.delete(kc));
    fetching.set(kc, pending);
  }
  await pending;
  return kc;
}

/** True when the kubeconfig names this context: a side-effect free check for steps. */
export function hasContext(target: KubeTarget): boolean {
  try {
    sharedKubeConfig(target);
    return true;
  } catch (error) {
    if (error instanceof KubeContextMissing) return false;
    throw error;
  }
}
