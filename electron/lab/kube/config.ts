/**
 * Kubeconfig for one context, read from the environment the engine runs commands with
 * (KUBECONFIG, else ~/.kube/config), so the API client talks to the same cluster kubectl does.
 */
import fs from 'node:fs';
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
  return kc;
}

/** True when the kubeconfig names this context: a side-effect free check for steps. */
export function hasContext(target: KubeTarget): boolean {
  try {
    loadKubeConfig(target);
    return true;
  } catch (error) {
    if (error instanceof KubeContextMissing) return false;
    throw error;
  }
}
