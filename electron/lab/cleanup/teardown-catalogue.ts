/**
 * The teardown (`lab down`) as data, in the safe order of LAB.md section 4: the shop's load
 * balancer first, then the GKE cluster and its node pool through GitOps, then the network, and
 * only when nothing billed by Google is left, Crossplane's providers and the k3d cluster; the
 * service account and the GitHub repository only when asked; a last look at the world at the end.
 * Behaviour (check / run) is attached in teardown-steps.ts; this file is what the wizard and
 * `lab export-script` describe.
 */
import type { CommandView, LedgerKind, TeardownOptions } from '../../api/contract';
import type { LabInputs } from '../../api/inputs';
import type { StepInfo } from '../plan/catalogue';

export const TEARDOWN_PHASE = 'teardown';

/** The managed resources' names the scaffold writes (electron/lab/gitops/scaffold.ts). */
export const LAB_NETWORK = 'dev-network';
export const LAB_NODE_POOL = 'main-np';

const k3d = (i: Partial<LabInputs>) => i.clusters?.k3dName || 'crossplane';
const gke = (i: Partial<LabInputs>) => i.clusters?.gkeName || 'dev-cluster';
const project = (i: Partial<LabInputs>) => i.gcp?.project || '$PROJECT_ID';
const zone = (i: Partial<LabInputs>) => i.gcp?.zone || 'europe-west9-a';
const workspace = (i: Partial<LabInputs>) => i.workspaceDir || i.github?.repository || 'devflux';
const saEmail = (i: Partial<LabInputs>) => `${i.gcp?.serviceAccountName || 'crossplane'}@${project(i)}.iam.gserviceaccount.com`;
export const gkeContextOf = (i: Partial<LabInputs>) => `gke_${project(i)}_${zone(i)}_${gke(i)}`;
export const k3dContextOf = (i: Partial<LabInputs>) => `k3d-${k3d(i)}`;

/** The kustomization whose entries the teardown comments out, as the tutorial's cleanup does. */
export const customResourcesDir = (i: Partial<LabInputs>) => `infrastructure/${k3dContextOf(i)}/custom-resources/crossplane`;

export interface TeardownStepInfo extends StepInfo {
  /** Ledger kinds this step removes. */
  removes: LedgerKind[];
  /** Runs only when this teardown option asks for it. */
  optional?: keyof Pick<TeardownOptions, 'deleteServiceAccount' | 'deleteRepository'>;
}

const INPUTS_CLOUD = ['gcp.project', 'gcp.zone', 'clusters.gkeName', 'clusters.k3dName'];

function gitopsCommands(i: Partial<LabInputs>, entries: string[], message: string): CommandView[] {
  const dir = workspace(i);
  const file = `${customResourcesDir(i)}/kustomization.yaml`;
  return [
    { argv: ['git', '-C', dir, 'commit', '-m', message, file], note: `after commenting out ${entries.map((e) => `- ${e}`).join(' and ')} in ${file}` },
    { argv: ['git', '-C', dir, 'push', 'origin', 'main'], env: ['GITHUB_TOKEN'] },
    { argv: ['flux', 'reconcile', 'kustomization', 'infrastructure-custom-resources', '--with-source', `--context=${k3dContextOf(i)}`] },
  ];
}

const deletionProtectionPatch = { spec: { forProvider: { deletionProtection: false } } };

/**
 * Each step depends on every step before it, not only the previous one: a step found already
 * done, or an optional one skipped, counts as done, and must not let a later step start while
 * an earlier one failed.
 */
export const teardownCatalogue: TeardownStepInfo[] = [
  {
    id: 'down-apps',
    phase: TEARDOWN_PHASE,
    title: 'Remove the shop (releases the load balancer)',
    why:
      "The shop's frontend-external Service made Google create a load balancer, which bills by the hour and keeps the network in use. " +
      'Flux is told to stop applying the apps, the shop\'s namespace is deleted, and the step waits until gcloud lists no forwarding rule on the lab\'s network.',
    dependsOn: [],
    estimateSeconds: 90,
    inputs: INPUTS_CLOUD,
    removes: ['gcp-load-balancer'],
    commands: (i) => [
      { argv: ['flux', 'suspend', 'kustomization', 'apps', `--context=${gkeContextOf(i)}`] },
      { argv: ['kubectl', 'delete', 'namespace', 'demo', '--ignore-not-found', '--wait=false', `--context=${gkeContextOf(i)}`] },
      { argv: ['gcloud', 'compute', 'forwarding-rules', 'list', '--format=json', `--project=${project(i)}`], note: `until no rule on network ${LAB_NETWORK} is left` },
    ],
  },
  {
    id: 'down-gke',
    phase: TEARDOWN_PHASE,
    title: 'Delete the GKE cluster and node pool through GitOps',
    why:
      'As the tutorial does: cluster.yaml and nodepool.yaml are commented out in Git and Flux prunes the objects, so Crossplane deletes the cluster at Google. ' +
      'deletionProtection must be false first or the deletion fails. The step ends only when the managed resources are gone and gcloud no longer lists the cluster.',
    dependsOn: ['down-apps'],
    estimateSeconds: 360,
    inputs: [...INPUTS_CLOUD, 'workspaceDir'],
    removes: ['gke-cluster', 'gke-node-pool'],
    commands: (i) => [
      { argv: ['kubectl', 'patch', 'clusters.container.gcp.upbound.io', gke(i), '--type=merge', '-p', JSON.stringify(deletionProtectionPatch), `--context=${k3dContextOf(i)}`], note: 'only when deletionProtection is not false' },
      ...gitopsCommands(i, ['cluster.yaml', 'nodepool.yaml'], `Delete the GKE cluster ${gke(i)} (GitOps Lab cleanup)`),
      { argv: ['gcloud', 'container', 'clusters', 'list', '--format=json', `--project=${project(i)}`], note: `until ${gke(i)} is no longer listed` },
    ],
  },
  {
    id: 'down-network',
    phase: TEARDOWN_PHASE,
    title: 'Delete the network',
    why:
      'The VPC network goes last among the cloud resources: Google refuses to delete it while a cluster or a load balancer still uses it. ' +
      'network.yaml is commented out the same way and the step waits until gcloud no longer lists the network.',
    dependsOn: ['down-apps', 'down-gke'],
    estimateSeconds: 60,
    inputs: [...INPUTS_CLOUD, 'workspaceDir'],
    removes: ['gcp-network'],
    commands: (i) => [
      ...gitopsCommands(i, ['network.yaml'], `Delete the network ${LAB_NETWORK} (GitOps Lab cleanup)`),
      { argv: ['gcloud', 'compute', 'networks', 'list', '--format=json', `--project=${project(i)}`], note: `until ${LAB_NETWORK} is no longer listed` },
    ],
  },
  {
    id: 'down-crossplane',
    phase: TEARDOWN_PHASE,
    title: 'Remove the Crossplane providers',
    why:
      'Only now that Google holds nothing of the lab: a managed resource whose provider is gone can never be deleted and hangs on its finalizer (crossplane#4251). ' +
      'Flux is told to stop installing the providers, then they are deleted.',
    dependsOn: ['down-apps', 'down-gke', 'down-network'],
    estimateSeconds: 20,
    inputs: INPUTS_CLOUD,
    removes: [],
    commands: (i) => [
      { argv: ['flux', 'suspend', 'kustomization', 'crossplane-provider', `--context=${k3dContextOf(i)}`] },
      { argv: ['kubectl', 'delete', 'providers.pkg.crossplane.io', '--all', '--ignore-not-found', '--wait=false', `--context=${k3dContextOf(i)}`] },
    ],
  },
  {
    id: 'down-k3d',
    phase: TEARDOWN_PHASE,
    title: 'Delete the local k3d cluster',
    why: 'The local control plane, with Flux, Sealed Secrets and Crossplane in it. Refused while any managed cloud resource exists, because nothing else would delete it.',
    dependsOn: ['down-apps', 'down-gke', 'down-network', 'down-crossplane'],
    estimateSeconds: 15,
    inputs: INPUTS_CLOUD,
    removes: ['k3d-cluster'],
    commands: (i) => [{ argv: ['k3d', 'cluster', 'delete', k3d(i)] }],
  },
  {
    id: 'down-service-account',
    phase: TEARDOWN_PHASE,
    title: 'Delete the service account and its keys (when asked)',
    why: "Crossplane's key can create clusters in your project as long as it exists. Kept unless you ask (--delete-service-account), as you may reuse it.",
    dependsOn: ['down-apps', 'down-gke', 'down-network', 'down-crossplane', 'down-k3d'],
    estimateSeconds: 10,
    inputs: ['gcp.project', 'gcp.serviceAccountName'],
    removes: ['gcp-service-account-key', 'gcp-service-account'],
    optional: 'deleteServiceAccount',
    commands: (i) => [{ argv: ['gcloud', 'iam', 'service-accounts', 'delete', saEmail(i), `--project=${project(i)}`, '--quiet'], note: 'its keys are deleted with it' }],
  },
  {
    id: 'down-repository',
    phase: TEARDOWN_PHASE,
    title: 'Delete the GitHub repository (when confirmed)',
    why: 'Your GitOps repository and its history. Deleted only when you type its full name owner/repository again (--delete-repository); it cannot be undone.',
    dependsOn: ['down-apps', 'down-gke', 'down-network', 'down-crossplane', 'down-k3d', 'down-service-account'],
    estimateSeconds: 5,
    inputs: ['github.owner', 'github.repository'],
    removes: ['github-repository'],
    optional: 'deleteRepository',
    commands: (i) => [
      {
        argv: ['curl', '-X', 'DELETE', '-H', 'Authorization: Bearer $GITHUB_TOKEN', `https://api.github.com/repos/${i.github?.owner || '$GITHUB_USER'}/${i.github?.repository || 'devflux'}`],
        env: ['GITHUB_TOKEN'],
        note: 'the app calls the GitHub REST API itself',
      },
    ],
  },
  {
    id: 'down-verify',
    phase: TEARDOWN_PHASE,
    title: 'Verify that nothing is left',
    why: "Asks Google and k3d themselves, not the app's own records: no GKE cluster, no load balancer, no network of the lab, no k3d cluster. Fails naming what remains.",
    dependsOn: ['down-apps', 'down-gke', 'down-network', 'down-crossplane', 'down-k3d', 'down-service-account', 'down-repository'],
    estimateSeconds: 10,
    inputs: INPUTS_CLOUD,
    removes: [],
    commands: (i) => [
      { argv: ['gcloud', 'container', 'clusters', 'list', '--format=json', `--project=${project(i)}`] },
      { argv: ['gcloud', 'compute', 'forwarding-rules', 'list', '--format=json', `--project=${project(i)}`] },
      { argv: ['gcloud', 'compute', 'networks', 'list', '--format=json', `--project=${project(i)}`] },
      { argv: ['k3d', 'cluster', 'list', '-o', 'json'] },
    ],
  },
];

export const TEARDOWN_STEP_IDS = teardownCatalogue.map((step) => step.id);
