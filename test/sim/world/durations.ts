/**
 * How long things take in the real world, in seconds. Every simulated delay is one of these,
 * multiplied by the world's time scale, so a rehearsal keeps the real proportions (a GKE cluster
 * is much slower than a k3d one) while the whole lab runs in seconds.
 */
export const realDurations = {
  k3dClusterCreate: 25,
  k3dClusterDelete: 3,
  /** A fresh Deployment until its pods are Ready (the Flux controllers after `flux bootstrap`). */
  podStartup: 5,
  /** source-controller's first download of a HelmRepository's index. */
  helmRepositoryIndex: 3,
  helmReleaseReady: 30,
  /** kustomize-controller's period between looks at the objects of a Kustomization with `wait` or health checks. */
  kustomizeHealthPoll: 2,
  /**
   * kustomize-controller's and helm-controller's `--requeue-dependency` (default 30s): an object
   * held for a dependency that is not Ready looks again only after this; neither controller watches
   * its dependencies, so only this, or a `flux reconcile`, sets it going.
   */
  fluxRequeueDependency: 30,
  crossplaneProviderHealthy: 60,
  gkeClusterCreate: 8 * 60,
  gkeNodePoolCreate: 3 * 60,
  gkeNodePoolDelete: 2 * 60,
  gkeClusterDelete: 4 * 60,
  networkCreate: 20,
  networkDelete: 40,
  loadBalancerCreate: 45,
  loadBalancerRelease: 60,
  serviceEnable: 4,
  asdfToolInstall: 6,
  /** Extra round-trip time every fake CLI call pays under the `slow-network` fault. */
  slowNetworkLatency: 3,
} as const;

export type DurationName = keyof typeof realDurations;

/** 0.01: the 8-minute GKE creation takes about 5 s and the whole lab well under a minute. */
export const DEFAULT_TIME_SCALE = 0.01;

/** The scale from a flag value, else `LAB_SIM_TIME_SCALE`, else the default; rejects nonsense. */
export function resolveTimeScale(flag: string | number | undefined, env: NodeJS.ProcessEnv = process.env): number {
  const raw = flag ?? env.LAB_SIM_TIME_SCALE;
  if (raw === undefined || raw === '') return DEFAULT_TIME_SCALE;
  const scale = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isFinite(scale) || scale < 0) throw new Error(`invalid time scale: ${String(raw)} (want a number >= 0)`);
  return scale;
}
