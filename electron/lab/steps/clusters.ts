/**
 * Where the cloud steps act: the k3d and GKE contexts the lab's inputs name, kube targets with
 * the steps' environment, and the reference of a Flux Kustomization in flux-system.
 */
import type { LabInputs } from '../../api/inputs';
import type { KubeTarget } from '../kube/config';
import { k3dContext } from '../tools/k3d';
import { k3dName, type StepDeps } from './deps';

export const kustomizationRef = (name: string) => ({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', namespace: 'flux-system', name }) as const;

export const gkeName = (inputs: Partial<LabInputs>): string => inputs.clusters?.gkeName || 'dev-cluster';

/** The context `gcloud container clusters get-credentials` writes: gke_PROJECT_ZONE_NAME. */
export function gkeContext(inputs: Partial<LabInputs>): string {
  const project = inputs.gcp?.project;
  if (!project) throw new Error('gcp.project is empty: enter your Google Cloud project id.');
  return `gke_${project}_${inputs.gcp?.zone || 'europe-west9-a'}_${gkeName(inputs)}`;
}

export const localContext = (inputs: Partial<LabInputs>): string => k3dContext(k3dName(inputs));

export const targetOf = (context: string, deps: StepDeps): KubeTarget => ({ context, ...(deps.env ? { env: deps.env } : {}) });
