/** The GKE cluster behind a world cluster id `gke_PROJECT_LOCATION_NAME` (undefined for k3d clusters). */
export interface GkeClusterRef {
  project: string;
  location: string;
  name: string;
  /** `europe-west9` for the zone `europe-west9-a`; a region stays as it is. */
  region: string;
}

export function gkeClusterOf(clusterId: string): GkeClusterRef | undefined {
  const parts = clusterId.split('_');
  if (parts.length !== 4 || parts[0] !== 'gke') return undefined;
  const [, project, location, name] = parts as [string, string, string, string];
  return { project, location, name, region: location.replace(/-[a-z]$/, '') };
}
