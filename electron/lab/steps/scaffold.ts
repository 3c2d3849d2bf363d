/**
 * The repository's layout, written into the clone and pushed. Done when the remote branch holds
 * every file the app would write now, with that content, and the app's record
 * (`.gitops-lab/scaffold.json`), so a rerun neither rewrites nor commits anything; a file the person
 * chose to keep counts as done while it holds the version they answered for. Files the person
 * changed are never overwritten unasked: the step fails with each file's diff, and their answers
 * come back as inputs (`scaffold.keep` / `scaffold.replace`, from the card or lab.yaml) for a retry.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { LabInputs } from '../../api/inputs';
import { scaffoldFiles, sealedSecretPaths } from '../gitops/scaffold';
import { readLabEdits, SCAFFOLD_RECORD, ScaffoldConflictError, versionHash, writeScaffold } from '../gitops/write';
import type { StepContext } from '../plan/step';
import { fromCatalogue, type StepBehaviour } from './deps';
import { blobHash, cloneDir, publish, remoteTree, stepRunner } from './push';

export const SCAFFOLD_COMMIT_MESSAGE = 'Scaffold the GitOps repository (GitOps Lab)';

/**
 * What the app would write into `dir` now; sealed files are listed once they exist in the clone.
 * `session` (the cleanup ledger's id) labels the cloud resources `lab=<session>`.
 */
export function desiredScaffold(dir: string, inputs: LabInputs, session?: string): Map<string, string> {
  const sealed = sealedSecretPaths(inputs);
  return scaffoldFiles(inputs, { sealed: { gcpCreds: existsSync(path.join(dir, sealed.gcpCreds)), grafana: existsSync(path.join(dir, sealed.grafana)) }, ...(session ? { session } : {}) });
}

/** The person's answers about changed files; inputs parsed only in part (a step that needs no GCP project) may lack them. */
function scaffoldAnswers(inputs: LabInputs): Pick<LabInputs['scaffold'], 'keep' | 'replace'> {
  const given = inputs.scaffold as Partial<LabInputs['scaffold']> | undefined;
  return { keep: given?.keep ?? [], replace: given?.replace ?? [] };
}

/**
 * The desired scaffold files that origin/main lacks or holds with other content (compared by
 * git blob hash), plus the app's record; undefined when the branch cannot be read.
 */
export async function missingOnRemote(ctx: StepContext, dir: string): Promise<string[] | undefined> {
  const tree = await remoteTree(ctx, dir);
  if (!tree) return undefined;
  const differing = [...desiredScaffold(dir, ctx.inputs, ctx.ledger?.sessionId)].filter(([file, content]) => tree.get(file) !== blobHash(content)).map(([file]) => file);
  const missing: string[] = [];
  for (const file of differing) if (!(await keptOnRemote(ctx, dir, file, tree.has(file)))) missing.push(file);
  return tree.has(SCAFFOLD_RECORD) ? missing : [SCAFFOLD_RECORD, ...missing];
}

/** Whether origin/main holds exactly the version of `file` the person chose to keep (read only when such an answer exists). */
async function keptOnRemote(ctx: StepContext, dir: string, file: string, present: boolean): Promise<boolean> {
  const answers = scaffoldAnswers(ctx.inputs).keep.filter((d) => d.file === file);
  if (answers.length === 0) return false;
  let content: string | undefined;
  if (present) {
    const shown = await ctx.run({ argv: ['git', '-C', dir, 'show', `origin/main:${file}`], okExitCodes: [0, 128] });
    if (shown.exitCode !== 0) return false;
    content = shown.stdout;
  }
  const hash = versionHash(content);
  return answers.some((d) => d.sha256 === hash);
}

/** Writes the scaffold (refusing on conflicts), then guards, commits, pushes and reconciles. */
export async function writeAndPublish(ctx: StepContext, dir: string, message: string, extra: { paths?: string[]; secrets?: string[] } = {}): Promise<void> {
  const { keep, replace } = scaffoldAnswers(ctx.inputs);
  let result;
  try {
    result = await writeScaffold(dir, ctx.inputs, {
      runner: stepRunner(ctx),
      headless: true,
      keep,
      replace,
      labEdits: readLabEdits(ctx.dataDir),
      ...(ctx.ledger ? { session: ctx.ledger.sessionId } : {}),
    });
  } catch (error) {
    if (error instanceof ScaffoldConflictError) {
      // The log keeps the diffs too, for `lab up`, whose person reads the terminal rather than a card.
      for (const conflict of error.conflicts) ctx.info(`${conflict.file} differs from what the app last wrote (${conflict.reason}); the lab's version would change it so:\n${conflict.diff.trimEnd()}`);
    }
    throw error;
  }
  for (const file of result.kept) ctx.info(`Keeping your version of ${file}, as you chose.`);
  for (const file of result.restored) ctx.info(`Putting back the lab's version of ${file}, which lab down had changed (commented-out entries), so the resources it lists are made again.`);
  for (const { file, backup } of result.replaced) ctx.info(backup ? `Replacing your version of ${file} with the lab's, as you chose; yours is kept in ${backup}.` : `Restoring ${file}, which you had deleted, as you chose.`);
  if (result.written.length > 0) ctx.info(`Wrote ${result.written.length} file(s) of the scaffold; ${result.unchanged.length} already as the app writes them.`);
  // A file the person deleted and chose to leave deleted is not there to stage (`git add` would refuse the path).
  const keptAway = new Set(result.kept.filter((file) => !existsSync(path.join(dir, file))));
  const paths = [...[...desiredScaffold(dir, ctx.inputs, ctx.ledger?.sessionId).keys()].filter((file) => !keptAway.has(file)), SCAFFOLD_RECORD, ...(extra.paths ?? [])];
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
