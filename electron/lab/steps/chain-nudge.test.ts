/**
 * The Crossplane chain's links Flux holds for a dependency: the step asks Flux to apply each one
 * (`flux reconcile kustomization NAME`) as soon as its dependencies are Ready, since Flux itself
 * looks again only every 30 s. A failed ask is not a failed step: Flux retries by itself and the
 * step's bounded wait judges; only a cancelled run stops. The apps step does the same for the dev
 * cluster's observability, held for security. Against a simulated cluster's API server, with
 * statuses written as kustomize-controller writes them and a runner that answers as the flux CLI
 * does.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LabInputs } from '../../api/inputs';
import { writeKubeconfig } from '../../../test/sim/kube/kubeconfig';
import { startTestWorld, type TestWorld } from '../../../test/sim/world/test-world';
import type { KubeApiServer, KubeObject } from '../../../test/sim/kube/types';
import { labSteps } from '../plan/lab-steps';
import { scriptedContext, type ScriptedContext } from './scripted-context';
import type { StepDefinition } from '../plan/step';
import { CommandError } from '../run/runner';
import type { CommandResult, CommandSpec } from '../run/types';

const KS = 'kustomize.toolkit.fluxcd.io/v1';
const context = 'k3d-lab';
const REV = 'main@sha1:cccccccccccccccccccccccccccccccccccccccc';
const inputs = { clusters: { k3dName: 'lab', gkeName: 'dev-cluster' }, gcp: { project: 'lab-project', zone: 'europe-west9-a' } } as unknown as LabInputs;
const CHAIN: Array<[string, string[]]> = [
  ['security', []],
  ['crossplane-core', []],
  ['crossplane-provider', ['crossplane-core']],
  ['crossplane-configuration', ['crossplane-provider', 'security']],
];

let t: TestWorld;
let server: KubeApiServer;
let steps: StepDefinition[];

function kustomization(name: string, dependsOn: string[]): KubeObject {
  return {
    apiVersion: KS,
    kind: 'Kustomization',
    metadata: { name, namespace: 'flux-system' },
    spec: { interval: '10m', prune: true, path: `./${name}`, sourceRef: { kind: 'GitRepository', name: 'flux-system' }, ...(dependsOn.length ? { dependsOn: dependsOn.map((n) => ({ name: n })) } : {}) },
  };
}

function setReady(name: string, status: 'True' | 'False' | 'Unknown', reason: string, message: string, revision = REV): void {
  const current = server.store.get(KS, 'Kustomization', 'flux-system', name)!;
  server.store.updateStatus({
    ...current,
    status: {
      observedGeneration: current.metadata.generation ?? 1,
      ...(status === 'True' ? { lastAppliedRevision: revision } : {}),
      conditions: [{ type: 'Ready', status, reason, message, lastTransitionTime: new Date().toISOString() }],
    },
  });
}

const held = (name: string, dependency: string): void => setReady(name, 'False', 'DependencyNotReady', `dependency 'flux-system/${dependency}' is not ready`);
const applied = (name: string, revision = REV): void => setReady(name, 'True', 'ReconciliationSucceeded', `Applied revision: ${revision}`, revision);
const later = (ms: number, action: () => void): Promise<void> => new Promise<void>((resolve) => setTimeout(resolve, ms)).then(action);

function ok(): CommandResult {
  return { exitCode: 0, stdout: '', stderr: '', executable: '/usr/bin/true', durationMs: 1 };
}

function fluxFailure(spec: CommandSpec, stderr: string, cancelled = false): CommandError {
  return new CommandError({ command: spec.argv.join(' '), exitCode: cancelled ? null : 1, signal: null, stdout: '', stderr, timedOut: false, cancelled, durationMs: 5 });
}

const stepContext = (answer: (spec: CommandSpec) => Promise<CommandResult>): ScriptedContext => scriptedContext({ inputs, dataDir: t.workDir }, answer);

const crossplane = (): StepDefinition => steps.find((s) => s.id === 'crossplane')!;
/** The ask for a held link: its source already has the commit, so no `--with-source`. */
const nudge = (name: string): string => `flux reconcile kustomization ${name} --context=${context}`;
/** The step's first command: fetch the newest commit and apply the root Kustomization. */
const FETCH = `flux reconcile kustomization flux-system --with-source --context=${context}`;
const isNudge = (spec: CommandSpec, name: string): boolean => spec.argv.join(' ') === nudge(name);

beforeAll(async () => {
  t = await startTestWorld({ timeScale: 0.01 });
  const created = await t.exec('k3d', ['cluster', 'create', 'lab']);
  expect(created.code, created.stderr).toBe(0);
  server = t.world.kube.get(context)!;
  const installed = await t.exec('kubectl', ['create', '-f', '/work/shared/crds/flux/kustomize.toolkit.fluxcd.io_kustomizations.yaml']);
  expect(installed.code, installed.stderr).toBe(0);
  server.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
  for (const [name, deps] of CHAIN) server.store.create(kustomization(name, deps));
  steps = labSteps({ env: { ...t.world.env(), HOME: t.workDir }, readyTimeoutMs: 15_000 });
}, 60_000);

afterAll(async () => {
  await t?.dispose();
});

beforeEach(() => {
  // Flux has just applied the chain: Crossplane's chart installs, the later links are held.
  applied('security');
  setReady('crossplane-core', 'Unknown', 'Progressing', 'Running health checks for revision main@sha1:ccc with a timeout of 10m0s');
  held('crossplane-provider', 'crossplane-core');
  held('crossplane-configuration', 'crossplane-provider');
});

describe('crossplane step, with links Flux holds for a dependency', () => {
  it('asks Flux to apply each held link once its dependencies are Ready', async () => {
    let coreDone: Promise<void> | undefined;
    const { ctx, lines, ran } = stepContext(async (spec) => {
      if (spec.argv.join(' ') === FETCH) coreDone = later(200, () => applied('crossplane-core'));
      // The CLI returns once the object it asked for is Ready.
      if (isNudge(spec, 'crossplane-provider')) applied('crossplane-provider');
      if (isNudge(spec, 'crossplane-configuration')) applied('crossplane-configuration');
      return ok();
    });
    await crossplane().run(ctx);
    await coreDone;
    expect(ran.filter((c) => c.startsWith('flux reconcile kustomization '))).toEqual([FETCH, nudge('crossplane-provider'), nudge('crossplane-configuration')]);
    expect(lines).toContain("crossplane-provider's dependencies are Ready; asking Flux to apply it now rather than at its next look (every 30 s).");
    expect(lines).toContain(`crossplane-configuration is Ready: Applied revision: ${REV}`);
  }, 30_000);

  it('does not ask again for a link Flux already took up by itself', async () => {
    const { ctx, ran } = stepContext(async (spec) => {
      if (spec.argv.join(' ') === FETCH) {
        applied('crossplane-core');
        applied('crossplane-provider');
        applied('crossplane-configuration');
      }
      return ok();
    });
    await crossplane().run(ctx);
    expect(ran.filter((c) => c.startsWith('flux reconcile kustomization '))).toEqual([FETCH]);
  }, 30_000);

  it('goes on when the ask fails, says Flux retries by itself, and finishes once Flux applied the link', async () => {
    let retried: Promise<void> | undefined;
    const { ctx, lines, ran } = stepContext(async (spec) => {
      if (spec.argv.join(' ') === FETCH) applied('crossplane-core');
      if (isNudge(spec, 'crossplane-provider')) applied('crossplane-provider');
      if (isNudge(spec, 'crossplane-configuration')) {
        setReady('crossplane-configuration', 'False', 'ReconciliationFailed', 'ProviderConfig/default dry-run failed: no matches for kind "ProviderConfig" in version "gcp.upbound.io/v1beta1"');
        // kustomize-controller's own retry, a little later.
        retried = later(300, () => applied('crossplane-configuration'));
        throw fluxFailure(spec, '► annotating Kustomization crossplane-configuration in flux-system namespace\n✔ Kustomization annotated\n◎ waiting for Kustomization reconciliation\n✗ ProviderConfig/default dry-run failed: no matches for kind "ProviderConfig" in version "gcp.upbound.io/v1beta1"\n');
      }
      return ok();
    });
    const outputs = await crossplane().run(ctx);
    await retried;
    expect(outputs).toEqual({ context });
    expect(ran).toContain(nudge('crossplane-configuration'));
    expect(lines).toContain('Asking Flux to apply crossplane-configuration now failed (ProviderConfig/default dry-run failed: no matches for kind "ProviderConfig" in version "gcp.upbound.io/v1beta1"); Flux retries by itself, and this step waits for crossplane-configuration to be Ready.');
    expect(lines).toContain(`crossplane-configuration is Ready: Applied revision: ${REV}`);
  }, 30_000);

  it('stops when the ask is cancelled', async () => {
    const { ctx } = stepContext(async (spec) => {
      if (spec.argv.join(' ') === FETCH) applied('crossplane-core');
      if (isNudge(spec, 'crossplane-provider')) throw fluxFailure(spec, '', true);
      return ok();
    });
    await expect(crossplane().run(ctx)).rejects.toSatisfy((error: unknown) => error instanceof CommandError && error.cancelled);
  }, 30_000);
});

describe('crossplane step, once the repository has a newer commit', () => {
  const NEW = 'main@sha1:dddddddddddddddddddddddddddddddddddddddd';
  const SOURCE = 'source.toolkit.fluxcd.io/v1';

  beforeAll(async () => {
    const installed = await t.exec('kubectl', ['create', '-f', '/work/shared/crds/flux/source.toolkit.fluxcd.io_gitrepositories.yaml']);
    expect(installed.code, installed.stderr).toBe(0);
    const created = server.store.create({ apiVersion: SOURCE, kind: 'GitRepository', metadata: { name: 'flux-system', namespace: 'flux-system' }, spec: { interval: '1m', url: 'https://github.com/lab/devflux', ref: { branch: 'main' } } });
    server.store.updateStatus({
      ...created,
      status: {
        artifact: { revision: NEW, digest: 'sha256:0000000000000000000000000000000000000000000000000000000000000000', lastUpdateTime: new Date().toISOString(), path: 'gitrepository/flux-system/flux-system/dddd.tar.gz', url: 'http://source-controller.flux-system.svc.cluster.local./gitrepository/flux-system/flux-system/dddd.tar.gz' },
        conditions: [{ type: 'Ready', status: 'True', reason: 'Succeeded', message: `stored artifact for revision '${NEW}'`, lastTransitionTime: new Date().toISOString() }],
      },
    });
  }, 30_000);

  afterAll(() => {
    server.store.delete(SOURCE, 'GitRepository', 'flux-system', 'flux-system');
  });

  it('asks for a held link only once its dependencies on that repository applied the newest commit', async () => {
    const appliedWhenAsked = new Map<string, unknown>();
    const revisionOf = (name: string): unknown => (server.store.get(KS, 'Kustomization', 'flux-system', name)!.status as { lastAppliedRevision?: unknown }).lastAppliedRevision;
    let caughtUp: Promise<void> | undefined;
    const { ctx, ran } = stepContext(async (spec) => {
      if (spec.argv.join(' ') === FETCH) {
        // Crossplane's chart is Ready on the previous commit first; the new one a little later.
        applied('crossplane-core');
        caughtUp = later(400, () => {
          applied('security', NEW);
          applied('crossplane-core', NEW);
        });
      }
      if (isNudge(spec, 'crossplane-provider')) {
        appliedWhenAsked.set('crossplane-provider', revisionOf('crossplane-core'));
        applied('crossplane-provider', NEW);
      }
      if (isNudge(spec, 'crossplane-configuration')) {
        appliedWhenAsked.set('crossplane-configuration', `${String(revisionOf('crossplane-provider'))} ${String(revisionOf('security'))}`);
        applied('crossplane-configuration', NEW);
      }
      return ok();
    });
    await crossplane().run(ctx);
    await caughtUp;
    expect(ran.filter((c) => c.startsWith('flux reconcile kustomization '))).toEqual([FETCH, nudge('crossplane-provider'), nudge('crossplane-configuration')]);
    expect(Object.fromEntries(appliedWhenAsked)).toEqual({ 'crossplane-provider': NEW, 'crossplane-configuration': `${NEW} ${NEW}` });
  }, 30_000);
});

describe('apps step on the dev cluster, with observability held for security', () => {
  // The dev cluster's context, on the same simulated API server as the chain above.
  const dev = 'gke_lab-project_europe-west9-a_dev-cluster';
  const DEV_FETCH = `flux reconcile kustomization flux-system --with-source --context=${dev}`;
  const ask = (name: string): string => `flux reconcile kustomization ${name} --context=${dev}`;
  const apps = (): StepDefinition => steps.find((s) => s.id === 'apps')!;

  beforeAll(() => {
    writeKubeconfig(t.world.env().KUBECONFIG!, [{ name: dev, server: server.url }], context);
    server.store.create(kustomization('observability', ['security']));
    server.store.create(kustomization('apps', []));
    server.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } });
    server.store.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'frontend-external', namespace: 'demo' }, spec: { type: 'LoadBalancer', ports: [{ port: 80, targetPort: 8080 }] } });
  });

  it('asks for observability once security is Ready, then waits for the shop and its address', async () => {
    setReady('security', 'Unknown', 'Progressing', 'Running health checks for revision main@sha1:ccc with a timeout of 5m0s');
    held('observability', 'security');
    setReady('apps', 'Unknown', 'Progressing', 'Running health checks for revision main@sha1:ccc with a timeout of 15m0s');
    let flux: Promise<void> | undefined;
    const { ctx, ran } = stepContext(async (spec) => {
      const line = spec.argv.join(' ');
      if (line === DEV_FETCH) {
        flux = later(200, () => {
          applied('security');
          applied('apps');
          const service = server.store.get('v1', 'Service', 'demo', 'frontend-external')!;
          server.store.updateStatus({ ...service, status: { loadBalancer: { ingress: [{ ip: '203.0.113.7' }] } } });
        });
      }
      if (line === ask('observability')) applied('observability');
      if (line.startsWith('kubectl get svc -n demo frontend-external')) return { ...ok(), stdout: '203.0.113.7' };
      return ok();
    });
    const outputs = await apps().run(ctx);
    await flux;
    expect(outputs).toEqual({ shopAddress: 'http://203.0.113.7' });
    expect(ran.filter((c) => c.startsWith('flux reconcile kustomization '))).toEqual([DEV_FETCH, ask('observability')]);
  }, 30_000);
});
