/**
 * What the teardown steps need beyond their StepContext: the engine's environment (the
 * Kubernetes client must read the same KUBECONFIG as kubectl), the ledger to record what went,
 * the options of the teardown being run, and the bounds of every wait.
 */
import type { ResourceStatus, TeardownOptions } from '../../api/contract';
import type { Ledger } from './ledger';

export interface TeardownDeps {
  env?: NodeJS.ProcessEnv;
  reportResource?(status: ResourceStatus): void;
  ledger?: Pick<Ledger, 'list' | 'observe'>;
  /** The options of the teardown being run (force, optional deletions). */
  options(): TeardownOptions;
  /** Milliseconds between looks at gcloud while waiting (default 5 s). */
  pollMs?: number;
  /** Longest waits, per kind of resource (defaults: real Google durations with a margin). */
  timeouts?: Partial<Record<'loadBalancer' | 'gke' | 'network', number>>;
}

export const DEFAULT_TIMEOUTS = { loadBalancer: 10 * 60_000, gke: 25 * 60_000, network: 10 * 60_000 } as const;

export const timeoutOf = (deps: TeardownDeps, kind: keyof typeof DEFAULT_TIMEOUTS): number => deps.timeouts?.[kind] ?? DEFAULT_TIMEOUTS[kind];
