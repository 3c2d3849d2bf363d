import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { derivedText } from './derived-text.js';
import type { KubeObject, ObjectStore } from '../kube/types.js';
import { CRD_ROOT } from './charts.js';
import { FLUX_NAMESPACE } from './meta.js';
import { putWithStatus, readyDeployment } from './workloads.js';

/**
 * Flux's own components, as `flux install` / `flux bootstrap` put them in `gotk-components.yaml`:
 * the flux-system namespace, the Flux CRDs and the four default controllers.
 */

export const FLUX_VERSION = '2.9.4';

export const CONTROLLERS = [
  { name: 'helm-controller', image: 'ghcr.io/fluxcd/helm-controller:v1.6.3' },
  { name: 'kustomize-controller', image: 'ghcr.io/fluxcd/kustomize-controller:v1.9.4' },
  { name: 'notification-controller', image: 'ghcr.io/fluxcd/notification-controller:v1.9.2' },
  { name: 'source-controller', image: 'ghcr.io/fluxcd/source-controller:v1.9.3' },
] as const;

export type FluxControllerName = (typeof CONTROLLERS)[number]['name'];

const PART_OF = { 'app.kubernetes.io/instance': FLUX_NAMESPACE, 'app.kubernetes.io/part-of': 'flux', 'app.kubernetes.io/version': `v${FLUX_VERSION}` };

function fluxCrdFiles(): string[] {
  const dir = join(process.env.LAB_SIM_CRDS ?? CRD_ROOT, 'flux');
  return readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => join(dir, f));
}

/** The Flux CRDs with the labels `flux install` adds. */
export function fluxCrds(): KubeObject[] {
  const crds: KubeObject[] = [];
  for (const file of fluxCrdFiles()) {
    const text = readFileSync(file, 'utf8');
    const documents = JSON.parse(derivedText('yaml-documents.json', text, () => JSON.stringify(parseAllDocuments(text).map((doc) => doc.toJS({ maxAliasCount: -1 }) as unknown)))) as Array<KubeObject | null>;
    for (const crd of documents) {
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      const group = String(crd.metadata.name).split('.')[1] ?? 'source';
      crd.metadata.labels = { ...(crd.metadata.labels ?? {}), ...PART_OF, 'app.kubernetes.io/component': `${group}-controller` };
      crds.push(crd);
    }
  }
  return crds;
}

/** Every object of gotk-components.yaml; Deployments without status, as a manifest has them. */
export function fluxComponents(): KubeObject[] {
  const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: FLUX_NAMESPACE, labels: { ...PART_OF, 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/warn-version': 'latest' } } };
  const objects: KubeObject[] = [ns, ...fluxCrds()];
  for (const c of CONTROLLERS) {
    const labels = { ...PART_OF, 'app.kubernetes.io/component': c.name, 'control-plane': 'controller' };
    objects.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: c.name, namespace: FLUX_NAMESPACE, labels } });
    if (c.name === 'source-controller' || c.name === 'notification-controller') {
      objects.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: c.name, namespace: FLUX_NAMESPACE, labels },
        spec: { type: 'ClusterIP', ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }], selector: { app: c.name } },
      });
    }
    const deployment = readyDeployment({ name: c.name, namespace: FLUX_NAMESPACE, image: c.image, labels: { app: c.name }, ownerLabels: labels });
    delete deployment.status;
    const podSpec = ((deployment.spec as { template: { spec: { containers: Array<Record<string, unknown>> } } }).template.spec);
    podSpec.containers = [{ name: 'manager', image: c.image, args: ['--events-addr=http://notification-controller.flux-system.svc.cluster.local./', '--watch-all-namespaces=true', '--log-level=info', '--log-encoding=json', '--enable-leader-election'], ports: [{ containerPort: 9090, name: 'http', protocol: 'TCP' }] }];
    (podSpec as Record<string, unknown>).serviceAccountName = c.name;
    objects.push(deployment);
  }
  return objects;
}

/**
 * Installs Flux directly into a store (what `flux install` ends with once the pods run):
 * CRDs first, then namespace, service accounts, services and Ready Deployments.
 */
export function installFlux(store: ObjectStore): void {
  const objects = fluxComponents();
  const ordered = [...objects.filter((o) => o.kind === 'CustomResourceDefinition'), ...objects.filter((o) => o.kind !== 'CustomResourceDefinition')];
  for (const object of ordered) {
    if (object.kind === 'Deployment') {
      const image = ((object.spec as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec.containers[0]?.image) ?? '';
      const ready = readyDeployment({ name: object.metadata.name, namespace: FLUX_NAMESPACE, image, labels: { app: object.metadata.name } });
      putWithStatus(store, { ...object, status: ready.status }, 'flux');
    } else store.apply(object, 'flux');
  }
}
