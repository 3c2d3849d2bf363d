/**
 * The teardown steps' behaviour: each `check` asks the world whether its resources are already
 * gone (which makes a killed teardown resume where it stopped), each `run` removes them and
 * records every removal in the ledger. The order and the texts are in teardown-catalogue.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { LedgerKind } from '../../api/contract';
import type { LabInputs } from '../../api/inputs';
import { FORWARDING_RULE_PER_HOUR } from '../cloud/prices';
import { setListEntryCommentedInText } from '../gitops/kustomization-edit';
import { recordLabEdit } from '../gitops/write';
import { hasContext } from '../kube/config';
import { readObject } from '../kube/read';
import type { CheckResult, StepContext, StepDefinition } from '../plan/step';
import { kustomizationRef } from '../steps/clusters';
import { runnerOf } from '../steps/deps';
import { cloudResources, findGkeCluster, gcloudListArgv } from '../steps/gke-cluster';
import { fluxSuspendArgv } from '../tools/flux';
import {
  deleteForwardingRule,
  deleteGkeCluster,
  deleteNetwork,
  deleteServiceAccount,
  gcloudDeleteArgv,
  listServiceAccounts,
  serviceAccountEmail,
  type ForwardingRuleInfo,
} from '../tools/gcloud';
import { deleteRepository, GitHubClient, githubApiUrl } from '../tools/github';
import { deleteCluster, k3dArgv } from '../tools/k3d';
import { kubectlChangeArgv } from '../tools/kubectl';
import { cloneDir } from '../steps/push';
import { deleteManaged, waitCloudGone } from './managed-delete';
import { customResourcesDir, gkeContextOf, k3dContextOf, LAB_NETWORK, teardownCatalogue, type TeardownStepInfo } from './teardown-catalogue';
import { timeoutOf, type TeardownDeps } from './teardown-deps';
import { cloudRemains, k3dExists, labRules, listKind, lookAtCloud, managedPresent, PROVIDER_REF, projectOf, providersDown, reachableK3d } from './teardown-world';

export interface TeardownStep extends StepDefinition {
  removes: LedgerKind[];
  optional?: TeardownStepInfo['optional'];
  /** Why this step would be refused with the current options, asked of the world (for the plan). */
  refusal?(ctx: StepContext): Promise<string | undefined>;
}

type Behaviour = Pick<TeardownStep, 'check' | 'run' | 'refusal'>;

const gkeName = (inputs: Partial<LabInputs>): string => inputs.clusters?.gkeName || 'dev-cluster';
const zoneOf = (inputs: Partial<LabInputs>): string => inputs.gcp?.zone || 'europe-west9-a';
const k3dName = (inputs: Partial<LabInputs>): string => inputs.clusters?.k3dName || 'crossplane';
const saEmailOf = (inputs: Partial<LabInputs>): string => serviceAccountEmail(inputs.gcp?.serviceAccountName || 'crossplane', projectOf(inputs));
const repositoryOf = (inputs: Partial<LabInputs>): string => `${inputs.github?.owner ?? ''}/${inputs.github?.repository || 'devflux'}`;

/**
 * Records, before the deletion through Git comments `entries` out of the kustomization, that the
 * result is the app's own version of that scaffold file: a later `lab up` then puts the entries
 * back instead of refusing them as the person's change. Recorded first because the deletion
 * waits minutes for Google, and a teardown killed meanwhile must not leave the edit unclaimed;
 * the same pure edit the deletion makes gives the same text. Should the deletion meet another
 * text (a pull brought someone's change), that text is not claimed and the scaffold asks.
 */
function claimCommentingOut(ctx: StepContext, entries: readonly string[]): void {
  try {
    const file = `${customResourcesDir(ctx.inputs)}/kustomization.yaml`;
    const full = path.join(cloneDir(ctx), file);
    if (!existsSync(full)) return;
    const before = readFileSync(full, 'utf8');
    let after = before;
    for (const entry of entries) {
      try {
        after = setListEntryCommentedInText(after, entry, true);
      } catch {
        // The deletion skips an entry it cannot comment out; so does the prediction.
      }
    }
    recordLabEdit(ctx.dataDir, file, before, after);
  } catch (error) {
    ctx.info(`Could not note the kustomization's edit as the lab's own (${error instanceof Error ? error.message : String(error)}); the next lab up will ask about it.`);
  }
}

/** Marks the ledger's entries of these kinds (and, when given, this name) as gone. */
function recordGone(deps: TeardownDeps, kinds: readonly LedgerKind[], name?: (entryName: string) => boolean): void {
  for (const entry of deps.ledger?.list() ?? []) {
    if (!kinds.includes(entry.kind) || entry.state === 'gone') continue;
    if (name && !name(entry.name)) continue;
    deps.ledger!.observe(entry.id, { state: 'gone', detail: 'removed by lab down' });
  }
}

const ruleByHand = (rule: ForwardingRuleInfo, project: string): string => gcloudDeleteArgv.forwardingRule({ name: rule.name, region: rule.region, project }).join(' ');
const clusterByHand = (inputs: Partial<LabInputs>): string => gcloudDeleteArgv.cluster({ name: gkeName(inputs), zone: zoneOf(inputs), project: projectOf(inputs) }).join(' ');
const networkByHand = (inputs: Partial<LabInputs>): string => gcloudDeleteArgv.network({ name: LAB_NETWORK, project: projectOf(inputs) }).join(' ');

/** Whether Crossplane can delete the cloud resources; a refusal when it cannot and `force` is off. */
async function crossplaneRefusal(ctx: StepContext, deps: TeardownDeps, describe: string, exists: boolean, byHand: string): Promise<string | undefined> {
  if (!exists || deps.options().force) return undefined;
  const target = await reachableK3d(ctx.inputs, deps.env);
  if (!target) return `${describe} exists but the k3d cluster does not answer, so Crossplane cannot delete it: pass --force to delete it directly (${byHand}).`;
  const down = await providersDown(target);
  if (down.length > 0) return `${describe} exists but Crossplane's provider is not running (${down.join(', ')}): pass --force to delete it directly with gcloud (${byHand}).`;
  return undefined;
}

/**
 * Gone at Google, but is its managed resource gone too? One left hanging on its finalizer (its
 * provider gone) would make the control-plane steps refuse; running the step releases it.
 */
async function managedLeft(ctx: StepContext, deps: TeardownDeps, kinds: string[], cloudGone: string): Promise<CheckResult> {
  const target = await reachableK3d(ctx.inputs, deps.env);
  const left = target ? await managedPresent(target, ctx.inputs, kinds) : [];
  if (left.length === 0) return { done: true, detail: cloudGone };
  return { done: false, detail: `${cloudGone}, but ${left.map((m) => `${m.ref.kind} ${m.ref.name}`).join(', ')} still exist${left.length === 1 ? 's' : ''} in ${target!.context}` };
}

const apps = (deps: TeardownDeps): Behaviour => ({
  async check(ctx) {
    const project = projectOf(ctx.inputs);
    const rules = await labRules(runnerOf(ctx), project);
    if (rules.length === 0) return { done: true, detail: `gcloud lists no load balancer on network ${LAB_NETWORK}` };
    return { done: false, detail: `${rules.length} load balancer(s) on network ${LAB_NETWORK}: ${rules.map((r) => `${r.name} (${r.ipAddress})`).join(', ')}`, outputs: { costPerHour: String(rules.length * FORWARDING_RULE_PER_HOUR) } };
  },
  async refusal(ctx) {
    if (deps.options().force) return undefined;
    const run = runnerOf(ctx);
    const rules = await labRules(run, projectOf(ctx.inputs));
    if (rules.length === 0) return undefined;
    const cluster = await findGkeCluster(run, ctx.inputs);
    const reachable = cluster?.status === 'RUNNING' && hasContext({ context: gkeContextOf(ctx.inputs), ...(deps.env ? { env: deps.env } : {}) });
    return reachable ? undefined : `load balancer(s) ${rules.map((r) => r.name).join(', ')} remain but the dev cluster is ${cluster ? 'not reachable' : 'gone'}, so nothing would release them: pass --force to delete them with gcloud.`;
  },
  async run(ctx) {
    const run = runnerOf(ctx);
    const project = projectOf(ctx.inputs);
    const force = deps.options().force;
    const cluster = await findGkeCluster(run, ctx.inputs);
    const context = gkeContextOf(ctx.inputs);
    const target = { context, ...(deps.env ? { env: deps.env } : {}) };
    if (cluster?.status === 'RUNNING' && hasContext(target)) {
      const kustomization = await readObject(target, kustomizationRef('apps')).catch(() => undefined);
      if (kustomization && (kustomization.spec as { suspend?: boolean } | undefined)?.suspend !== true) {
        ctx.info(`Telling Flux on ${context} to stop applying the apps, so it does not put the shop back.`);
        await ctx.run({ argv: fluxSuspendArgv('apps', context) });
      }
      ctx.info("Deleting the shop's namespace: its frontend-external Service goes, and GKE releases the Google load balancer.");
      await ctx.run({ argv: kubectlChangeArgv.delete('namespace', ['demo'], context) });
      ctx.info(`Waiting until gcloud lists no load balancer on network ${LAB_NETWORK}.`);
      if (await waitCloudGone(ctx, deps, async () => (await labRules(run, project)).length > 0, timeoutOf(deps, 'loadBalancer'))) {
        recordGone(deps, ['gcp-load-balancer']);
        return;
      }
    }
    const rules = await labRules(run, project);
    if (rules.length > 0 && !force) {
      const why = cluster?.status === 'RUNNING' ? `GKE did not release them within ${Math.round(timeoutOf(deps, 'loadBalancer') / 1000)} s` : `the dev cluster ${gkeName(ctx.inputs)} is ${cluster ? cluster.status : 'gone'}, so nothing will release them`;
      throw new Error(
        `Load balancer(s) remain on network ${LAB_NETWORK}: ${rules.map((r) => `${r.name} (${r.ipAddress}, ${r.region})`).join(', ')}; ${why}. ` +
          `Run lab down --force to delete them with gcloud, or by hand: ${rules.map((r) => ruleByHand(r, project)).join('; ')}`,
      );
    }
    for (const rule of rules) {
      ctx.info(`--force: deleting load balancer ${rule.name} directly with gcloud.`);
      await deleteForwardingRule(run, { name: rule.name, region: rule.region, project });
    }
    recordGone(deps, ['gcp-load-balancer']);
  },
});

const gke = (deps: TeardownDeps): Behaviour => ({
  async check(ctx) {
    const cluster = await findGkeCluster(runnerOf(ctx), ctx.inputs);
    if (!cluster) return managedLeft(ctx, deps, ['Cluster', 'NodePool'], `gcloud lists no cluster ${gkeName(ctx.inputs)}`);
    const cost = cloudResources(cluster, ctx.inputs).reduce((sum, r) => sum + (r.costPerHour ?? 0), 0);
    return { done: false, detail: `GKE cluster ${cluster.name} is ${cluster.status} in ${cluster.location}`, outputs: { costPerHour: String(cost) } };
  },
  async refusal(ctx) {
    return crossplaneRefusal(ctx, deps, `GKE cluster ${gkeName(ctx.inputs)}`, Boolean(await findGkeCluster(runnerOf(ctx), ctx.inputs)), clusterByHand(ctx.inputs));
  },
  async run(ctx) {
    const run = runnerOf(ctx);
    const inputs = ctx.inputs;
    claimCommentingOut(ctx, ['cluster.yaml', 'nodepool.yaml']);
    await deleteManaged(ctx, deps, {
      entries: ['cluster.yaml', 'nodepool.yaml'],
      kinds: ['Cluster', 'NodePool'],
      message: `Delete the GKE cluster ${gkeName(inputs)} (GitOps Lab cleanup)`,
      describe: `GKE cluster ${gkeName(inputs)}`,
      cloudPresent: async () => Boolean(await findGkeCluster(run, inputs)),
      forceDelete: () => deleteGkeCluster(run, { name: gkeName(inputs), zone: zoneOf(inputs), project: projectOf(inputs) }),
      byHand: clusterByHand(inputs),
      timeoutMs: timeoutOf(deps, 'gke'),
    });
    await run({ argv: gcloudListArgv(projectOf(inputs)) });
    recordGone(deps, ['gke-cluster', 'gke-node-pool'], (name) => name === gkeName(inputs) || name.startsWith(`${gkeName(inputs)}/`) || name === 'main-np');
  },
});

const network = (deps: TeardownDeps): Behaviour => ({
  async check(ctx) {
    const look = await lookAtCloud(runnerOf(ctx), ctx.inputs, { network: true });
    return look.network ? { done: false, detail: `gcloud lists network ${LAB_NETWORK}` } : managedLeft(ctx, deps, ['Network'], `gcloud lists no network ${LAB_NETWORK}`);
  },
  async refusal(ctx) {
    const look = await lookAtCloud(runnerOf(ctx), ctx.inputs, { network: true });
    return crossplaneRefusal(ctx, deps, `network ${LAB_NETWORK}`, look.network, networkByHand(ctx.inputs));
  },
  async run(ctx) {
    const run = runnerOf(ctx);
    const inputs = ctx.inputs;
    const project = projectOf(inputs);
    claimCommentingOut(ctx, ['network.yaml']);
    await deleteManaged(ctx, deps, {
      entries: ['network.yaml'],
      kinds: ['Network'],
      message: `Delete the network ${LAB_NETWORK} (GitOps Lab cleanup)`,
      describe: `network ${LAB_NETWORK}`,
      cloudPresent: async () => (await lookAtCloud(run, inputs, { network: true })).network,
      async forceDelete() {
        // Google refuses while a load balancer still uses the network.
        for (const rule of await labRules(run, project)) await deleteForwardingRule(run, { name: rule.name, region: rule.region, project });
        await deleteNetwork(run, { name: LAB_NETWORK, project });
      },
      byHand: networkByHand(inputs),
      timeoutMs: timeoutOf(deps, 'network'),
    });
    recordGone(deps, ['gcp-network'], (name) => name === LAB_NETWORK);
  },
});

/** The refusal shared by the control-plane steps: nothing that bills at Google may be left without its manager. */
async function controlPlaneSafety(ctx: StepContext, deps: TeardownDeps, what: string): Promise<void> {
  const remains = await cloudRemains(runnerOf(ctx), ctx.inputs, deps.env);
  if (remains.length > 0) {
    throw new Error(
      `Refusing to remove ${what} while managed cloud resources still exist: ${remains.join('; ')}. Nothing else would delete them. ` +
        'Let the earlier teardown steps finish (lab down), or run lab down --force to delete them directly with gcloud.',
    );
  }
}

const crossplane = (deps: TeardownDeps): Behaviour => ({
  async check(ctx) {
    const target = await reachableK3d(ctx.inputs, deps.env);
    if (!target) return { done: true, detail: `the k3d cluster ${k3dContextOf(ctx.inputs)} does not answer: no provider runs` };
    const providers = await listKind(target, PROVIDER_REF.apiVersion, PROVIDER_REF.kind);
    if (providers.length === 0) return { done: true, detail: `no Crossplane provider on ${target.context}` };
    return { done: false, detail: `Crossplane providers on ${target.context}: ${providers.map((p) => p.metadata?.name).join(', ')}` };
  },
  async refusal(ctx) {
    return refusalIfCloud(ctx, deps, 'Crossplane and its providers');
  },
  async run(ctx) {
    await controlPlaneSafety(ctx, deps, 'Crossplane and its providers');
    const target = await reachableK3d(ctx.inputs, deps.env);
    if (!target) return;
    const chain = await readObject(target, kustomizationRef('crossplane-provider')).catch(() => undefined);
    if (chain && (chain.spec as { suspend?: boolean } | undefined)?.suspend !== true) {
      ctx.info('Telling Flux to stop installing the providers, so it does not put them back.');
      await ctx.run({ argv: fluxSuspendArgv('crossplane-provider', target.context) });
    }
    await ctx.run({ argv: kubectlChangeArgv.delete('providers.pkg.crossplane.io', 'all', target.context) });
  },
});

async function refusalIfCloud(ctx: StepContext, deps: TeardownDeps, what: string): Promise<string | undefined> {
  if (deps.options().force) return undefined;
  const gkeRefused = await gke(deps).refusal!(ctx);
  const networkRefused = await network(deps).refusal!(ctx);
  if (!gkeRefused && !networkRefused) return undefined;
  return `${what} would stay: cloud resources the earlier steps cannot remove without --force would be left without their manager.`;
}

const k3d = (deps: TeardownDeps): Behaviour => ({
  async check(ctx) {
    const exists = await k3dExists(runnerOf(ctx), ctx.inputs);
    return exists ? { done: false, detail: `k3d lists cluster ${k3dName(ctx.inputs)}` } : { done: true, detail: `k3d lists no cluster ${k3dName(ctx.inputs)}` };
  },
  async refusal(ctx) {
    return refusalIfCloud(ctx, deps, `The k3d cluster ${k3dName(ctx.inputs)}`);
  },
  async run(ctx) {
    await controlPlaneSafety(ctx, deps, `the k3d cluster ${k3dName(ctx.inputs)}`);
    await deleteCluster(runnerOf(ctx), k3dName(ctx.inputs));
    recordGone(deps, ['k3d-cluster'], (name) => name === k3dName(ctx.inputs));
  },
});

const serviceAccount = (deps: TeardownDeps): Behaviour => ({
  async check(ctx) {
    const email = saEmailOf(ctx.inputs);
    const listed = await listServiceAccounts(runnerOf(ctx), projectOf(ctx.inputs));
    return listed.some((sa) => sa.email === email) ? { done: false, detail: `service account ${email} exists` } : { done: true, detail: `no service account ${email}` };
  },
  async run(ctx) {
    if (!deps.options().deleteServiceAccount) throw new Error('The service account is kept: pass --delete-service-account to delete it.');
    const run = runnerOf(ctx);
    const email = saEmailOf(ctx.inputs);
    const project = projectOf(ctx.inputs);
    // Deleting the account deletes its keys with it. Key ids cannot be read back from gcloud's
    // output here anyway: the masker hides them, as they are part of the key file.
    ctx.info(`Deleting ${email}; its keys go with it, so the key Crossplane used stops working at once.`);
    await deleteServiceAccount(run, { email, project });
    recordGone(deps, ['gcp-service-account-key', 'gcp-service-account']);
  },
});

const repository = (deps: TeardownDeps): Behaviour => {
  const client = (ctx: StepContext) => {
    const token = ctx.secret('GITHUB_TOKEN');
    if (!token) throw new Error('GITHUB_TOKEN is not set: the repository cannot be looked at.');
    return { token, apiUrl: githubApiUrl(deps.env ?? process.env) };
  };
  const mismatch = (ctx: StepContext): string | undefined => {
    const asked = deps.options().deleteRepository;
    const expected = repositoryOf(ctx.inputs);
    if (asked === undefined) return 'The repository is kept: pass --delete-repository OWNER/REPOSITORY to delete it.';
    return asked === expected ? undefined : `Refusing to delete the GitHub repository: "${asked}" is not exactly "${expected}". Type its full name, owner/repository, to confirm.`;
  };
  return {
    async check(ctx) {
      const [owner, name] = repositoryOf(ctx.inputs).split('/') as [string, string];
      const found = await new GitHubClient(client(ctx)).repository(owner, name);
      return found.exists ? { done: false, detail: `GitHub repository ${owner}/${name} exists` } : { done: true, detail: `no GitHub repository ${owner}/${name}` };
    },
    refusal: async (ctx) => (deps.options().deleteRepository === undefined ? undefined : mismatch(ctx)),
    async run(ctx) {
      const refused = mismatch(ctx);
      if (refused) throw new Error(refused);
      const [owner, name] = repositoryOf(ctx.inputs).split('/') as [string, string];
      ctx.info(`Deleting the GitHub repository ${owner}/${name} (DELETE /repos/${owner}/${name}).`);
      await deleteRepository(client(ctx), owner, name);
      recordGone(deps, ['github-repository']);
    },
  };
};

/** Google's and k3d's own answers, one line each: the evidence `lab down` prints. */
async function evidence(ctx: StepContext): Promise<{ remains: string[]; lines: string[] }> {
  const run = runnerOf(ctx);
  const inputs = ctx.inputs;
  const project = projectOf(inputs);
  const look = await lookAtCloud(run, inputs);
  const k3dPresent = await k3dExists(run, inputs);
  const remains: string[] = [];
  if (look.cluster) remains.push(`GKE cluster ${look.cluster.name} (${look.cluster.status}): ${clusterByHand(inputs)}`);
  for (const rule of look.rules) remains.push(`load balancer ${rule.name} (${rule.ipAddress}): ${ruleByHand(rule, project)}`);
  if (look.network) remains.push(`network ${LAB_NETWORK}: ${networkByHand(inputs)}`);
  if (k3dPresent) remains.push(`k3d cluster ${k3dName(inputs)}: ${k3dArgv.delete(k3dName(inputs)).join(' ')}`);
  const lines = [
    `gcloud container clusters list --project=${project}: ${look.cluster ? `${look.cluster.name} ${look.cluster.status}` : `no cluster ${gkeName(inputs)}`}`,
    `gcloud compute forwarding-rules list --project=${project}: ${look.rules.length ? look.rules.map((r) => r.name).join(', ') : `no load balancer on ${LAB_NETWORK}`}`,
    `gcloud compute networks list --project=${project}: ${look.network ? LAB_NETWORK : `no network ${LAB_NETWORK}`}`,
    `k3d cluster list: ${k3dPresent ? k3dName(inputs) : `no cluster ${k3dName(inputs)}`}`,
  ];
  return { remains, lines };
}

const verify = (): Behaviour => ({
  async check(ctx): Promise<CheckResult> {
    const { remains, lines } = await evidence(ctx);
    for (const line of lines) ctx.info(line);
    if (remains.length > 0) return { done: false, detail: `still there: ${remains.map((r) => r.split(':')[0]).join(', ')}` };
    return { done: true, detail: 'Google and k3d list nothing of the lab', outputs: { evidence: lines.join('\n') } };
  },
  async run(ctx) {
    const { remains, lines } = await evidence(ctx);
    for (const line of lines) ctx.info(line);
    if (remains.length > 0) throw new Error(`Still there after the teardown: ${remains.join('; ')}`);
    return { evidence: lines.join('\n') };
  },
});

const behaviours: Record<string, (deps: TeardownDeps) => Behaviour> = {
  'down-apps': apps,
  'down-gke': gke,
  'down-network': network,
  'down-crossplane': crossplane,
  'down-k3d': k3d,
  'down-service-account': serviceAccount,
  'down-repository': repository,
  'down-verify': verify,
};

export function teardownSteps(deps: TeardownDeps): TeardownStep[] {
  return teardownCatalogue.map((info) => ({
    ...info,
    dependsOn: [...info.dependsOn],
    inputs: [...info.inputs],
    removes: [...info.removes],
    commands: (inputs) => info.commands(inputs),
    ...behaviours[info.id]!(deps),
  }));
}
