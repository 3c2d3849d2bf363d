/** GitHub: the token in GITHUB_TOKEN is accepted, has the scopes Flux needs, and the repository is usable. */
import { GitHubClient, GitHubError, githubApiUrl, missingScopes } from '../tools/github';
import { failed, passed, type Diagnostic, type DoctorContext } from './types';

const NEW_TOKEN = 'Create a classic token with the "repo" scope at https://github.com/settings/tokens (or a fine-grained one with Administration, Contents read-write and Metadata read) and export it: `export GITHUB_TOKEN=...`.';

function client(ctx: DoctorContext): GitHubClient {
  return new GitHubClient({ token: ctx.env.GITHUB_TOKEN ?? '', apiUrl: githubApiUrl(ctx.env), ...(ctx.fetch ? { fetch: ctx.fetch } : {}) });
}

function explain(error: unknown): ReturnType<typeof failed> {
  if (error instanceof GitHubError) {
    if (error.kind === 'bad-credentials') return failed(error.message, NEW_TOKEN);
    if (error.kind === 'unreachable') return failed(error.message, 'Check your network connection (and GITHUB_API_URL if you set it).');
    return failed(error.message, NEW_TOKEN);
  }
  throw error;
}

export const githubToken: Diagnostic = {
  id: 'github-token',
  title: 'GitHub token accepted with sufficient scopes',
  applicable: () => true,
  async check(ctx) {
    if (!ctx.env.GITHUB_TOKEN) return failed('GITHUB_TOKEN is not set.', NEW_TOKEN);
    try {
      const info = await client(ctx).tokenInfo();
      const missing = missingScopes(info);
      if (missing.length > 0) {
        return failed(
          `The token of ${info.login} lacks the ${missing.map((s) => `"${s}"`).join(', ')} scope (it has: ${info.scopes.join(', ') || 'no scopes'}); Flux needs it to create the repository and its deploy key.`,
          'Edit the token at https://github.com/settings/tokens and tick "repo", or create a new one with that scope, then export it as GITHUB_TOKEN.',
        );
      }
      return passed(info.kind === 'classic' ? `Token of ${info.login} with scopes ${info.scopes.join(', ')}.` : `Fine-grained token of ${info.login} (its permissions are checked on the repository).`);
    } catch (error) {
      return explain(error);
    }
  },
};

export const githubRepository: Diagnostic = {
  id: 'github-repository',
  title: 'GitHub owner and repository usable',
  applicable: (ctx) => Boolean(ctx.inputs && ctx.env.GITHUB_TOKEN),
  async check(ctx) {
    const { owner, repository, personal } = ctx.inputs!.github;
    try {
      const api = client(ctx);
      const info = await api.tokenInfo();
      if (personal && info.login.toLowerCase() !== owner.toLowerCase()) {
        return failed(
          `github.owner is ${owner}, but the token belongs to ${info.login}; a personal repository is created under the token's own account.`,
          `Set github.owner to ${info.login}, or set github.personal to false if ${owner} is an organization.`,
        );
      }
      const repo = await api.repository(owner, repository);
      if (!repo.exists) return passed(`${owner}/${repository} does not exist yet; the lab will create it.`);
      if (!repo.admin) {
        return failed(
          `${repo.fullName} exists but the token is not admin on it; Flux must add a deploy key, which needs admin.`,
          `Ask an owner of ${owner} to give ${info.login} the Admin role on ${repository}, or choose another github.repository.`,
        );
      }
      return passed(`${repo.fullName} exists and the token is admin on it.`);
    } catch (error) {
      return explain(error);
    }
  },
};
