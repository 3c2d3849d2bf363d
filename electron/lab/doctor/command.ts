/**
 * What `lab doctor` does, host-independent: read `lab.yaml` if given, run every diagnostic with a
 * runner over the person's environment (the GitHub token registered for masking), and return
 * the outcomes for printing.
 */
import { labIsDown } from '../cleanup/teardown';
import { loadLabYaml } from '../config/lab-yaml';
import { SecretMasker } from '../run/mask';
import { createRunner } from '../run/runner';
import { defaultDataDir } from '../state/data-dir';
import { runDoctor, type DiagnosticOutcome } from './index';
import type { DoctorContext } from './types';

export interface DoctorCommandOptions {
  env: NodeJS.ProcessEnv;
  configFile?: string;
  /** Where the ledger of earlier labs is (default: the app's data folder, or LAB_DATA_DIR). */
  dataDir?: string;
}

export async function doctorCommand(options: DoctorCommandOptions): Promise<DiagnosticOutcome[]> {
  const inputs = options.configFile ? loadLabYaml(options.configFile).inputs : undefined;
  const masker = new SecretMasker();
  const token = options.env.GITHUB_TOKEN;
  if (token && token.length >= 4) masker.register(token, { name: 'GITHUB_TOKEN' });
  const runner = createRunner({ masker, baseEnv: options.env });
  const dataDir = options.dataDir ?? defaultDataDir(options.env);
  // After a completed teardown anything the ledger still finds running is a leftover.
  const ctx: DoctorContext = { run: runner.run, env: options.env, dataDir, labDown: labIsDown(dataDir), ...(inputs ? { inputs } : {}) };
  const outcomes = await runDoctor(ctx);
  // Descriptions can quote a tool's output or an API message; mask them like all other output.
  return outcomes.map((outcome) => ({ ...outcome, description: masker.mask(outcome.description), fixes: outcome.fixes.map((fix) => masker.mask(fix)) }));
}
