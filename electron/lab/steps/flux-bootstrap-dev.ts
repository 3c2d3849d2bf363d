/**
 * Flux on the dev cluster, syncing `clusters/<gkeName>` of the same repository. Done when the
 * Kustomization flux-system is Ready on the dev cluster's context, so a rerun never bootstraps
 * twice. The token reaches flux in GITHUB_TOKEN only.
 */
import { bootstrapGithub } from '../tools/flux';
import { gkeContext, gkeName, targetOf } from './clusters';
import { kustomizationsReady, waitKustomizations } from './flux-chain';
import { fromCatalogue, runnerOf, type StepBehaviour } from './deps';

export const fluxBootstrapDevStep: StepBehaviour = (info, deps) => ({
  ...fromCatalogue(info),
  async check(ctx) {
    const context = gkeContext(ctx.inputs);
    const { ready, detail } = await kustomizationsReady(targetOf(context, deps), ['flux-system']);
    return ready ? { done: true, detail, outputs: { context, path: `clusters/${gkeName(ctx.inputs)}` } } : { done: false, detail };
  },
  async run(ctx) {
    const context = gkeContext(ctx.inputs);
    const path = `clusters/${gkeName(ctx.inputs)}`;
    const token = ctx.secret('GITHUB_TOKEN');
    if (!token) throw new Error('No GitHub token: enter it in the GitHub access step (GITHUB_TOKEN), then retry.');
    const owner = ctx.inputs.github?.owner;
    if (!owner) throw new Error('github.owner is empty: enter your GitHub user or organization.');
    const repository = ctx.inputs.github?.repository || 'devflux';
    await bootstrapGithub(runnerOf(ctx), { context, owner, repository, personal: ctx.inputs.github?.personal !== false, path }, token);
    await waitKustomizations(ctx, deps, context, ['flux-system']);
    return { context, path };
  },
});
