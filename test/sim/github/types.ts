/** Shapes shared by the simulated GitHub's REST and git halves. */

export interface GitHubUser {
  login: string;
  token: string;
  /** Classic-PAT scopes, as `X-OAuth-Scopes` lists them (`repo`, `delete_repo`, `admin:public_key`...). */
  scopes: string[];
  type?: 'User';
  name?: string | null;
  email?: string | null;
}

export interface GitHubOrg {
  login: string;
  /** Logins with admin rights on every repository of the organisation. */
  members: string[];
}

export interface GitHubServerOptions {
  /** Bare repositories live under `dataDir/repos/OWNER/NAME.git`. */
  dataDir: string;
  users: GitHubUser[];
  orgs?: GitHubOrg[];
  /** 127.0.0.1 port; 0 or absent picks a free one. */
  port?: number;
}

/** Faults the world can switch on to reproduce what users hit with real tokens. */
export type GitHubFault = 'github-token-rejected' | 'github-token-scopes';

export interface DeployKey {
  id: number;
  key: string;
  title: string;
  read_only: boolean;
  created_at: string;
  added_by: string;
}

export interface RepoRecord {
  id: number;
  owner: string;
  ownerType: 'User' | 'Organization';
  name: string;
  private: boolean;
  description: string | null;
  createdAt: string;
  deployKeys: DeployKey[];
}

export interface CommitInfo {
  sha: string;
  tree: string;
  message: string;
  author: { name: string; email: string; date: string };
  parents: string[];
  files: string[];
}

export interface RepoState {
  fullName: string;
  private: boolean;
  defaultBranch: string;
  deployKeys: Array<{ id: number; title: string; readOnly: boolean }>;
  /** Newest first, on the default branch. */
  commits: CommitInfo[];
}

export interface GitHubState {
  repos: RepoState[];
  faults: GitHubFault[];
}

export interface GitHubServer {
  /** Base URL of the REST API (what api.github.com is for the real thing). */
  readonly apiUrl: string;
  /** Base URL for git smart HTTP: `${gitUrl}OWNER/NAME.git` replaces `https://github.com/OWNER/NAME.git`. */
  readonly gitUrl: string;
  readonly port: number;
  state(): Promise<GitHubState>;
  setFault(name: GitHubFault, on: boolean): void;
  close(): Promise<void>;
}
