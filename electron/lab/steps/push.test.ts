import { describe, expect, it } from 'vitest';
import { labInputsSchema } from '../../api/inputs';
import type { StepContext } from '../plan/step';
import { contextsConcerned } from './push';

const inputs = labInputsSchema.parse({
  github: { owner: 'octo-learner' },
  gcp: { project: 'lab-project-4711' },
  clusters: { k3dName: 'crossplane', gkeName: 'dev-cluster', machineType: 'e2-standard-2', minNodes: 1, maxNodes: 3, preemptible: true, dataplaneV2: false },
  workspaceDir: '/tmp/unused',
});
const DEV = 'gke_lab-project-4711_europe-west9-a_dev-cluster';

/** A step context that knows only the inputs and whether Flux was bootstrapped on the dev cluster. */
function contextWith(devBootstrapped: boolean): StepContext {
  return { inputs, outputsOf: (id: string) => (id === 'flux-bootstrap-dev' && devBootstrapped ? { context: DEV, path: 'clusters/dev-cluster' } : undefined) } as unknown as StepContext;
}

describe('contextsConcerned: whose Flux a push asks to reconcile', () => {
  it('asks only the dev cluster for a commit confined to its folders (and the app record)', () => {
    const files = ['observability/dev-cluster/kube-prometheus-stack/sealedsecret.yaml', 'observability/dev-cluster/kustomization.yaml', '.gitops-lab/scaffold.json'];
    expect(contextsConcerned(contextWith(true), files)).toEqual([DEV]);
  });

  it('asks the local cluster while the dev cluster has no Flux yet, even for the dev folders', () => {
    expect(contextsConcerned(contextWith(false), ['observability/dev-cluster/kustomization.yaml'])).toEqual(['k3d-crossplane']);
  });

  it('asks both for a commit that touches both, the local one first', () => {
    expect(contextsConcerned(contextWith(true), ['security/dev-cluster/kustomization.yaml', 'security/base/release.yaml'])).toEqual(['k3d-crossplane', DEV]);
  });

  it('asks the local cluster when the files are not known (a commit of an earlier attempt)', () => {
    expect(contextsConcerned(contextWith(true), [])).toEqual(['k3d-crossplane']);
  });

  it('asks no one when only the app record changed', () => {
    expect(contextsConcerned(contextWith(true), ['.gitops-lab/scaffold.json'])).toEqual([]);
  });
});
