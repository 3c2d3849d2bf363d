/**
 * Flux holding a Kustomization for a dependency is "not yet", never a failure: the GKE step goes
 * on when `flux reconcile` answers "dependency ... is not ready" because the dependency happened
 * to be reconciling, and the Crossplane check still finds a done chain done while one link waits
 * for another. Against a simulated k3d cluster's API server, with statuses written as
 * kustomize-controller writes them and a runner that answers as the flux CLI does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabInputs } from '../../api/inputs';
import { startTestWorld, type TestWorld } from '../../../test/sim/world/test-world';
import type { KubeApiServer, KubeObject } from '../../../test/sim/kube/types';
import { labSteps } from '../plan/lab-steps';
import { scriptedContext, type ScriptedContext } from './scripted-context';
import type { StepDefinition } from '../plan/step';
import { CommandError } from '../run/runner';
import { kustomizationsReady } from './flux-chain';
import type { CommandResult, CommandSpec } from '../run/types';

const KS = 'kustomize.toolkit.fluxcd.io/v1';
const context = 'k3d-lab';
const REV_A = 'main@sha1:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const REV_B = 'main@sha1:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const inputs = { clusters: { k3dName: 'lab', gkeName: 'dev-cluster' }, gcp: { project: 'lab-project', zone: 'europe-west9-a' } } as unknown as LabInputs;

let t: TestWorld;
let server: KubeApiServer;
let steps: StepDefinition[];

function kustomization(name: string, dependsOn: string[] = []): KubeObject {
  return {
    apiVersion: KS,
    kind: 'Kustomization',
    metadata: { name, namespace: 'flux-system' },
    spec: { interval: '10m', prune: true, path: `./${name}`, sourceRef: { kind: 'GitRepository', name: 'flux-system' }, ...(dependsOn.length ? { dependsOn: dependsOn.map((n) => ({ name: n })) } : {}) },
  };
}

/** Ready as kustomize-controller writes it; observedGeneration only moves on success, as it does. */
function setReady(name: string, status: 'True' | 'False' | 'Unknown', reason: string, message: string, lastAppliedRevision?: string): void {
  const current = server.store.get(KS, 'Kustomization', 'flux-system', name)!;
  const generation = current.metadata.generation ?? 1;
  const previous = (current.status ?? {}) as Record<string, unknown>;
  server.store.updateStatus({
    ...current,
    status: {
      ...previous,
      // It applied a revision, so it was Ready at this generation once.
      ...(status === 'True' || lastAppliedRevision ? { observedGeneration: generation } : {}),
      ...(lastAppliedRevision ? { lastAppliedRevision } : {}),
      conditions: [{ type: 'Ready', status, reason, message, lastTransitionTime: new Date().toISOString() }],
    },
  });
}

function upsert(object: KubeObject): void {
  const existing = server.store.get(object.apiVersion, object.kind, object.metadata.namespace, object.metadata.name);
  if (!existing) server.store.create(object);
}

function ok(stdout = ''): CommandResult {
  return { exitCode: 0, stdout, stderr: '', executable: '/usr/bin/true', durationMs: 1 };
}

const stepContext = (answer: (spec: CommandSpec) => Promise<CommandResult>): ScriptedContext => scriptedContext({ inputs, dataDir: t.workDir }, answer);

const step = (id: string): StepDefinition => steps.find((s) => s.id === id)!;

beforeAll(async () => {
  t = await startTestWorld({ timeScale: 0.01 });
  const created = await t.exec('k3d', ['cluster', 'create', 'lab']);
  expect(created.code, created.stderr).toBe(0);
  server = t.world.kube.get(context)!;
  const crds = [
    'flux/kustomize.toolkit.fluxcd.io_kustomizations.yaml',
    'provider-upjet-gcp/compute.gcp.upbound.io_networks.yaml',
    'provider-upjet-gcp/container.gcp.upbound.io_clusters.yaml',
    'provider-upjet-gcp/container.gcp.upbound.io_nodepools.yaml',
  ].flatMap((f) => ['-f', `/work/shared/crds/${f}`]);
  const installed = await t.exec('kubectl', ['create', ...crds]);
  expect(installed.code, installed.stderr).toBe(0);
  server.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
  const env = { ...t.world.env(), HOME: t.workDir };
  steps = labSteps({ env, readyTimeoutMs: 15_000 });
}, 60_000);

afterAll(async () => {
  await t?.dispose();
});

describe('gke-cluster, when Flux holds the custom resources for crossplane-configuration', () => {
  /**
   * gke-cluster's first ask fetches a commit that crossplane-configuration must apply first, so
   * Flux answers that it holds the custom resources. Flux then takes them up by itself, or not
   * (its own look is 30 s away) and the step must ask again.
   */
  async function heldThen(fluxTakesThemUp: boolean): Promise<{ asked: string[] }> {
    upsert(kustomization('crossplane-configuration'));
    upsert(kustomization('infrastructure-custom-resources', ['crossplane-configuration']));
    setReady('crossplane-configuration', 'True', 'ReconciliationSucceeded', `Applied revision: ${REV_A}`, REV_A);
    setReady('infrastructure-custom-resources', 'True', 'ReconciliationSucceeded', `Applied revision: ${REV_A}`, REV_A);
    const lastTransitionTime = new Date().toISOString();
    const conditions = [{ type: 'Ready', status: 'True', reason: 'Available', lastTransitionTime }, { type: 'Synced', status: 'True', reason: 'ReconcileSuccess', lastTransitionTime }];
    for (const [apiVersion, kind, name] of [['compute.gcp.upbound.io/v1beta1', 'Network', 'dev-network'], ['container.gcp.upbound.io/v1beta2', 'Cluster', 'dev-cluster'], ['container.gcp.upbound.io/v1beta2', 'NodePool', 'main-np']] as const) {
      upsert({ apiVersion, kind, metadata: { name }, spec: { forProvider: kind === 'Network' ? {} : { location: 'europe-west9-a', ...(kind === 'NodePool' ? { cluster: 'dev-cluster' } : {}) } } });
      const current = server.store.get(apiVersion, kind, undefined, name)!;
      server.store.updateStatus({ ...current, status: { conditions } });
    }
    const listed = JSON.stringify([{ name: 'dev-cluster', status: 'RUNNING', location: 'europe-west9-a', nodePools: [{ name: 'main-np', status: 'RUNNING' }] }]);
    const appliedB = (name: string): void => setReady(name, 'True', 'ReconciliationSucceeded', `Applied revision: ${REV_B}`, REV_B);
    let settle: Promise<void> | undefined;
    const { ctx, lines, ran } = stepContext(async (spec) => {
      if (spec.argv.join(' ') === `flux reconcile kustomization infrastructure-custom-resources --context=${context}`) {
        appliedB('infrastructure-custom-resources');
        return ok();
      }
      if (spec.argv.slice(0, 4).join(' ') === 'flux reconcile kustomization infrastructure-custom-resources') {
        setReady('crossplane-configuration', 'Unknown', 'Progressing', 'Reconciliation in progress');
        setReady('infrastructure-custom-resources', 'False', 'DependencyNotReady', "dependency 'flux-system/crossplane-configuration' is not ready");
        settle = new Promise<void>((resolve) => setTimeout(resolve, 400)).then(() => {
          appliedB('crossplane-configuration');
          if (fluxTakesThemUp) appliedB('infrastructure-custom-resources');
        });
        const stderr = "► annotating GitRepository flux-system in flux-system namespace\n✔ GitRepository annotated\n◎ waiting for GitRepository reconciliation\n✔ fetched revision " + REV_B + "\n► annotating Kustomization infrastructure-custom-resources in flux-system namespace\n✔ Kustomization annotated\n◎ waiting for Kustomization reconciliation\n✗ dependency 'flux-system/crossplane-configuration' is not ready\n";
        throw new CommandError({ command: spec.argv.join(' '), exitCode: 1, signal: null, stdout: '', stderr, timedOut: false, cancelled: false, durationMs: 5 });
      }
      if (spec.argv[0] === 'gcloud') return ok(listed);
      return ok();
    });

    const outputs = await step('gke-cluster').run(ctx);
    await settle;
    expect(outputs).toMatchObject({ cluster: 'dev-cluster', location: 'europe-west9-a' });
    expect(lines).toContain('Flux holds infrastructure-custom-resources while flux-system/crossplane-configuration reconciles; this step asks again once flux-system/crossplane-configuration is Ready on the newest commit.');
    expect(lines).toContain(`infrastructure-custom-resources is Ready: Applied revision: ${REV_B}`);
    return { asked: ran.filter((c) => c.startsWith('flux reconcile')) };
  }

  const FETCH = `flux reconcile kustomization infrastructure-custom-resources --with-source --context=${context}`;

  it('waits for the dependency instead of failing, and finishes once Flux applied them', async () => {
    expect((await heldThen(true)).asked).toEqual([FETCH]);
  }, 30_000);

  it('asks again once the dependency is Ready, when Flux has not taken them up by itself', async () => {
    expect((await heldThen(false)).asked).toEqual([FETCH, `flux reconcile kustomization infrastructure-custom-resources --context=${context}`]);
  }, 30_000);

  it('still fails at once on any other answer from flux reconcile', async () => {
    setReady('crossplane-configuration', 'True', 'ReconciliationSucceeded', `Applied revision: ${REV_B}`, REV_B);
    const { ctx } = stepContext(async (spec) => {
      if (spec.argv[0] === 'flux') {
        throw new CommandError({ command: spec.argv.join(' '), exitCode: 1, signal: null, stdout: '', stderr: '✗ kustomization path not found: stat /tmp/x/infrastructure: no such file or directory\n', timedOut: false, cancelled: false, durationMs: 5 });
      }
      return ok('[]');
    });
    await expect(step('gke-cluster').run(ctx)).rejects.toThrow(/kustomization path not found/);
  }, 30_000);
});

describe('crossplane check, while one link of a done chain waits for another', () => {
  it('is done while crossplane-configuration is held for a dependency that reconciles, not done when that dependency failed', async () => {
    upsert(kustomization('crossplane-core'));
    upsert(kustomization('crossplane-provider', ['crossplane-core']));
    upsert(kustomization('crossplane-configuration', ['crossplane-provider', 'security']));
    setReady('crossplane-core', 'True', 'ReconciliationSucceeded', `Applied revision: ${REV_B}`, REV_B);
    // The provider runs its health checks at its interval; meanwhile Flux held the configuration.
    setReady('crossplane-provider', 'Unknown', 'Progressing', 'Reconciliation in progress', REV_B);
    setReady('crossplane-configuration', 'False', 'DependencyNotReady', "dependency 'flux-system/crossplane-provider' is not ready", REV_B);
    const { ctx } = stepContext(async () => ok());
    const held = await step('crossplane').check(ctx);
    expect(held.done, held.detail).toBe(true);

    setReady('crossplane-provider', 'False', 'HealthCheckFailed', "health check failed after 10m0s: timeout waiting for: [Provider/upbound-provider-gcp-container status: 'InProgress']", REV_B);
    const failed = await step('crossplane').check(ctx);
    expect(failed.done).toBe(false);
    expect(failed.detail).toBe(`Kustomization flux-system/crossplane-provider is not Ready on ${context}: health check failed after 10m0s: timeout waiting for: [Provider/upbound-provider-gcp-container status: 'InProgress']`);
  });

  it('is not done when the held link never applied anything', async () => {
    setReady('crossplane-provider', 'True', 'ReconciliationSucceeded', `Applied revision: ${REV_B}`, REV_B);
    upsert(kustomization('never-applied', ['crossplane-provider']));
    setReady('never-applied', 'False', 'DependencyNotReady', "dependency 'flux-system/crossplane-provider' is not ready");
    const state = await kustomizationsReady({ context, env: { ...t.world.env(), HOME: t.workDir } }, ['never-applied']);
    expect(state).toEqual({ ready: false, detail: `Kustomization flux-system/never-applied is not Ready on ${context}: dependency 'flux-system/crossplane-provider' is not ready` });
  });
});
