/**
 * Crossplane and its GCP providers on the local cluster, installed by Flux from the repository:
 * Kustomizations crossplane-core -> crossplane-provider -> crossplane-configuration, each
 * waiting for the previous one (dependsOn). Done when all three are Ready, asked of the API
 * server. Running it asks Flux to fetch the repository now (unless it already applied the newest
 * commit), then follows the chain (flux-chain.ts), asking Flux to apply a link it holds for a
 * dependency as soon as that dependency is Ready. The live board shows every Flux object, so the
 * dependsOn graph shows which link waits and why (`dependency ... is not ready`, ...).
 */
import { localContext, targetOf } from './clusters';
import { fromCatalogue, runnerOf, type StepBehaviour } from './deps';
import { kustomizationsReady, waitChain } from './flux-chain';
import { reconcileUnlessCurrent } from './push';
import { forceStalledReleases } from './stalled-releases';

export const CROSSPLANE_CHAIN = ['crossplane-core', 'crossplane-provider', 'crossplane-configuration'] as const;

export const crossplaneStep: StepBehaviour = (info, deps) => ({
  ...fromCatalogue(info),
  async check(ctx) {
    const context = localContext(ctx.inputs);
    const { ready, detail } = await kustomizationsReady(targetOf(context, deps), CROSSPLANE_CHAIN);
    return ready ? { done: true, detail, outputs: { context } } : { done: false, detail };
  },
  async run(ctx) {
    const context = localContext(ctx.inputs);
    const run = runnerOf(ctx);
    await reconcileUnlessCurrent(ctx, deps.env, context);
    await forceStalledReleases(ctx, deps.env, context);
    ctx.info('Flux now installs Crossplane, then the GCP providers, then their configuration, each after the previous one is ready.');
    await waitChain(ctx, deps, context, CROSSPLANE_CHAIN);
    await run({ argv: ['flux', 'get', 'kustomizations', `--context=${context}`] });
    return { context };
  },
});
