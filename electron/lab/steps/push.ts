/**
 * How a step changes the cluster once its files are in the clone: the pre-push guards (schemas,
 * kustomize build, secret scan) first, then one commit, a push with the token in the
 * environment only, then `flux reconcile ... --with-source` on the clusters the commit concerns,
 * so Flux applies it now instead of at its next interval. A rerun with nothing new commits and
 * pushes nothing.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { LabInputs } from '../../api/inputs';
import { formatProblem, runGuards } from '../gitops/guards';
import { readObject } from '../kube/read';
import { lastAppliedRevision } from '../kube/status';
import type { StepContext } from '../plan/step';
import { CommandError, type Runner } from '../run/runner';
import { reconcileKustomization } from '../tools/flux';
import { add, commit, gitTokenEnv, head, push, remoteHead } from '../tools/git';
import { k3dContext } from '../tools/k3d';
import { kustomizationRef } from './clusters';
import { k3dName, runnerOf } from './deps';

export const BRANCH = 'main';

/** The local clone: the clone step's output, else the workspace folder. */
export function cloneDir(ctx: StepContext): string {
  const dir = ctx.outputsOf('clone')?.dir || ctx.inputs.workspaceDir;
  if (!dir) throw new Error('workspaceDir is empty: choose the folder of your local clone (the Clone step), then retry.');
  return path.resolve(dir);
}

export const contextOf = (inputs: Partial<LabInputs>): string => k3dContext(k3dName(inputs));

/** The engine's runner in the shape the gitops modules take: every command is journaled and logged to the step. */
export const stepRunner = (ctx: StepContext): Runner => ({ run: (spec, listener) => ctx.run(spec, listener) });

/** Values the secret scan must not find in any file: the secrets the person entered, plus the step's own. */
function knownSecrets(ctx: StepContext, extra: readonly string[]): string[] {
  return [ctx.secret('GITHUB_TOKEN'), ctx.secret('GRAFANA_ADMIN_PASSWORD'), ...extra].filter((v): v is string => !!v && v.length > 0);
}

const tokenOptions = (ctx: StepContext) => {
  const token = ctx.secret('GITHUB_TOKEN');
  return { ...(token ? { token } : {}), signal: ctx.signal };
};

/**
 * The content of `file` on the remote branch, or undefined when it is not there. Fetches first
 * (only the remote-tracking branch moves), so the answer is the remote's, not the clone's.
 */
export async function remoteFile(ctx: StepContext, dir: string, file: string): Promise<string | undefined> {
  const token = ctx.secret('GITHUB_TOKEN');
  await ctx.run({ argv: ['git', '-C', dir, 'fetch', 'origin', BRANCH], env: gitTokenEnv(token), signal: ctx.signal });
  const shown = await ctx.run({ argv: ['git', '-C', dir, 'show', `origin/${BRANCH}:${file}`], okExitCodes: [0, 128] });
  return shown.exitCode === 0 ? shown.stdout : undefined;
}

/**
 * The remote branch's files as `path -> blob hash` (git's own content hash), after a fetch: lets
 * a check compare many files with one command and without a checkout.
 */
export async function remoteTree(ctx: StepContext, dir: string): Promise<Map<string, string> | undefined> {
  const token = ctx.secret('GITHUB_TOKEN');
  await ctx.run({ argv: ['git', '-C', dir, 'fetch', 'origin', BRANCH], env: gitTokenEnv(token), signal: ctx.signal });
  const listed = await ctx.run({ argv: ['git', '-C', dir, 'ls-tree', '-r', `origin/${BRANCH}`], okExitCodes: [0, 128] });
  if (listed.exitCode !== 0) return undefined;
  const tree = new Map<string, string>();
  for (const line of listed.stdout.split('\n')) {
    const match = /^\d+ blob ([0-9a-f]+)\t(.+)$/.exec(line);
    if (match) tree.set(match[2]!, match[1]!);
  }
  return tree;
}

/** The hash git gives a file with this content (`git hash-object`). */
export function blobHash(content: string): string {
  const body = Buffer.from(content, 'utf8');
  return createHash('sha1').update(`blob ${body.length}\0`).update(body).digest('hex');
}

export interface PublishResult {
  committed: boolean;
  pushed: boolean;
}

export interface PublishOptions {
  message: string;
  /** Only these files are staged: the person's other changes in the clone stay theirs. */
  paths: readonly string[];
  /** Secret values of this step that no file may contain. */
  extraSecrets?: readonly string[];
}

export async function publish(ctx: StepContext, dir: string, options: PublishOptions): Promise<PublishResult> {
  const run = runnerOf(ctx);
  ctx.info('Checking the repository before committing: schemas, kustomize build, no secret in clear.');
  const guards = await runGuards(dir, { runner: stepRunner(ctx), secrets: knownSecrets(ctx, options.extraSecrets ?? []), signal: ctx.signal });
  if (!guards.ok) {
    throw new Error(`The pre-push checks found ${guards.problems.length} problem(s); nothing was committed:\n${guards.problems.map(formatProblem).join('\n')}`);
  }
  await add(run, dir, [...options.paths]);
  // `diff --cached --quiet` exits 1 when something is staged.
  const stagedFiles = (await ctx.run({ argv: ['git', '-C', dir, 'diff', '--cached', '--name-only', '-z'] })).stdout.split('\0').filter(Boolean);
  const staged = stagedFiles.length > 0;
  if (staged) await commit(run, dir, options.message);
  else ctx.info('Nothing new to commit.');
  const local = await head(run, dir);
  const remote = await remoteHead(run, dir, BRANCH, tokenOptions(ctx));
  if (remote === local) return { committed: staged, pushed: false };
  await push(run, dir, BRANCH, tokenOptions(ctx));
  for (const context of contextsConcerned(ctx, stagedFiles)) {
    ctx.info(`Asking Flux on ${context} to fetch the new commit now rather than at its next interval.`);
    await reconcileIfFluxRuns(ctx, context);
  }
  return { committed: staged, pushed: true };
}

/**
 * A cluster without Flux yet (a second `lab up` after `lab down`: the clone and the repository
 * are still there, the cluster and its Flux are made again meanwhile) has nothing to ask; its
 * bootstrap applies the branch as it is then, this commit included. Any other failure is one.
 */
async function reconcileIfFluxRuns(ctx: StepContext, context: string): Promise<void> {
  try {
    await reconcileKustomization(runnerOf(ctx), 'flux-system', context);
  } catch (error) {
    if (!(error instanceof CommandError) || error.exitCode !== 1 || !/"flux-system" not found|context "[^"]*" does not exist/.test(`${error.stderr}\n${error.stdout}`)) throw error;
    ctx.info(`Flux is not running on ${context} yet; its bootstrap will apply this commit.`);
  }
}

/**
 * The clusters whose Flux applies a change to these files. Each cluster syncs its own overlay
 * folders (named after it) and the shared bases, so a commit touching only the dev cluster's
 * folders concerns only the dev cluster, once Flux runs there; the app's own records (hidden
 * folders such as .gitops-lab/) concern no cluster; anything else, or a commit made by an earlier
 * attempt (its files are not known here), concerns the local cluster.
 */
export function contextsConcerned(ctx: StepContext, files: readonly string[]): string[] {
  const local = contextOf(ctx.inputs);
  if (files.length === 0) return [local];
  const synced = files.filter((file) => !file.startsWith('.'));
  const dev = ctx.outputsOf('flux-bootstrap-dev')?.context;
  const devFolder = ctx.inputs.clusters?.gkeName || 'dev-cluster';
  const forDev = (file: string): boolean => file.split('/').includes(devFolder);
  const contexts = new Set(synced.map((file) => (dev && forDev(file) ? dev : local)));
  // The local cluster first: it runs Crossplane, which the dev cluster's existence depends on.
  return [local, ...(dev ? [dev] : [])].filter((context) => contexts.has(context));
}

/**
 * `flux reconcile kustomization NAME --with-source`, unless that Kustomization has already
 * applied the newest commit of origin/main (the previous push's reconcile or a bootstrap did
 * it): asking again would only make Flux redo that work while the step could already be
 * waiting on the objects. When that cannot be told (no clone, the object missing), it asks.
 */
export async function reconcileUnlessCurrent(ctx: StepContext, env: NodeJS.ProcessEnv | undefined, context: string, name = 'flux-system'): Promise<void> {
  const applied = await appliedRevision(ctx, env, context, name).catch(() => undefined);
  const dir = ctx.outputsOf('clone')?.dir || ctx.inputs.workspaceDir;
  const newest = applied && dir && existsSync(path.join(dir, '.git')) ? await remoteHead(runnerOf(ctx), path.resolve(dir), BRANCH, tokenOptions(ctx)).catch(() => undefined) : undefined;
  if (applied && newest && applied.endsWith(newest)) {
    ctx.info(`Flux on ${context} has already applied the newest commit (${newest.slice(0, 7)}) in Kustomization ${name}; no need to ask it again.`);
    return;
  }
  await reconcileKustomization(runnerOf(ctx), name, context);
}

async function appliedRevision(ctx: StepContext, env: NodeJS.ProcessEnv | undefined, context: string, name: string): Promise<string | undefined> {
  const object = await readObject({ context, ...(env ? { env } : {}) }, kustomizationRef(name));
  return lastAppliedRevision(object) || undefined;
}
