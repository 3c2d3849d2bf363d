/**
 * What the automated steps need beyond their StepContext: the environment the engine runs
 * commands with (the Kubernetes client must read the same KUBECONFIG kubectl does) and where
 * watched objects' statuses go (the engine's `reportResource`, for the live status board).
 */
import type { ResourceStatus } from '../../api/contract';
import type { LabInputs } from '../../api/inputs';
import type { StepInfo } from '../plan/catalogue';
import type { StepContext, StepDefinition } from '../plan/step';
import type { RunCommand } from '../tools/k3d';

export interface StepDeps {
  env?: NodeJS.ProcessEnv;
  reportResource?(status: ResourceStatus): void;
  /** How long a step waits for an object to become Ready (default 5 minutes). */
  readyTimeoutMs?: number;
}

export type StepBehaviour = (info: StepInfo, deps: StepDeps) => StepDefinition;

export const DEFAULT_READY_TIMEOUT_MS = 5 * 60_000;

/** The step's runner as the adapters take it: journaled, masked, logged, cancelled with the step. */
export const runnerOf = (ctx: StepContext): RunCommand => (spec) => ctx.run(spec);

/** The StepDefinition's data, copied from the catalogue entry so the two cannot drift. */
export function fromCatalogue(info: StepInfo): Omit<StepDefinition, 'check' | 'run' | 'undo'> {
  return { ...info, dependsOn: [...info.dependsOn], inputs: [...info.inputs], commands: (inputs) => info.commands(inputs) };
}

export const k3dName = (inputs: Partial<LabInputs>): string => inputs.clusters?.k3dName || 'crossplane';
