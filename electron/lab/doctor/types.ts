/**
 * A diagnostic is one preflight question (`is Docker running?`) with the answer a newcomer can act
 * on: what was found and the exact commands that fix it.
 */
import type { LabInputs } from '../../api/inputs';
import type { RunCommand } from '../tools/docker';

export interface CheckResult {
  passed: boolean;
  /** What was found, in one or two sentences. */
  description: string;
  /** What to do, most likely fix first; commands are given exactly as they are typed. */
  fixes: string[];
}

export interface DoctorContext {
  run: RunCommand;
  env: NodeJS.ProcessEnv;
  /** The lab's inputs when known (`lab.yaml`); checks about the repository or project need them. */
  inputs?: LabInputs;
  fetch?: typeof fetch;
  /** Host ports the lab's clusters will bind on 127.0.0.1 (the k3d API port). */
  ports?: number[];
  /** Free bytes on the disk holding `dir` and free memory; injectable so the thresholds are testable. */
  freeDiskBytes?(dir: string): Promise<number>;
  freeMemoryBytes?(): number;
  /** The app's data folder: the cleanup ledger (`ledger.json`) of earlier labs is read from it. */
  dataDir?: string;
  /** A teardown completed: whatever it removes that still exists is a leftover. */
  labDown?: boolean;
}

export interface Diagnostic {
  id: string;
  title: string;
  applicable(ctx: DoctorContext): boolean;
  check(ctx: DoctorContext): Promise<CheckResult>;
}

export function passed(description: string): CheckResult {
  return { passed: true, description, fixes: [] };
}

export function failed(description: string, ...fixes: string[]): CheckResult {
  return { passed: false, description, fixes };
}
