import type { ForwardingRule, GkeCluster, Network, ServiceAccount, ServiceAccountKey } from '../gcp/types.js';

/** The model's records in the shapes the Google APIs return them (what `--format=json` prints). */

export function serviceAccountResource(sa: ServiceAccount): Record<string, unknown> {
  return {
    displayName: sa.displayName || undefined,
    email: sa.email,
    etag: 'MDEwMjE5MjA=',
    name: `projects/${sa.projectId}/serviceAccounts/${sa.email}`,
    oauth2ClientId: sa.uniqueId,
    projectId: sa.projectId,
    uniqueId: sa.uniqueId,
    ...(sa.disabled ? { disabled: true } : {}),
  };
}

export function keyResource(sa: ServiceAccount, key: ServiceAccountKey): Record<string, unknown> {
  return { ...key, name: `projects/${sa.projectId}/serviceAccounts/${sa.email}/keys/${key.keyId}`, keyId: undefined };
}

export function serviceResource(projectNumber: string, api: string): Record<string, unknown> {
  return {
    config: { name: api, title: api.replace(/\.googleapis\.com$/, '').replace(/^./, (c) => c.toUpperCase()) + ' API' },
    name: `projects/${projectNumber}/services/${api}`,
    parent: `projects/${projectNumber}`,
    state: 'ENABLED',
  };
}

function clusterSelfLink(project: string, c: GkeCluster): string {
  return `https://container.googleapis.com/v1/projects/${project}/zones/${c.location}/clusters/${c.name}`;
}

export { clusterSelfLink };

export function clusterResource(project: string, c: GkeCluster): Record<string, unknown> {
  const nodes = c.nodePools.reduce((sum, p) => sum + p.initialNodeCount, 0);
  return {
    createTime: c.createTime,
    currentMasterVersion: c.version,
    currentNodeCount: c.status === 'RUNNING' ? nodes : undefined,
    currentNodeVersion: c.version,
    endpoint: c.endpoint,
    id: c.id,
    initialClusterVersion: c.version,
    ipAllocationPolicy: { useIpAliases: true, stackType: 'IPV4' },
    location: c.location,
    locations: [c.location],
    name: c.name,
    network: c.network,
    networkConfig: {
      network: `projects/${project}/global/networks/${c.network}`,
      subnetwork: `projects/${project}/regions/${c.location.replace(/-[a-z]$/, '')}/subnetworks/${c.network}`,
      ...(c.datapathProvider ? { datapathProvider: c.datapathProvider } : {}),
    },
    nodePools: c.nodePools.map((p) => ({
      config: { machineType: p.machineType, diskSizeGb: 100, diskType: 'pd-balanced', imageType: 'COS_CONTAINERD' },
      initialNodeCount: p.initialNodeCount,
      name: p.name,
      selfLink: `${clusterSelfLink(project, c)}/nodePools/${p.name}`,
      status: p.status,
      version: p.version,
    })),
    resourceLabels: Object.keys(c.labels).length ? c.labels : undefined,
    selfLink: clusterSelfLink(project, c),
    status: c.status,
    zone: c.location,
  };
}

export function networkResource(n: Network): Record<string, unknown> {
  return {
    autoCreateSubnetworks: n.autoCreateSubnetworks,
    creationTimestamp: n.creationTimestamp,
    id: n.id,
    kind: 'compute#network',
    name: n.name,
    routingConfig: { routingMode: n.routingMode },
    selfLink: n.selfLink,
    x_gcloud_bgp_routing_mode: n.routingMode,
    x_gcloud_subnet_mode: n.autoCreateSubnetworks ? 'AUTO' : 'CUSTOM',
  };
}

export function forwardingRuleResource(project: string, r: ForwardingRule): Record<string, unknown> {
  return {
    IPAddress: r.IPAddress,
    IPProtocol: r.IPProtocol,
    creationTimestamp: r.creationTimestamp,
    description: r.description,
    kind: 'compute#forwardingRule',
    loadBalancingScheme: r.loadBalancingScheme,
    name: r.name,
    network: `https://www.googleapis.com/compute/v1/projects/${project}/global/networks/${r.network}`,
    networkTier: 'PREMIUM',
    portRange: r.portRange,
    region: `https://www.googleapis.com/compute/v1/projects/${project}/regions/${r.region}`,
    selfLink: `https://www.googleapis.com/compute/v1/projects/${project}/regions/${r.region}/forwardingRules/${r.name}`,
    target: r.target,
  };
}
