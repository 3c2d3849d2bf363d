/**
 * The repository's layout, written into the clone and pushed. Done when the remote branch holds
 * every file the app would write now, with that content, and the app's record
 * (`.gitops-lab/scaffold.json`), so a rerun neither rewrites nor commits anything. Files the person changed are never
 * overwritten: without a person to ask, the step refuses and names them.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { LabInputs } from '../../api/inputs';
import { scaffoldFiles, sealedSecretPaths } from '../gitops/scaffold';
import { SCAFFOLD_RECORD, writeScaffold } from '../gitops/write';
import type { StepContext } from '../plan/step';
import { fromCatalogue, type StepBehaviour } from './deps';
import { blobHash, cloneDir, publish, remoteTree, stepRunner } from './push';

export const SCAFFOLD_COMMIT_MESSAGE = 'Scaffold the GitOps repository (GitOps Lab)';

/** What the app would write into `dir` now; sealed files are listed once they exist in the clone. */
export function desiredScaffold(dir: string, inputs: LabInputs): Map<string, string> {
  const sealed = sealedSecretPaths(inputs);
  return scaffoldFiles(inputs, { sealed: { gcpCreds: existsSync(path.join(dir, sealed.gcpCreds)), grafana: existsSync(path.join(dir, sealed.grafana)) } });
}

/**
 * The desired scaffold files that origin/main lacks or holds with other content (compared by
 * git blob hash), plus the app's record; undefined when the branch cannot be read.
 */
export async function missingOnRemote(ctx: StepContext, dir: string): Promise<string[] | undefined> {
  const tree = await remoteTree(ctx, dir);
  if (!tree) return undefined;
  const differing = [...desiredScaffold(dir, ctx.inputs)].filter(([file, content]) => tree.get(file) !== blobHash(content)).map(([file]) => file);
  return tree.has(SCAFFOLD_RECORD) ? differing : [SCAFFOLD_RECORD, ...differing];
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
    if (missing === undefined) return { done: false, detail: `origin/main cannot be read yet` };
    if (missing.length > 0) return { done: false, detail: `origin/main lacks the current version of ${missing.length} scaffold file(s), e.g. ${missing[0]}` };
    return { done: true, detail: 'origin/main holds every scaffold file as the app writes it', outputs: { dir } };
  },
  async run(ctx) {
    const dir = cloneDir(ctx);
    await writeAndPublish(ctx, dir, SCAFFOLD_COMMIT_MESSAGE);
    return { dir };
  },
});
