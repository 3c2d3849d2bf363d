/**
 * The lab's steps as the engine runs them. Until a step's behaviour is written, it says so
 * honestly: its check reports "not automated yet" and running it fails with a pointer to the
 * commands a person can type, instead of pretending to succeed.
 */
import { automatedSteps, type StepDeps } from '../steps';
import { steps as catalogue, type StepInfo } from './catalogue';
import type { StepDefinition } from './step';

export const NOT_AUTOMATED_MESSAGE = 'This step is not automated yet: run its commands by hand (see Commands)';

export function manualStep(info: StepInfo): StepDefinition {
  return {
    ...info,
    dependsOn: [...info.dependsOn],
    inputs: [...info.inputs],
    commands: (inputs) => info.commands(inputs),
    check: async () => ({ done: false, detail: 'not automated yet' }),
    run: async () => {
      throw new Error(NOT_AUTOMATED_MESSAGE);
    },
  };
}

/**
 * With `deps`, the automated steps replace their placeholders. They need what only the engine
 * has: the environment it runs commands with (the Kubernetes client must read the same
 * KUBECONFIG as kubectl) and its `reportResource`; without them every step stays manual.
 */
export function labSteps(deps?: StepDeps): StepDefinition[] {
  if (!deps) return catalogue.map(manualStep);
  return catalogue.map((info) => automatedSteps[info.id]?.(info, deps) ?? manualStep(info));
}
