/**
 * `lab down`: the ordered teardown from a lab.yaml. Everything that can be refused is refused
 * before the engine touches the world (exit 2); then the plan (what will go, what it costs per
 * hour, what would be refused), a confirmation, and every teardown step with the same progress
 * display as `lab up`. Exit 0 only when the last step asked Google and k3d and saw nothing of the
 * lab left; otherwise exit 1 naming the failing step and what remains. Ctrl-C cancels; a second
 * `lab down` resumes, re-checking each step against the world.
 */
import type { Snapshot, TeardownOptions, TeardownPlan } from '../../api/contract';
import { createProgress } from './progress';
import { CliExit, INTERRUPTED_EXIT_CODE, loadConfigOrExit, USAGE_EXIT_CODE, type CliDeps } from './program';

export interface DownCommandOptions {
  config: string;
  yes: boolean;
  force: boolean;
  deleteServiceAccount: boolean;
  deleteRepository?: string;
}

export async function down(deps: CliDeps, options: DownCommandOptions): Promise<void> {
  const config = loadConfigOrExit(options.config);
  const repository = `${config.inputs.github?.owner ?? ''}/${config.inputs.github?.repository || 'devflux'}`;
  if (options.deleteRepository !== undefined && options.deleteRepository !== repository) {
    throw new CliExit(USAGE_EXIT_CODE, `--delete-repository "${options.deleteRepository}" is not exactly "${repository}": type the repository's full name, owner/repository, to confirm its deletion. Nothing was deleted.`);
  }
  if (!deps.env.GITHUB_TOKEN) {
    throw new CliExit(USAGE_EXIT_CODE, 'GITHUB_TOKEN: not set. lab down removes the GKE cluster through your GitOps repository (commit and push); export your GitHub personal access token (export GITHUB_TOKEN=...) and run lab down again.');
  }
  if (!options.yes && !(deps.isTTY && deps.confirm)) {
    throw new CliExit(USAGE_EXIT_CODE, 'lab down deletes real resources (the GKE cluster, its network and load balancer, the k3d cluster) and asks first; without a terminal to ask on, pass --yes.');
  }
  const teardown: TeardownOptions = {
    force: options.force,
    deleteServiceAccount: options.deleteServiceAccount,
    ...(options.deleteRepository !== undefined ? { deleteRepository: options.deleteRepository } : {}),
  };
  const stopRequested = deps.waitForShutdown().then(() => 'stop' as const);
  const engine = deps.createEngine({ env: deps.env });
  let progressTimer: NodeJS.Timeout | undefined;
  try {
    if (!engine.whenTeardownIdle) throw new Error('this engine cannot run the teardown');
    const set = await engine.setInputs({ inputs: config.inputs });
    if (!set.ok) throw new CliExit(USAGE_EXIT_CODE, set.issues.map((issue) => `${config.file}: ${issue.message}`).join('\n'));
    deps.stdout('Looking at what exists...\n');
    const { notices } = await engine.start({ labSteps: false });
    for (const notice of notices) deps.stderr(`${notice}\n`);
    const plan = await engine.planTeardown(teardown);
    deps.stdout(formatTeardownPlan(plan));
    if (!options.yes && !(await deps.confirm!('Delete them now? [y/N] '))) throw new CliExit(1, 'nothing was deleted (not confirmed).');

    const before = await engine.getSnapshot({});
    const titles = Object.fromEntries(before.cleanup.steps.map((step) => [step.id, step.title]));
    const progress = createProgress({ tty: deps.isTTY === true, write: deps.stdout, titles, ...(deps.columns ? { columns: deps.columns } : {}) });
    const unsubscribe = engine.onEvent((event) => progress.onEvent(event));
    if (deps.isTTY) progressTimer = setInterval(() => progress.tick(), 250);
    await engine.runTeardown(teardown);
    const ended = await Promise.race([engine.whenTeardownIdle().then(() => 'idle' as const), stopRequested]);
    if (ended === 'stop') {
      deps.stderr('Cancelling: stopping the running teardown step...\n');
      await engine.cancelTeardown({});
      await engine.whenTeardownIdle();
    }
    clearInterval(progressTimer);
    progress.stop();
    unsubscribe();
    if (ended === 'stop') throw new CliExit(INTERRUPTED_EXIT_CODE, 'cancelled. Run lab down again to resume: steps already done are found done and skipped.');
    printDownOutcome(deps, await engine.getSnapshot({}));
  } finally {
    clearInterval(progressTimer);
    await engine.close();
  }
}

export function formatTeardownPlan(plan: TeardownPlan): string {
  const lines = ['Teardown plan, in this order:'];
  for (const item of plan.items) {
    lines.push(`  • ${item.title}`);
    for (const id of item.resources) lines.push(`      - ${id}`);
    if (item.refusal) lines.push(`      refused as asked: ${item.refusal}`);
  }
  lines.push(`Running now: about $${plan.costPerHour.toFixed(2)} per hour (estimate).`);
  for (const warning of plan.warnings) lines.push(`  ! ${warning}`);
  return `${lines.join('\n')}\n`;
}

/** Exit 0 only when the verify step saw nothing left; otherwise the failing step and what remains. */
function printDownOutcome(deps: CliDeps, snapshot: Snapshot): void {
  const steps = snapshot.cleanup.steps;
  const failed = steps.filter((step) => snapshot.steps[step.id]?.status === 'failed');
  if (failed.length > 0) {
    const lines = failed.map((step) => {
      const error = snapshot.steps[step.id]!.error;
      return [`teardown step "${step.id}" (${step.title}) failed: ${error?.message ?? 'unknown error'}`, ...(error?.hint ? [`  hint: ${error.hint}`] : []), ...(error?.command ? [`  command: ${error.command}`] : []), ...(error?.stderrTail ? [`  ${error.stderrTail.trim().split('\n').join('\n  ')}`] : [])].join('\n');
    });
    const after = steps.filter((step) => snapshot.steps[step.id]?.status === 'blocked').map((step) => step.id);
    throw new CliExit(1, `${lines.join('\n')}${after.length ? `\nNot run, waiting for it: ${after.join(', ')}` : ''}\nFix the cause and run lab down again: steps already done are skipped.`);
  }
  const verify = steps.at(-1);
  const state = verify ? snapshot.steps[verify.id] : undefined;
  if (!verify || state?.status !== 'succeeded') {
    const unfinished = steps.filter((step) => !['succeeded', 'skipped'].includes(snapshot.steps[step.id]?.status ?? 'pending'));
    throw new CliExit(1, `the teardown did not finish: ${unfinished.map((step) => `${step.id} (${snapshot.steps[step.id]?.status ?? 'pending'})`).join(', ')}. Run lab down again.`);
  }
  const kept = steps.filter((step) => snapshot.steps[step.id]?.status === 'skipped').map((step) => `${step.title}: ${snapshot.steps[step.id]?.skipReason ?? 'skipped'}`);
  deps.stdout(`What Google and k3d list now:\n${(state.outputs?.evidence ?? '').split('\n').map((line) => `  ${line}`).join('\n')}\n`);
  for (const line of kept) deps.stdout(`  (${line})\n`);
  deps.stdout('Nothing of the lab is left running.\n');
}
