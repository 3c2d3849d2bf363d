/**
 * Flux's dependsOn chains as the steps wait for them: whether a chain's outcome exists, waiting
 * for each link in order with every change in the step's log, and asking Flux to apply a link it
 * holds for a dependency as soon as that dependency is Ready on the newest commit, since
 * kustomize-controller does not watch dependencies and looks again only every 30 s.
 */
import type { KubeTarget } from '../kube/config';
import { hasContext } from '../kube/config';
import { readObject } from '../kube/read';
import { dependsOn, heldByDependency, kustomizationApplied, lastAppliedRevision, type KubeObjectLike } from '../kube/status';
import { waitForCondition, type WaitForConditionOptions } from '../kube/wait';
import type { StepContext } from '../plan/step';
import { CommandError } from '../run/runner';
import { reconcileKustomization } from '../tools/flux';
import { kustomizationRef, targetOf } from './clusters';
import { DEFAULT_READY_TIMEOUT_MS, runnerOf, type StepDeps } from './deps';
import { reconcileUnlessCurrent } from './push';

/** Whether every named Kustomization is Ready; the detail names the first that is not. */
export async function kustomizationsReady(target: KubeTarget, names: readonly string[]): Promise<{ ready: boolean; detail: string }> {
  if (!hasContext(target)) return { ready: false, detail: `The kubeconfig has no context ${target.context} yet` };
  for (const name of names) {
    const state = await appliedState(target, `flux-system/${name}`, new Set());
    if (!state.exists) return { ready: false, detail: `Kustomization flux-system/${name} does not exist on ${target.context} yet` };
    if (!state.applied) return { ready: false, detail: `Kustomization flux-system/${name} is not Ready on ${target.context}: ${state.message}` };
  }
  return { ready: true, detail: `Kustomizations ${names.join(', ')} are Ready on ${target.context}` };
}

/**
 * Whether a Kustomization's outcome exists. One Flux holds for a dependency (DependencyNotReady)
 * but applied before is judged by that dependency: the hold only lasts while the dependency
 * reconciles, which every Kustomization does at its interval, so a done chain would otherwise
 * look undone now and then.
 */
async function appliedState(target: KubeTarget, id: string, seen: Set<string>): Promise<{ exists: boolean; applied: boolean; message: string }> {
  seen.add(id);
  const [namespace = 'flux-system', name = id] = id.split('/');
  const object = await readObject(target, { ...kustomizationRef(name), namespace });
  if (!object) return { exists: false, applied: false, message: `Kustomization ${id} does not exist` };
  const state = kustomizationApplied(object);
  const held = heldByDependency(object);
  if (state.applied || !held || !lastAppliedRevision(object) || seen.has(held)) return { exists: true, ...state };
  const dependency = await appliedState(target, held, seen);
  return dependency.applied ? { exists: true, applied: true, message: `${state.message} for now (it applied before)` } : { exists: true, applied: false, message: state.message };
}

/** What `flux reconcile` prints when kustomize-controller holds the object for a dependency. */
const HELD_FOR_DEPENDENCY = /dependency '([^']+)' (?:is not ready|revision is not up to date)/;

/**
 * Asks Flux to apply a Kustomization now (unless it already applied the newest commit), after
 * its dependencies are Ready. They can still be reconciling when Flux looks (a commit just
 * fetched, or their own interval), and then `flux reconcile` fails with Flux's "dependency ...
 * is not ready". That is not the object failing: the step waits for the dependency to be Ready on
 * the newest commit and asks again (waitChain), rather than leave it to Flux's own look every
 * `--requeue-dependency` (30 s).
 */
export async function askFluxToApply(ctx: StepContext, deps: StepDeps, context: string, name: string, timeoutMs = deps.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS): Promise<void> {
  const object = await readObject(targetOf(context, deps), kustomizationRef(name));
  if (object) await waitKustomizationIds(ctx, deps, context, dependsOn(object), timeoutMs);
  try {
    await reconcileUnlessCurrent(ctx, deps.env, context, name);
  } catch (error) {
    const held = error instanceof CommandError && !error.cancelled && !error.timedOut ? HELD_FOR_DEPENDENCY.exec(error.stderr)?.[1] : undefined;
    if (!held) throw error;
    ctx.info(`Flux holds ${name} while ${held} reconciles; this step asks again once ${held} is Ready on the newest commit.`);
    await waitChain(ctx, deps, context, [name], timeoutMs);
  }
}

/**
 * Waits for each Kustomization of a dependsOn chain, in order. A link Flux holds for a dependency
 * is asked to apply as soon as its dependencies are Ready on the repository's newest commit:
 * kustomize-controller does not watch dependencies and looks again by itself only every
 * `--requeue-dependency` (30 s), which a chain would pay at each link.
 */
export async function waitChain(ctx: StepContext, deps: StepDeps, context: string, names: readonly string[], timeoutMs = deps.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS): Promise<void> {
  const target = targetOf(context, deps);
  for (const name of names) {
    const object = await readObject(target, kustomizationRef(name));
    if (object) {
      const source = await sourceRevision(target, object);
      await waitKustomizationIds(ctx, deps, context, dependsOn(object), timeoutMs, source ? caughtUpWith(source) : undefined);
    }
    const now = object ? await readObject(target, kustomizationRef(name)) : undefined;
    if (now && heldByDependency(now)) await nudge(ctx, context, name);
    await waitKustomizations(ctx, deps, context, [name], timeoutMs);
  }
}

/**
 * `flux reconcile kustomization NAME`. Its failure is not the step's: Flux looks again by itself,
 * and the step's bounded wait on the object's Ready judges (with the object's own message).
 * Only a cancelled run stops here.
 */
async function nudge(ctx: StepContext, context: string, name: string): Promise<void> {
  ctx.info(`${name}'s dependencies are Ready; asking Flux to apply it now rather than at its next look (every 30 s).`);
  try {
    // The source already has the commit its dependencies applied: fetching it again would only add a wait.
    await reconcileKustomization(runnerOf(ctx), name, context, { withSource: false });
  } catch (error) {
    if (ctx.signal.aborted || (error instanceof CommandError && error.cancelled)) throw error;
    ctx.info(`Asking Flux to apply ${name} now failed (${failureLine(error)}); Flux retries by itself, and this step waits for ${name} to be Ready.`);
  }
}

/** The last thing a failed command said: the flux CLI ends with its `✗ reason` line. */
function failureLine(error: unknown): string {
  const said = error instanceof CommandError ? error.stderr.split('\n').map((l) => l.trim()).filter(Boolean).pop() : undefined;
  return (said ?? (error as Error).message ?? String(error)).replace(/^✗\s*/, '');
}

/**
 * Waits for each Kustomization in order (the dependsOn chain), saying in the step's log each
 * time one changes; a timeout fails with that object's own last message.
 */
export async function waitKustomizations(ctx: StepContext, deps: StepDeps, context: string, names: readonly string[], timeoutMs = deps.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS): Promise<void> {
  await waitKustomizationIds(ctx, deps, context, names.map((name) => `flux-system/${name}`), timeoutMs);
}

interface SourceRevision {
  kind: string;
  name: string;
  namespace: string;
  revision: string;
  /** What each dependency (`namespace/name`) had applied when the revision was read. */
  appliedBefore: Map<string, string>;
}

/** A Kustomization's `spec.sourceRef`, its namespace defaulted to the Kustomization's own. */
function sourceRefOf(o: KubeObjectLike): { kind?: string; name?: string; namespace: string } | undefined {
  const ref = (o.spec as { sourceRef?: { kind?: string; name?: string; namespace?: string } } | undefined)?.sourceRef;
  return ref ? { ...ref, namespace: ref.namespace ?? o.metadata?.namespace ?? 'flux-system' } : undefined;
}

/** The revision of a Kustomization's GitRepository artifact: what Flux holds its dependencies to. */
async function sourceRevision(target: KubeTarget, link: KubeObjectLike): Promise<SourceRevision | undefined> {
  const ref = sourceRefOf(link);
  if (ref?.kind !== 'GitRepository' || !ref.name) return undefined;
  const namespace = ref.namespace;
  const source = await readObject(target, { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', namespace, name: ref.name });
  const revision = (source?.status as { artifact?: { revision?: string } } | undefined)?.artifact?.revision;
  if (!revision) return undefined;
  const appliedBefore = new Map<string, string>();
  for (const id of dependsOn(link)) {
    const [depNamespace = 'flux-system', depName = id] = id.split('/');
    const dependency = await readObject(target, { ...kustomizationRef(depName), namespace: depNamespace });
    appliedBefore.set(`${depNamespace}/${depName}`, lastAppliedRevision(dependency));
  }
  return { kind: ref.kind, name: ref.name, namespace, revision, appliedBefore };
}

/**
 * kustomize-controller goes on with a Kustomization only once each dependency on the same source
 * is Ready *and* applied that source's revision (else: "dependency ... revision is not up to
 * date"). Asking Flux before that would fail, and leave the link to Flux's 30 s look.
 */
function caughtUpWith(source: SourceRevision): WaitForConditionOptions['until'] {
  const sameSource = (o: KubeObjectLike): boolean => {
    const ref = sourceRefOf(o);
    return ref?.kind === source.kind && ref.name === source.name && ref.namespace === source.namespace;
  };
  const applied = lastAppliedRevision;
  // The source may fetch a newer commit meanwhile: a dependency that moved on from the revision it
  // had when the source was read has applied at least the one read then.
  const movedOn = (o: KubeObjectLike): boolean => {
    const before = source.appliedBefore.get(`${o.metadata?.namespace ?? 'flux-system'}/${o.metadata?.name ?? ''}`);
    return applied(o) !== '' && before !== undefined && applied(o) !== before;
  };
  return {
    test: (o) => !sameSource(o) || applied(o) === source.revision || movedOn(o),
    shortOf: (o) => `it last applied ${applied(o) || 'nothing'}, not the repository's ${source.revision}`,
  };
}

/** waitKustomizations for `namespace/name` ids (as Flux's dependsOn names them). */
async function waitKustomizationIds(ctx: StepContext, deps: StepDeps, context: string, ids: readonly string[], timeoutMs: number, until?: WaitForConditionOptions['until']): Promise<void> {
  for (const id of ids) {
    const [namespace = 'flux-system', name = id] = id.split('/');
    let said = '';
    const ready = await waitForCondition({
      kubeconfigContext: context,
      ...(deps.env ? { env: deps.env } : {}),
      ...kustomizationRef(name),
      namespace,
      timeoutMs,
      signal: ctx.signal,
      ...(until ? { until } : {}),
      onStatus: (status) => {
        deps.reportResource?.(status);
        const line = `${name}: ${status.ready === true ? 'Ready' : 'waiting'}${status.message ? ` - ${status.message}` : ''}`;
        if (status.ready !== true && line !== said) ctx.info(line);
        said = line;
      },
    });
    ctx.info(`${name} is Ready: ${ready.message}`);
  }
}
