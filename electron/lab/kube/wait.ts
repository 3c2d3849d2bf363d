/**
 * Waits for an object's condition (Ready by default) by watching it, reporting every status
 * change on the way: the UI shows `dependency 'flux-system/x' is not ready` while it waits,
 * and a timeout fails with the object's own last message. An object that reports itself Stalled
 * (Flux: retries exhausted, nothing will change without a new request) fails at once instead of
 * at the timeout. Either error names the object and carries a hint of where to look.
 */
import type { ResourceStatus } from '../../api/contract';
import { readinessHint } from '../run/hints';
import type { KubeTarget } from './config';
import { conditionState, sameStatus, toResourceStatus, type KubeObjectLike } from './status';
import { watchObjects } from './watch';

/** The one object a wait is about, where it lives, and how long the wait may take. */
interface ObjectWaitOptions {
  /** The kubeconfig context; KUBECONFIG is read from `env`. */
  kubeconfigContext: string;
  env?: NodeJS.ProcessEnv;
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface WaitForConditionOptions extends ObjectWaitOptions {
  condition?: string;
  onStatus?(status: ResourceStatus): void;
  /**
   * What the object must also show once the condition is True before the wait ends (a newer
   * revision applied, say), and how to say what it shows instead.
   */
  until?: { test(object: KubeObjectLike): boolean; shortOf(object: KubeObjectLike): string };
}

export class ConditionTimeout extends Error {
  constructor(
    message: string,
    readonly last: ResourceStatus | undefined,
    /** Where to look next; the step's error shows it as its hint. */
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ConditionTimeout';
  }
}

/** Resolves with the status once the condition is True. */
export async function waitForCondition(options: WaitForConditionOptions): Promise<ResourceStatus> {
  const condition = options.condition ?? 'Ready';
  const { signal } = options;
  signal?.throwIfAborted();
  const target: KubeTarget = { context: options.kubeconfigContext, ...(options.env ? { env: options.env } : {}) };
  const label = `${options.kind} ${options.namespace ? `${options.namespace}/` : ''}${options.name}`;
  let last: ResourceStatus | undefined;
  let lastObject: KubeObjectLike | undefined;
  let lastError: unknown;
  const { until } = options;

  return watchUntilSettled<ResourceStatus>({
    signal,
    timeoutMs: options.timeoutMs,
    onTimeout: () => {
      const seconds = Math.round(options.timeoutMs / 100) / 10;
      if (last?.ready === true && until && lastObject) {
        const short = until.shortOf(lastObject);
        return new ConditionTimeout(`${label} was ${condition} after ${seconds} s, but ${short}`, last, readinessHint({ ...objectOf(options), message: short }));
      }
      const why = last?.deleted
        ? 'it was deleted'
        : last
          ? last.message || `its ${condition} condition is ${last.ready === false ? 'False' : 'Unknown'}`
          : lastError
            ? `the API server could not be reached (${lastError instanceof Error ? lastError.message : String(lastError)})`
            : 'it does not exist';
      const hint = last && !last.deleted ? readinessHint({ ...objectOf(options), message: why }) : undefined;
      return new ConditionTimeout(`${label} was not ${condition} after ${seconds} s: ${why}`, last, hint);
    },
    watch: ({ resolve, reject, settled }) =>
      watchObjects({
        ...target,
        apiVersion: options.apiVersion,
        kind: options.kind,
        ...(options.namespace ? { namespace: options.namespace } : {}),
        fieldSelector: `metadata.name=${options.name}`,
        onChange(object, deleted) {
          if (settled() || object.metadata?.name !== options.name) return;
          const status = toResourceStatus(options.kubeconfigContext, object, condition, deleted);
          if (!sameStatus(last, status)) options.onStatus?.(status);
          last = status;
          lastObject = object;
          if (status.ready === true && (!until || until.test(object))) return resolve(status);
          const stalled = deleted ? { ready: null, message: '' } : conditionState(object, 'Stalled');
          if (stalled.ready === true) {
            const why = status.message && stalled.message !== status.message ? `${status.message}${stalled.message ? ` (${stalled.message})` : ''}` : stalled.message;
            reject(new ConditionTimeout(`${label} is stalled and will not become ${condition} by itself: ${why}`, status, readinessHint({ ...objectOf(options), message: why })));
          }
        },
        onError(error) {
          lastError = error;
        },
      }),
  });
}

interface Settle<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
  settled(): boolean;
}

/**
 * One watch raced against a deadline and the caller's cancel signal: the first to settle wins,
 * the timer is cleared and the watch stopped in every case (also when it only opens afterwards).
 */
function watchUntilSettled<T>(options: {
  signal: AbortSignal | undefined;
  timeoutMs: number;
  onTimeout(): Error;
  watch(settle: Settle<T>): Promise<{ stop(): void }>;
}): Promise<T> {
  const { signal } = options;
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let stopWatch: (() => void) | undefined;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      stopWatch?.();
      outcome();
    };
    const onAbort = (): void => finish(() => reject(signal?.reason ?? new Error('cancelled')));
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => finish(() => reject(options.onTimeout())), options.timeoutMs);
    options
      .watch({ resolve: (value) => finish(() => resolve(value)), reject: (error) => finish(() => reject(error)), settled: () => settled })
      .then(
        (watch) => {
          if (settled) watch.stop();
          else stopWatch = () => watch.stop();
        },
        (error: unknown) => finish(() => reject(error)),
      );
  });
}

/** The object as readinessHint names it. */
const objectOf = (o: WaitForConditionOptions): { apiVersion: string; kind: string; namespace?: string; name: string } => ({ apiVersion: o.apiVersion, kind: o.kind, ...(o.namespace ? { namespace: o.namespace } : {}), name: o.name });

export interface WaitForObjectOptions extends ObjectWaitOptions {
  /** The error's text when the object has not appeared in time. */
  timeoutMessage?: string;
}

/**
 * Resolves with the object once it exists: already there when the watch lists, or as soon as
 * it is added (a watch event, not a poll, so no interval is added to the wait).
 */
export async function waitForObject(options: WaitForObjectOptions): Promise<KubeObjectLike> {
  const { signal } = options;
  signal?.throwIfAborted();
  const label = `${options.kind} ${options.namespace ? `${options.namespace}/` : ''}${options.name}`;
  return watchUntilSettled<KubeObjectLike>({
    signal,
    timeoutMs: options.timeoutMs,
    onTimeout: () => new Error(options.timeoutMessage ?? `${label} did not appear within ${Math.round(options.timeoutMs / 1000)} s`),
    watch: ({ resolve }) =>
      watchObjects({
        context: options.kubeconfigContext,
        ...(options.env ? { env: options.env } : {}),
        apiVersion: options.apiVersion,
        kind: options.kind,
        ...(options.namespace ? { namespace: options.namespace } : {}),
        fieldSelector: `metadata.name=${options.name}`,
        onChange(object, deleted) {
          if (!deleted && object.metadata?.name === options.name) resolve(object);
        },
      }),
  });
}
