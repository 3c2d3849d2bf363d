/**
 * Every fault the simulator can inject, in one registry, whichever module acts on it. A fault is
 * switched on with `sim --fault NAME` or `POST /faults`; the module that owns it asks `has(NAME)`.
 */
export const faultRegistry = {
  'docker-down': 'the Docker daemon is not running: docker and k3d fail to connect',
  'k3d-create-fails': 'k3d cluster create fails while starting the server node',
  'port-in-use': 'k3d cluster create fails: the API port is already allocated',
  'gcp-quota-exceeded': 'GKE cluster and node pool creation fail with insufficient regional quota',
  'sa-key-forbidden': 'the organization policy iam.disableServiceAccountKeyCreation forbids key creation',
  'gke-auth-plugin-missing': 'gke-gcloud-auth-plugin is not installed: get-credentials prints the CRITICAL warning',
  'slow-network': 'every fake CLI call to the world pays extra latency',
  'github-token-rejected': 'the simulated GitHub rejects the token (401 Bad credentials)',
  'github-token-scopes': 'the simulated GitHub token lacks the scopes Flux needs',
  'helmrelease-never-ready': 'simulated Helm releases never become Ready',
  'controller-crash': 'a simulated controller crashes and restarts',
} as const satisfies Record<string, string>;

export type FaultName = keyof typeof faultRegistry;

export function isFaultName(name: string): name is FaultName {
  return Object.prototype.hasOwnProperty.call(faultRegistry, name);
}

export class UnknownFault extends Error {
  constructor(readonly fault: string) {
    super(`unknown fault "${fault}"; known faults: ${Object.keys(faultRegistry).join(', ')}`);
    this.name = 'UnknownFault';
  }
}

/** The set of active faults; `onChange` lets the world persist and report it. */
export class Faults {
  private readonly active = new Set<FaultName>();

  constructor(initial: readonly string[] = [], private readonly onChange: () => void = () => {}) {
    for (const name of initial) this.active.add(checked(name));
  }

  has(name: FaultName): boolean {
    return this.active.has(name);
  }

  list(): FaultName[] {
    return [...this.active].sort();
  }

  enable(...names: string[]): void {
    const valid = names.map(checked);
    for (const name of valid) this.active.add(name);
    this.onChange();
  }

  disable(...names: string[]): void {
    const valid = names.map(checked);
    for (const name of valid) this.active.delete(name);
    this.onChange();
  }

  /** Replaces the whole set. */
  set(names: readonly string[]): void {
    const valid = names.map(checked);
    this.active.clear();
    for (const name of valid) this.active.add(name);
    this.onChange();
  }
}

function checked(name: string): FaultName {
  if (!isFaultName(name)) throw new UnknownFault(name);
  return name;
}
