import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { GitStore } from './git-store';
import { hasScope } from './auth';
import type { Permissions } from './responses';
import type { GitHubOrg, GitHubUser, RepoRecord } from './types';

/**
 * Accounts, organisations and repository metadata of the simulated GitHub. The git content lives
 * in real bare repositories (GitStore); the metadata GitHub keeps beside them (ids, visibility,
 * deploy keys) is saved to `dataDir/github.json` so a restarted world finds it again.
 */
export class Registry {
  readonly git: GitStore;
  private readonly repos = new Map<string, RepoRecord>();
  private readonly pushedAt = new Map<string, string>();
  private nextRepoId = 700_000_001;
  private nextKeyId = 90_000_001;

  constructor(
    private readonly dataDir: string,
    readonly users: GitHubUser[],
    readonly orgs: GitHubOrg[],
  ) {
    this.git = new GitStore(path.join(dataDir, 'repos'));
  }

  private get metadataFile(): string {
    return path.join(this.dataDir, 'github.json');
  }

  async load(): Promise<void> {
    await mkdir(this.git.root, { recursive: true });
    const saved = await readFile(this.metadataFile, 'utf8').then((text) => JSON.parse(text) as { repos: RepoRecord[] }).catch(() => ({ repos: [] }));
    for (const repo of saved.repos) this.repos.set(key(repo.owner, repo.name), repo);
    // Repositories put on disk by someone else (a fixture) get default metadata.
    for (const found of await this.git.scan()) {
      if (this.repos.has(key(found.owner, found.name))) continue;
      this.repos.set(key(found.owner, found.name), this.newRecord(found.owner, found.name, true, null, found.createdAt));
    }
    for (const repo of this.repos.values()) {
      this.nextRepoId = Math.max(this.nextRepoId, repo.id + 1);
      for (const deployKey of repo.deployKeys) this.nextKeyId = Math.max(this.nextKeyId, deployKey.id + 1);
    }
  }

  async save(): Promise<void> {
    await writeFile(this.metadataFile, JSON.stringify({ repos: [...this.repos.values()] }, null, 2));
  }

  accountId(login: string): number {
    const index = this.users.findIndex((user) => user.login.toLowerCase() === login.toLowerCase());
    if (index >= 0) return 10_000_001 + index;
    const orgIndex = this.orgs.findIndex((org) => org.login.toLowerCase() === login.toLowerCase());
    return orgIndex >= 0 ? 20_000_001 + orgIndex : 30_000_001;
  }

  findOrg(login: string): GitHubOrg | undefined {
    return this.orgs.find((org) => org.login.toLowerCase() === login.toLowerCase());
  }

  findUser(login: string): GitHubUser | undefined {
    return this.users.find((user) => user.login.toLowerCase() === login.toLowerCase());
  }

  find(owner: string, name: string): RepoRecord | undefined {
    return this.repos.get(key(owner, stripGitSuffix(name)));
  }

  all(): RepoRecord[] {
    return [...this.repos.values()].sort((a, b) => a.id - b.id);
  }

  ownedBy(login: string): RepoRecord[] {
    return this.all().filter((repo) => repo.owner.toLowerCase() === login.toLowerCase());
  }

  newRecord(owner: string, name: string, isPrivate: boolean, description: string | null, createdAt = new Date()): RepoRecord {
    return {
      id: this.nextRepoId++,
      owner,
      ownerType: this.findOrg(owner) ? 'Organization' : 'User',
      name,
      private: isPrivate,
      description,
      createdAt: createdAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      deployKeys: [],
    };
  }

  async create(record: RepoRecord, autoInit: GitHubUser | undefined): Promise<void> {
    await this.git.init(record.owner, record.name);
    if (autoInit) await this.git.autoInit(record.owner, record.name, record.description, { name: autoInit.name ?? autoInit.login, email: autoInit.email ?? `${autoInit.login}@users.noreply.github.com` });
    this.repos.set(key(record.owner, record.name), record);
    await this.save();
  }

  async remove(record: RepoRecord): Promise<void> {
    this.repos.delete(key(record.owner, record.name));
    await this.git.remove(record.owner, record.name);
    await this.save();
  }

  newDeployKeyId(): number {
    return this.nextKeyId++;
  }

  markPushed(record: RepoRecord): void {
    this.pushedAt.set(key(record.owner, record.name), new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'));
  }

  lastPush(record: RepoRecord): string | null {
    return this.pushedAt.get(key(record.owner, record.name)) ?? null;
  }

  /** Admin on own repositories and on those of organisations the user belongs to. */
  isAdmin(user: GitHubUser, repo: RepoRecord): boolean {
    if (repo.owner.toLowerCase() === user.login.toLowerCase()) return true;
    return this.findOrg(repo.owner)?.members.some((member) => member.toLowerCase() === user.login.toLowerCase()) ?? false;
  }

  /**
   * What a token may do on a repository: the user's role, narrowed by the classic-PAT scopes
   * (`repo` covers private repositories, `public_repo` public ones). Undefined means the
   * repository is invisible to this caller, which GitHub answers with 404.
   */
  permissions(user: GitHubUser | undefined, scopes: string[], repo: RepoRecord): Permissions | undefined {
    const none: Permissions = { admin: false, maintain: false, push: false, triage: false, pull: !repo.private };
    if (!user) return repo.private ? undefined : none;
    const scoped = repo.private ? hasScope(scopes, 'repo') : hasScope(scopes, 'repo', 'public_repo');
    if (!scoped || !this.isAdmin(user, repo)) return repo.private ? undefined : none;
    return { admin: true, maintain: true, push: true, triage: true, pull: true };
  }
}

function key(owner: string, name: string): string {
  return `${owner.toLowerCase()}/${name.toLowerCase()}`;
}

function stripGitSuffix(name: string): string {
  return name.endsWith('.git') ? name.slice(0, -4) : name;
}
