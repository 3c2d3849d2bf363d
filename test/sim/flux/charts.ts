import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { GcpModel } from '../gcp/model.js';
import { readCrdFiles } from '../kube/crd-files.js';
import type { KubeApiServer, KubeObject, ObjectStore } from '../kube/types.js';
import { startSealedSecretsController } from '../sealed/controller.js';
import type { RsaKeyPair } from '../sealed/keys.js';
import type { Clock } from '../world/clock.js';
import type { Faults } from '../world/faults.js';
import { ensureNamespace, putWithStatus, readyDeployment } from './workloads.js';
import { CRD_ROOT } from '../shared-dir.js';

/**
 * What installing a Helm chart does to a simulated cluster. helm-controller calls `installChart`
 * when a HelmRelease is installed; the chart's workloads come from the built-in table below, and
 * other simulations (the Crossplane providers, the GCP load balancer behind `frontend-external`)
 * add behaviour by registering an `onChartInstalled` hook.
 */

export interface ChartRelease {
  /** HelmRelease name and namespace. */
  name: string;
  namespace: string;
  /** Where the chart's objects go: `spec.targetNamespace`, else the HelmRelease's namespace. */
  targetNamespace: string;
  chart: string;
  version: string;
  values: Record<string, unknown>;
}

export interface ChartContext {
  store: ObjectStore;
  server: Pick<KubeApiServer, 'registerServiceProxy'>;
  clock: Clock;
  faults: Faults;
  /** The world's Google Cloud (absent in tests that start a bare cluster). */
  gcp?: GcpModel;
  /** The world's id of the cluster, e.g. `k3d-crossplane` or `gke_PROJECT_ZONE_NAME`. */
  clusterId: string;
  release: ChartRelease;
  /** Fields that mark an object as the release's, as Helm labels and annotates what it installs. */
  ownerLabels: Record<string, string>;
  /** Runs when the cluster's controllers stop (world shutdown, cluster deleted). */
  onStop(cleanup: () => void | Promise<void>): void;
  /** Called with true when the `controller-crash` fault takes the cluster's controllers down, false when they restart. */
  onCrash?(listener: (crashed: boolean) => void): void;
  /** Bits of a generated sealing key; the real 4096, tests may lower it to spare the CPU. */
  sealingKeyBits?: number;
  /** An RSA pair of `sealingKeyBits` the cluster made ahead of time for its sealing key. */
  takeSealingKeyPair?: () => Promise<RsaKeyPair>;
}

export type ChartHook = (chart: string, ctx: ChartContext) => void | Promise<void>;

const hooks = new Set<ChartHook>();

/**
 * Adds a hook run after every chart install (every chart: the hook checks the name); returns its
 * removal. A restarted world runs it again for releases already installed, so it must be idempotent.
 */
export function onChartInstalled(hook: ChartHook): () => void {
  hooks.add(hook);
  return () => hooks.delete(hook);
}

export { CRD_ROOT };

function crdsIn(folder: string): KubeObject[] {
  const dir = join(process.env.LAB_SIM_CRDS ?? CRD_ROOT, folder);
  return readCrdFiles(readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => join(dir, f)));
}

/** Creates CRDs that are missing; an existing CRD is left as it is, as Helm leaves `crds/` alone on upgrade. */
export function installCrds(store: ObjectStore, folder: string): void {
  for (const crd of crdsIn(folder)) {
    if (!store.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, crd.metadata.name)) store.create(crd);
  }
}

function deploy(ctx: ChartContext, name: string, image: string, extraLabels: Record<string, string> = {}): void {
  putWithStatus(ctx.store, readyDeployment({ name, namespace: ctx.release.targetNamespace, image, labels: extraLabels, ownerLabels: ctx.ownerLabels }), 'helm-controller');
}

function service(ctx: ChartContext, name: string, spec: Record<string, unknown>): void {
  ctx.store.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ctx.release.targetNamespace, labels: ctx.ownerLabels }, spec }, 'helm-controller');
}

type BuiltinChart = (ctx: ChartContext) => Promise<void> | void;

const BOUTIQUE_SERVICES = [
  'adservice', 'cartservice', 'checkoutservice', 'currencyservice', 'emailservice', 'frontend',
  'paymentservice', 'productcatalogservice', 'recommendationservice', 'shippingservice', 'redis-cart',
];

const builtinCharts: Record<string, BuiltinChart> = {
  'sealed-secrets': async (ctx) => {
    installCrds(ctx.store, 'sealed-secrets');
    const fullname = typeof ctx.release.values.fullnameOverride === 'string' ? ctx.release.values.fullnameOverride : ctx.release.name;
    deploy(ctx, fullname, 'docker.io/bitnami/sealed-secrets-controller:0.36.6', { 'app.kubernetes.io/instance': ctx.release.name });
    const controller = await startSealedSecretsController({
      store: ctx.store,
      server: ctx.server,
      namespace: ctx.release.targetNamespace,
      name: fullname,
      ...(ctx.sealingKeyBits ? { keyBits: ctx.sealingKeyBits } : {}),
      ...(ctx.takeSealingKeyPair ? { takeKeyPair: ctx.takeSealingKeyPair } : {}),
      crashRecoveryMs: 30_000 * ctx.clock.scale,
    });
    ctx.onStop(() => controller.close());
    ctx.onCrash?.((crashed) => controller.setFault('controller-crash', crashed));
  },
  crossplane: (ctx) => {
    installCrds(ctx.store, 'crossplane');
    deploy(ctx, 'crossplane', `xpkg.crossplane.io/crossplane/crossplane:v${ctx.release.version.replace(/^v/, '')}`, { app: 'crossplane' });
    deploy(ctx, 'crossplane-rbac-manager', `xpkg.crossplane.io/crossplane/crossplane:v${ctx.release.version.replace(/^v/, '')}`, { app: 'crossplane-rbac-manager' });
  },
  'kube-prometheus-stack': (ctx) => {
    const release = ctx.release.name;
    deploy(ctx, `${release}-operator`, 'quay.io/prometheus-operator/prometheus-operator:v0.86.0');
    deploy(ctx, `${release}-grafana`, 'docker.io/grafana/grafana:12.2.0');
    deploy(ctx, `${release}-kube-state-metrics`, 'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.17.0');
    service(ctx, `${release}-grafana`, { type: 'ClusterIP', ports: [{ name: 'http-web', port: 80, protocol: 'TCP', targetPort: 3000 }], selector: { 'app.kubernetes.io/name': `${release}-grafana` } });
  },
  onlineboutique: (ctx) => {
    for (const name of BOUTIQUE_SERVICES) {
      deploy(ctx, name, `us-central1-docker.pkg.dev/google-samples/microservices-demo/${name}:v0.10.3`, { app: name });
      service(ctx, name, { type: 'ClusterIP', ports: [{ name: 'grpc', port: name === 'frontend' ? 80 : 8080, protocol: 'TCP', targetPort: 8080 }], selector: { app: name } });
    }
    // The external address is assigned by whoever simulates the cloud load balancer (a hook).
    service(ctx, 'frontend-external', { type: 'LoadBalancer', ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }], selector: { app: 'frontend' } });
  },
};

/** Chart names the simulator knows how to install; any other chart installs nothing but a Deployment. */
export function knownCharts(): string[] {
  return Object.keys(builtinCharts).sort();
}

/** Installs the chart's simulated workloads, then runs every registered hook. */
export async function installChart(ctx: ChartContext): Promise<void> {
  ensureNamespace(ctx.store, ctx.release.targetNamespace);
  const builtin = builtinCharts[ctx.release.chart];
  if (builtin) await builtin(ctx);
  else deploy(ctx, ctx.release.name, `example.invalid/${ctx.release.chart}:${ctx.release.version}`);
  for (const hook of [...hooks]) await hook(ctx.release.chart, ctx);
}
