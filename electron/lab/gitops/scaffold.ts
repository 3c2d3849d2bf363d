/**
 * The lab's GitOps repository as data: repository path -> file content, on current versions
 * (LAB.md section 2). Pure: the writer (write.ts) decides what reaches the clone.
 *
 * Layout: apps/ clusters/ infrastructure/ observability/ security/, each with base/ and one
 * overlay per cluster (`k3d-<k3dName>` and `<gkeName>`); overlays list their bases under
 * `resources:` (kustomize's `bases:` is deprecated).
 *
 * Sealed files: `sealedsecret.yaml` files are produced later by the sealing steps (each
 * cluster seals with its own key). A kustomization that listed a missing file would fail to
 * build, so the scaffold lists a sealed file only when `sealed` says it exists; the writer
 * fills `sealed` from the clone, so rewriting the scaffold after sealing adds the entry.
 */
import type { LabInputs } from '../../api/inputs';
import { CHART_REPOSITORIES, FLUX_API, VERSIONS } from './versions';
import { yamlFile } from './yaml-file';

export interface ScaffoldOptions {
  /** Sealed files already present in the clone (paths from sealedSecretPaths). */
  sealed?: { gcpCreds?: boolean; grafana?: boolean };
  /** Value of the `lab` label on cloud resources, so a cleanup can find everything a run made. */
  session?: string;
}

/**
 * The session label's value, valid both on GCP (values: lower case letters, digits, `-`, `_`, at most
 * 63; unlike keys they may start with a digit) and on Kubernetes objects (alphanumeric at both ends).
 */
const GCP_LABEL = /^[a-z0-9]([-_a-z0-9]{0,61}[a-z0-9])?$/;

export const PROVIDER_HEALTHY_EXPR = "status.conditions.exists(e, e.type == 'Healthy' && e.status == 'True')";

/**
 * The upjet GCP family's own provider, which the members depend on and which, not the members,
 * serves ProviderConfig. Crossplane's package manager would install it by itself under this name
 * (organisation and package); the repository declares it so that Flux waits for it to be Healthy
 * like the members (`wait: true` checks only what the Kustomization applies, and ignores
 * `healthChecks`), pins its version, and prunes it with them.
 */
export const GCP_FAMILY_PROVIDER = 'upbound-provider-family-gcp';

/** Every Provider the repository installs: Crossplane can act on the lab's resources when all are Healthy. */
export const LAB_PROVIDERS = [GCP_FAMILY_PROVIDER, 'provider-gcp-container', 'provider-gcp-compute'] as const;

export function clusterDirs(inputs: LabInputs): { k3d: string; gke: string } {
  return { k3d: `k3d-${inputs.clusters.k3dName}`, gke: inputs.clusters.gkeName };
}

/** Where the sealing steps write their output (LAB.md steps 11 and 15). */
export function sealedSecretPaths(inputs: LabInputs): { gcpCreds: string; grafana: string } {
  const { k3d, gke } = clusterDirs(inputs);
  return {
    gcpCreds: `infrastructure/${k3d}/crossplane/configuration/sealedsecret.yaml`,
    grafana: `observability/${gke}/kube-prometheus-stack/sealedsecret.yaml`,
  };
}

/** Path of the kustomization whose `- cluster.yaml` entry the cleanup comments out. */
export function customResourcesKustomization(inputs: LabInputs): string {
  return `infrastructure/${clusterDirs(inputs).k3d}/custom-resources/crossplane/kustomization.yaml`;
}

export function scaffoldFiles(inputs: LabInputs, options: ScaffoldOptions = {}): Map<string, string> {
  const session = options.session ?? 'gitops-lab';
  if (!GCP_LABEL.test(session)) throw new Error(`session label "${session}" is not a valid GCP label value`);
  const { k3d, gke } = clusterDirs(inputs);
  const sealed = sealedSecretPaths(inputs);
  const files = new Map<string, string>();
  const add = (path: string, content: string): void => {
    if (files.has(path)) throw new Error(`scaffold defines ${path} twice`);
    files.set(path, content);
  };

  // clusters/: what each cluster's Flux syncs, in which order.
  add(`clusters/${k3d}/security.yaml`, yamlFile(`Flux on ${k3d}: Sealed Secrets first, everything sealed depends on it.`, securityKustomization(k3d)));
  add(`clusters/${k3d}/infrastructure.yaml`, yamlFile(`Flux on ${k3d}: Crossplane, its GCP provider and config, then the GKE resources, each after the previous is ready.`, ...crossplaneChain(k3d)));
  add(`clusters/${gke}/security.yaml`, yamlFile(`Flux on ${gke}: Sealed Secrets for this cluster's own sealing key.`, securityKustomization(gke)));
  add(`clusters/${gke}/observability.yaml`, yamlFile(`Flux on ${gke}: kube-prometheus-stack, after Sealed Secrets can decrypt Grafana's Secret.`, fluxKustomization('observability', `./observability/${gke}`, { dependsOn: [{ name: 'security' }], wait: true, timeout: '15m' })));
  add(`clusters/${gke}/apps.yaml`, yamlFile(`Flux on ${gke}: the demo shop, beside observability (it needs nothing from it), so its address comes sooner.`, fluxKustomization('apps', `./apps/${gke}`, { wait: true, timeout: '15m' })));

  // security/: Sealed Secrets on both clusters.
  add('security/base/sealed-secrets/kustomization.yaml', kustomization('Sealed Secrets: chart source and release, shared by every cluster.', ['source.yaml', 'helmrelease.yaml']));
  add('security/base/sealed-secrets/source.yaml', yamlFile('Helm repository of the Sealed Secrets chart.', helmRepository('sealed-secrets', 'kube-system', CHART_REPOSITORIES.sealedSecrets)));
  add('security/base/sealed-secrets/helmrelease.yaml', yamlFile('Sealed Secrets controller, named as kubeseal expects by default.', sealedSecretsRelease()));
  for (const cluster of [k3d, gke]) {
    add(`security/${cluster}/kustomization.yaml`, kustomization(`Security components on ${cluster}.`, ['../base/sealed-secrets']));
  }

  // infrastructure/: Crossplane on the k3d cluster, which provisions the GKE cluster.
  add('infrastructure/base/crossplane/core/kustomization.yaml', kustomization('Crossplane itself: namespace, chart source and release.', ['namespace.yaml', 'source.yaml', 'helmrelease.yaml']));
  add('infrastructure/base/crossplane/core/namespace.yaml', yamlFile('Namespace of Crossplane, its providers and their credentials.', namespace('crossplane-system')));
  add('infrastructure/base/crossplane/core/source.yaml', yamlFile('Helm repository of the Crossplane chart.', helmRepository('crossplane', 'crossplane-system', CHART_REPOSITORIES.crossplane)));
  add('infrastructure/base/crossplane/core/helmrelease.yaml', yamlFile('Crossplane core controller.', crossplaneRelease()));
  add('infrastructure/base/crossplane/provider/kustomization.yaml', kustomization('Crossplane GCP providers (Upbound family) for GKE and networks.', ['providers.yaml']));
  add('infrastructure/base/crossplane/provider/providers.yaml', yamlFile('GCP providers and their family provider; Crossplane 2 has no default registry, so packages are fully qualified.', familyProvider(), provider('container'), provider('compute')));
  add(`infrastructure/${k3d}/crossplane/core/kustomization.yaml`, kustomization(`Crossplane on ${k3d}.`, ['../../../base/crossplane/core']));
  add(`infrastructure/${k3d}/crossplane/provider/kustomization.yaml`, kustomization(`Crossplane GCP providers on ${k3d}.`, ['../../../base/crossplane/provider']));
  add(
    `infrastructure/${k3d}/crossplane/configuration/kustomization.yaml`,
    kustomization(`GCP provider configuration on ${k3d}; the sealed key is listed once the sealing step wrote it.`, ['providerconfig.yaml', ...(options.sealed?.gcpCreds ? [basename(sealed.gcpCreds)] : [])]),
  );
  add(`infrastructure/${k3d}/crossplane/configuration/providerconfig.yaml`, yamlFile('Default GCP provider configuration: your project, the key from Secret crossplane-system/gcp-creds.', providerConfig(inputs)));
  add(customResourcesKustomization(inputs), kustomization(`GCP resources Crossplane manages; comment out cluster.yaml to delete the GKE cluster.`, ['network.yaml', 'cluster.yaml', 'nodepool.yaml']));
  add(`infrastructure/${k3d}/custom-resources/crossplane/network.yaml`, yamlFile(`VPC network of ${gke}, with automatic subnetworks.`, network(session)));
  add(`infrastructure/${k3d}/custom-resources/crossplane/cluster.yaml`, yamlFile(`GKE cluster ${gke}; its node pool is in nodepool.yaml.`, gkeCluster(inputs, session)));
  add(`infrastructure/${k3d}/custom-resources/crossplane/nodepool.yaml`, yamlFile(`Autoscaled node pool of ${gke}.`, nodePool(inputs, session)));
  add(`infrastructure/${gke}/kustomization.yaml`, emptyOverlay(gke, 'infrastructure'));

  // observability/: kube-prometheus-stack on the dev cluster.
  add('observability/base/kube-prometheus-stack/kustomization.yaml', kustomization('kube-prometheus-stack: namespace, chart source and release.', ['namespace.yaml', 'source.yaml', 'helmrelease.yaml']));
  add('observability/base/kube-prometheus-stack/namespace.yaml', yamlFile('Namespace of the monitoring stack.', namespace('observability')));
  add('observability/base/kube-prometheus-stack/source.yaml', yamlFile('Helm repository of the Prometheus community charts.', helmRepository('prometheus-community', 'observability', CHART_REPOSITORIES.prometheusCommunity)));
  add('observability/base/kube-prometheus-stack/helmrelease.yaml', yamlFile('Prometheus, Alertmanager and Grafana; Grafana reads its admin login from a sealed Secret.', kubePrometheusStackRelease()));
  add(`observability/${gke}/kustomization.yaml`, kustomization(`Observability on ${gke}.`, ['kube-prometheus-stack']));
  add(
    `observability/${gke}/kube-prometheus-stack/kustomization.yaml`,
    kustomization(`kube-prometheus-stack on ${gke}; Grafana's sealed Secret is listed once the sealing step wrote it.`, ['../../base/kube-prometheus-stack', ...(options.sealed?.grafana ? [basename(sealed.grafana)] : [])]),
  );
  add(`observability/${k3d}/kustomization.yaml`, emptyOverlay(k3d, 'observability'));

  // apps/: the demo shop on the dev cluster.
  add('apps/base/online-boutique/kustomization.yaml', kustomization('online-boutique demo shop: namespace, chart source and release.', ['namespace.yaml', 'source.yaml', 'helmrelease.yaml']));
  add('apps/base/online-boutique/namespace.yaml', yamlFile('Namespace of the demo shop.', namespace('demo')));
  add('apps/base/online-boutique/source.yaml', yamlFile("online-boutique's Helm chart, published as an OCI artifact.", onlineBoutiqueSource()));
  add('apps/base/online-boutique/helmrelease.yaml', yamlFile('online-boutique; its frontend-external LoadBalancer Service gives the shop an address.', onlineBoutiqueRelease()));
  add(`apps/${gke}/kustomization.yaml`, kustomization(`Applications on ${gke}.`, ['../base/online-boutique']));
  add(`apps/${k3d}/kustomization.yaml`, emptyOverlay(k3d, 'apps'));

  return files;
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function kustomization(comment: string, resources: string[]): string {
  return yamlFile(comment, { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources });
}

/** Keeps the one-overlay-per-cluster layout visible in git, which does not store empty folders. */
function emptyOverlay(cluster: string, area: string): string {
  return kustomization(`${area} on ${cluster}: nothing yet; list resources here to add some.`, []);
}

function fluxKustomization(name: string, path: string, extra: Record<string, unknown> = {}): object {
  return {
    apiVersion: FLUX_API.kustomization,
    kind: 'Kustomization',
    metadata: { name, namespace: 'flux-system' },
    spec: {
      interval: '10m',
      // Failed applies are retried sooner than the interval: a dependency may just be late.
      retryInterval: '1m',
      timeout: '5m',
      path,
      prune: true,
      sourceRef: { kind: 'GitRepository', name: 'flux-system' },
      ...extra,
    },
  };
}

function securityKustomization(cluster: string): object {
  // wait: Ready only once the controller runs and the SealedSecret CRD is served.
  return fluxKustomization('security', `./security/${cluster}`, { wait: true });
}

/**
 * The ordering races of LAB.md section 5 closed: each step waits for the previous one's
 * objects to be healthy, the provider step waits until the Providers it applies, the family
 * provider among them, report Healthy (their CRDs are served then), and the configuration also
 * waits for the SealedSecret CRD (`security`).
 */
function crossplaneChain(k3d: string): object[] {
  const base = `./infrastructure/${k3d}`;
  return [
    fluxKustomization('crossplane-core', `${base}/crossplane/core`, { wait: true, timeout: '10m' }),
    fluxKustomization('crossplane-provider', `${base}/crossplane/provider`, {
      dependsOn: [{ name: 'crossplane-core' }],
      wait: true,
      timeout: '10m',
      healthCheckExprs: [{ apiVersion: 'pkg.crossplane.io/v1', kind: 'Provider', current: PROVIDER_HEALTHY_EXPR }],
    }),
    fluxKustomization('crossplane-configuration', `${base}/crossplane/configuration`, {
      dependsOn: [{ name: 'crossplane-provider' }, { name: 'security' }],
      wait: true,
    }),
    // No wait: a GKE cluster takes about ten minutes; its progress is followed on the objects.
    fluxKustomization('infrastructure-custom-resources', `${base}/custom-resources`, {
      dependsOn: [{ name: 'crossplane-configuration' }],
    }),
  ];
}

function namespace(name: string): object {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

function helmRepository(name: string, ns: string, url: string): object {
  return { apiVersion: FLUX_API.source, kind: 'HelmRepository', metadata: { name, namespace: ns }, spec: { interval: '1h', url } };
}

function helmRelease(name: string, ns: string, chart: string, version: string, repository: string, extra: Record<string, unknown>): object {
  return {
    apiVersion: FLUX_API.helmRelease,
    kind: 'HelmRelease',
    metadata: { name, namespace: ns },
    spec: {
      interval: '30m',
      chart: { spec: { chart, version, sourceRef: { kind: 'HelmRepository', name: repository } } },
      install: { crds: 'Create' },
      upgrade: { crds: 'CreateReplace' },
      ...extra,
    },
  };
}

function sealedSecretsRelease(): object {
  // kubeseal looks for `sealed-secrets-controller` unless told otherwise (LAB.md section 5).
  return helmRelease('sealed-secrets', 'kube-system', 'sealed-secrets', VERSIONS.sealedSecretsChart, 'sealed-secrets', { values: { fullnameOverride: 'sealed-secrets-controller' } });
}

function crossplaneRelease(): object {
  return helmRelease('crossplane', 'crossplane-system', 'crossplane', VERSIONS.crossplaneChart, 'crossplane', {});
}

function familyProvider(): object {
  return {
    apiVersion: 'pkg.crossplane.io/v1',
    kind: 'Provider',
    metadata: { name: GCP_FAMILY_PROVIDER },
    spec: { package: `xpkg.upbound.io/upbound/provider-family-gcp:${VERSIONS.gcpProvider}` },
  };
}

function provider(service: 'container' | 'compute'): object {
  return {
    apiVersion: 'pkg.crossplane.io/v1',
    kind: 'Provider',
    metadata: { name: `provider-gcp-${service}` satisfies (typeof LAB_PROVIDERS)[number] },
    spec: { package: `xpkg.upbound.io/upbound/provider-gcp-${service}:${VERSIONS.gcpProvider}` },
  };
}

function providerConfig(inputs: LabInputs): object {
  return {
    apiVersion: 'gcp.upbound.io/v1beta1',
    kind: 'ProviderConfig',
    metadata: { name: 'default' },
    spec: {
      projectID: inputs.gcp.project,
      credentials: { source: 'Secret', secretRef: { namespace: 'crossplane-system', name: 'gcp-creds', key: 'creds' } },
    },
  };
}

function network(session: string): object {
  return {
    apiVersion: 'compute.gcp.upbound.io/v1beta1',
    kind: 'Network',
    metadata: { name: 'dev-network', labels: { lab: session } },
    spec: { forProvider: { autoCreateSubnetworks: true } },
  };
}

function gkeCluster(inputs: LabInputs, session: string): object {
  const { gkeName, dataplaneV2 } = inputs.clusters;
  return {
    apiVersion: 'container.gcp.upbound.io/v1beta2',
    kind: 'Cluster',
    metadata: { name: gkeName, labels: { lab: session } },
    spec: {
      forProvider: {
        location: inputs.gcp.zone,
        // The upbound Cluster defaults to true, which makes the cleanup's delete fail.
        deletionProtection: false,
        networkRef: { name: 'dev-network' },
        // GKE needs a node pool at creation; the managed one (nodepool.yaml) replaces it.
        removeDefaultNodePool: true,
        initialNodeCount: 1,
        resourceLabels: { lab: session },
        // GKE Dataplane V2 is Google's managed Cilium: no Cilium install, no node taints.
        ...(dataplaneV2 ? { datapathProvider: 'ADVANCED_DATAPATH' } : {}),
      },
    },
  };
}

function nodePool(inputs: LabInputs, session: string): object {
  const { gkeName, minNodes, maxNodes, machineType, preemptible } = inputs.clusters;
  return {
    apiVersion: 'container.gcp.upbound.io/v1beta2',
    kind: 'NodePool',
    metadata: { name: 'main-np', labels: { lab: session } },
    spec: {
      forProvider: {
        clusterRef: { name: gkeName },
        location: inputs.gcp.zone,
        initialNodeCount: minNodes,
        autoscaling: { minNodeCount: minNodes, maxNodeCount: maxNodes },
        nodeConfig: {
          machineType,
          preemptible,
          oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'],
          resourceLabels: { lab: session },
        },
      },
    },
  };
}

function kubePrometheusStackRelease(): object {
  return helmRelease('kube-prometheus-stack', 'observability', 'kube-prometheus-stack', VERSIONS.kubePrometheusStackChart, 'prometheus-community', {
    install: { crds: 'CreateReplace' },
    timeout: '10m',
    values: {
      // The Secret comes from sealedsecret.yaml (LAB.md step 15); the password never enters git in clear.
      grafana: { admin: { existingSecret: 'kube-prometheus-stack-grafana', userKey: 'admin-user', passwordKey: 'admin-password' } },
    },
  });
}

/**
 * OCIRepository + chartRef rather than the upstream release manifests: Flux pins and upgrades
 * the chart like the other releases, and values stay editable in one place.
 */
function onlineBoutiqueSource(): object {
  return {
    apiVersion: FLUX_API.source,
    kind: 'OCIRepository',
    metadata: { name: 'onlineboutique', namespace: 'demo' },
    spec: {
      interval: '1h',
      url: CHART_REPOSITORIES.onlineBoutique,
      ref: { semver: VERSIONS.onlineBoutiqueChart },
      layerSelector: { mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', operation: 'copy' },
    },
  };
}

function onlineBoutiqueRelease(): object {
  return {
    apiVersion: FLUX_API.helmRelease,
    kind: 'HelmRelease',
    metadata: { name: 'onlineboutique', namespace: 'demo' },
    spec: {
      interval: '30m',
      chartRef: { kind: 'OCIRepository', name: 'onlineboutique' },
      timeout: '10m',
      values: { frontend: { externalService: true } },
    },
  };
}
