/**
 * Versions the scaffold pins (LAB.md section 2, current column). Pinned rather than ranged so a
 * lab run today and one next month install the same thing, and the CRD bundle in
 * assets/crd-schemas.json matches what the clusters will serve.
 */
export const VERSIONS = {
  sealedSecretsChart: '2.18.5',
  crossplaneChart: '2.3.4',
  /** Upbound GCP family provider; v3 serves the cluster-scoped GKE kinds at v1beta2 only. */
  gcpProvider: 'v3.0.0',
  kubePrometheusStackChart: '81.6.2',
  /** online-boutique's chart tags have no `v`; 0.10 is the current minor line. */
  onlineBoutiqueChart: '0.10.x',
} as const;

export const CHART_REPOSITORIES = {
  sealedSecrets: 'https://bitnami-labs.github.io/sealed-secrets',
  crossplane: 'https://charts.crossplane.io/stable',
  prometheusCommunity: 'https://prometheus-community.github.io/helm-charts',
  onlineBoutique: 'oci://us-docker.pkg.dev/online-boutique-ci/charts/onlineboutique',
} as const;

/** Flux API versions served by Flux 2.9 (the v1beta2 / v2beta1 forms of the tutorial are removed). */
export const FLUX_API = {
  kustomization: 'kustomize.toolkit.fluxcd.io/v1',
  helmRelease: 'helm.toolkit.fluxcd.io/v2',
  source: 'source.toolkit.fluxcd.io/v1',
} as const;
