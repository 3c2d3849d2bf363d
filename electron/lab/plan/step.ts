/**
 * A step of the lab, as data: what it needs, what it runs, how to tell it is already done,
 * and how to undo it. The scheduler, the wizard and `lab export-script` all read this shape.
 */
import type { z } from 'zod';
import type { LabInputs } from '../../api/inputs';
import type { StepInfo } from './catalogue';
import type { CommandResult, CommandSpec, OutputListener } from '../run/types';
import type { LedgerRecord } from '../cleanup/ledger';

export interface StepContext {
  readonly inputs: LabInputs;
  /** Secret values by name; reading one registers it with the masker. */
  secret(name: string): string | undefined;
  /** Masks a secret the step found itself (a key file's contents) in every later log, journal and error; the engine always provides it. */
  registerSecret?(value: string): void;
  /** Runs a command through the engine's runner: journaled, masked, logged to this step. */
  run(spec: CommandSpec, listener?: OutputListener): Promise<CommandResult>;
  /** A line of explanation in the step's log (shown in the terminal in another colour). */
  info(message: string): void;
  /** Outputs recorded by earlier steps, by step id. */
  outputsOf(stepId: string): Record<string, string> | undefined;
  /** Aborted when the step is cancelled. */
  readonly signal: AbortSignal;
  /** The app's data directory (state, logs, journal). */
  readonly dataDir: string;
  /**
   * The cleanup ledger: a step records every resource it creates the moment it exists, and
   * labels cloud resources with `lab=<sessionId>` where the API allows. The engine always provides it.
   */
  readonly ledger?: StepLedger;
}

export interface StepLedger {
  readonly sessionId: string;
  record(resource: LedgerRecord): void;
}

export interface CheckResult {
  done: boolean;
  /** Why the step is (not) done, in a sentence for the log. */
  detail?: string;
  outputs?: Record<string, string>;
}

/**
 * The catalogue's description of a step (id, phase, title, why, dependencies, estimate, inputs,
 * the commands it shows) plus its behaviour.
 */
export interface StepDefinition extends StepInfo {
  /** Validates the inputs this step needs before it runs; messages name the field. */
  inputSchema?: z.ZodType;
  /** Asks the world whether the step's outcome already exists. */
  check(ctx: StepContext): Promise<CheckResult>;
  run(ctx: StepContext): Promise<Record<string, string> | void>;
  undo?(ctx: StepContext): Promise<void>;
}
