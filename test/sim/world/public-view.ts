import type { GitHubState } from '../github/types.js';
import type { WorldState } from './state.js';

/** The world as `GET /world` and `sim report` show it. */
export interface PublicWorld extends Omit<WorldState, 'github'> {
  github: { user: { login: string; scopes: string[] }; repositories: GitHubState['repos'] };
  /** Where each cluster's simulated API server listens. */
  apiServers: Record<string, string>;
}

/**
 * Drops the secrets: the GitHub token is masked and service-account keys are metadata only
 * (the model never stores private keys), so the view can be printed and logged freely.
 */
export function publicView(state: WorldState, repositories: GitHubState['repos'], apiServers: Record<string, string>): PublicWorld {
  const copy = JSON.parse(JSON.stringify(state)) as WorldState;
  return {
    ...copy,
    github: { user: { login: copy.github.user.login, scopes: copy.github.user.scopes }, repositories },
    apiServers,
  };
}
