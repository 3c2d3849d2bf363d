/**
 * The local control-plane cluster. Done when k3d lists it with every server running and the
 * kubeconfig has its `k3d-NAME` context; a rerun never creates a second cluster: it starts a
 * stopped one or restores a lost context instead.
 */
import { currentContext, listContexts } from '../tools/kubectl';
import { createCluster, deleteCluster, findCluster, k3dContext, mergeKubeconfig, serversRunning, startCluster } from '../tools/k3d';
import { fromCatalogue, k3dName, runnerOf, type StepBehaviour } from './deps';

export const k3dClusterStep: StepBehaviour = (info) => ({
  ...fromCatalogue(info),
  async check(ctx) {
    const run = runnerOf(ctx);
    const name = k3dName(ctx.inputs);
    const context = k3dContext(name);
    const cluster = await findCluster(run, name);
    if (!cluster) return { done: false, detail: `k3d has no cluster "${name}" yet` };
    if (!serversRunning(cluster)) return { done: false, detail: `k3d cluster "${name}" exists but its servers are stopped (${cluster.serversRunning}/${cluster.serversCount} running)` };
    if (!(await listContexts(run)).includes(context)) return { done: false, detail: `k3d cluster "${name}" runs, but the kubeconfig has no context ${context}` };
    ctx.ledger?.record({ kind: 'k3d-cluster', name });
    return { done: true, detail: `k3d cluster "${name}" runs and the kubeconfig has its context ${context}`, outputs: { context } };
  },
  async run(ctx) {
    const run = runnerOf(ctx);
    const name = k3dName(ctx.inputs);
    const context = k3dContext(name);
    const cluster = await findCluster(run, name);
    if (!cluster) {
      await createCluster(run, name);
      ctx.ledger?.record({ kind: 'k3d-cluster', name });
    } else if (!serversRunning(cluster)) {
      ctx.info(`The cluster "${name}" already exists: starting it rather than creating another.`);
      await startCluster(run, name);
    }
    if (!(await listContexts(run)).includes(context)) {
      ctx.info(`Writing the context ${context} into your kubeconfig.`);
      await mergeKubeconfig(run, name);
    }
    const current = await currentContext(run);
    if (current !== context) ctx.info(`kubectl's current context is ${current ?? '(none)'}; the lab passes --context=${context} explicitly.`);
    return { context };
  },
  async undo(ctx) {
    await deleteCluster(runnerOf(ctx), k3dName(ctx.inputs));
  },
});
