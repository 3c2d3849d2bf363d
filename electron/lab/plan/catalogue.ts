/**
 * The lab's phases and steps (LAB.md section 1), as data: titles, the "why" a newcomer reads,
 * dependencies, typical durations and the exact commands, in the form a person would type them.
 * Behaviour (check / run / undo) is attached by the step modules; this file is what the wizard,
 * `lab status` and `lab export-script` describe.
 */
import type { CommandView } from '../../api/contract';
import type { LabInputs } from '../../api/inputs';

export interface PhaseInfo {
  id: string;
  title: string;
}

export interface StepInfo {
  id: string;
  phase: string;
  title: string;
  why: string;
  dependsOn: string[];
  estimateSeconds: number;
  inputs: string[];
  commands(inputs: Partial<LabInputs>): CommandView[];
}

export const phases: PhaseInfo[] = [
  { id: 'prepare', title: 'Prepare' },
  { id: 'control-plane', title: 'Local control plane' },
  { id: 'repository', title: 'GitOps repository' },
  { id: 'security', title: 'Security' },
  { id: 'crossplane', title: 'Crossplane' },
  { id: 'cloud', title: 'Cloud (GKE)' },
  { id: 'dev-cluster', title: 'Dev cluster & apps' },
];

const k3d = (i: Partial<LabInputs>) => i.clusters?.k3dName || 'crossplane';
const gke = (i: Partial<LabInputs>) => i.clusters?.gkeName || 'dev-cluster';
const owner = (i: Partial<LabInputs>) => i.github?.owner || '$GITHUB_USER';
const repo = (i: Partial<LabInputs>) => i.github?.repository || 'devflux';
const project = (i: Partial<LabInputs>) => i.gcp?.project || '$PROJECT_ID';
const zone = (i: Partial<LabInputs>) => i.gcp?.zone || 'europe-west9-a';
const saName = (i: Partial<LabInputs>) => i.gcp?.serviceAccountName || 'crossplane';
const saEmail = (i: Partial<LabInputs>) => `${saName(i)}@${project(i)}.iam.gserviceaccount.com`;
const workspace = (i: Partial<LabInputs>) => i.workspaceDir || repo(i);
const personal = (i: Partial<LabInputs>) => (i.github?.personal === false ? [] : ['--personal']);

function bootstrapCommand(i: Partial<LabInputs>, context: string, path: string): CommandView {
  return {
    argv: [
      'flux', 'bootstrap', 'github', `--context=${context}`, '--token-auth', `--owner=${owner(i)}`,
      `--repository=${repo(i)}`, '--branch=main', ...personal(i), '--private', `--path=${path}`,
    ],
    env: ['GITHUB_TOKEN'],
  };
}

export const steps: StepInfo[] = [
  {
    id: 'tools',
    phase: 'prepare',
    title: 'Tools (asdf)',
    why:
      'The lab drives k3d, flux, kubectl, kubeseal, helm and gcloud. asdf installs each at the version the lab was written for, ' +
      'so what you see matches the explanations.',
    dependsOn: [],
    estimateSeconds: 120,
    inputs: [],
    // Only for the tools missing or at an unsupported version; the others are left as they are.
    commands: () => [
      ...['k3d', 'flux2', 'kubectl', 'kubeseal', 'kustomize', 'helm', 'gcloud'].map((p) => ({ argv: ['asdf', 'plugin', 'add', p] })),
      { argv: ['asdf', 'install'], note: "reads the .tool-versions the app writes in its data folder's tools/, listing only the tools to install" },
      { argv: ['asdf', 'set', '--home', '<plugin>', '<version>'], note: 'for each tool installed, so every folder uses that version' },
    ],
  },
  {
    id: 'docker',
    phase: 'prepare',
    title: 'Docker',
    why: 'k3d runs a whole Kubernetes cluster inside Docker containers, so Docker must be running before anything else.',
    dependsOn: [],
    estimateSeconds: 2,
    inputs: [],
    commands: () => [{ argv: ['docker', 'info'] }],
  },
  {
    id: 'github-access',
    phase: 'prepare',
    title: 'GitHub access',
    why:
      'Flux keeps your cluster in sync with a Git repository on GitHub. A personal access token lets it create the repository ' +
      'and push its own manifests there.',
    dependsOn: [],
    estimateSeconds: 2,
    inputs: ['github.owner', 'github.repository', 'github.personal'],
    commands: (i) => [
      { argv: ['curl', '-sS', '-H', 'Authorization: Bearer $GITHUB_TOKEN', 'https://api.github.com/user'], env: ['GITHUB_TOKEN'] },
      { argv: ['curl', '-sS', '-H', 'Authorization: Bearer $GITHUB_TOKEN', `https://api.github.com/repos/${owner(i)}/${repo(i)}`], env: ['GITHUB_TOKEN'] },
    ],
  },
  {
    id: 'gcp-credentials',
    phase: 'prepare',
    title: 'GCP service account',
    why:
      'Crossplane creates the GKE cluster on your behalf. It needs a service account with three roles and a key, ' +
      'which you will seal before it ever reaches Git.',
    dependsOn: [],
    estimateSeconds: 30,
    inputs: ['gcp.project', 'gcp.keyFile', 'gcp.serviceAccountName'],
    commands: (i) =>
      // With a key file given, nothing runs: the app only checks it is a service-account key.
      i.gcp?.keyFile
        ? []
        : [
            { argv: ['gcloud', 'services', 'enable', 'container.googleapis.com', 'compute.googleapis.com', `--project=${project(i)}`] },
            { argv: ['gcloud', 'iam', 'service-accounts', 'create', saName(i), `--project=${project(i)}`] },
            ...['roles/container.admin', 'roles/compute.networkAdmin', 'roles/iam.serviceAccountUser'].map((role) => ({
              argv: ['gcloud', 'projects', 'add-iam-policy-binding', project(i), `--member=serviceAccount:${saEmail(i)}`, `--role=${role}`, '--condition=None'],
            })),
            {
              argv: ['gcloud', 'iam', 'service-accounts', 'keys', 'create', 'crossplane.json', `--iam-account=${saEmail(i)}`, `--project=${project(i)}`],
              note: "the app writes the key into its private data folder (mode 0600), never into the repository",
            },
          ],
  },
  {
    id: 'k3d-cluster',
    phase: 'control-plane',
    title: 'k3d cluster',
    why:
      'A small Kubernetes cluster on your laptop acts as the control plane: Crossplane runs here and creates the cloud resources ' +
      'described in Git.',
    dependsOn: ['tools', 'docker'],
    estimateSeconds: 25,
    inputs: ['clusters.k3dName'],
    commands: (i) => [
      { argv: ['k3d', 'cluster', 'create', k3d(i), '--wait'] },
      { argv: ['kubectl', 'config', 'current-context'] },
    ],
  },
  {
    id: 'flux-preflight',
    phase: 'control-plane',
    title: 'Flux preflight',
    why: 'Before installing Flux, its CLI checks that the cluster is reachable and recent enough.',
    dependsOn: ['k3d-cluster'],
    estimateSeconds: 3,
    inputs: [],
    commands: (i) => [{ argv: ['flux', 'check', '--pre', `--context=k3d-${k3d(i)}`] }],
  },
  {
    id: 'flux-bootstrap',
    phase: 'control-plane',
    title: 'Bootstrap Flux',
    why:
      'Flux installs its controllers and commits their manifests to your repository, then keeps the cluster in sync with it. ' +
      'From now on, a push is how you change the cluster.',
    dependsOn: ['flux-preflight', 'github-access'],
    estimateSeconds: 60,
    inputs: ['github.owner', 'github.repository', 'github.personal'],
    commands: (i) => [bootstrapCommand(i, `k3d-${k3d(i)}`, `clusters/k3d-${k3d(i)}`)],
  },
  {
    id: 'clone',
    phase: 'repository',
    title: 'Clone the repository',
    why: 'You edit the desired state in a local clone; Flux applies what you push.',
    dependsOn: ['flux-bootstrap'],
    estimateSeconds: 3,
    inputs: ['workspaceDir'],
    commands: (i) => [{ argv: ['git', 'clone', `https://github.com/${owner(i)}/${repo(i)}.git`, i.workspaceDir || repo(i)] }],
  },
  {
    id: 'scaffold',
    phase: 'repository',
    title: 'Scaffold the repository',
    why:
      'The repository gets one folder per concern (apps, clusters, infrastructure, observability, security), each with a base ' +
      'and one overlay per cluster, so both clusters share what they can.',
    dependsOn: ['clone'],
    estimateSeconds: 5,
    inputs: ['workspaceDir', 'gcp.project', 'gcp.zone', 'clusters.k3dName', 'clusters.gkeName'],
    commands: (i) => [
      { argv: ['kubectl', 'kustomize', '<folder>'], note: 'the pre-push checks: every kustomization builds, manifests match their schemas, no secret in clear' },
      { argv: ['git', '-C', workspace(i), 'add', '--', '<scaffold files>'] },
      { argv: ['git', '-C', workspace(i), 'commit', '-m', 'Scaffold the GitOps repository (GitOps Lab)'] },
      { argv: ['git', '-C', workspace(i), 'push', 'origin', 'main'], env: ['GITHUB_TOKEN'] },
      { argv: ['flux', 'reconcile', 'kustomization', 'flux-system', '--with-source', `--context=k3d-${k3d(i)}`] },
    ],
  },
  {
    id: 'sealed-secrets',
    phase: 'security',
    title: 'Sealed Secrets',
    why:
      'Secrets must not sit in Git in clear text. The Sealed Secrets controller holds a private key in the cluster; you encrypt ' +
      'with its public key, and only that cluster can decrypt.',
    dependsOn: ['scaffold'],
    estimateSeconds: 45,
    inputs: [],
    commands: (i) => [
      {
        argv: ['flux', 'reconcile', 'kustomization', 'flux-system', '--with-source', `--context=k3d-${k3d(i)}`],
        note: 'then the app watches HelmRelease kube-system/sealed-secrets until it is Ready',
      },
    ],
  },
  {
    id: 'test-seal',
    phase: 'security',
    title: 'Try sealing a secret',
    why: 'A harmless secret shows the round trip: sealed on your laptop, decrypted by the controller into a real Secret.',
    dependsOn: ['sealed-secrets'],
    estimateSeconds: 10,
    inputs: [],
    commands: (i) => [
      {
        pipeFrom: ['kubectl', 'create', 'secret', 'generic', 'foobar', '-n', 'default', '--from-literal=foo=bar', '--dry-run=client', '-o', 'yaml'],
        argv: ['kubeseal', '--format', 'yaml', '--namespace', 'default', `--context=k3d-${k3d(i)}`],
        note: `piped on into kubectl apply -f - --context=k3d-${k3d(i)}; the app waits for Secret default/foobar`,
      },
      { argv: ['kubectl', 'delete', 'sealedsecret', 'foobar', '-n', 'default', '--ignore-not-found', `--context=k3d-${k3d(i)}`] },
    ],
  },
  {
    id: 'seal-gcp-creds',
    phase: 'security',
    title: 'Seal the GCP key',
    why:
      'Crossplane needs the service-account key inside the cluster. Only its sealed form is committed: the key itself never ' +
      'reaches Git, a log or the app\'s files.',
    dependsOn: ['test-seal', 'gcp-credentials'],
    estimateSeconds: 10,
    inputs: ['gcp.keyFile', 'workspaceDir'],
    commands: (i) => [
      {
        pipeFrom: ['kubectl', 'create', 'secret', 'generic', 'gcp-creds', '-n', 'crossplane-system', `--from-file=creds=${i.gcp?.keyFile || './crossplane.json'}`, '--dry-run=client', '-o', 'yaml'],
        argv: ['kubeseal', '--format', 'yaml', '--namespace', 'crossplane-system', `--context=k3d-${k3d(i)}`],
        outputFile: `${workspace(i)}/infrastructure/k3d-${k3d(i)}/crossplane/configuration/sealedsecret.yaml`,
      },
      { argv: ['git', '-C', workspace(i), 'commit', '-m', 'Add the sealed GCP credentials for Crossplane (GitOps Lab)'], note: 'after the pre-push checks, with the updated kustomization' },
      { argv: ['git', '-C', workspace(i), 'push', 'origin', 'main'], env: ['GITHUB_TOKEN'] },
      { argv: ['flux', 'reconcile', 'kustomization', 'flux-system', '--with-source', `--context=k3d-${k3d(i)}`] },
    ],
  },
  {
    id: 'crossplane',
    phase: 'crossplane',
    title: 'Crossplane and the GCP provider',
    why:
      'Crossplane turns Kubernetes objects into cloud resources. Flux installs it, then the GCP providers, then their ' +
      'configuration, each waiting for the previous one to be ready.',
    dependsOn: ['seal-gcp-creds'],
    estimateSeconds: 120,
    inputs: [],
    commands: (i) => [
      {
        argv: ['flux', 'reconcile', 'kustomization', 'flux-system', '--with-source', `--context=k3d-${k3d(i)}`],
        note: 'then the app watches crossplane-core, crossplane-provider and crossplane-configuration until each is Ready',
      },
      {
        argv: ['flux', 'reconcile', 'kustomization', 'crossplane-provider', `--context=k3d-${k3d(i)}`],
        note: 'for each link Flux holds for a dependency (crossplane-provider, then crossplane-configuration), as soon as its dependencies are Ready on the newest commit: Flux itself looks again only every 30 s (--requeue-dependency); if this fails, Flux still retries by itself and the app waits',
      },
      { argv: ['flux', 'get', 'kustomizations', `--context=k3d-${k3d(i)}`] },
    ],
  },
  {
    id: 'gke-cluster',
    phase: 'cloud',
    title: 'GKE dev cluster',
    why:
      'Three objects in Git - a network, a cluster and a node pool - become a real GKE cluster. Google takes about ten minutes ' +
      'to create it; the app shows its progress and what it costs.',
    dependsOn: ['crossplane'],
    estimateSeconds: 600,
    inputs: ['gcp.project', 'gcp.zone', 'clusters.gkeName', 'clusters.machineType', 'clusters.minNodes', 'clusters.maxNodes', 'clusters.preemptible', 'clusters.dataplaneV2'],
    commands: (i) => [
      {
        argv: ['flux', 'reconcile', 'kustomization', 'infrastructure-custom-resources', '--with-source', `--context=k3d-${k3d(i)}`],
        note: 'then the app watches the Network, Cluster and NodePool until Crossplane reports them Ready',
      },
      { argv: ['kubectl', 'get', 'clusters.container.gcp.upbound.io', `--context=k3d-${k3d(i)}`] },
      { argv: ['gcloud', 'container', 'clusters', 'list', '--format=json', `--project=${project(i)}`] },
    ],
  },
  {
    id: 'gke-credentials',
    phase: 'dev-cluster',
    title: 'Connect to the dev cluster',
    why: 'gcloud writes a kubeconfig context for the new cluster, so kubectl and flux can talk to it.',
    dependsOn: ['gke-cluster'],
    estimateSeconds: 5,
    inputs: ['gcp.project', 'gcp.zone', 'clusters.gkeName'],
    commands: (i) => [
      { argv: ['gcloud', 'container', 'clusters', 'get-credentials', gke(i), `--zone=${zone(i)}`, `--project=${project(i)}`] },
    ],
  },
  {
    id: 'flux-bootstrap-dev',
    phase: 'dev-cluster',
    title: 'Bootstrap Flux on the dev cluster',
    why: 'The dev cluster gets its own Flux, reading its own folder of the same repository.',
    dependsOn: ['gke-credentials'],
    estimateSeconds: 90,
    inputs: ['github.owner', 'github.repository', 'github.personal'],
    commands: (i) => [bootstrapCommand(i, `gke_${project(i)}_${zone(i)}_${gke(i)}`, `clusters/${gke(i)}`)],
  },
  {
    id: 'reseal-grafana',
    phase: 'dev-cluster',
    title: 'Seal Grafana\'s password for the dev cluster',
    why:
      'Each cluster has its own sealing key, so a secret sealed for the local cluster cannot be read on the dev cluster. ' +
      'The Grafana password is sealed again with the dev cluster\'s key.',
    dependsOn: ['flux-bootstrap-dev'],
    estimateSeconds: 40,
    inputs: ['workspaceDir', 'gcp.project', 'gcp.zone', 'clusters.gkeName'],
    commands: (i) => [
      { argv: ['flux', 'reconcile', 'kustomization', 'flux-system', '--with-source', `--context=gke_${project(i)}_${zone(i)}_${gke(i)}`], note: 'then the app waits for Kustomization security (the dev cluster\'s Sealed Secrets controller)' },
      {
        pipeFrom: [
          'kubectl', 'create', 'secret', 'generic', 'kube-prometheus-stack-grafana', '-n', 'observability', '--from-literal=admin-user=admin',
          '--from-literal=admin-password=$GRAFANA_ADMIN_PASSWORD', '--dry-run=client', '-o', 'yaml',
        ],
        argv: ['kubeseal', '--format', 'yaml', '--namespace', 'observability', `--context=gke_${project(i)}_${zone(i)}_${gke(i)}`],
        env: ['GRAFANA_ADMIN_PASSWORD'],
        outputFile: `${workspace(i)}/observability/${gke(i)}/kube-prometheus-stack/sealedsecret.yaml`,
        note: 'the app passes the password in a private temporary file (--from-file=admin-password=FILE), never on the command line; a random one when GRAFANA_ADMIN_PASSWORD is unset',
      },
      { argv: ['git', '-C', workspace(i), 'commit', '-m', "Seal Grafana's admin login for the dev cluster (GitOps Lab)"], note: 'after the pre-push checks, with the updated kustomization' },
      { argv: ['git', '-C', workspace(i), 'push', 'origin', 'main'], env: ['GITHUB_TOKEN'] },
      { argv: ['flux', 'reconcile', 'kustomization', 'flux-system', '--with-source', `--context=gke_${project(i)}_${zone(i)}_${gke(i)}`] },
    ],
  },
  {
    id: 'apps',
    phase: 'dev-cluster',
    title: 'Observability and the online boutique',
    why:
      'Flux on the dev cluster installs Prometheus and Grafana and, at the same time, the online-boutique demo shop. Its frontend gets a public ' +
      'address from a Google load balancer.',
    dependsOn: ['reseal-grafana'],
    estimateSeconds: 240,
    inputs: ['gcp.project', 'gcp.zone', 'clusters.gkeName'],
    commands: (i) => [
      {
        argv: ['flux', 'reconcile', 'kustomization', 'flux-system', '--with-source', `--context=gke_${project(i)}_${zone(i)}_${gke(i)}`],
        note: 'then the app watches security, observability and apps until each is Ready, and the Service until it has an address',
      },
      {
        argv: ['flux', 'reconcile', 'kustomization', 'observability', `--context=gke_${project(i)}_${zone(i)}_${gke(i)}`],
        note: 'if Flux holds observability for security: as soon as security is Ready on the newest commit, since Flux itself looks again only every 30 s (--requeue-dependency); if this fails, Flux still retries by itself and the app waits',
      },
      {
        argv: ['kubectl', 'get', 'svc', '-n', 'demo', 'frontend-external', '-o', "jsonpath={.status.loadBalancer.ingress[0].ip}", `--context=gke_${project(i)}_${zone(i)}_${gke(i)}`],
      },
    ],
  },
];
