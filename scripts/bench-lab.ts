/**
 * `npm run bench:lab [-- --time-scale X] [-- --profile]`: the whole lab through `lab up`, against
 * a simulated world started in this process (fake CLIs, API servers, GitHub, GCP).
 *
 * Runs `lab up --config <copy of test/fixtures/lab.yaml> --yes` in-process (the copy sits in a
 * temp folder, so its `workspaceDir: ./devflux` clone lands there, not in the repository), and
 * prints:
 *  - the start-up cost of one fake CLI (each fake is a Node process; the real tools are native
 *    binaries that start in a few milliseconds), measured before the run;
 *  - the wall time, gross, then net of the fakes' start-ups on the measured critical chain;
 *  - the critical path of the world's model (below) along the plan's dependency graph, and wall /
 *    critical path (goal <= 1.15: the app adds little beyond what the world itself takes);
 *  - the tutorial's pace: the same model plus Flux's 1-minute GitRepository interval at each step
 *    where the tutorial waits for Flux to notice a push while the app asks it to reconcile now (a
 *    step showing `flux reconcile`); and wall / that (goal <= 0.5);
 *  - per step: when it started, what it took, what the model says it must take, the gap, and
 *    how many fake CLI start-ups it paid.
 * With `--profile`, every command of the journal with its start and duration follows.
 *
 * The model: for each step, the simulated delays (test/sim/world/durations.ts, times the time
 * scale) the world imposes before the step can be done, and when the world starts them. Polls
 * (a controller looking again every N seconds) count half their period, the mean wait.
 * The `tools` step (asdf) is left out: nothing is installed in the world's PATH. Figures only.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { steps as catalogue } from '../electron/lab/plan/catalogue';
import { JOURNAL_FILE, readJournal, type JournalRecord } from '../electron/lab/run/journal';
import type { StepState } from '../electron/api/contract';
import { POLL_SECONDS as CROSSPLANE_POLL_SECONDS } from '../test/sim/crossplane/managed';
import { realDurations, resolveTimeScale, type DurationName } from '../test/sim/world/durations';
import { SHIMMED_TOOLS } from '../test/sim/world/env-file';
import { labCli, type LabCli } from '../test/sim/world/lab-cli';
import { runProcess, startTestWorld } from '../test/sim/world/test-world';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const at = process.argv.indexOf('--time-scale');
const timeScale = resolveTimeScale(at >= 0 ? process.argv[at + 1] : undefined);
const profile = process.argv.includes('--profile');
const SKIPPED = new Set(['tools']);
/** Flux's default GitRepository interval, which the tutorial waits for after each push. */
const FLUX_GIT_INTERVAL_SECONDS = 60;
const STARTUP_SAMPLES = 9;

/** One delay of the world, in real-world seconds, with the name a reader finds in the simulator. */
interface Delay {
  label: string;
  seconds: number;
}
const named = (name: DurationName): Delay => ({ label: name, seconds: realDurations[name] });
/** A controller that looks again every `seconds`: on average the change waits half of that. */
const poll = (label: string, seconds: number): Delay => ({ label: `${label}/2 (poll)`, seconds: seconds / 2 });
const healthPoll = poll('kustomizeHealthPoll', realDurations.kustomizeHealthPoll);
const crossplanePoll = poll('crossplane POLL_SECONDS (managed.ts)', CROSSPLANE_POLL_SECONDS);

interface StepModel {
  /** In the order the world incurs them. */
  delays: Delay[];
  /** Steps whose end starts this work in the world (default: the step's own dependencies). */
  startsAfter?: string[];
  /** Delays the world incurs meanwhile, off this path (shown, not counted). */
  overlapped?: string;
}

/** What each step waits for in the world; steps not listed wait for nothing the world scales. */
const MODEL: Record<string, StepModel> = {
  // k3d-service waits 2 s for the node container, then the cluster's creation.
  'k3d-cluster': { delays: [{ label: 'k3d node start (k3d-service.ts)', seconds: 2 }, named('k3dClusterCreate')] },
  // The fake bootstrap waits for Flux's controller Deployments, then for its sync to apply.
  'flux-bootstrap': { delays: [named('podStartup')] },
  // The chart's HelmRepository index first, then the Helm install.
  'sealed-secrets': { delays: [named('helmRepositoryIndex'), named('helmReleaseReady')] },
  // The scaffold's push already carries Crossplane's Kustomizations: Flux installs the chart and
  // the providers while the secrets are sealed; crossplane-configuration then needs the sealed key.
  crossplane: {
    startsAfter: ['scaffold'],
    delays: [named('helmRepositoryIndex'), named('helmReleaseReady'), healthPoll, named('crossplaneProviderHealthy'), healthPoll, healthPoll],
  },
  // The cluster refers to the network's id, known as soon as Google accepted it; the node pool
  // to the cluster's, known once the cluster runs (Crossplane looks again at each poll).
  'gke-cluster': {
    delays: [named('gkeClusterCreate'), crossplanePoll, named('gkeNodePoolCreate'), crossplanePoll],
    overlapped: `networkCreate ${realDurations.networkCreate} s`,
  },
  'flux-bootstrap-dev': { delays: [named('podStartup')] },
  // The dev cluster's own Sealed Secrets (Kustomization security, with wait).
  'reseal-grafana': { delays: [named('helmRepositoryIndex'), named('helmReleaseReady'), healthPoll] },
  // kube-prometheus-stack (observability, with wait), then online-boutique from an OCIRepository
  // (apps, with wait) whose frontend-external Service gets Google's load balancer.
  apps: {
    delays: [named('helmRepositoryIndex'), named('helmReleaseReady'), healthPoll, named('helmReleaseReady'), named('loadBalancerCreate')],
    overlapped: 'the apps Kustomization health poll (during the load balancer)',
  },
};

const plan = catalogue.filter((s) => !SKIPPED.has(s.id));
const planDeps = (id: string): string[] => plan.find((s) => s.id === id)!.dependsOn.filter((d) => !SKIPPED.has(d));
const modelSeconds = (id: string): number => (MODEL[id]?.delays ?? []).reduce((sum, d) => sum + d.seconds, 0);
const waitsForFlux = (id: string): boolean => catalogue.find((s) => s.id === id)!.commands({}).some((c) => c.argv.slice(0, 2).join(' ') === 'flux reconcile');

/**
 * Each step's finish along the plan's graph, in real-world seconds: a step ends once its
 * dependencies have ended and the world's work for it, started where the world starts it, is
 * done.
 */
function modelFinishes(weight: (id: string) => number): Map<string, number> {
  const finish = new Map<string, number>();
  const visit = (id: string): number => {
    const known = finish.get(id);
    if (known !== undefined) return known;
    const ready = Math.max(0, ...planDeps(id).map(visit));
    const worldStart = Math.max(0, ...(MODEL[id]?.startsAfter ?? planDeps(id)).map(visit));
    finish.set(id, Math.max(ready, worldStart + weight(id)));
    return finish.get(id)!;
  };
  for (const step of plan) visit(step.id);
  return finish;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Milliseconds for one run of the command, the median of several. */
async function startupMs(file: string, args: string[], env: Record<string, string>, cwd: string): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < STARTUP_SAMPLES; i++) {
    const begun = performance.now();
    const result = await runProcess(file, args, env, cwd);
    if (result.code !== 0) throw new Error(`${file} ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    samples.push(performance.now() - begun);
  }
  return median(samples);
}

const FAKES = new Set<string>(SHIMMED_TOOLS);
/**
 * Fake start-ups a journal entry paid: one per pipeline when a stage is a fake (the stages start
 * together), plus kubectl's run of the fake gke-gcloud-auth-plugin on a GKE context.
 */
function fakeStartups(entry: JournalRecord): number {
  const stages = entry.pipeline ?? [entry.argv];
  const fake = stages.some((argv) => FAKES.has(basename(argv[0] ?? ''))) ? 1 : 0;
  const plugin = stages.some((argv) => basename(argv[0] ?? '') === 'kubectl' && argv.some((a) => a.startsWith('--context=gke_'))) ? 1 : 0;
  return fake + plugin;
}

const ms = (iso: string | undefined): number => (iso ? Date.parse(iso) : NaN);

/** The chain of steps that set the wall time: from the last to end, back through the dependency that ended last. */
function measuredChain(states: Record<string, StepState>): string[] {
  const ran = plan.filter((s) => states[s.id]?.startedAt && states[s.id]?.endedAt);
  if (ran.length === 0) return [];
  let current = ran.reduce((a, b) => (ms(states[a.id]!.endedAt) >= ms(states[b.id]!.endedAt) ? a : b)).id;
  const chain = [current];
  for (;;) {
    const deps = planDeps(current).filter((d) => states[d]?.endedAt);
    if (deps.length === 0) break;
    current = deps.reduce((a, b) => (ms(states[a]!.endedAt) >= ms(states[b]!.endedAt) ? a : b));
    chain.unshift(current);
  }
  return chain;
}

const pad = (text: string | number, width: number): string => String(text).padStart(width);
const s1 = (seconds: number): string => (Number.isFinite(seconds) ? seconds.toFixed(1) : '-');

async function main(): Promise<number> {
  const t = await startTestWorld({ timeScale });
  const work = mkdtempSync(join(tmpdir(), 'bench-lab-'));
  const config = join(work, 'lab.yaml');
  copyFileSync(join(root, 'test', 'fixtures', 'lab.yaml'), config);
  const env = { ...t.world.env(), HOME: t.workDir };
  const lab: LabCli = labCli({
    dataDir: join(work, 'lab-data'),
    env,
    stepIds: plan.map((s) => s.id),
    reportResource: (s) => lab.lastEngine()?.reportResource(s),
    // The engine's default window, as the app runs it: the bench measures the app, not a test.
    logWindowMs: 16,
    version: 'bench',
    stderr: (text) => void process.stderr.write(text),
  });
  try {
    const fakeMs = await startupMs('flux', ['--version'], env, t.workDir);
    const nodeMs = await startupMs(process.execPath, ['-e', '0'], env, t.workDir);

    const started = performance.now();
    const origin = performance.timeOrigin + started;
    const { code, out } = await lab.run(['up', '--config', config, '--yes']);
    const wall = (performance.now() - started) / 1000;

    const states = (await lab.snapshot()).steps;
    const journal = readJournal(join(work, 'lab-data', JOURNAL_FILE));
    // From when the step could begin (its dependencies ended; its check runs then) to its end.
    const runnableAt = (id: string): number => Math.max(origin, ...planDeps(id).map((d) => ms(states[d]?.endedAt)).filter(Number.isFinite));
    const inStep = (id: string, e: JournalRecord): boolean => e.stepId === id && ms(e.startedAt) >= runnableAt(id) && ms(e.startedAt) <= ms(states[id]?.endedAt);
    const startupsOf = (id: string): number => journal.filter((e) => inStep(id, e)).reduce((n, e) => n + fakeStartups(e), 0);
    const chain = measuredChain(states);
    const chainStartups = chain.reduce((n, id) => n + startupsOf(id), 0);
    const net = wall - (chainStartups * fakeMs) / 1000;

    const finishes = modelFinishes(modelSeconds);
    const critical = Math.max(...finishes.values()) * timeScale;
    const tutorial = Math.max(...modelFinishes((id) => modelSeconds(id) + (waitsForFlux(id) ? FLUX_GIT_INTERVAL_SECONDS : 0)).values()) * timeScale;
    const shop = /The shop is at (\S+)/.exec(out)?.[1];

    console.log(`lab up exit code:                   ${code}${shop ? ` (shop at ${shop})` : ''}`);
    console.log(`time scale:                         ${timeScale}`);
    console.log(`fake CLI start-up (flux --version): ${fakeMs.toFixed(0)} ms  (plain \`node -e 0\`: ${nodeMs.toFixed(0)} ms; the real tools are native binaries)`);
    console.log(`fake start-ups on the critical chain: ${chainStartups}  (${chain.join(' > ')})`);
    console.log(`wall time (gross):                  ${s1(wall)} s`);
    console.log(`wall time net of fake start-ups:    ${s1(net)} s  (gross - ${chainStartups} x ${fakeMs.toFixed(0)} ms)`);
    console.log(`critical path (model):              ${critical.toFixed(2)} s  (${(critical / timeScale / 60).toFixed(1)} min real)`);
    console.log(`wall / critical path:               ${(wall / critical).toFixed(2)} gross, ${(net / critical).toFixed(2)} net of fake start-ups  (goal <= 1.15)`);
    console.log(`tutorial pace (waits for Flux):     ${tutorial.toFixed(2)} s  (${(tutorial / timeScale / 60).toFixed(1)} min real)`);
    console.log(`wall / tutorial pace:               ${(wall / tutorial).toFixed(2)} gross, ${(net / tutorial).toFixed(2)} net of fake start-ups  (goal <= 0.5)`);
    console.log('');
    console.log('Per step (seconds of this run): start and end since lab up began, check = start - end of its last dependency');
    console.log('(the step checks whether its work is done already before it starts),');
    console.log('took = end - start, model = what the world imposes after its dependencies (times the scale), gap = took - model,');
    console.log('fakes = fake CLI start-ups it paid. * = on the measured critical chain.');
    console.log(`  ${'step'.padEnd(20)} ${pad('start', 6)} ${pad('end', 6)} ${pad('check', 6)} ${pad('took', 6)} ${pad('model', 6)} ${pad('gap', 6)} ${pad('fakes', 5)}`);
    for (const step of plan) {
      const state = states[step.id];
      const start = (ms(state?.startedAt) - origin) / 1000;
      const end = (ms(state?.endedAt) - origin) / 1000;
      const depsEnd = Math.max(0, ...planDeps(step.id).map((d) => (ms(states[d]?.endedAt) - origin) / 1000));
      const ready = Math.max(0, ...planDeps(step.id).map((d) => finishes.get(d)!));
      const model = (finishes.get(step.id)! - ready) * timeScale;
      const took = end - start;
      console.log(
        `${chain.includes(step.id) ? '*' : ' '} ${step.id.padEnd(20)} ${pad(s1(start), 6)} ${pad(s1(end), 6)} ${pad(s1(start - depsEnd), 6)} ${pad(s1(took), 6)} ${pad(model.toFixed(2), 6)} ${pad(s1(took - model), 6)} ${pad(startupsOf(step.id), 5)}`,
      );
    }
    console.log('');
    console.log('The model, in real-world seconds (durations.ts unless said otherwise):');
    for (const step of plan.filter((s) => MODEL[s.id])) {
      const m = MODEL[step.id]!;
      const from = m.startsAfter ? ` (the world starts it when ${m.startsAfter.join(', ')} ends)` : '';
      console.log(`  ${step.id.padEnd(20)} ${m.delays.map((d) => `${d.label} ${d.seconds}`).join(' + ')} = ${modelSeconds(step.id)}${from}${m.overlapped ? `; meanwhile: ${m.overlapped}` : ''}`);
    }
    if (profile) {
      console.log('');
      console.log('Commands (start since lab up began, duration, step, command):');
      for (const e of journal) {
        const start = (ms(e.startedAt) - origin) / 1000;
        const took = (ms(e.endedAt) - ms(e.startedAt)) / 1000;
        console.log(`${pad(start.toFixed(2), 7)} ${pad(took.toFixed(2), 6)}  ${e.stepId.padEnd(18)} ${((e.pipeFrom ? `${e.pipeFrom.join(' ')} | ` : '') + e.argv.join(' ')).slice(0, 140)}`);
      }
    }
    if (code !== 0) console.log(out.split('\n').slice(-15).join('\n'));
    return code;
  } finally {
    await lab.close();
    await t.dispose();
    rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = await main();
