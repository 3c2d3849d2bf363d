/**
 * Observability and the demo shop on the dev cluster: Flux applies Kustomizations security, then
 * observability, with apps beside them; online-boutique's frontend-external Service gets a public address
 * from a Google load balancer. Done when the three are Ready and the Service has that address,
 * which is recorded as the output `shopAddress` (http://IP).
 */
import { FORWARDING_RULE_PER_HOUR } from '../cloud/prices';
import { readObject } from '../kube/read';
import type { KubeTarget } from '../kube/config';
import type { KubeObjectLike } from '../kube/status';
import { watchObjects } from '../kube/watch';
import type { StepContext } from '../plan/step';
import { gkeContext, targetOf } from './clusters';
import { kustomizationsReady, waitChain } from './flux-chain';
import { fromCatalogue, runnerOf, type StepBehaviour } from './deps';
import { reconcileUnlessCurrent } from './push';
import { forceStalledReleases } from './stalled-releases';

export const DEV_CHAIN = ['security', 'observability', 'apps'] as const;
const FRONTEND = { apiVersion: 'v1', kind: 'Service', namespace: 'demo', name: 'frontend-external' } as const;
/** The apps Kustomization's own timeout is 15 minutes (a load balancer takes a while). */
const DEFAULT_APPS_TIMEOUT_MS = 15 * 60_000;

export const ingressIp = (service: KubeObjectLike | undefined): string | undefined =>
  (service?.status as { loadBalancer?: { ingress?: Array<{ ip?: string }> } } | undefined)?.loadBalancer?.ingress?.[0]?.ip || undefined;

export const frontendIpArgv = (context: string): string[] => ['kubectl', 'get', 'svc', '-n', 'demo', 'frontend-external', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}', `--context=${context}`];

/** Resolves with the Service's load-balancer address once Google has given it one. */
function waitForAddress(ctx: StepContext, target: KubeTarget, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let stop: (() => void) | undefined;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
      stop?.();
      outcome();
    };
    const onAbort = (): void => finish(() => reject(ctx.signal.reason ?? new Error('cancelled')));
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => finish(() => reject(new Error(`Service demo/frontend-external has no load-balancer address after ${Math.round(timeoutMs / 1000)} s`))), timeoutMs);
    watchObjects({
      ...target,
      apiVersion: FRONTEND.apiVersion,
      kind: FRONTEND.kind,
      namespace: FRONTEND.namespace,
      fieldSelector: `metadata.name=${FRONTEND.name}`,
      onChange(object, deleted) {
        const ip = deleted ? undefined : ingressIp(object);
        if (ip) finish(() => resolve(ip));
      },
    }).then(
      (watch) => (settled ? watch.stop() : (stop = () => watch.stop())),
      (error: unknown) => finish(() => reject(error)),
    );
  });
}

/**
 * The Google forwarding rule behind the Service, in the cleanup ledger: GKE names it `a` + the
 * Service's uid without dashes, cut to 32 characters, in the cluster's region. It outlives the
 * cluster and blocks the network's deletion if the Service is not removed first.
 */
function recordLoadBalancer(ctx: StepContext, service: KubeObjectLike | undefined): void {
  const uid = (service?.metadata as { uid?: string } | undefined)?.uid;
  if (!uid || !ctx.ledger) return;
  const region = (ctx.inputs.gcp?.zone || 'europe-west9-a').replace(/-[a-z]$/, '');
  ctx.ledger.record({ kind: 'gcp-load-balancer', name: `a${uid.replace(/-/g, '')}`.slice(0, 32), project: ctx.inputs.gcp?.project, zone: region, costPerHour: FORWARDING_RULE_PER_HOUR });
}

export const appsStep: StepBehaviour = (info, deps) => ({
  ...fromCatalogue(info),
  async check(ctx) {
    const context = gkeContext(ctx.inputs);
    const target = targetOf(context, deps);
    const { ready, detail } = await kustomizationsReady(target, DEV_CHAIN);
    if (!ready) return { done: false, detail };
    const service = await readObject(target, FRONTEND);
    const ip = ingressIp(service);
    if (!ip) return { done: false, detail: `Service demo/frontend-external on ${context} has no load-balancer address yet` };
    // Flux often gives the shop its address before this step runs: the check is where it is found.
    recordLoadBalancer(ctx, service);
    return { done: true, detail: `The shop answers at http://${ip}`, outputs: { shopAddress: `http://${ip}` } };
  },
  async run(ctx) {
    const context = gkeContext(ctx.inputs);
    const target = targetOf(context, deps);
    const run = runnerOf(ctx);
    const timeoutMs = deps.readyTimeoutMs ?? DEFAULT_APPS_TIMEOUT_MS;
    ctx.info(`Asking Flux on ${context} to fetch the repository now; it installs Sealed Secrets, then Prometheus and Grafana, then the shop.`);
    await reconcileUnlessCurrent(ctx, deps.env, context);
    await forceStalledReleases(ctx, deps.env, context);
    await waitChain(ctx, deps, context, DEV_CHAIN, timeoutMs);
    ctx.info('Waiting for Google to give the shop\'s frontend-external Service a public address.');
    await waitForAddress(ctx, target, timeoutMs);
    recordLoadBalancer(ctx, await readObject(target, FRONTEND));
    const ip = (await run({ argv: frontendIpArgv(context) })).stdout.trim();
    if (!ip) throw new Error(`kubectl shows no address for Service demo/frontend-external on ${context}`);
    ctx.info(`The online boutique is at http://${ip}`);
    return { shopAddress: `http://${ip}` };
  },
});
