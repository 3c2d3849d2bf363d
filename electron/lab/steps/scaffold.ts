/**
 * The repository's layout, written into the clone and pushed. Done when the remote branch holds
 * the app's record (`.gitops-lab/scaffold.json`) with the hashes of the files the app would write
 * now, so a rerun neither rewrites nor commits anything. Files the person changed are never
 * overwritten: without a person to ask, the step refuses and names them.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { LabInputs } from '../../api/inputs';
import { scaffoldFiles, sealedSecretPaths } from '../gitops/scaffold';
import { contentHash, SCAFFOLD_RECORD, writeScaffold } from '../gitops/write';
import type { StepContext } from '../plan/step';
import { fromCatalogue, type StepBehaviour } from './deps';
import { cloneDir, publish, remoteFile, stepRunner } from './push';

export const SCAFFOLD_COMMIT_MESSAGE = 'Scaffold the GitOps repository (GitOps Lab)';

/** What the app would write into `dir` now; sealed files are listed once they exist in the clone. */
export function desiredScaffold(dir: string, inputs: LabInputs): Map<string, string> {
  const sealed = sealedSecretPaths(inputs);
  return scaffoldFiles(inputs, { sealed: { gcpCreds: existsSync(path.join(dir, sealed.gcpCreds)), grafana: existsSync(path.join(dir, sealed.grafana)) } });
}

/** The files of the desired scaffold the remote record lacks or records with another hash. */
export async function missingOnRemote(ctx: StepContext, dir: string): Promise<string[] | undefined> {
  const text = await remoteFile(ctx, dir, SCAFFOLD_RECORD);
  if (text === undefined) return undefined;
  let recorded: Record<string, string> = {};
  try {
    recorded = (JSON.parse(text) as { files?: Record<string, string> }).files ?? {};
  } catch {
    return undefined;
  }
  return [...desiredScaffold(dir, ctx.inputs)].filter(([file, content]) => recorded[file] !== contentHash(content)).map(([file]) => file);
}

/** Writes the scaffold (refusing on conflicts), then guards, commits, pushes and reconciles. */
export async function writeAndPublish(ctx: StepContext, dir: string, message: string, extra: { paths?: string[]; secrets?: string[] } = {}): Promise<void> {
  const result = await writeScaffold(dir, ctx.inputs, { runner: stepRunner(ctx), headless: true });
  if (result.written.length > 0) ctx.info(`Wrote ${result.written.length} file(s) of the scaffold; ${result.unchanged.length} already as the app writes them.`);
  const paths = [...desiredScaffold(dir, ctx.inputs).keys(), SCAFFOLD_RECORD, ...(extra.paths ?? [])];
  await publish(ctx, dir, { message, paths, ...(extra.secrets ? { extraSecrets: extra.secrets } : {}) });
}

export const scaffoldStep: StepBehaviour = (info) => ({
  ...fromCatalogue(info),
  async check(ctx) {
    const dir = cloneDir(ctx);
    if (!existsSync(path.join(dir, '.git'))) return { done: false, detail: `${dir} is not a clone yet` };
    const missing = await missingOnRemote(ctx, dir);
    if (missing === undefined) return { done: false, detail: `origin/main has no ${SCAFFOLD_RECORD} yet` };
    if (missing.length > 0) return { done: false, detail: `origin/main lacks the current version of ${missing.length} scaffold file(s), e.g. ${missing[0]}` };
    return { done: true, detail: `origin/main holds the scaffold (${SCAFFOLD_RECORD} matches)`, outputs: { dir } };
  },
  async run(ctx) {
    const dir = cloneDir(ctx);
    await writeAndPublish(ctx, dir, SCAFFOLD_COMMIT_MESSAGE);
    return { dir };
  },
});
