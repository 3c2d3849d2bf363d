import { randomInt } from 'node:crypto';
import type { GcpModel } from '../gcp/model.js';
import type { KubeObject, ObjectStore, StoreEvent } from '../kube/types.js';
import type { Clock } from '../world/clock.js';
import { realDurations } from '../world/durations.js';
import type { GkeClusterRef } from './gke-cluster.js';

/**
 * GKE's service controller: a Service of type LoadBalancer gets an external load balancer
 * (a forwarding rule in the GCP model) and its address after a while; deleting the Service
 * releases it. The cluster going away first leaves the load balancer behind, as in reality.
 */

export const LB_FINALIZER = 'service.kubernetes.io/load-balancer-cleanup';

export interface LoadBalancerController {
  close(): void;
}

/** GKE names the forwarding rule `a` + the Service's UID without dashes, 32 characters in all. */
export function forwardingRuleName(uid: string): string {
  return `a${uid.replace(/-/g, '')}`.slice(0, 32);
}

/** Addresses from TEST-NET-3 (RFC 5737): they look public but can never reach anything. */
function documentationAddress(): string {
  return `203.0.113.${randomInt(1, 255)}`;
}

function isLoadBalancer(object: KubeObject): boolean {
  return object.kind === 'Service' && object.apiVersion === 'v1' && (object.spec as { type?: string } | undefined)?.type === 'LoadBalancer';
}

function hasAddress(service: KubeObject): boolean {
  return Boolean((service.status as { loadBalancer?: { ingress?: unknown[] } } | undefined)?.loadBalancer?.ingress?.length);
}

export function startLoadBalancerController(options: { store: ObjectStore; clock: Clock; gcp: GcpModel; cluster: GkeClusterRef }): LoadBalancerController {
  const { store, clock, gcp, cluster } = options;
  const provisioning = new Set<string>();
  let closed = false;

  const provision = async (service: KubeObject): Promise<void> => {
    const key = `${service.metadata.namespace}/${service.metadata.name}`;
    if (provisioning.has(key)) return;
    provisioning.add(key);
    try {
      await clock.wait('loadBalancerCreate');
      if (closed) return;
      const current = store.get('v1', 'Service', service.metadata.namespace, service.metadata.name);
      if (!current || current.metadata.deletionTimestamp || !isLoadBalancer(current) || hasAddress(current)) return;
      const gke = gcp.getCluster(cluster.project, cluster.location, cluster.name);
      const ports = ((current.spec as { ports?: Array<{ port: number }> }).ports ?? []).map((p) => p.port);
      const name = forwardingRuleName(String(current.metadata.uid));
      const rule = gcp.createLoadBalancer(cluster.project, cluster.region, name, {
        network: gke.network,
        portRange: ports.length ? `${Math.min(...ports)}-${Math.max(...ports)}` : '80-80',
        description: JSON.stringify({ 'kubernetes.io/service-name': key }),
      });
      rule.IPAddress = documentationAddress();
      store.updateStatus({ ...current, status: { ...((current.status ?? {}) as object), loadBalancer: { ingress: [{ ip: rule.IPAddress, ipMode: 'VIP' }] } } });
    } catch {
      // The world is shutting down or the cluster went away meanwhile: nothing to assign.
    } finally {
      provisioning.delete(key);
    }
  };

  const release = (service: KubeObject): void => {
    try {
      gcp.deleteLoadBalancer(cluster.project, cluster.region, forwardingRuleName(String(service.metadata.uid)));
    } catch {
      // Never created (deleted before its address came): nothing to release.
    }
    const finalizers = (service.metadata.finalizers ?? []).filter((f) => f !== LB_FINALIZER);
    store.update({ ...service, metadata: { ...service.metadata, finalizers } });
  };

  const onEvent = (event: StoreEvent): void => {
    if (closed || event.type === 'DELETED' || !isLoadBalancer(event.object)) return;
    const service = store.get('v1', 'Service', event.object.metadata.namespace, event.object.metadata.name);
    if (!service) return;
    const finalizers = service.metadata.finalizers ?? [];
    if (service.metadata.deletionTimestamp) {
      if (finalizers.includes(LB_FINALIZER)) release(service);
      return;
    }
    if (!finalizers.includes(LB_FINALIZER)) {
      store.update({ ...service, metadata: { ...service.metadata, finalizers: [...finalizers, LB_FINALIZER] } });
      return;
    }
    if (!hasAddress(service)) void provision(service);
  };

  const unsubscribe = store.watch(onEvent);
  for (const service of store.list('v1', 'Service')) onEvent({ type: 'ADDED', object: service });
  return {
    close() {
      closed = true;
      unsubscribe();
    },
  };
}
