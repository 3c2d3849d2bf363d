/**
 * The two paces `bench:lab` compares `lab up` with, in real-world seconds along the plan's
 * dependency graph:
 *  - the world's own pace: the simulated delays (test/sim/world/durations.ts) the world imposes
 *    before each step of the app's plan can be done, and when the world starts them;
 *  - the tutorial's pace: what a reader of the tutorial waits for in the same world, with the
 *    tutorial's own manifests (github.com/Smana/devflux, the repository the tutorial follows) and
 *    Flux's default intervals, and no `flux reconcile` to make Flux look now.
 * A poll (something that looks again every N seconds) counts half its period: the mean wait.
 */
import { steps as catalogue } from '../../electron/lab/plan/catalogue';
import { POLL_SECONDS as CROSSPLANE_POLL_SECONDS } from '../../test/sim/crossplane/managed';
import { realDurations, type DurationName } from '../../test/sim/world/durations';

/** One delay, in real-world seconds, with the name a reader finds in the simulator or the source. */
export interface Delay {
  label: string;
  seconds: number;
}

/** Work the world does for a step, in order, from the end of the steps it starts after. */
export interface Branch {
  /** Steps whose end starts this work in the world (default: the step's own dependencies). */
  startsAfter?: string[];
  delays: Delay[];
}

export interface StepModel {
  /** Branches run side by side; the step is done when the last one is. */
  branches: Branch[];
  /** Delays the world incurs meanwhile, off this path (shown, not counted). */
  overlapped?: string;
}

export type Model = Record<string, StepModel>;

const named = (name: DurationName): Delay => ({ label: name, seconds: realDurations[name] });
const poll = (label: string, seconds: number): Delay => ({ label: `${label}/2 (poll)`, seconds: seconds / 2 });
const fixed = (label: string, seconds: number): Delay => ({ label, seconds });
const one = (...delays: Delay[]): StepModel => ({ branches: [{ delays }] });

const healthPoll = poll('kustomizeHealthPoll', realDurations.kustomizeHealthPoll);
const crossplanePoll = poll('crossplane POLL_SECONDS (managed.ts)', CROSSPLANE_POLL_SECONDS);
const helmInstall = [named('helmRepositoryIndex'), named('helmReleaseReady')];

/** The tools step (asdf) is left out: nothing is installed in the world's PATH. */
export const SKIPPED = new Set(['tools']);

/** Steps both paces share: the same world, with nothing Flux-paced in between. */
const SHARED: Model = {
  // k3d-service waits 2 s for the node container, then the cluster's creation.
  'k3d-cluster': one(fixed('k3d node start (k3d-service.ts)', 2), named('k3dClusterCreate')),
  // flux bootstrap waits for Flux's controller Deployments, then for its sync to apply.
  'flux-bootstrap': one(named('podStartup')),
  // The cluster refers to the network's id, known as soon as Google accepted it; the node pool
  // to the cluster's, known once the cluster runs (Crossplane looks again at each poll).
  'gke-cluster': { branches: [{ delays: [named('gkeClusterCreate'), crossplanePoll, named('gkeNodePoolCreate'), crossplanePoll] }], overlapped: `networkCreate ${realDurations.networkCreate} s` },
  'flux-bootstrap-dev': one(named('podStartup')),
  // The dev cluster's own Sealed Secrets (Kustomization security, health-checked), which the
  // re-sealing needs; flux bootstrap applied it.
  'reseal-grafana': one(...helmInstall, healthPoll),
};

/**
 * The app's plan in the world: the app makes Flux look at each push, and at each link of a chain
 * Flux holds for a dependency as soon as the dependency is Ready (Flux itself would look again
 * only at its --requeue-dependency period, 30 s).
 */
export const APP_MODEL: Model = {
  ...SHARED,
  'sealed-secrets': one(...helmInstall),
  // The scaffold's push already carries Crossplane's Kustomizations: Flux installs the chart while
  // the secrets are sealed. crossplane-provider, held for crossplane-core, goes on when the
  // crossplane step asks, as soon as core is Ready: with the app's own steps taking no time, the
  // step runs by then (sealed-secrets' chart takes as long as Crossplane's). The app's real time in
  // test-seal and seal-gcp-creds delays that ask, and shows as time beyond this pace.
  // crossplane-configuration, asked for as soon as the Providers are Healthy, needs the sealed key.
  crossplane: { branches: [{ startsAfter: ['scaffold'], delays: [...helmInstall, healthPoll, named('crossplaneProviderHealthy'), healthPoll, healthPoll] }] },
  // kube-prometheus-stack once Grafana's Secret is sealed; the shop (apps, no dependency) from the
  // dev cluster's bootstrap on: its chart, then Google's load balancer for frontend-external.
  apps: {
    branches: [
      { delays: [...helmInstall, healthPoll] },
      { startsAfter: ['flux-bootstrap-dev'], delays: [named('helmReleaseReady'), named('loadBalancerCreate'), healthPoll] },
    ],
  },
};

/** Flux's defaults the tutorial waits for (flux bootstrap's gotk-sync.yaml; the controllers' flags). */
const GIT_REPOSITORY_INTERVAL = 60;
/** kustomize-controller `--requeue-dependency`: a Kustomization whose dependency is not ready looks again every 30 s. */
const REQUEUE_DEPENDENCY = realDurations.fluxRequeueDependency;
/** devflux clusters/k3d-crossplane/infrastructure.yaml: crossplane-configuration `interval: 2m0s`; a failed apply retries at the interval. */
const CONFIGURATION_INTERVAL = 120;

const gitPoll = poll('GitRepository interval', GIT_REPOSITORY_INTERVAL);
const requeue = (who: string): Delay => poll(`${who}: --requeue-dependency 30s`, REQUEUE_DEPENDENCY);

/**
 * The tutorial's pace in the same world. The tutorial pushes, then waits for Flux's intervals;
 * its Kustomizations (devflux clusters/) gate Crossplane with `dependsOn` but without `wait`, and
 * the dev cluster's not at all.
 */
export const TUTORIAL_MODEL: Model = {
  ...SHARED,
  // clusters/k3d-crossplane/security.yaml: health check on the HelmRelease.
  'sealed-secrets': one(gitPoll, ...helmInstall, healthPoll),
  // Pushed with the sealed key (tutorial: "Commit and push the changes for the kustomisations to
  // appear"). crossplane-core has a health check on its HelmRelease; crossplane-provider depends on
  // it; crossplane-configuration on the provider, whose Kustomization is Ready as soon as the
  // Provider object is applied (no wait), so its first apply fails (ProviderConfig is unknown until
  // the provider is healthy) and retries at its interval; infrastructure-custom-resources then
  // depends on it.
  crossplane: one(
    gitPoll,
    ...helmInstall,
    healthPoll,
    requeue('crossplane-provider'),
    requeue('crossplane-configuration'),
    fixed(`crossplane-configuration retries at its interval 2m0s (ProviderConfig unknown for crossplaneProviderHealthy ${realDurations.crossplaneProviderHealthy} s)`, Math.max(CONFIGURATION_INTERVAL, realDurations.crossplaneProviderHealthy - REQUEUE_DEPENDENCY / 2)),
    requeue('infrastructure-custom-resources'),
  ),
  // The re-sealed Grafana Secret is pushed; observability (no dependsOn, health check on
  // kube-prometheus-stack) applies it at the next revision. The shop's manifests (apps, no
  // dependsOn) went in at the bootstrap: pods and Google's load balancer, meanwhile.
  apps: {
    branches: [
      { delays: [gitPoll, ...helmInstall, healthPoll] },
      { startsAfter: ['flux-bootstrap-dev'], delays: [named('loadBalancerCreate'), healthPoll] },
    ],
  },
};

const plan = catalogue.filter((s) => !SKIPPED.has(s.id));
export const planSteps = plan.map((s) => s.id);
export const planDeps = (id: string): string[] => plan.find((s) => s.id === id)!.dependsOn.filter((d) => !SKIPPED.has(d));
const branchSeconds = (branch: Branch): number => branch.delays.reduce((sum, d) => sum + d.seconds, 0);

/**
 * Each step's finish along the plan's graph, in real-world seconds: a step ends once its
 * dependencies have ended and each branch of the world's work for it, started where the world
 * starts it, is done.
 */
export function modelFinishes(model: Model): Map<string, number> {
  const finish = new Map<string, number>();
  const visit = (id: string): number => {
    const known = finish.get(id);
    if (known !== undefined) return known;
    const ready = Math.max(0, ...planDeps(id).map(visit));
    const branches = model[id]?.branches ?? [];
    const done = branches.map((b) => Math.max(0, ...(b.startsAfter ?? planDeps(id)).map(visit)) + branchSeconds(b));
    finish.set(id, Math.max(ready, ...done));
    return finish.get(id)!;
  };
  for (const id of planSteps) visit(id);
  return finish;
}

export const modelTotal = (model: Model): number => Math.max(...modelFinishes(model).values());

/** One line per modelled step: its branches' delays and sums. */
export function describeModel(model: Model): string[] {
  return planSteps
    .filter((id) => model[id])
    .map((id) => {
      const m = model[id]!;
      const branches = m.branches.map((b) => {
        const from = b.startsAfter ? `from the end of ${b.startsAfter.join(', ')}: ` : '';
        return `${from}${b.delays.map((d) => `${d.label} ${d.seconds}`).join(' + ')} = ${branchSeconds(b)}`;
      });
      return `  ${id.padEnd(20)} ${branches.join('\n  ' + ' '.repeat(20) + ' beside: ')}${m.overlapped ? `; meanwhile: ${m.overlapped}` : ''}`;
    });
}
