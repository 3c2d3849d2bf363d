import type { KubeObject } from '../kube/types.js';
import { CliError, StatusLog } from './cli-output.js';
import type { KubeClient } from './kube-client.js';
import { FORCE_AT, GIT_REPOSITORY, HELM_RELEASE, HELM_REPOSITORY, KUSTOMIZATION, parseGoDuration, readyCondition, REQUESTED_AT, RESET_AT } from './meta.js';

/** `flux reconcile ...`, `flux suspend|resume ...`: annotate, then wait for the controller to answer. */

export interface Ref {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

export interface WaitSettings {
  /** Real milliseconds to wait at most. */
  timeoutMs: number;
  /** Real milliseconds between looks at the object. */
  pollMs: number;
}

/** The real CLI looks every 2 s (flux2 cmd/flux main.go: rootFlags pollInterval), first at once (PollImmediate). */
const FLUX_POLL_SECONDS = 2;

/**
 * `--timeout` (default 5m) in the world's time: a scaled-down lab also gives up sooner, though
 * never absurdly soon. The CLI's 2 s poll is scaled like every other wait of the world, so a run
 * pays what the real CLI would make it pay.
 */
export function waitSettings(timeoutFlag: string | undefined, env: NodeJS.ProcessEnv): WaitSettings {
  const raw = Number(env.LAB_SIM_TIME_SCALE ?? '1');
  const scale = Number.isFinite(raw) && raw >= 0 ? raw : 1;
  const seconds = parseGoDuration(timeoutFlag, 300);
  return { timeoutMs: Math.max(20_000, seconds * 1000 * (scale > 0 ? scale : 1)), pollMs: Math.max(1, FLUX_POLL_SECONDS * 1000 * scale) };
}

/** RFC 3339 with nanoseconds, as `time.Now().Format(time.RFC3339Nano)` writes the annotation. */
function requestStamp(): string {
  const nanos = String(process.hrtime.bigint() % 1_000_000n).padStart(6, '0');
  return new Date().toISOString().replace(/Z$/, `${nanos}Z`);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function mustGet(client: KubeClient, ref: Ref): Promise<KubeObject> {
  const object = await client.get(ref.apiVersion, ref.kind, ref.namespace, ref.name);
  if (!object) throw new CliError(`${ref.kind}.${ref.apiVersion.split('/')[0]} "${ref.name}" not found`);
  return object;
}

/**
 * Annotates `requestedAt` (and `also`, with the same value, as the CLI does for --force and
 * --reset) and waits until the controller handled it; returns the object then.
 */
export async function requestAndWait(log: StatusLog, client: KubeClient, ref: Ref, wait: WaitSettings, also: string[] = []): Promise<KubeObject> {
  const object = await mustGet(client, ref);
  if ((object.spec as { suspend?: boolean } | undefined)?.suspend) throw new CliError('resource is suspended');
  log.action(`annotating ${ref.kind} ${ref.name} in ${ref.namespace} namespace`);
  const requested = requestStamp();
  const annotations = Object.fromEntries([REQUESTED_AT, ...also].map((key) => [key, requested]));
  await client.mergePatch(ref.apiVersion, ref.kind, ref.namespace, ref.name, { metadata: { annotations } });
  log.success(`${ref.kind} annotated`);
  log.waiting(`waiting for ${ref.kind} reconciliation`);
  const deadline = Date.now() + wait.timeoutMs;
  for (;;) {
    const current = await mustGet(client, ref);
    const status = (current.status ?? {}) as { lastHandledReconcileAt?: string };
    const ready = readyCondition(current);
    if (status.lastHandledReconcileAt === requested && ready && ready.status !== 'Unknown') {
      if (ready.status === 'False') throw new CliError(ready.message);
      return current;
    }
    if (Date.now() > deadline) throw new CliError(`timeout waiting for ${ref.kind} reconciliation: context deadline exceeded`);
    await sleep(wait.pollMs);
  }
}

const artifactRevision = (o: KubeObject): string => String(((o.status ?? {}) as { artifact?: { revision?: string } }).artifact?.revision ?? '');

export async function reconcileSource(log: StatusLog, client: KubeClient, ref: Ref, wait: WaitSettings): Promise<void> {
  const done = await requestAndWait(log, client, ref, wait);
  log.success(`fetched revision ${artifactRevision(done)}`);
}

export async function reconcileKustomization(log: StatusLog, client: KubeClient, namespace: string, name: string, withSource: boolean, wait: WaitSettings): Promise<void> {
  const ref: Ref = { ...KUSTOMIZATION, namespace, name };
  const object = await mustGet(client, ref);
  if (withSource) {
    const source = (object.spec as { sourceRef: { kind: string; name: string; namespace?: string } }).sourceRef;
    await reconcileSource(log, client, { ...GIT_REPOSITORY, kind: source.kind, namespace: source.namespace ?? namespace, name: source.name }, wait);
  }
  const done = await requestAndWait(log, client, ref, wait);
  log.success(`applied revision ${String(((done.status ?? {}) as { lastAppliedRevision?: string }).lastAppliedRevision ?? '')}`);
}

export interface HelmReleaseRequest {
  withSource: boolean;
  /** `--force`: one install or upgrade even after its retries ran out. */
  force?: boolean;
  /** `--reset`: the failure counts start again. */
  reset?: boolean;
}

export async function reconcileHelmRelease(log: StatusLog, client: KubeClient, namespace: string, name: string, request: HelmReleaseRequest, wait: WaitSettings): Promise<void> {
  const { withSource } = request;
  const ref: Ref = { ...HELM_RELEASE, namespace, name };
  const object = await mustGet(client, ref);
  if (withSource) {
    const source = (object.spec as { chart?: { spec?: { sourceRef: { kind: string; name: string; namespace?: string } } } }).chart?.spec?.sourceRef;
    if (source) await reconcileSource(log, client, { ...HELM_REPOSITORY, kind: source.kind, namespace: source.namespace ?? namespace, name: source.name }, wait);
  }
  const done = await requestAndWait(log, client, ref, wait, [...(request.force ? [FORCE_AT] : []), ...(request.reset ? [RESET_AT] : [])]);
  const history = ((done.status ?? {}) as { history?: Array<{ chartVersion?: string }> }).history;
  log.success(`applied revision ${history?.[0]?.chartVersion ?? ''}`);
}

export async function setSuspended(log: StatusLog, client: KubeClient, ref: Ref, suspend: boolean, wait: WaitSettings): Promise<void> {
  const word = ref.kind.toLowerCase();
  await mustGet(client, ref);
  log.action(`${suspend ? 'suspending' : 'resuming'} ${word} ${ref.name} in ${ref.namespace} namespace`);
  await client.mergePatch(ref.apiVersion, ref.kind, ref.namespace, ref.name, { spec: { suspend: suspend ? true : null } });
  log.success(`${word} ${suspend ? 'suspended' : 'resumed'}`);
  if (suspend) return;
  const requested = requestStamp();
  await client.mergePatch(ref.apiVersion, ref.kind, ref.namespace, ref.name, { metadata: { annotations: { [REQUESTED_AT]: requested } } });
  log.waiting(`waiting for ${ref.kind} reconciliation`);
  const deadline = Date.now() + wait.timeoutMs;
  for (;;) {
    const current = await mustGet(client, ref);
    const ready = readyCondition(current);
    if (((current.status ?? {}) as { lastHandledReconcileAt?: string }).lastHandledReconcileAt === requested && ready && ready.status !== 'Unknown') {
      if (ready.status === 'False') throw new CliError(ready.message);
      log.success(`${ref.kind} reconciliation completed`);
      const revision = ref.kind === 'Kustomization' ? String(((current.status ?? {}) as { lastAppliedRevision?: string }).lastAppliedRevision ?? '') : artifactRevision(current);
      log.success(`applied revision ${revision}`);
      return;
    }
    if (Date.now() > deadline) throw new CliError(`timeout waiting for ${ref.kind} reconciliation: context deadline exceeded`);
    await sleep(wait.pollMs);
  }
}
