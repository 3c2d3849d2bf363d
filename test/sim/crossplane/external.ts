import { GcpError } from '../gcp/errors.js';
import type { GcpModel } from '../gcp/model.js';
import type { KubeObject, ObjectStore } from '../kube/types.js';

/**
 * The three upjet GCP kinds the lab uses, mapped onto the GCP model: how each finds its
 * parameters (resolving references as crossplane-runtime does), observes, creates and deletes
 * its external resource.
 */

export const NETWORK = { apiVersion: 'compute.gcp.upbound.io/v1beta1', kind: 'Network' } as const;
export const CLUSTER = { apiVersion: 'container.gcp.upbound.io/v1beta2', kind: 'Cluster' } as const;
export const NODE_POOL = { apiVersion: 'container.gcp.upbound.io/v1beta2', kind: 'NodePool' } as const;
export const MANAGED_KINDS = [NETWORK, CLUSTER, NODE_POOL];

export interface Observation {
  exists: boolean;
  ready: boolean;
  deleting?: boolean;
  atProvider?: Record<string, unknown>;
}

export type Resolution<T> = { ok: true; params: T } | { ok: false; message: string };

export interface ExternalKind<T> {
  resolve(store: ObjectStore, mr: KubeObject, externalName: string): Resolution<T>;
  observe(gcp: GcpModel, project: string, p: T): Observation;
  /** Returns a message while a precondition (e.g. the parent cluster running) is not met yet. */
  create(gcp: GcpModel, project: string, p: T): string | undefined;
  /** Called on every reconcile of an existing resource: late-initialisable settings. */
  update?(gcp: GcpModel, project: string, p: T): void;
  /** Throws a message when the provider itself refuses (before any API call). */
  refuseDelete?(p: T): string | undefined;
  delete(gcp: GcpModel, project: string, p: T): void;
}

function forProvider(mr: KubeObject): Record<string, unknown> {
  return (((mr.spec ?? {}) as Record<string, unknown>).forProvider ?? {}) as Record<string, unknown>;
}

function lastSegment(value: string): string {
  return value.split('/').filter(Boolean).pop() ?? value;
}

function unresolved(field: string): { ok: false; message: string } {
  return { ok: false, message: `cannot resolve references: mg.Spec.ForProvider.${field}: referenced field was empty (referenced resource may not yet be ready)` };
}

/** Resolves `xRef` to the referenced managed resource's atProvider field, or the plain `x` value. */
function reference(store: ObjectStore, mr: KubeObject, field: string, target: { apiVersion: string; kind: string }, extract: string): string | undefined | null {
  const fp = forProvider(mr);
  const direct = fp[field];
  if (typeof direct === 'string' && direct) return direct;
  const ref = fp[`${field}Ref`] as { name?: string } | undefined;
  if (!ref?.name) return undefined;
  const referenced = store.get(target.apiVersion, target.kind, undefined, ref.name);
  const value = ((referenced?.status ?? {}) as { atProvider?: Record<string, unknown> }).atProvider?.[extract];
  return typeof value === 'string' && value ? value : null;
}

function missing(error: unknown): boolean {
  return error instanceof GcpError && error.status === 'NOT_FOUND';
}

interface NetworkParams {
  name: string;
  autoCreateSubnetworks: boolean;
}

export const networkKind: ExternalKind<NetworkParams> = {
  resolve: (_store, mr, externalName) => ({ ok: true, params: { name: externalName, autoCreateSubnetworks: forProvider(mr).autoCreateSubnetworks !== false } }),
  observe(gcp, project, p) {
    try {
      const n = gcp.getNetwork(project, p.name);
      return {
        exists: true,
        ready: n.status === 'READY',
        deleting: n.status === 'DELETING',
        atProvider: { id: `projects/${project}/global/networks/${n.name}`, selfLink: n.selfLink, autoCreateSubnetworks: n.autoCreateSubnetworks, routingMode: n.routingMode, project },
      };
    } catch (error) {
      if (missing(error)) return { exists: false, ready: false };
      throw error;
    }
  },
  create(gcp, project, p) {
    gcp.createNetwork(project, p.name, { autoCreateSubnetworks: p.autoCreateSubnetworks });
    return undefined;
  },
  delete: (gcp, project, p) => void gcp.deleteNetwork(project, p.name),
};

interface ClusterParams {
  name: string;
  location: string;
  network: string;
  initialNodeCount: number;
  datapathProvider?: string;
  deletionProtection: boolean;
  labels: Record<string, string>;
  removeDefaultNodePool: boolean;
}

export const clusterKind: ExternalKind<ClusterParams> = {
  resolve(store, mr, externalName) {
    const fp = forProvider(mr);
    const network = reference(store, mr, 'network', NETWORK, 'selfLink');
    if (network === null) return unresolved('Network');
    return {
      ok: true,
      params: {
        name: externalName,
        location: String(fp.location ?? ''),
        network: network ? lastSegment(network) : 'default',
        initialNodeCount: typeof fp.initialNodeCount === 'number' ? fp.initialNodeCount : 1,
        ...(typeof fp.datapathProvider === 'string' ? { datapathProvider: fp.datapathProvider } : {}),
        // The upbound Cluster defaults deletionProtection to true, like the Terraform resource.
        deletionProtection: fp.deletionProtection !== false,
        labels: (fp.resourceLabels ?? {}) as Record<string, string>,
        removeDefaultNodePool: fp.removeDefaultNodePool === true,
      },
    };
  },
  observe(gcp, project, p) {
    try {
      const c = gcp.getCluster(project, p.location, p.name);
      return {
        exists: true,
        ready: c.status === 'RUNNING',
        deleting: c.status === 'STOPPING',
        atProvider: {
          id: `projects/${project}/locations/${c.location}/clusters/${c.name}`,
          endpoint: c.endpoint,
          location: c.location,
          masterVersion: c.version,
          network: `projects/${project}/global/networks/${c.network}`,
          selfLink: `https://container.googleapis.com/v1/projects/${project}/zones/${c.location}/clusters/${c.name}`,
          deletionProtection: c.deletionProtection,
          ...(c.datapathProvider ? { datapathProvider: c.datapathProvider } : {}),
          project,
        },
      };
    } catch (error) {
      if (missing(error)) return { exists: false, ready: false };
      throw error;
    }
  },
  create(gcp, project, p) {
    gcp.createCluster(project, p.location, p.name, {
      network: p.network,
      initialNodeCount: p.initialNodeCount,
      labels: p.labels,
      deletionProtection: p.deletionProtection,
      ...(p.datapathProvider ? { datapathProvider: p.datapathProvider } : {}),
    });
    return undefined;
  },
  update(gcp, project, p) {
    const c = gcp.getCluster(project, p.location, p.name);
    // deletion_protection is a setting of the provider's Terraform resource: changing it is an update, not an API call to GKE.
    c.deletionProtection = p.deletionProtection;
    // remove_default_node_pool: Terraform deletes the default pool once the cluster is up.
    if (p.removeDefaultNodePool && c.status === 'RUNNING' && c.nodePools.some((pool) => pool.name === 'default-pool' && pool.status === 'RUNNING')) {
      gcp.deleteNodePool(project, p.location, p.name, 'default-pool');
    }
  },
  refuseDelete: (p) =>
    p.deletionProtection ? 'Cannot destroy cluster because deletion_protection is set to true. Set it to false to proceed with cluster deletion.' : undefined,
  delete(gcp, project, p) {
    // The provider applies the current deletion_protection before destroying.
    gcp.getCluster(project, p.location, p.name).deletionProtection = p.deletionProtection;
    gcp.deleteCluster(project, p.location, p.name);
  },
};

interface NodePoolParams {
  name: string;
  cluster: string;
  location: string;
  nodeCount: number;
  machineType: string;
}

export const nodePoolKind: ExternalKind<NodePoolParams> = {
  resolve(store, mr, externalName) {
    const fp = forProvider(mr);
    const cluster = reference(store, mr, 'cluster', CLUSTER, 'id');
    if (!cluster) return unresolved('Cluster');
    // A resolved reference is the cluster's id, projects/P/locations/L/clusters/N.
    const fromId = /\/locations\/([^/]+)\/clusters\/([^/]+)$/.exec(cluster);
    const nodeConfig = (fp.nodeConfig ?? {}) as { machineType?: string };
    return {
      ok: true,
      params: {
        name: externalName,
        cluster: fromId ? fromId[2]! : lastSegment(cluster),
        location: fromId ? fromId[1]! : String(fp.location ?? ''),
        nodeCount: typeof fp.nodeCount === 'number' ? fp.nodeCount : typeof fp.initialNodeCount === 'number' ? fp.initialNodeCount : 1,
        machineType: nodeConfig.machineType ?? 'e2-medium',
      },
    };
  },
  observe(gcp, project, p) {
    try {
      const pool = gcp.getNodePool(project, p.location, p.cluster, p.name);
      return {
        exists: true,
        ready: pool.status === 'RUNNING',
        deleting: pool.status === 'STOPPING',
        atProvider: { id: `${project}/${p.location}/${p.cluster}/${pool.name}`, cluster: p.cluster, location: p.location, nodeCount: pool.initialNodeCount, version: pool.version, project },
      };
    } catch (error) {
      if (missing(error)) return { exists: false, ready: false };
      throw error;
    }
  },
  create(gcp, project, p) {
    const cluster = gcp.getCluster(project, p.location, p.cluster);
    // GKE refuses node pool operations while the cluster itself is still being created.
    if (cluster.status !== 'RUNNING') return `waiting for cluster ${p.cluster} to be RUNNING (now ${cluster.status})`;
    gcp.createNodePool(project, p.location, p.cluster, p.name, { nodeCount: p.nodeCount, machineType: p.machineType });
    return undefined;
  },
  delete(gcp, project, p) {
    try {
      gcp.deleteNodePool(project, p.location, p.cluster, p.name);
    } catch (error) {
      if (!missing(error)) throw error;
    }
  },
};

export function externalKindOf(kind: string): ExternalKind<unknown> | undefined {
  if (kind === 'Network') return networkKind as ExternalKind<unknown>;
  if (kind === 'Cluster') return clusterKind as ExternalKind<unknown>;
  if (kind === 'NodePool') return nodePoolKind as ExternalKind<unknown>;
  return undefined;
}
