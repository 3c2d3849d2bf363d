/**
 * The versions the simulated tools report and that simulated `asdf` can install: one table, so
 * the fakes, the world's asdf model and the tests agree. Keys are asdf plugin short names.
 */
export const pinnedToolVersions = {
  flux2: '2.9.1',
  kubectl: '1.35.2',
  kubeseal: '0.36.6',
  k3d: '5.9.0',
  helm: '4.1.1',
  kustomize: '5.7.1',
  gcloud: '578.0.0',
} as const;

export type AsdfPluginName = keyof typeof pinnedToolVersions;

/** Executables each plugin installs (what `asdf which` resolves). */
export const pluginExecutables: Record<AsdfPluginName, string> = {
  flux2: 'flux',
  kubectl: 'kubectl',
  kubeseal: 'kubeseal',
  k3d: 'k3d',
  helm: 'helm',
  kustomize: 'kustomize',
  gcloud: 'gcloud',
};

/** Other versions each plugin offers, so a `.tool-versions` pinning an older one still installs. */
export function isKnownVersion(plugin: string, version: string): boolean {
  return plugin in pinnedToolVersions && /^\d+\.\d+\.\d+$/.test(version);
}

export const dockerVersion = { client: '28.5.1', server: '28.5.1', apiVersion: '1.51' } as const;
export const k3sVersion = 'v1.35.5-k3s1';
export const gkeVersion = '1.35.1-gke.1396002';
