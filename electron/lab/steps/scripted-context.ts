/**
 * For step tests: a StepContext whose commands are answered by a script instead of the real
 * tools, with every command line it was asked to run and every line it logged kept.
 */
import type { LabInputs } from '../../api/inputs';
import type { StepContext } from '../plan/step';
import type { CommandResult, CommandSpec } from '../run/types';

export interface ScriptedContext {
  ctx: StepContext;
  /** What the step logged (`ctx.info`). */
  lines: string[];
  /** Each command it ran, as `argv.join(' ')`. */
  ran: string[];
}

export function scriptedContext(options: { inputs: LabInputs; dataDir: string }, answer: (spec: CommandSpec) => Promise<CommandResult>): ScriptedContext {
  const lines: string[] = [];
  const ran: string[] = [];
  const ctx: StepContext = {
    inputs: options.inputs,
    secret: () => undefined,
    run: (spec) => {
      ran.push(spec.argv.join(' '));
      return answer(spec);
    },
    info: (message) => void lines.push(message),
    outputsOf: () => undefined,
    signal: new AbortController().signal,
    dataDir: options.dataDir,
  };
  return { ctx, lines, ran };
}
