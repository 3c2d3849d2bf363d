/**
 * `npm run bench:lab [-- --time-scale X] [-- --profile]`: the whole lab through `lab up`, against
 * a simulated world started in this process (fake CLIs, API servers, GitHub, GCP).
 *
 * Runs `lab up --config <copy of test/fixtures/lab.yaml> --yes` in-process (the copy sits in a
 * temp folder, so its `workspaceDir: ./devflux` clone lands there, not in the repository), once per
 * time scale: 0.1 then 0.01 unless `--time-scale` names one. For each run it prints:
 *  - the start-up cost of one fake CLI (each fake is a Node process; the real tools are native
 *    binaries that start in a few milliseconds), measured before the run;
 *  - the wall time, gross, then net of the fakes' start-ups on the measured critical chain, and
 *    the time the run spent beyond the world's own pace (wall - critical path, in seconds: a cost
 *    that hardly moves with the scale weighs ten times more at 0.01 than at 0.1);
 *  - the critical path of the world's own pace (scripts/bench-lab/models.ts) along the plan's
 *    dependency graph, and wall / critical path (goal <= 1.15: the app adds little beyond what the
 *    world itself takes);
 *  - the tutorial's pace in the same world (its manifests' intervals and Flux's defaults, no
 *    `flux reconcile`), wall / that (goal <= 0.5), and the floor no app can go below: the world's
 *    GKE cluster and node pool alone over the tutorial's pace;
 *  - per step: when it started, what it took, what the model says it must take, the gap, and
 *    how many fake CLI start-ups it paid.
 * With `--profile`, every command of the journal with its start and duration follows.
 * Figures only: the machine is shared, so compare ratios measured in the same run.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JOURNAL_FILE, readJournal, type JournalRecord } from '../electron/lab/run/journal';
import type { StepState } from '../electron/api/contract';
import { resolveTimeScale } from '../test/sim/world/durations';
import { SHIMMED_TOOLS } from '../test/sim/world/env-file';
import { labCli, type LabCli } from '../test/sim/world/lab-cli';
import { runProcess, startTestWorld } from '../test/sim/world/test-world';
import { APP_MODEL, describeModel, modelFinishes, modelTotal, planDeps, planSteps, TUTORIAL_MODEL } from './bench-lab/models';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const at = process.argv.indexOf('--time-scale');
/** 0.1 keeps the world's delays well above the fixed costs; 0.01 shows those costs. */
const timeScales = at >= 0 ? [resolveTimeScale(process.argv[at + 1])] : [0.1, 0.01];
const profile = process.argv.includes('--profile');
const STARTUP_SAMPLES = 9;

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
  const ran = planSteps.filter((id) => states[id]?.startedAt && states[id]?.endedAt);
  if (ran.length === 0) return [];
  let current = ran.reduce((a, b) => (ms(states[a]!.endedAt) >= ms(states[b]!.endedAt) ? a : b));
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
const appFinishes = modelFinishes(APP_MODEL);
/** Real-world seconds of the world's own pace, of the tutorial's, and of GKE's cluster and node pool alone. */
const CRITICAL = modelTotal(APP_MODEL);
const TUTORIAL = modelTotal(TUTORIAL_MODEL);
const GKE_ALONE = appFinishes.get('gke-cluster')! - Math.max(...planDeps('gke-cluster').map((d) => appFinishes.get(d)!));

interface RunFigures {
  timeScale: number;
  code: number;
  wall: number;
  net: number;
}

async function benchOnce(timeScale: number): Promise<RunFigures> {
  const t = await startTestWorld({ timeScale });
  const work = mkdtempSync(join(tmpdir(), 'bench-lab-'));
  const config = join(work, 'lab.yaml');
  copyFileSync(join(root, 'test', 'fixtures', 'lab.yaml'), config);
  const env = { ...t.world.env(), HOME: t.workDir };
  const lab: LabCli = labCli({
    dataDir: join(work, 'lab-data'),
    env,
    stepIds: planSteps,
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
    const critical = CRITICAL * timeScale;
    const tutorial = TUTORIAL * timeScale;
    const shop = /The shop is at (\S+)/.exec(out)?.[1];

    console.log(`== time scale ${timeScale} ==`);
    console.log(`lab up exit code:                   ${code}${shop ? ` (shop at ${shop})` : ''}`);
    console.log(`fake CLI start-up (flux --version): ${fakeMs.toFixed(0)} ms  (plain \`node -e 0\`: ${nodeMs.toFixed(0)} ms; the real tools are native binaries)`);
    console.log(`fake start-ups on the critical chain: ${chainStartups}  (${chain.join(' > ')})`);
    console.log(`wall time (gross):                  ${s1(wall)} s`);
    console.log(`wall time net of fake start-ups:    ${s1(net)} s  (gross - ${chainStartups} x ${fakeMs.toFixed(0)} ms)`);
    console.log(`critical path (world's own pace):   ${critical.toFixed(2)} s  (${(CRITICAL / 60).toFixed(1)} min real)`);
    console.log(`beyond the world's pace:            ${s1(wall - critical)} s gross, ${s1(net - critical)} s net`);
    console.log(`wall / critical path:               ${(wall / critical).toFixed(2)} gross, ${(net / critical).toFixed(2)} net of fake start-ups  (goal <= 1.15)`);
    console.log(`tutorial's pace:                    ${tutorial.toFixed(2)} s  (${(TUTORIAL / 60).toFixed(1)} min real)`);
    console.log(`wall / tutorial's pace:             ${(wall / tutorial).toFixed(2)} gross, ${(net / tutorial).toFixed(2)} net of fake start-ups  (goal <= 0.5; floor ${(GKE_ALONE / TUTORIAL).toFixed(2)})`);
    console.log('');
    console.log('Per step (seconds of this run): start and end since lab up began, check = start - end of its last dependency');
    console.log('(the step checks whether its work is done already before it starts),');
    console.log("took = end - start, model = what the world's pace imposes after its dependencies (times the scale), gap = took - model,");
    console.log('fakes = fake CLI start-ups it paid. * = on the measured critical chain.');
    console.log(`  ${'step'.padEnd(20)} ${pad('start', 6)} ${pad('end', 6)} ${pad('check', 6)} ${pad('took', 6)} ${pad('model', 6)} ${pad('gap', 6)} ${pad('fakes', 5)}`);
    for (const id of planSteps) {
      const state = states[id];
      const start = (ms(state?.startedAt) - origin) / 1000;
      const end = (ms(state?.endedAt) - origin) / 1000;
      const depsEnd = Math.max(0, ...planDeps(id).map((d) => (ms(states[d]?.endedAt) - origin) / 1000));
      const ready = Math.max(0, ...planDeps(id).map((d) => appFinishes.get(d)!));
      const model = (appFinishes.get(id)! - ready) * timeScale;
      const took = end - start;
      console.log(
        `${chain.includes(id) ? '*' : ' '} ${id.padEnd(20)} ${pad(s1(start), 6)} ${pad(s1(end), 6)} ${pad(s1(start - depsEnd), 6)} ${pad(s1(took), 6)} ${pad(model.toFixed(2), 6)} ${pad(s1(took - model), 6)} ${pad(startupsOf(id), 5)}`,
      );
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
    console.log('');
    return { timeScale, code, wall, net };
  } finally {
    await lab.close();
    await t.dispose();
    rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const runs: RunFigures[] = [];
  for (const scale of timeScales) runs.push(await benchOnce(scale));
  console.log("The world's own pace, in real-world seconds (durations.ts unless said otherwise):");
  for (const line of describeModel(APP_MODEL)) console.log(line);
  console.log('');
  console.log("The tutorial's pace in the same world (its manifests in github.com/Smana/devflux, Flux's defaults):");
  for (const line of describeModel(TUTORIAL_MODEL)) console.log(line);
  console.log('');
  console.log(`Floor: GKE's cluster and node pool alone (${GKE_ALONE} s) are ${(GKE_ALONE / TUTORIAL).toFixed(2)} of the tutorial's pace (${TUTORIAL} s);`);
  console.log(`the world's whole pace (${CRITICAL} s) is ${(CRITICAL / TUTORIAL).toFixed(2)} of it. No run can go below either.`);
  console.log('');
  console.log('Summary:  scale   wall s   beyond s   wall/critical (<= 1.15)   wall/tutorial (<= 0.5)');
  for (const r of runs) {
    console.log(`          ${pad(r.timeScale, 5)} ${pad(s1(r.wall), 8)} ${pad(s1(r.wall - CRITICAL * r.timeScale), 10)}   ${pad((r.wall / (CRITICAL * r.timeScale)).toFixed(2), 23)}   ${pad((r.wall / (TUTORIAL * r.timeScale)).toFixed(2), 22)}`);
  }
  return runs.some((r) => r.code !== 0) ? 1 : 0;
}

process.exitCode = await main();
