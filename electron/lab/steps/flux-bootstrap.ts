/**
 * Flux on the k3d cluster. Done when the Kustomization flux-system exists and is Ready (asked
 * of the API server, not of `flux get`), so a rerun never bootstraps twice. Running it
 * bootstraps with the token in GITHUB_TOKEN only, then watches flux-system until it is Ready.
 */
import { hasContext } from '../kube/config';
import { readObject } from '../kube/read';
import { kustomizationApplied } from '../kube/status';
import { waitForCondition } from '../kube/wait';
import { bootstrapGithub, clusterPath } from '../tools/flux';
import { k3dContext } from '../tools/k3d';
import { DEFAULT_READY_TIMEOUT_MS, fromCatalogue, k3dName, runnerOf, type StepBehaviour } from './deps';

export const FLUX_SYSTEM = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', namespace: 'flux-system', name: 'flux-system' } as const;

export const fluxBootstrapStep: StepBehaviour = (info, deps) => ({
  ...fromCatalogue(info),
  async check(ctx) {
    const context = k3dContext(k3dName(ctx.inputs));
    const target = { context, ...(deps.env ? { env: deps.env } : {}) };
    if (!hasContext(target)) return { done: false, detail: `The kubeconfig has no context ${context} yet` };
    const object = await readObject(target, FLUX_SYSTEM);
    if (!object) return { done: false, detail: `Flux is not installed on ${context} (no Kustomization flux-system/flux-system)` };
    const state = kustomizationApplied(object);
    if (!state.applied) return { done: false, detail: `Kustomization flux-system/flux-system is not Ready on ${context}: ${state.message}` };
    return { done: true, detail: `Kustomization flux-system/flux-system is Ready on ${context}: ${state.message}`, outputs: { context, path: clusterPath(context) } };
  },
  async run(ctx) {
    const context = k3dContext(k3dName(ctx.inputs));
    const token = ctx.secret('GITHUB_TOKEN');
    if (!token) throw new Error('No GitHub token: enter it in the GitHub access step (GITHUB_TOKEN), then retry.');
    const owner = ctx.inputs.github?.owner;
    const repository = ctx.inputs.github?.repository || 'devflux';
    if (!owner) throw new Error('github.owner is empty: enter your GitHub user or organization.');
    await bootstrapGithub(runnerOf(ctx), { context, owner, repository, personal: ctx.inputs.github?.personal !== false, path: clusterPath(context) }, token);
    // Only a repository flux bootstrap created is the lab's: one the person had is never offered for deletion.
    if (ctx.outputsOf('github-access')?.repositoryExists === 'false') ctx.ledger?.record({ kind: 'github-repository', name: `${owner}/${repository}` });
    ctx.info(`Waiting for Kustomization flux-system/flux-system to be Ready on ${context}.`);
    const ready = await waitForCondition({
      kubeconfigContext: context,
      ...(deps.env ? { env: deps.env } : {}),
      ...FLUX_SYSTEM,
      timeoutMs: deps.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
      signal: ctx.signal,
      onStatus: (status) => deps.reportResource?.(status),
    });
    ctx.info(`flux-system is Ready: ${ready.message}`);
    return { context, path: clusterPath(context) };
  },
});
