import { describe, expect, it } from 'vitest';
import { hintFor, readinessHint } from './hints';

describe('hintFor', () => {
  // Wordings from /work/shared/transcripts.
  const cases: Array<[string, string, RegExp]> = [
    ['docker', 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?', /start Docker Desktop/],
    ['k3d', "ERRO[0000] Failed to get nodes for cluster 'dev': docker failed to list containers: Cannot connect to the Docker daemon at unix:///Users/x/.docker/run/docker.sock. Is the docker daemon running?", /start Docker Desktop/],
    ['docker', 'permission denied while trying to connect to the docker API at unix:///var/run/docker.sock', /docker group/],
    ['gh', '{"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest", "status": "401"}', /GITHUB_TOKEN/],
    ['flux', '✗ failed to get Git repository: GET https://api.github.com/repos/me/lab: 401 []', /GITHUB_TOKEN/],
    ['kubectl', 'error: You must be logged in to the server (Unauthorized)', /refresh the kubeconfig/],
    ['gcloud', `ERROR: (gcloud.container.clusters.create) ResponseError: code=403, message=Insufficient regional quota to satisfy request: resource "SSD_TOTAL_GB"`, /out of quota/],
    ['kubectl', 'Failed to unseal: no key could decrypt secret (foo)', /re-seal/],
    ['kubeseal', 'error: cannot get sealed secret service: services "sealed-secrets-controller" not found', /sealed-secrets-controller/],
    ['k3d', 'No preset version installed for command k3d\nasdf install k3d 5.8.3', /asdf has no version of k3d/],
    ['gcloud', 'ERROR: (gcloud.iam.service-accounts.keys.create) FAILED_PRECONDITION: Key creation is not allowed on this service account.', /disableServiceAccountKeyCreation/],
    ['kubectl', 'The connection to the server 0.0.0.0:6443 was refused - did you specify the right host or port?', /cluster API is not reachable/],
  ];

  it.each(cases)('%s: %s', (tool, output, expected) => {
    expect(hintFor({ tool, output })).toMatch(expected);
  });

  it('names the taken port, the cluster and --api-port when k3d cannot bind', () => {
    // k3d 5.x on a port conflict (kubefirst issue #1609 shows the same wording for 443).
    const output =
      "ERRO[0012] Failed Cluster Start: Failed to add one or more helper nodes: runtime failed to start node 'k3d-lab-serverlb': docker failed to start container for node 'k3d-lab-serverlb': " +
      'Error response from daemon: driver failed programming external connectivity on endpoint k3d-lab-serverlb (139c5afb68): Bind for 0.0.0.0:6550 failed: port is already allocated\n' +
      'ERRO[0012] Failed to create cluster >>> Rolling Back';
    const hint = hintFor({ tool: 'k3d', output });
    expect(hint).toContain('port 6550 on this machine is already taken');
    expect(hint).toContain('lsof -i :6550');
    expect(hint).toContain('k3d cluster create lab --api-port 127.0.0.1:');
  });

  it('says k3d rolled back and what to check when Docker cannot start the server node', () => {
    const output =
      "ERRO[0003] Failed Cluster Start: Failed to start server k3d-lab-server-0: runtime failed to start node 'k3d-lab-server-0': docker failed to start container for node 'k3d-lab-server-0': " +
      'Error response from daemon: failed to create task for container: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exit status 1';
    expect(hintFor({ tool: 'k3d', output })).toMatch(/^Docker could not start the cluster's node container and k3d rolled everything back: check Docker has free memory and disk/);
  });

  it('names the tool when it could not be started', () => {
    expect(hintFor({ tool: 'flux', code: 'ENOENT', output: '' })).toBe('flux is not installed or not on PATH: run the Tools step / asdf install');
  });

  it('has no hint for an unknown failure', () => {
    expect(hintFor({ tool: 'kubectl', output: 'error: something nobody anticipated' })).toBeUndefined();
  });

  it('does not mistake look-alikes for known failures', () => {
    expect(hintFor({ tool: 'kubectl', output: 'Error from server (Forbidden): pods "x" is forbidden: exceeded quota: compute-resources' })).toBeUndefined();
    expect(hintFor({ tool: 'flux', output: '✗ reconciled revision main@sha1:401dd3b550f82581c7d12bb79ade389089c6422f failed' })).toBeUndefined();
  });
});

describe('readinessHint', () => {
  const release = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', namespace: 'kube-system', name: 'sealed-secrets' };

  it('sends a failed Helm release to flux logs and says the rerun forces a new install', () => {
    const hint = readinessHint({ ...release, message: 'Helm install failed for release kube-system/sealed-secrets with chart sealed-secrets@2.18.5: context deadline exceeded' });
    expect(hint).toContain('flux logs --kind=HelmRelease --name=sealed-secrets -n kube-system');
    expect(hint).toContain('flux reconcile helmrelease sealed-secrets -n kube-system --force');
  });

  it('points at the dependency a Kustomization waits for', () => {
    const hint = readinessHint({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', namespace: 'flux-system', name: 'crossplane-configuration', message: "dependency 'flux-system/crossplane-provider' is not ready" });
    expect(hint).toBe('it waits for flux-system/crossplane-provider: see why that one is not Ready with flux get all -A --status-selector ready=false');
  });

  it('sends other Flux objects to flux logs and the controllers\' pods', () => {
    const hint = readinessHint({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', namespace: 'flux-system', name: 'apps', message: 'Reconciliation in progress' });
    expect(hint).toContain('flux logs --kind=Kustomization --name=apps -n flux-system');
    expect(hint).toContain('kubectl get pods -n flux-system');
  });

  it('reuses the tools\' advice when their wording reached the condition', () => {
    expect(readinessHint({ apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', namespace: 'observability', name: 'grafana', message: 'no key could decrypt secret (admin-password)' })).toMatch(/re-seal it/);
    expect(readinessHint({ apiVersion: 'container.gcp.upbound.io/v1beta2', kind: 'Cluster', name: 'dev-cluster', message: 'Insufficient regional quota to satisfy request' })).toMatch(/out of quota/);
  });

  it('falls back to kubectl describe for anything else', () => {
    expect(readinessHint({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'demo', name: 'frontend', message: 'Progressing' })).toBe('see why: kubectl describe deployment frontend -n demo');
  });
});

