/**
 * A kubeconfig for the simulated API server whose user gets its token from an exec credential
 * plugin (as gke-gcloud-auth-plugin does for the dev cluster) that counts its runs in a file:
 * how the tests show that reads and watches share one loaded kubeconfig.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export interface PluginKubeconfigOptions {
  /** The kubeconfig file to write. */
  file: string;
  /** The API server's URL. */
  server: string;
  /** Where the plugin appends a line per run. */
  countFile: string;
  /** A second context on the same cluster and user. */
  extraContext?: string;
  /** How long the plugin's token lasts (default an hour). */
  lifetimeMs?: number;
}

/** The context every such kubeconfig has, and its current one. */
export const PLUGIN_CONTEXT = 'gke_p_z_dev';

export function writePluginKubeconfig(options: PluginKubeconfigOptions): void {
  const plugin = [
    `require('fs').appendFileSync(${JSON.stringify(options.countFile)}, 'run\\n');`,
    `console.log(JSON.stringify({ kind: 'ExecCredential', apiVersion: 'client.authentication.k8s.io/v1beta1', status: { token: 'plugin-token', expirationTimestamp: new Date(Date.now() + ${options.lifetimeMs ?? 3600e3}).toISOString() } }));`,
  ].join('');
  const contexts = [PLUGIN_CONTEXT, ...(options.extraContext ? [options.extraContext] : [])];
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'gke', cluster: { server: options.server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'gke', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: process.execPath, args: ['-e', plugin], interactiveMode: 'Never' } } }],
    contexts: contexts.map((name) => ({ name, context: { cluster: 'gke', user: 'gke' } })),
    'current-context': PLUGIN_CONTEXT,
  };
  writeFileSync(options.file, JSON.stringify(config));
}

/** How many times the plugin has run. */
export const pluginRuns = (countFile: string): number => readFileSync(countFile, 'utf8').split('\n').filter(Boolean).length;
