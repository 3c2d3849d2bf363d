/** The simulated Google Cloud, as plain data: persisted in world.json and served by `GET /world`. */

export interface IamBinding {
  role: string;
  members: string[];
}

export interface IamPolicy {
  bindings: IamBinding[];
  etag: string;
  version: number;
}

/** Key metadata only: the private key is handed to the caller once and never stored. */
export interface ServiceAccountKey {
  keyId: string;
  keyType: 'USER_MANAGED';
  keyAlgorithm: 'KEY_ALG_RSA_2048';
  keyOrigin: 'GOOGLE_PROVIDED';
  validAfterTime: string;
  validBeforeTime: string;
}

export interface ServiceAccount {
  email: string;
  accountId: string;
  displayName: string;
  uniqueId: string;
  projectId: string;
  disabled: boolean;
  keys: ServiceAccountKey[];
}

export type NetworkStatus = 'CREATING' | 'READY' | 'DELETING';

export interface Network {
  name: string;
  id: string;
  autoCreateSubnetworks: boolean;
  routingMode: 'REGIONAL' | 'GLOBAL';
  status: NetworkStatus;
  creationTimestamp: string;
  selfLink: string;
}

export type ClusterStatus = 'PROVISIONING' | 'RUNNING' | 'RECONCILING' | 'STOPPING' | 'ERROR';

export interface NodePool {
  name: string;
  status: ClusterStatus;
  initialNodeCount: number;
  machineType: string;
  version: string;
}

export interface GkeCluster {
  name: string;
  location: string;
  status: ClusterStatus;
  statusMessage?: string;
  network: string;
  labels: Record<string, string>;
  initialNodeCount: number;
  nodePools: NodePool[];
  createTime: string;
  endpoint: string;
  version: string;
  datapathProvider?: string;
  deletionProtection: boolean;
  id: string;
  /** Port of the simulated Kubernetes API server while the cluster is RUNNING. */
  apiPort?: number;
}

/** An external load balancer, as `gcloud compute forwarding-rules list` shows it. */
export interface ForwardingRule {
  name: string;
  region: string;
  IPAddress: string;
  IPProtocol: 'TCP';
  portRange: string;
  network: string;
  target: string;
  loadBalancingScheme: 'EXTERNAL';
  creationTimestamp: string;
  description: string;
  /** Present while the load balancer is being released. */
  deleting?: boolean;
}

export interface GcpProject {
  projectId: string;
  projectNumber: string;
  enabledApis: string[];
  serviceAccounts: ServiceAccount[];
  iamPolicy: IamPolicy;
  networks: Network[];
  clusters: GkeCluster[];
  forwardingRules: ForwardingRule[];
}

export interface GcpState {
  /** The account `gcloud auth list` shows as active. */
  account: string;
  /** `gcloud config get-value project` when no configuration sets another. */
  defaultProject: string;
  projects: Record<string, GcpProject>;
}

export function emptyGcpState(): GcpState {
  return { account: 'student@example.com', defaultProject: 'gitops-lab-sim', projects: {} };
}
