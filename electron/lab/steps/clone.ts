/**
 * The local clone of the GitOps repository. Done when workspaceDir is a clone of the repository
 * that already has the remote branch's latest commit (asked with `git ls-remote`, which changes
 * nothing locally). Running it clones, or fast-forwards a clean clone; a clone with uncommitted
 * changes is never touched: the error says what to do.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LabInputs } from '../../api/inputs';
import { changedFiles, clone, contains, githubRepoUrl, originUrl, pull, remoteHead, sameRepository } from '../tools/git';
import { fromCatalogue, runnerOf, type StepBehaviour } from './deps';

const BRANCH = 'main';

function target(inputs: Partial<LabInputs>): { url: string; dir: string } {
  const owner = inputs.github?.owner;
  if (!owner) throw new Error('github.owner is empty: enter your GitHub user or organization.');
  const repository = inputs.github?.repository || 'devflux';
  if (!inputs.workspaceDir) throw new Error('workspaceDir is empty: choose a folder for the local clone of your repository.');
  return { url: githubRepoUrl(owner, repository), dir: path.resolve(inputs.workspaceDir) };
}

const isEmptyDir = (dir: string): boolean => fs.readdirSync(dir).length === 0;

export const cloneStep: StepBehaviour = (info) => ({
  ...fromCatalogue(info),
  async check(ctx) {
    const { url, dir } = target(ctx.inputs);
    const run = runnerOf(ctx);
    if (!fs.existsSync(path.join(dir, '.git'))) return { done: false, detail: `${dir} is not a git clone yet` };
    const origin = await originUrl(run, dir);
    if (!origin || !sameRepository(origin, url)) return { done: false, detail: `${dir} is a clone of ${origin ?? 'no remote'}, not of ${url}` };
    const token = ctx.secret('GITHUB_TOKEN');
    const remote = await remoteHead(run, dir, BRANCH, { ...(token ? { token } : {}), signal: ctx.signal });
    if (remote && !(await contains(run, dir, remote))) return { done: false, detail: `${dir} is a clone of ${url} but misses the latest commits of ${BRANCH}` };
    return { done: true, detail: `${dir} is an up-to-date clone of ${url}`, outputs: { dir } };
  },
  async run(ctx) {
    const { url, dir } = target(ctx.inputs);
    const run = runnerOf(ctx);
    const token = ctx.secret('GITHUB_TOKEN');
    const auth = { ...(token ? { token } : {}), signal: ctx.signal };
    if (!fs.existsSync(dir) || isEmptyDir(dir)) {
      fs.mkdirSync(path.dirname(dir), { recursive: true });
      await clone(run, url, dir, auth);
      return { dir };
    }
    if (!fs.existsSync(path.join(dir, '.git'))) {
      throw new Error(`${dir} already holds files and is not a git clone: choose an empty or new folder as workspaceDir, or move those files away.`);
    }
    const origin = await originUrl(run, dir);
    if (!origin || !sameRepository(origin, url)) {
      throw new Error(`${dir} is a clone of ${origin ?? 'a repository without an origin remote'}, not of ${url}: choose another workspaceDir.`);
    }
    const changed = await changedFiles(run, dir);
    if (changed.length > 0) {
      const shown = changed.slice(0, 5).map((line) => line.slice(3)).join(', ');
      throw new Error(
        `${dir} has uncommitted changes (${changed.length} file${changed.length === 1 ? '' : 's'}: ${shown}${changed.length > 5 ? ', ...' : ''}). ` +
          `The lab does not touch a working tree with changes: commit them (git -C ${dir} commit -am "...") or set them aside (git -C ${dir} stash), then retry.`,
      );
    }
    ctx.info(`${dir} is a clean clone of ${url}: fast-forwarding it to ${BRANCH}.`);
    await pull(run, dir, auth);
    return { dir };
  },
});
