import type { IncomingMessage, ServerResponse } from 'node:http';
import { hasScope, type Caller } from './auth';
import type { Registry } from './registry';
import { DOCS, authenticatedUserJson, errorBody, repoJson, sendJson, userJson, type ApiContext } from './responses';
import type { GitHubUser, RepoRecord } from './types';

/** The REST endpoints of api.github.com that the lab (and flux bootstrap) use. */

export interface RestRequest {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  segments: string[];
  query: URLSearchParams;
  body: Buffer;
  caller: Caller;
  ctx: ApiContext;
  base: string;
}

type Handler = (r: RestRequest, registry: Registry) => Promise<void>;

export async function handleRest(r: RestRequest, registry: Registry): Promise<void> {
  if (r.caller.kind === 'bad-credentials') {
    sendJson(r.res, 401, errorBody(401, 'Bad credentials', DOCS.rest), r.ctx);
    return;
  }
  const route = pickRoute(r.method, r.segments);
  if (!route) {
    sendJson(r.res, 404, errorBody(404, 'Not Found', DOCS.rest), r.ctx);
    return;
  }
  await route(r, registry);
}

function pickRoute(method: string, s: string[]): Handler | undefined {
  const [a, b, c, d, e] = s;
  if (method === 'GET' && a === 'user' && s.length === 1) return getUser;
  if (method === 'GET' && a === 'users' && s.length === 2) return getAccount;
  if (method === 'GET' && a === 'orgs' && s.length === 2) return getAccount;
  if (method === 'POST' && a === 'user' && b === 'repos' && s.length === 2) return createRepo;
  if (method === 'POST' && a === 'orgs' && c === 'repos' && s.length === 3) return createRepo;
  if (a !== 'repos' || !b || !c) return undefined;
  if (s.length === 3) return method === 'GET' ? getRepo : method === 'DELETE' ? deleteRepo : undefined;
  if (d === 'keys' && s.length === 4) return method === 'GET' ? listKeys : method === 'POST' ? addKey : undefined;
  if (d === 'keys' && s.length === 5) return method === 'GET' ? getKey : method === 'DELETE' ? deleteKey : undefined;
  if (d === 'commits' && s.length === 4 && method === 'GET') return listCommits;
  if (d === 'branches' && e && s.length === 5 && method === 'GET') return getBranch;
  return undefined;
}

function signedIn(r: RestRequest, doc: string): { user: GitHubUser; scopes: string[] } | undefined {
  if (r.caller.kind === 'user') return r.caller;
  sendJson(r.res, 401, errorBody(401, 'Requires authentication', doc), r.ctx);
  return undefined;
}

function parseBody(r: RestRequest): Record<string, unknown> | undefined {
  if (r.body.length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(r.body.toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // Answered below like GitHub does for unparsable bodies.
  }
  sendJson(r.res, 400, errorBody(400, 'Problems parsing JSON', DOCS.rest), r.ctx);
  return undefined;
}

async function repoPayload(r: RestRequest, registry: Registry, repo: RepoRecord): Promise<Record<string, unknown>> {
  const user = r.caller.kind === 'user' ? r.caller.user : undefined;
  const scopes = r.caller.kind === 'user' ? r.caller.scopes : [];
  const permissions = user ? registry.permissions(user, scopes, repo) : undefined;
  return repoJson(repo, registry.accountId(repo.owner), r.base, { permissions, pushedAt: registry.lastPush(repo), size: 0 });
}

/** The repository named by the URL if this caller may see it; otherwise answers 404 and returns undefined. */
function visibleRepo(r: RestRequest, registry: Registry, doc: string): RepoRecord | undefined {
  const repo = registry.find(r.segments[1] ?? '', r.segments[2] ?? '');
  const user = r.caller.kind === 'user' ? r.caller.user : undefined;
  const scopes = r.caller.kind === 'user' ? r.caller.scopes : [];
  if (repo && registry.permissions(user, scopes, repo)) return repo;
  sendJson(r.res, 404, errorBody(404, 'Not Found', doc), r.ctx);
  return undefined;
}

const getUser: Handler = async (r, registry) => {
  const caller = signedIn(r, 'https://docs.github.com/rest/users/users#get-the-authenticated-user');
  if (!caller) return;
  const owned = registry.ownedBy(caller.user.login);
  const counts = { publicRepos: owned.filter((repo) => !repo.private).length, privateRepos: owned.filter((repo) => repo.private).length };
  sendJson(r.res, 200, authenticatedUserJson(caller.user, registry.accountId(caller.user.login), r.base, counts), r.ctx);
};

const getAccount: Handler = async (r, registry) => {
  const login = r.segments[1] ?? '';
  const isOrgRoute = r.segments[0] === 'orgs';
  const org = registry.findOrg(login);
  const user = registry.findUser(login);
  if (isOrgRoute ? !org : !org && !user) {
    sendJson(r.res, 404, errorBody(404, 'Not Found', isOrgRoute ? 'https://docs.github.com/rest/orgs/orgs#get-an-organization' : 'https://docs.github.com/rest/users/users#get-a-user'), r.ctx);
    return;
  }
  const canonical = org?.login ?? user?.login ?? login;
  sendJson(r.res, 200, userJson(canonical, registry.accountId(canonical), org ? 'Organization' : 'User', r.base), r.ctx);
};

const getRepo: Handler = async (r, registry) => {
  r.ctx.acceptedScopes = 'repo';
  const repo = visibleRepo(r, registry, DOCS.getRepo);
  if (repo) sendJson(r.res, 200, { ...(await repoPayload(r, registry, repo)), temp_clone_token: '' }, r.ctx);
};

const createRepo: Handler = async (r, registry) => {
  const inOrg = r.segments[0] === 'orgs';
  const doc = inOrg ? DOCS.createOrgRepo : DOCS.createUserRepo;
  r.ctx.acceptedScopes = 'public_repo, repo';
  const caller = signedIn(r, doc);
  if (!caller) return;
  const body = parseBody(r);
  if (!body) return;
  const isPrivate = body.private === true || body.visibility === 'private' || body.visibility === 'internal';
  // A classic PAT without repo scope cannot reach this endpoint at all: GitHub answers 404.
  if (!hasScope(caller.scopes, 'repo') && !(hasScope(caller.scopes, 'public_repo') && !isPrivate)) {
    sendJson(r.res, 404, errorBody(404, 'Not Found', doc), r.ctx);
    return;
  }
  let owner = caller.user.login;
  if (inOrg) {
    const org = registry.findOrg(r.segments[1] ?? '');
    if (!org) {
      sendJson(r.res, 404, errorBody(404, 'Not Found', doc), r.ctx);
      return;
    }
    if (!org.members.some((member) => member.toLowerCase() === caller.user.login.toLowerCase())) {
      sendJson(r.res, 403, errorBody(403, 'You need admin access to the organization before adding a repository to it.', doc), r.ctx);
      return;
    }
    owner = org.login;
  }
  const name = typeof body.name === 'string' ? body.name : '';
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(name) || name === '.' || name === '..') {
    const errors = [{ resource: 'Repository', code: 'missing_field', field: 'name' }];
    sendJson(r.res, 422, errorBody(422, 'Repository creation failed.', doc, errors), r.ctx);
    return;
  }
  if (registry.find(owner, name)) {
    const errors = [{ resource: 'Repository', code: 'custom', field: 'name', message: 'name already exists on this account' }];
    sendJson(r.res, 422, errorBody(422, 'Repository creation failed.', doc, errors), r.ctx);
    return;
  }
  const description = typeof body.description === 'string' ? body.description : null;
  const record = registry.newRecord(owner, name, isPrivate, description);
  await registry.create(record, body.auto_init === true ? caller.user : undefined);
  const payload = await repoPayload(r, registry, record);
  sendJson(r.res, 201, payload, r.ctx, { Location: `${r.base}/repos/${owner}/${name}` });
};

const deleteRepo: Handler = async (r, registry) => {
  r.ctx.acceptedScopes = 'delete_repo';
  const caller = signedIn(r, DOCS.deleteRepo);
  if (!caller) return;
  const repo = visibleRepo(r, registry, DOCS.deleteRepo);
  if (!repo) return;
  if (!hasScope(caller.scopes, 'delete_repo') || !registry.isAdmin(caller.user, repo)) {
    sendJson(r.res, 403, errorBody(403, 'Must have admin rights to Repository.', DOCS.deleteRepo), r.ctx);
    return;
  }
  await registry.remove(repo);
  sendJson(r.res, 204, undefined, r.ctx);
};

/** Deploy keys need admin on the repository (and `repo` or `admin:public_key`-style scopes on the token). */
function adminRepo(r: RestRequest, registry: Registry, doc: string): RepoRecord | undefined {
  r.ctx.acceptedScopes = 'repo';
  const caller = signedIn(r, doc);
  if (!caller) return undefined;
  const repo = visibleRepo(r, registry, doc);
  if (!repo) return undefined;
  if (!registry.permissions(caller.user, caller.scopes, repo)?.admin) {
    sendJson(r.res, 404, errorBody(404, 'Not Found', doc), r.ctx);
    return undefined;
  }
  return repo;
}

function keyJson(r: RestRequest, repo: RepoRecord, deployKey: RepoRecord['deployKeys'][number]): Record<string, unknown> {
  return {
    id: deployKey.id,
    key: deployKey.key,
    url: `${r.base}/repos/${repo.owner}/${repo.name}/keys/${deployKey.id}`,
    title: deployKey.title,
    verified: true,
    created_at: deployKey.created_at,
    read_only: deployKey.read_only,
    added_by: deployKey.added_by,
    last_used: null,
    enabled: true,
  };
}

const listKeys: Handler = async (r, registry) => {
  const repo = adminRepo(r, registry, DOCS.deployKeys);
  if (repo) sendJson(r.res, 200, repo.deployKeys.map((deployKey) => keyJson(r, repo, deployKey)), r.ctx);
};

const getKey: Handler = async (r, registry) => {
  const repo = adminRepo(r, registry, DOCS.deployKeys);
  if (!repo) return;
  const deployKey = repo.deployKeys.find((candidate) => String(candidate.id) === r.segments[4]);
  if (deployKey) sendJson(r.res, 200, keyJson(r, repo, deployKey), r.ctx);
  else sendJson(r.res, 404, errorBody(404, 'Not Found', DOCS.deployKeys), r.ctx);
};

const deleteKey: Handler = async (r, registry) => {
  const repo = adminRepo(r, registry, DOCS.deployKeys);
  if (!repo) return;
  const index = repo.deployKeys.findIndex((candidate) => String(candidate.id) === r.segments[4]);
  if (index < 0) {
    sendJson(r.res, 404, errorBody(404, 'Not Found', DOCS.deployKeys), r.ctx);
    return;
  }
  repo.deployKeys.splice(index, 1);
  await registry.save();
  sendJson(r.res, 204, undefined, r.ctx);
};

const addKey: Handler = async (r, registry) => {
  const repo = adminRepo(r, registry, DOCS.deployKeys);
  if (!repo) return;
  const body = parseBody(r);
  if (!body) return;
  const keyText = typeof body.key === 'string' ? body.key.trim() : '';
  // Only the type and base64 blob identify a key; the trailing comment is dropped as GitHub does.
  const normalized = keyText.split(/\s+/).slice(0, 2).join(' ');
  if (!/^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)|sk-\S+) [A-Za-z0-9+/=]+$/.test(normalized)) {
    const errors = [{ resource: 'PublicKey', code: 'custom', field: 'key', message: 'key is invalid. You must supply a key in OpenSSH public key format' }];
    sendJson(r.res, 422, errorBody(422, 'Validation Failed', DOCS.deployKeys, errors), r.ctx);
    return;
  }
  const inUse = registry.all().some((other) => other.deployKeys.some((existing) => existing.key === normalized));
  if (inUse) {
    const errors = [{ resource: 'PublicKey', code: 'custom', field: 'key', message: 'key is already in use' }];
    sendJson(r.res, 422, errorBody(422, 'Validation Failed', DOCS.deployKeys, errors), r.ctx);
    return;
  }
  const deployKey = {
    id: registry.newDeployKeyId(),
    key: normalized,
    title: typeof body.title === 'string' ? body.title : '',
    read_only: body.read_only !== false,
    created_at: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    added_by: r.caller.kind === 'user' ? r.caller.user.login : '',
  };
  repo.deployKeys.push(deployKey);
  await registry.save();
  sendJson(r.res, 201, keyJson(r, repo, deployKey), r.ctx, { Location: `${r.base}/repos/${repo.owner}/${repo.name}/keys/${deployKey.id}` });
};

function commitJson(r: RestRequest, repo: RepoRecord, commit: Awaited<ReturnType<Registry['git']['log']>>[number]): Record<string, unknown> {
  const api = `${r.base}/repos/${repo.owner}/${repo.name}`;
  const person = { name: commit.author.name, email: commit.author.email, date: commit.author.date.replace(/([+-]00:00)$/, 'Z') };
  return {
    sha: commit.sha,
    node_id: Buffer.from(`06:Commit${repo.id}:${commit.sha}`).toString('base64'),
    commit: {
      author: person,
      committer: person,
      message: commit.message,
      tree: { sha: commit.tree, url: `${api}/git/trees/${commit.tree}` },
      url: `${api}/git/commits/${commit.sha}`,
      comment_count: 0,
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
    },
    url: `${api}/commits/${commit.sha}`,
    html_url: `https://github.com/${repo.owner}/${repo.name}/commit/${commit.sha}`,
    comments_url: `${api}/commits/${commit.sha}/comments`,
    author: null,
    committer: null,
    parents: commit.parents.map((sha) => ({ sha, url: `${api}/commits/${sha}`, html_url: `https://github.com/${repo.owner}/${repo.name}/commit/${sha}` })),
  };
}

const listCommits: Handler = async (r, registry) => {
  const repo = visibleRepo(r, registry, DOCS.listCommits);
  if (!repo) return;
  const branch = r.query.get('sha') ?? 'main';
  const perPage = Math.min(Number.parseInt(r.query.get('per_page') ?? '30', 10) || 30, 100);
  const commits = await registry.git.log(repo.owner, repo.name, branch, perPage);
  if (commits.length === 0 && !(await registry.git.branchHead(repo.owner, repo.name, 'main'))) {
    sendJson(r.res, 409, errorBody(409, 'Git Repository is empty.', DOCS.listCommits), r.ctx);
    return;
  }
  sendJson(r.res, 200, commits.map((commit) => commitJson(r, repo, commit)), r.ctx);
};

const getBranch: Handler = async (r, registry) => {
  const repo = visibleRepo(r, registry, DOCS.getBranch);
  if (!repo) return;
  const branch = r.segments[4] ?? '';
  const [head] = await registry.git.log(repo.owner, repo.name, branch, 1);
  if (!head) {
    sendJson(r.res, 404, errorBody(404, 'Branch not found', DOCS.getBranch), r.ctx);
    return;
  }
  const api = `${r.base}/repos/${repo.owner}/${repo.name}`;
  sendJson(r.res, 200, {
    name: branch,
    commit: commitJson(r, repo, head),
    _links: { self: `${api}/branches/${branch}`, html: `https://github.com/${repo.owner}/${repo.name}/tree/${branch}` },
    protected: false,
    protection: { enabled: false, required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] } },
    protection_url: `${api}/branches/${branch}/protection`,
  }, r.ctx);
};
