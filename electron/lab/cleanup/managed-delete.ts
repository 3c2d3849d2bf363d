/**
 * Deleting a cloud resource the way the tutorial does: its manifest is commented out of the
 * kustomization in Git (the `yaml` library keeps every comment), pushed, and Flux prunes the
 * managed resource, so Crossplane deletes it at Google. The step then waits, bounded, until the
 * managed resources are gone (watched through the API) and gcloud no longer lists the resource.
 *
 * When Crossplane cannot act (its provider gone: the managed resource would hang on its finalizer
 * for ever, crossplane#4251), it stops with what to do, or with `force` deletes the resource
 * directly with gcloud and then releases the finalizers.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { LabInputs } from '../../api/inputs';
import { setListEntryCommented } from '../gitops/kustomization-edit';
import type { KubeTarget } from '../kube/config';
import { conditionOf, type KubeObjectLike } from '../kube/status';
import { watchObjects } from '../kube/watch';
import type { StepContext } from '../plan/step';
import { runnerOf } from '../steps/deps';
import type { ManagedRef } from '../steps/gke-cluster';
import { cloneDir, publish } from '../steps/push';
import { fluxArgv, fluxResumeArgv } from '../tools/flux';
import { readObject } from '../kube/read';
import { kustomizationRef } from '../steps/clusters';
import { pull } from '../tools/git';
import { kubectlChangeArgv } from '../tools/kubectl';
import { customResourcesDir, k3dContextOf } from './teardown-catalogue';
import { MANAGED_FINALIZER, managedPresent, providersDown, reachableK3d, resourceName } from './teardown-world';
import type { TeardownDeps } from './teardown-deps';

export interface ManagedDeletion {
  /** Kustomization entries to comment out, e.g. `cluster.yaml`. */
  entries: string[];
  kinds: string[];
  message: string;
  /** The cloud resource in a person's words, e.g. `GKE cluster dev-cluster`. */
  describe: string;
  /** Whether gcloud still lists it. */
  cloudPresent(): Promise<boolean>;
  /** Deletes it directly with gcloud (for `force`). */
  forceDelete(): Promise<void>;
  /** The gcloud command a person would type to delete it by hand. */
  byHand: string;
  timeoutMs: number;
}

/** The lab's managed resources may be deleted: comment them out of Git and push. */
export async function commentOutAndPublish(ctx: StepContext, entries: readonly string[], message: string, env?: NodeJS.ProcessEnv): Promise<void> {
  const dir = cloneDir(ctx);
  const relative = `${customResourcesDir(ctx.inputs)}/kustomization.yaml`;
  const file = path.join(dir, relative);
  if (!existsSync(file)) {
    // Without the change in Git, Flux would keep the resources: waiting would only time out.
    throw new Error(`${relative} is not in the clone ${dir}, so the deletion cannot go through Git. Check workspaceDir in lab.yaml, or run lab down --force to delete directly with gcloud.`);
  }
  const token = ctx.secret('GITHUB_TOKEN');
  // Flux's bootstraps commit to the branch too: catch up before committing on top.
  await pull(runnerOf(ctx), dir, { ...(token ? { token } : {}), signal: ctx.signal });
  for (const entry of entries) {
    try {
      if (await setListEntryCommented(file, entry, true)) ctx.info(`Commented out - ${entry} in ${relative}.`);
      else ctx.info(`- ${entry} is already commented out in ${relative}.`);
    } catch (error) {
      ctx.info(`${relative}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  await publish(ctx, dir, { message, paths: [relative] });
  const context = k3dContextOf(ctx.inputs);
  const target = { context, ...(env ? { env } : {}) };
  const custom = await readObject(target, kustomizationRef('infrastructure-custom-resources')).catch(() => undefined);
  if ((custom?.spec as { suspend?: boolean } | undefined)?.suspend === true) {
    // A suspended Kustomization prunes nothing: the deletion through Git needs Flux to act.
    ctx.info('Kustomization infrastructure-custom-resources is suspended; resuming it so Flux applies the deletion.');
    await ctx.run({ argv: fluxResumeArgv('infrastructure-custom-resources', context), okExitCodes: [0, 1], timeoutMs: 5 * 60_000 });
  }
  ctx.info(`Asking Flux on ${context} to apply the change now: it prunes what the kustomization no longer lists.`);
  // A dependency that is not Ready makes the reconcile wait or fail; the waits below decide.
  const reconciled = await ctx.run({ argv: fluxArgv.reconcileKustomization('infrastructure-custom-resources', context), okExitCodes: [0, 1], timeoutMs: 5 * 60_000 });
  if (reconciled.exitCode !== 0) ctx.info('Flux did not confirm the reconcile; following the managed resources themselves.');
}

/** Deletes the managed resources and releases their finalizers: only after the cloud resource itself is gone. */
export async function releaseManaged(ctx: StepContext, target: KubeTarget, refs: readonly ManagedRef[]): Promise<void> {
  for (const ref of refs) {
    const resource = resourceName(ref);
    await ctx.run({ argv: kubectlChangeArgv.delete(resource, [ref.name], target.context) });
    const patched = await ctx.run({ argv: kubectlChangeArgv.mergePatch(resource, ref.name, { metadata: { finalizers: null } }, target.context), okExitCodes: [0, 1] });
    if (patched.exitCode !== 0) ctx.info(`${ref.kind} ${ref.name} is already gone.`);
  }
}

export function stuckMessage(refs: readonly ManagedRef[], context: string, down: readonly string[], describe: string, byHand: string, atGoogle = true): string {
  const objects = refs.map((ref) => `${ref.kind} ${ref.name}`).join(', ');
  const patches = refs.map((ref) => `kubectl patch ${resourceName(ref)} ${ref.name} --type=merge -p '{"metadata":{"finalizers":null}}' --context=${context}`).join('; ');
  return (
    `Crossplane cannot delete ${describe}: its provider is not running on ${context} (${down.join(', ')}), so ${objects || 'its managed resource'} would hang on the finalizer ${MANAGED_FINALIZER} ` +
    `(crossplane/crossplane#4251). ${atGoogle ? `${describe} still exists at Google and bills.` : `gcloud may still list ${describe}.`} Either run lab down --force, which deletes it directly with gcloud and then releases the finalizers, ` +
    `or delete it by hand (${byHand}) and then remove the finalizer${refs.length === 1 ? '' : 's'} (${patches || 'none'}).`
  );
}

/**
 * Resolves when none of `refs` exists in the cluster. Fails at once when the provider refuses
 * a deletion that only a person can fix (deletion protection) or goes away meanwhile, and after
 * `timeoutMs` with each object's last message.
 */
export function waitManagedGone(ctx: StepContext, deps: TeardownDeps, target: KubeTarget, refs: readonly ManagedRef[], timeoutMs: number, describe: string, byHand: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const left = new Map(refs.map((ref) => [ref.name + '/' + ref.kind, ref]));
    const last = new Map<string, string>();
    const stops: Array<() => void> = [];
    let settled = false;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(providerCheck);
      ctx.signal.removeEventListener('abort', onAbort);
      for (const stop of stops) stop();
      outcome();
    };
    const onAbort = (): void => finish(() => reject(ctx.signal.reason ?? new Error('cancelled')));
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const gone = (key: string): void => {
      if (!left.delete(key)) return;
      ctx.info(`${key.split('/').reverse().join(' ')} is gone from ${target.context}.`);
      if (left.size === 0) finish(resolve);
    };
    const timer = setTimeout(() => {
      const waiting = [...left.entries()].map(([key, ref]) => `${ref.kind} ${ref.name}: ${last.get(key) || 'no status'}`).join('; ');
      finish(() => reject(new Error(`${describe} was not deleted within ${Math.round(timeoutMs / 1000)} s; still in ${target.context}: ${waiting}. Look at the managed resources (kubectl describe), or run lab down --force to delete it directly (${byHand}).`)));
    }, timeoutMs);
    const providerCheck = setInterval(() => {
      void providersDown(target).then(
        (down) => {
          if (down.length > 0) finish(() => reject(new Error(stuckMessage([...left.values()], target.context, down, describe, byHand, false))));
        },
        () => undefined,
      );
    }, Math.max(200, deps.pollMs ?? 5000));
    for (const ref of refs) {
      const key = ref.name + '/' + ref.kind;
      let seen = false;
      watchObjects({
        ...target,
        apiVersion: ref.apiVersion,
        kind: ref.kind,
        fieldSelector: `metadata.name=${ref.name}`,
        onChange(object: KubeObjectLike, deleted: boolean) {
          if (settled || object.metadata?.name !== ref.name) return;
          seen = true;
          if (deleted) return gone(key);
          const synced = conditionOf(object, 'Synced');
          const message = synced?.status === 'False' ? (synced.message ?? '') : (conditionOf(object, 'Ready')?.reason ?? '');
          if (message !== last.get(key)) ctx.info(`${ref.kind} ${ref.name}: ${message || 'being deleted'}`);
          last.set(key, message);
          if (/deletion_protection is set to true|Deletion protection is enabled/i.test(message)) {
            finish(() => reject(new Error(`Google refuses to delete ${describe}: deletion protection is on (${message}). Set spec.forProvider.deletionProtection to false on ${ref.kind} ${ref.name} and run lab down again, or run lab down --force.`)));
          }
        },
      }).then(
        (watch) => {
          if (settled) return watch.stop();
          stops.push(() => watch.stop());
          void watch.listed.then(() => {
            if (!seen) gone(key);
          });
        },
        (error: unknown) => finish(() => reject(error)),
      );
    }
  });
}

/** Polls gcloud (bounded) until the resource is no longer listed. */
export async function waitCloudGone(ctx: StepContext, deps: TeardownDeps, present: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!(await present())) return true;
    if (Date.now() >= deadline) return false;
    await sleep(deps.pollMs ?? 5000, ctx.signal);
  }
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason ?? new Error('cancelled'));
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason ?? new Error('cancelled'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The whole move for one group of managed resources (see the file's comment). */
export async function deleteManaged(ctx: StepContext, deps: TeardownDeps, spec: ManagedDeletion): Promise<void> {
  const inputs: Partial<LabInputs> = ctx.inputs;
  const force = deps.options().force;
  const target = await reachableK3d(inputs, deps.env);
  if (!target) {
    if (!(await spec.cloudPresent())) return ctx.info(`The k3d cluster does not answer and gcloud lists no ${spec.describe}: nothing to delete.`);
    if (!force) {
      throw new Error(`${spec.describe} still exists at Google, but the k3d cluster (${k3dContextOf(inputs)}) does not answer, so Crossplane cannot delete it. Run lab down --force to delete it directly, or by hand: ${spec.byHand}`);
    }
    ctx.info(`The k3d cluster does not answer; --force: deleting ${spec.describe} directly with gcloud.`);
    await spec.forceDelete();
    return;
  }
  const present = await managedPresent(target, inputs, spec.kinds);
  const down = await providersDown(target);
  const inCloud = await spec.cloudPresent();
  if (down.length > 0 && inCloud && !force) throw new Error(stuckMessage(present.map((p) => p.ref), target.context, down, spec.describe, spec.byHand));

  for (const { ref, object } of present) {
    if (ref.kind !== 'Cluster') continue;
    const protectedNow = ((object.spec as { forProvider?: { deletionProtection?: unknown } } | undefined)?.forProvider?.deletionProtection) !== false;
    if (!protectedNow) continue;
    ctx.info(`deletionProtection is not false on Cluster ${ref.name}: Google would refuse the deletion, so it is switched off first.`);
    await ctx.run({ argv: kubectlChangeArgv.mergePatch(resourceName(ref), ref.name, { spec: { forProvider: { deletionProtection: false } } }, target.context) });
  }

  try {
    await commentOutAndPublish(ctx, spec.entries, spec.message, deps.env);
  } catch (error) {
    if (!force || ctx.signal.aborted) throw error;
    ctx.info(`${error instanceof Error ? error.message : String(error)}`);
    await spec.forceDelete();
    await releaseManaged(ctx, target, (await managedPresent(target, inputs, spec.kinds)).map((p) => p.ref));
    return;
  }

  const direct = async (why: string): Promise<void> => {
    ctx.info(`${why}; --force: deleting ${spec.describe} directly with gcloud, then releasing the managed resources' finalizers.`);
    if (await spec.cloudPresent()) await spec.forceDelete();
    const still = await managedPresent(target, inputs, spec.kinds);
    await releaseManaged(ctx, target, still.map((p) => p.ref));
  };

  if (down.length > 0) {
    if (inCloud) await direct(`Crossplane's provider is not running (${down.join(', ')})`);
    else await releaseManaged(ctx, target, (await managedPresent(target, inputs, spec.kinds)).map((p) => p.ref));
  } else if (present.length > 0) {
    ctx.info(`Waiting for Crossplane to delete ${spec.describe} (${present.map((p) => `${p.ref.kind} ${p.ref.name}`).join(', ')}).`);
    try {
      await waitManagedGone(ctx, deps, target, present.map((p) => p.ref), spec.timeoutMs, spec.describe, spec.byHand);
    } catch (error) {
      if (!force || ctx.signal.aborted) throw error;
      await direct(error instanceof Error ? error.message : String(error));
    }
  }
  ctx.info(`Asking Google whether ${spec.describe} is gone.`);
  if (await waitCloudGone(ctx, deps, spec.cloudPresent, spec.timeoutMs)) return;
  if (!force) throw new Error(`The managed resources are gone but gcloud still lists ${spec.describe} after ${Math.round(spec.timeoutMs / 1000)} s. Delete it by hand (${spec.byHand}) or run lab down --force.`);
  await spec.forceDelete();
}
