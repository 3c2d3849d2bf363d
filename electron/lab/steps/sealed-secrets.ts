/**
 * The Sealed Secrets controller, installed by Flux from the scaffold's HelmRelease
 * `kube-system/sealed-secrets`. Done when that HelmRelease is Ready (asked of the API server).
 * Running it asks Flux to reconcile now (unless it already applied the newest commit), then watches the release until it is Ready, reporting
 * each status to the live board.
 */
import { readObject } from '../kube/read';
import { conditionState } from '../kube/status';
import { waitForCondition } from '../kube/wait';
import { FLUX_API } from '../gitops/versions';
import { DEFAULT_READY_TIMEOUT_MS, fromCatalogue, type StepBehaviour } from './deps';
import { forceStalledReleases } from './stalled-releases';
import { contextOf, reconcileUnlessCurrent } from './push';

export const SEALED_SECRETS_RELEASE = { apiVersion: FLUX_API.helmRelease, kind: 'HelmRelease', namespace: 'kube-system', name: 'sealed-secrets' } as const;

export const sealedSecretsStep: StepBehaviour = (info, deps) => ({
  ...fromCatalogue(info),
  async check(ctx) {
    const context = contextOf(ctx.inputs);
    const release = await readObject({ context, ...(deps.env ? { env: deps.env } : {}) }, SEALED_SECRETS_RELEASE);
    if (!release) return { done: false, detail: `HelmRelease kube-system/sealed-secrets does not exist on ${context} yet` };
    const state = conditionState(release, 'Ready');
    if (state.ready !== true) return { done: false, detail: `HelmRelease kube-system/sealed-secrets is not Ready on ${context}: ${state.message}` };
    return { done: true, detail: `HelmRelease kube-system/sealed-secrets is Ready on ${context}: ${state.message}`, outputs: { context } };
  },
  async run(ctx) {
    const context = contextOf(ctx.inputs);
    await reconcileUnlessCurrent(ctx, deps.env, context);
    await forceStalledReleases(ctx, deps.env, context);
    ctx.info(`Waiting for HelmRelease kube-system/sealed-secrets to be Ready on ${context}.`);
    const ready = await waitForCondition({
      kubeconfigContext: context,
      ...(deps.env ? { env: deps.env } : {}),
      ...SEALED_SECRETS_RELEASE,
      timeoutMs: deps.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
      signal: ctx.signal,
      onStatus: (status) => deps.reportResource?.(status),
    });
    ctx.info(`The Sealed Secrets controller is installed: ${ready.message}`);
    return { context };
  },
});
