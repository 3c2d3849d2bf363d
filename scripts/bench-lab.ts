/**
 * `npm run bench:lab [-- --time-scale X]`: the whole lab through `lab up`, against a simulated
 * world started in this process (fake CLIs, API servers, GitHub, GCP).
 *
 * Runs `lab up --config <copy of test/fixtures/lab.yaml> --yes` in-process (the copy sits in a
 * temp folder, so its `workspaceDir: ./devflux` clone lands there, not in the repository), and
 * prints:
 *  - the wall time;
 *  - the critical path of the simulator's configured durations (test/sim/world/durations.ts, times
 *    the time scale) along the plan's dependency graph, and wall / critical path (goal <= 1.15:
 *    the app adds little beyond what the tools themselves take);
 *  - the tutorial's pace, i.e. the same critical path plus Flux's 1-minute GitRepository interval
 *    at each step where the tutorial waits for Flux to notice a push while the app asks it to
 *    reconcile now (a step showing `flux reconcile`), scaled the same way; and wall / that
 *    (goal <= 0.5).
 * The `tools` step (asdf) is left out: nothing is installed in the world's PATH. Figures only.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli, type CliDeps } from '../electron/hosts/cli/program';
import { createEngine, type Engine } from '../electron/lab/engine';
import { steps as catalogue } from '../electron/lab/plan/catalogue';
import { labSteps } from '../electron/lab/plan/lab-steps';
import type { StepDefinition } from '../electron/lab/plan/step';
import { realDurations, resolveTimeScale, type DurationName } from '../test/sim/world/durations';
import { startTestWorld } from '../test/sim/world/test-world';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const at = process.argv.indexOf('--time-scale');
const timeScale = resolveTimeScale(at >= 0 ? process.argv[at + 1] : undefined);
const SKIPPED = new Set(['tools']);
/** Flux's default GitRepository interval, which the tutorial waits for after each push. */
const FLUX_GIT_INTERVAL_SECONDS = 60;

/** The simulated delays each step waits for, in the order the world incurs them. */
const STEP_DURATIONS: Record<string, DurationName[]> = {
  'gcp-credentials': ['serviceEnable'],
  'k3d-cluster': ['k3dClusterCreate'],
  'flux-bootstrap': ['fluxBootstrap'],
  'sealed-secrets': ['helmReleaseReady'],
  // Crossplane's chart, then its providers.
  crossplane: ['helmReleaseReady', 'crossplaneProviderHealthy'],
  // The cluster refers to the network; the node pool to the cluster.
  'gke-cluster': ['networkCreate', 'gkeClusterCreate', 'gkeNodePoolCreate'],
  'flux-bootstrap-dev': ['fluxBootstrap'],
  // The dev cluster's own Sealed Secrets controller.
  'reseal-grafana': ['helmReleaseReady'],
  // kube-prometheus-stack, then online-boutique, then Google's load balancer.
  apps: ['helmReleaseReady', 'helmReleaseReady', 'loadBalancerCreate'],
};

function longestPath(weight: (id: string) => number): number {
  const plan = catalogue.filter((s) => !SKIPPED.has(s.id));
  const finish = new Map<string, number>();
  const visit = (id: string): number => {
    const known = finish.get(id);
    if (known !== undefined) return known;
    const step = plan.find((s) => s.id === id)!;
    const start = Math.max(0, ...step.dependsOn.filter((d) => !SKIPPED.has(d)).map(visit));
    finish.set(id, start + weight(id));
    return finish.get(id)!;
  };
  return Math.max(...plan.map((s) => visit(s.id)));
}

const simulated = (id: string): number => (STEP_DURATIONS[id] ?? []).reduce((sum, name) => sum + realDurations[name], 0);
const waitsForFlux = (id: string): boolean => catalogue.find((s) => s.id === id)!.commands({}).some((c) => c.argv.slice(0, 2).join(' ') === 'flux reconcile');

function withoutSkipped(steps: StepDefinition[]): StepDefinition[] {
  return steps.filter((s) => !SKIPPED.has(s.id)).map((s) => ({ ...s, dependsOn: s.dependsOn.filter((d) => !SKIPPED.has(d)) }));
}

async function main(): Promise<number> {
  const t = await startTestWorld({ timeScale });
  const work = mkdtempSync(join(tmpdir(), 'bench-lab-'));
  const config = join(work, 'lab.yaml');
  copyFileSync(join(root, 'test', 'fixtures', 'lab.yaml'), config);
  const env = { ...t.world.env(), HOME: t.workDir };
  let engine: Engine | undefined;
  const out: string[] = [];
  const deps: CliDeps = {
    version: 'bench',
    createEngine: () => {
      engine = createEngine({
        dataDir: join(work, 'lab-data'),
        env,
        steps: withoutSkipped(labSteps({ env, reportResource: (s) => engine?.reportResource(s) })),
      });
      return engine;
    },
    startWebHost: async () => {
      throw new Error('not used');
    },
    staticDir: '/nonexistent',
    env,
    stdout: (text) => void out.push(text),
    stderr: (text) => void process.stderr.write(text),
    openBrowser: () => undefined,
    waitForShutdown: () => new Promise<void>(() => undefined),
  };
  try {
    const started = performance.now();
    const code = await runCli(deps, ['up', '--config', config, '--yes']);
    const wall = (performance.now() - started) / 1000;
    const critical = longestPath(simulated) * timeScale;
    const tutorial = longestPath((id) => simulated(id) + (waitsForFlux(id) ? FLUX_GIT_INTERVAL_SECONDS : 0)) * timeScale;
    const shop = /The shop is at (\S+)/.exec(out.join(''))?.[1];
    console.log(`lab up exit code:                 ${code}${shop ? ` (shop at ${shop})` : ''}`);
    console.log(`time scale:                       ${timeScale}`);
    console.log(`wall time:                        ${wall.toFixed(1)} s`);
    console.log(`critical path (simulated):        ${critical.toFixed(1)} s  (${(critical / timeScale / 60).toFixed(1)} min real)`);
    console.log(`wall / critical path:             ${(wall / critical).toFixed(2)}  (goal <= 1.15)`);
    console.log(`tutorial pace (waits for Flux):   ${tutorial.toFixed(1)} s  (${(tutorial / timeScale / 60).toFixed(1)} min real)`);
    console.log(`wall / tutorial pace:             ${(wall / tutorial).toFixed(2)}  (goal <= 0.5)`);
    // Where the time went: each step's own duration next to the simulated delays it waits for.
    const reader = createEngine({ dataDir: join(work, 'lab-data'), env, steps: withoutSkipped(labSteps()) });
    const states = (await reader.getSnapshot({})).steps;
    await reader.close();
    console.log('step                   took (s)  simulated (s)');
    for (const step of catalogue.filter((s) => !SKIPPED.has(s.id))) {
      const state = states[step.id];
      const took = state?.startedAt && state.endedAt ? ((Date.parse(state.endedAt) - Date.parse(state.startedAt)) / 1000).toFixed(1) : '-';
      console.log(`${step.id.padEnd(22)} ${took.padStart(8)}  ${(simulated(step.id) * timeScale).toFixed(1).padStart(13)}`);
    }
    if (code !== 0) console.log(out.join('').split('\n').slice(-15).join('\n'));
    return code;
  } finally {
    await engine?.close();
    await t.dispose();
    rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = await main();
