import { generateKeyPair, randomBytes, randomInt } from 'node:crypto';
import { promisify } from 'node:util';
import type { Clock } from '../world/clock.js';
import { realDurations } from '../world/durations.js';
import { gkeVersion } from '../world/tool-versions.js';
import { GcpError, keyCreationForbidden, networkInUse, quotaExceeded } from './errors.js';
import type { ForwardingRule, GcpProject, GcpState, GkeCluster, IamPolicy, Network, NodePool, ServiceAccount, ServiceAccountKey } from './types.js';

const generateKeyPairAsync = promisify(generateKeyPair);

export interface GcpFaults {
  has(name: 'gcp-quota-exceeded' | 'sa-key-forbidden'): boolean;
}

/** What the world does when a GKE cluster comes up or goes away (start/stop its API server). */
export interface GcpHooks {
  /** Returns the port of the cluster's API server. */
  clusterRunning?(project: string, cluster: GkeCluster): Promise<number>;
  clusterGone?(project: string, cluster: GkeCluster): Promise<void>;
}

export interface CreateClusterOptions {
  network?: string;
  labels?: Record<string, string>;
  initialNodeCount?: number;
  machineType?: string;
  datapathProvider?: string;
  deletionProtection?: boolean;
}

export interface CreatedKey {
  key: ServiceAccountKey;
  /** PKCS#8 PEM; returned once, never stored in the world. */
  privateKeyPem: string;
  email: string;
  uniqueId: string;
  projectId: string;
}

/**
 * The simulated Google Cloud. gcloud (through the world's control server) and the future
 * Crossplane GCP provider simulation call these functions; long operations change status at once
 * (PROVISIONING, STOPPING, ...) and finish after the scaled real-world duration.
 */
export class GcpModel {
  private readonly inflight = new Set<Promise<void>>();

  constructor(
    readonly state: GcpState,
    private readonly clock: Clock,
    private readonly faults: GcpFaults,
    private readonly onChange: () => void,
    private readonly hooks: GcpHooks = {},
  ) {}

  /** A project; projects exist on first use, as an already-created lab project would. */
  project(projectId: string = this.state.defaultProject): GcpProject {
    let project = this.state.projects[projectId];
    if (!project) {
      project = {
        projectId,
        projectNumber: String(randomInt(100_000_000_000, 999_999_999_999)),
        enabledApis: ['iam.googleapis.com', 'serviceusage.googleapis.com'],
        serviceAccounts: [],
        iamPolicy: { bindings: [{ role: 'roles/owner', members: [`user:${this.state.account}`] }], etag: etag(), version: 1 },
        networks: [],
        clusters: [],
        forwardingRules: [],
      };
      this.state.projects[projectId] = project;
      this.onChange();
    }
    return project;
  }

  // ---- services ----

  enableServices(projectId: string, apis: string[]): string[] {
    const project = this.project(projectId);
    for (const api of apis) if (!project.enabledApis.includes(api)) project.enabledApis.push(api);
    project.enabledApis.sort();
    this.onChange();
    return apis.map(() => `operations/acf.p2-${project.projectNumber}-${uuid()}`);
  }

  listEnabledServices(projectId: string): string[] {
    return [...this.project(projectId).enabledApis];
  }

  // ---- IAM ----

  createServiceAccount(projectId: string, accountId: string, displayName = ''): ServiceAccount {
    if (!/^[a-z]([-a-z0-9]{4,28}[a-z0-9])$/.test(accountId)) {
      throw new GcpError(400, 'INVALID_ARGUMENT', `Invalid value for [NAME]: ${accountId} is not a valid service account name: it must be 6 to 30 lowercase letters, digits or hyphens, start with a letter and not end with a hyphen.`);
    }
    const project = this.project(projectId);
    const email = `${accountId}@${projectId}.iam.gserviceaccount.com`;
    if (project.serviceAccounts.some((sa) => sa.email === email)) {
      throw new GcpError(409, 'ALREADY_EXISTS', `Service account ${accountId} already exists within project projects/${projectId}.`);
    }
    const sa: ServiceAccount = { email, accountId, displayName, uniqueId: digits(21), projectId, disabled: false, keys: [] };
    project.serviceAccounts.push(sa);
    this.onChange();
    return sa;
  }

  listServiceAccounts(projectId: string): ServiceAccount[] {
    return this.project(projectId).serviceAccounts;
  }

  getServiceAccount(email: string): ServiceAccount {
    const projectId = email.split('@')[1]?.split('.')[0] ?? '';
    const sa = this.state.projects[projectId]?.serviceAccounts.find((s) => s.email === email);
    if (!sa) throw new GcpError(404, 'NOT_FOUND', `Service account projects/-/serviceAccounts/${email} does not exist.`);
    return sa;
  }

  deleteServiceAccount(email: string): void {
    const sa = this.getServiceAccount(email);
    const project = this.project(sa.projectId);
    project.serviceAccounts = project.serviceAccounts.filter((s) => s !== sa);
    for (const binding of project.iamPolicy.bindings) binding.members = binding.members.filter((m) => m !== `serviceAccount:${email}`);
    project.iamPolicy.bindings = project.iamPolicy.bindings.filter((b) => b.members.length > 0);
    this.onChange();
  }

  /** Adds one member to one role, like `gcloud projects add-iam-policy-binding`; returns the whole policy. */
  addIamBinding(projectId: string, member: string, role: string): IamPolicy {
    if (!/^(user|serviceAccount|group|domain):.+/.test(member)) {
      throw new GcpError(400, 'INVALID_ARGUMENT', `Invalid value for [--member]: ${member}`);
    }
    if (!role.startsWith('roles/')) throw new GcpError(400, 'INVALID_ARGUMENT', `Role ${role} is not supported for this resource.`);
    const policy = this.project(projectId).iamPolicy;
    let binding = policy.bindings.find((b) => b.role === role);
    if (!binding) {
      binding = { role, members: [] };
      policy.bindings.push(binding);
    }
    if (!binding.members.includes(member)) binding.members.push(member);
    binding.members.sort();
    policy.bindings.sort((a, b) => a.role.localeCompare(b.role));
    policy.etag = etag();
    this.onChange();
    return policy;
  }

  async createKey(email: string): Promise<CreatedKey> {
    const sa = this.getServiceAccount(email);
    if (this.faults.has('sa-key-forbidden')) throw keyCreationForbidden(sa.projectId, email);
    const { privateKey } = await generateKeyPairAsync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const now = new Date();
    const key: ServiceAccountKey = {
      keyId: randomBytes(20).toString('hex'),
      keyType: 'USER_MANAGED',
      keyAlgorithm: 'KEY_ALG_RSA_2048',
      keyOrigin: 'GOOGLE_PROVIDED',
      validAfterTime: iso(now),
      validBeforeTime: '9999-12-31T23:59:59Z',
    };
    sa.keys.push(key);
    this.onChange();
    return { key, privateKeyPem: privateKey, email, uniqueId: sa.uniqueId, projectId: sa.projectId };
  }

  listKeys(email: string): ServiceAccountKey[] {
    return this.getServiceAccount(email).keys;
  }

  deleteKey(email: string, keyId: string): void {
    const sa = this.getServiceAccount(email);
    if (!sa.keys.some((k) => k.keyId === keyId)) {
      throw new GcpError(404, 'NOT_FOUND', `Service account key projects/${sa.projectId}/serviceAccounts/${email}/keys/${keyId} does not exist.`);
    }
    sa.keys = sa.keys.filter((k) => k.keyId !== keyId);
    this.onChange();
  }

  // ---- networks ----

  createNetwork(projectId: string, name: string, options: { autoCreateSubnetworks?: boolean } = {}): Network {
    const project = this.project(projectId);
    if (project.networks.some((n) => n.name === name)) {
      throw new GcpError(409, 'ALREADY_EXISTS', `The resource 'projects/${projectId}/global/networks/${name}' already exists`);
    }
    const network: Network = {
      name,
      id: digits(19),
      autoCreateSubnetworks: options.autoCreateSubnetworks ?? true,
      routingMode: 'REGIONAL',
      status: 'CREATING',
      creationTimestamp: iso(new Date()),
      selfLink: `https://www.googleapis.com/compute/v1/projects/${projectId}/global/networks/${name}`,
    };
    project.networks.push(network);
    this.onChange();
    this.later(realDurations.networkCreate, () => {
      network.status = 'READY';
    });
    return network;
  }

  getNetwork(projectId: string, name: string): Network {
    const network = this.project(projectId).networks.find((n) => n.name === name);
    if (!network) throw new GcpError(404, 'NOT_FOUND', `The resource 'projects/${projectId}/global/networks/${name}' was not found`);
    return network;
  }

  listNetworks(projectId: string): Network[] {
    return this.project(projectId).networks;
  }

  /** Refused while a cluster or load balancer still uses the network (the classic leak of a lab). */
  deleteNetwork(projectId: string, name: string): Network {
    const project = this.project(projectId);
    const network = this.getNetwork(projectId, name);
    const rule = project.forwardingRules.find((r) => r.network === name);
    if (rule) throw networkInUse(projectId, name, `projects/${projectId}/regions/${rule.region}/forwardingRules/${rule.name}`);
    const cluster = project.clusters.find((c) => c.network === name);
    if (cluster) throw networkInUse(projectId, name, `projects/${projectId}/global/firewalls/gke-${cluster.name}-${cluster.id.slice(0, 8)}-all`);
    if (network.status === 'DELETING') return network;
    network.status = 'DELETING';
    this.onChange();
    this.later(realDurations.networkDelete, () => {
      project.networks = project.networks.filter((n) => n !== network);
    });
    return network;
  }

  // ---- GKE ----

  createCluster(projectId: string, location: string, name: string, options: CreateClusterOptions = {}): GkeCluster {
    const project = this.project(projectId);
    if (this.faults.has('gcp-quota-exceeded')) throw quotaExceeded(projectId);
    if (project.clusters.some((c) => c.name === name && c.location === location)) {
      throw new GcpError(409, 'ALREADY_EXISTS', `Already exists: projects/${projectId}/locations/${location}/clusters/${name}.`);
    }
    const network = options.network ?? 'default';
    if (network !== 'default') {
      const net = this.getNetwork(projectId, network);
      if (net.status === 'DELETING') throw new GcpError(400, 'FAILED_PRECONDITION', `Network "${network}" is being deleted.`);
    }
    const nodeCount = options.initialNodeCount ?? 3;
    const cluster: GkeCluster = {
      name,
      location,
      status: 'PROVISIONING',
      network,
      labels: { ...(options.labels ?? {}) },
      initialNodeCount: nodeCount,
      nodePools: [{ name: 'default-pool', status: 'PROVISIONING', initialNodeCount: nodeCount, machineType: options.machineType ?? 'e2-medium', version: gkeVersion }],
      createTime: iso(new Date()),
      endpoint: `34.${randomInt(1, 255)}.${randomInt(1, 255)}.${randomInt(1, 255)}`,
      version: gkeVersion,
      deletionProtection: options.deletionProtection ?? false,
      id: randomBytes(16).toString('hex'),
      ...(options.datapathProvider ? { datapathProvider: options.datapathProvider } : {}),
    };
    project.clusters.push(cluster);
    this.onChange();
    this.later(realDurations.gkeClusterCreate, () => this.markRunning(projectId, cluster));
    return cluster;
  }

  getCluster(projectId: string, location: string, name: string): GkeCluster {
    const cluster = this.project(projectId).clusters.find((c) => c.name === name && (c.location === location || location === '-'));
    if (!cluster) throw new GcpError(404, 'NOT_FOUND', `Not found: projects/${projectId}/zones/${location}/clusters/${name}.`);
    return cluster;
  }

  listClusters(projectId: string, location?: string): GkeCluster[] {
    return this.project(projectId)
      .clusters.filter((c) => !location || location === '-' || c.location === location)
      .sort((a, b) => a.location.localeCompare(b.location) || a.name.localeCompare(b.name));
  }

  deleteCluster(projectId: string, location: string, name: string): GkeCluster {
    const project = this.project(projectId);
    const cluster = this.getCluster(projectId, location, name);
    // deletionProtection is the Terraform resource's setting (upjet refuses to destroy), not
    // GKE's: the API, and so `gcloud container clusters delete`, deletes the cluster regardless.
    if (cluster.status === 'STOPPING') return cluster;
    cluster.status = 'STOPPING';
    for (const pool of cluster.nodePools) pool.status = 'STOPPING';
    this.onChange();
    this.later(realDurations.gkeClusterDelete, async () => {
      project.clusters = project.clusters.filter((c) => c !== cluster);
      delete cluster.apiPort;
      await this.hooks.clusterGone?.(projectId, cluster);
    });
    return cluster;
  }

  createNodePool(projectId: string, location: string, clusterName: string, name: string, options: { nodeCount?: number; machineType?: string } = {}): NodePool {
    const cluster = this.getCluster(projectId, location, clusterName);
    if (this.faults.has('gcp-quota-exceeded')) throw quotaExceeded(projectId);
    if (cluster.nodePools.some((p) => p.name === name)) {
      throw new GcpError(409, 'ALREADY_EXISTS', `Already exists: projects/${projectId}/locations/${location}/clusters/${clusterName}/nodePools/${name}.`);
    }
    const pool: NodePool = { name, status: 'PROVISIONING', initialNodeCount: options.nodeCount ?? 3, machineType: options.machineType ?? 'e2-medium', version: cluster.version };
    cluster.nodePools.push(pool);
    this.onChange();
    this.later(realDurations.gkeNodePoolCreate, () => {
      if (pool.status === 'PROVISIONING') pool.status = 'RUNNING';
    });
    return pool;
  }

  getNodePool(projectId: string, location: string, clusterName: string, name: string): NodePool {
    const pool = this.getCluster(projectId, location, clusterName).nodePools.find((p) => p.name === name);
    if (!pool) throw new GcpError(404, 'NOT_FOUND', `Not found: projects/${projectId}/zones/${location}/clusters/${clusterName}/nodePools/${name}.`);
    return pool;
  }

  deleteNodePool(projectId: string, location: string, clusterName: string, name: string): NodePool {
    const cluster = this.getCluster(projectId, location, clusterName);
    const pool = this.getNodePool(projectId, location, clusterName, name);
    pool.status = 'STOPPING';
    this.onChange();
    this.later(realDurations.gkeNodePoolDelete, () => {
      cluster.nodePools = cluster.nodePools.filter((p) => p !== pool);
    });
    return pool;
  }

  // ---- load balancers ----

  /** An external load balancer, as a LoadBalancer Service on a GKE cluster makes one. */
  createLoadBalancer(projectId: string, region: string, name: string, options: { network?: string; portRange?: string; description?: string } = {}): ForwardingRule {
    const project = this.project(projectId);
    if (project.forwardingRules.some((r) => r.name === name && r.region === region)) {
      throw new GcpError(409, 'ALREADY_EXISTS', `The resource 'projects/${projectId}/regions/${region}/forwardingRules/${name}' already exists`);
    }
    const rule: ForwardingRule = {
      name,
      region,
      IPAddress: `35.${randomInt(1, 255)}.${randomInt(1, 255)}.${randomInt(1, 255)}`,
      IPProtocol: 'TCP',
      portRange: options.portRange ?? '80-80',
      network: options.network ?? 'default',
      target: `https://www.googleapis.com/compute/v1/projects/${projectId}/regions/${region}/targetPools/${name}`,
      loadBalancingScheme: 'EXTERNAL',
      creationTimestamp: iso(new Date()),
      description: options.description ?? '',
    };
    project.forwardingRules.push(rule);
    this.onChange();
    return rule;
  }

  getLoadBalancer(projectId: string, region: string, name: string): ForwardingRule {
    const rule = this.project(projectId).forwardingRules.find((r) => r.name === name && r.region === region);
    if (!rule) throw new GcpError(404, 'NOT_FOUND', `The resource 'projects/${projectId}/regions/${region}/forwardingRules/${name}' was not found`);
    return rule;
  }

  listForwardingRules(projectId: string): ForwardingRule[] {
    return this.project(projectId).forwardingRules;
  }

  deleteLoadBalancer(projectId: string, region: string, name: string): ForwardingRule {
    const project = this.project(projectId);
    const rule = this.getLoadBalancer(projectId, region, name);
    if (rule.deleting) return rule;
    rule.deleting = true;
    this.onChange();
    this.later(realDurations.loadBalancerRelease, () => {
      project.forwardingRules = project.forwardingRules.filter((r) => r !== rule);
    });
    return rule;
  }

  // ---- lifecycle ----

  /**
   * After a restart: finish what was in flight and bring RUNNING clusters' API servers back. The
   * remaining time is not tracked, so unfinished operations take their full duration again.
   */
  resume(): void {
    for (const project of Object.values(this.state.projects)) {
      for (const network of project.networks) {
        if (network.status === 'CREATING') this.later(realDurations.networkCreate, () => void (network.status = 'READY'));
        if (network.status === 'DELETING') this.later(realDurations.networkDelete, () => void (project.networks = project.networks.filter((n) => n !== network)));
      }
      for (const cluster of project.clusters) {
        if (cluster.status === 'PROVISIONING') this.later(realDurations.gkeClusterCreate, () => this.markRunning(project.projectId, cluster));
        else if (cluster.status === 'RUNNING') this.track(this.markRunning(project.projectId, cluster));
        else if (cluster.status === 'STOPPING') {
          cluster.status = 'RUNNING';
          this.deleteCluster(project.projectId, cluster.location, cluster.name);
        }
      }
      for (const rule of project.forwardingRules) {
        if (rule.deleting) this.later(realDurations.loadBalancerRelease, () => void (project.forwardingRules = project.forwardingRules.filter((r) => r !== rule)));
      }
    }
  }

  /** Resolves when every operation started so far has finished (tests, clean shutdown). */
  async settled(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  private async markRunning(projectId: string, cluster: GkeCluster): Promise<void> {
    if (this.hooks.clusterRunning) cluster.apiPort = await this.hooks.clusterRunning(projectId, cluster);
    cluster.status = 'RUNNING';
    for (const pool of cluster.nodePools) if (pool.status === 'PROVISIONING') pool.status = 'RUNNING';
    this.onChange();
  }

  private later(realSeconds: number, action: () => void | Promise<void>): void {
    this.track(
      this.clock.after(realSeconds).then(async () => {
        await action();
        this.onChange();
      }),
    );
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch(() => {
      // A stopped clock (world shutting down) cancels the operation; the state keeps its status
      // so a restarted world resumes it.
    });
    this.inflight.add(tracked);
    void tracked.finally(() => this.inflight.delete(tracked));
  }
}

function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function digits(count: number): string {
  let out = String(randomInt(1, 10));
  while (out.length < count) out += String(randomInt(0, 10));
  return out;
}

function etag(): string {
  return randomBytes(8).toString('base64');
}

function uuid(): string {
  const hex = randomBytes(16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
