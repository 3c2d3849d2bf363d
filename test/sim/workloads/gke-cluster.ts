import type { GcpModel } from '../gcp/model.js';

/** The GKE cluster behind a world cluster id `gke_PROJECT_LOCATION_NAME` (undefined for k3d clusters). */
export interface GkeClusterRef {
  project: string;
  location: string;
  name: string;
  /** `europe-west9` for the zone `europe-west9-a`; a region stays as it is. */
  region: string;
}

export function gkeClusterOf(clusterId: string, gcp?: Pick<GcpModel, 'state'>): GkeClusterRef | undefined {
  const parts = clusterId.split('_');
  if (parts.length === 4 && parts[0] === 'gke') {
    const [, project, location, name] = parts as [string, string, string, string];
    return { project, location, name, region: regionOf(location) };
  }
  // Some callers know a cluster only by its API server's cluster name: look it up among GKE's.
  const matches = Object.values(gcp?.state.projects ?? {}).flatMap((p) => p.clusters.filter((c) => c.name === clusterId && c.apiPort).map((c) => ({ project: p.projectId, location: c.location, name: c.name, region: regionOf(c.location) })));
  return matches.length === 1 ? matches[0] : undefined;
}

function regionOf(location: string): string {
  return location.replace(/-[a-z]$/, '');
}
