/**
 * The GitHub token and repository, judged before Flux uses them: the token must be accepted,
 * belong to the owner when the repository is personal, carry the `repo` scope (classic tokens),
 * and be admin on the repository if it already exists (flux bootstrap creates it otherwise).
 * Only GETs: checking and running ask the same questions, and nothing on GitHub changes.
 */
import type { LabInputs } from '../../api/inputs';
import { GitHubClient, githubApiUrl, missingScopes } from '../tools/github';
import { fromCatalogue, type StepBehaviour, type StepDeps } from './deps';
import type { StepContext } from '../plan/step';

interface Verdict {
  ok: boolean;
  message: string;
  outputs?: Record<string, string>;
}

async function judge(ctx: StepContext, deps: StepDeps): Promise<Verdict> {
  const token = ctx.secret('GITHUB_TOKEN');
  if (!token) return { ok: false, message: 'No GitHub token yet: enter a personal access token (GITHUB_TOKEN).' };
  const inputs: Partial<LabInputs> = ctx.inputs;
  const owner = inputs.github?.owner;
  if (!owner) return { ok: false, message: 'github.owner is empty: enter your GitHub user or organization.' };
  const repository = inputs.github?.repository || 'devflux';
  const personal = inputs.github?.personal !== false;
  const client = new GitHubClient({ token, apiUrl: githubApiUrl(deps.env ?? process.env) });
  const who = await client.tokenInfo();
  if (personal && who.login.toLowerCase() !== owner.toLowerCase()) {
    return { ok: false, message: `The token belongs to ${who.login}, but github.owner is ${owner}: use ${who.login} as owner, or untick "personal" for an organization.` };
  }
  const missing = missingScopes(who);
  if (missing.length > 0) return { ok: false, message: `The token lacks the ${missing.map((s) => `"${s}"`).join(', ')} scope: create a classic token with "repo", or a fine-grained one with Administration, Contents (read and write) and Metadata.` };
  const repo = await client.repository(owner, repository);
  if (repo.exists && !repo.admin) return { ok: false, message: `The token is not admin on ${repo.fullName}: flux bootstrap needs admin rights to add its deploy settings.` };
  const outputs = { login: who.login, tokenKind: who.kind, repository: `${owner}/${repository}`, repositoryExists: String(repo.exists) };
  const where = repo.exists ? `${repo.fullName} exists and the token is admin on it` : `${owner}/${repository} does not exist yet: flux bootstrap will create it`;
  return { ok: true, message: `Token accepted for ${who.login} (${who.kind}); ${where}`, outputs };
}

export const githubAccessStep: StepBehaviour = (info, deps) => ({
  ...fromCatalogue(info),
  async check(ctx) {
    const verdict = await judge(ctx, deps);
    return verdict.ok ? { done: true, detail: verdict.message, ...(verdict.outputs ? { outputs: verdict.outputs } : {}) } : { done: false, detail: verdict.message };
  },
  async run(ctx) {
    const verdict = await judge(ctx, deps);
    if (!verdict.ok) throw new Error(verdict.message);
    ctx.info(verdict.message);
    return verdict.outputs;
  },
});
