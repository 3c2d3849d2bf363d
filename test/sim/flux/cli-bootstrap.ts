import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ToolIo } from '../bin/tool-io.js';
import type { KubeObject } from '../kube/types.js';
import { CliError, StatusLog } from './cli-output.js';
import { controllerDeployments } from './cli-check.js';
import { fluxComponents, FLUX_VERSION } from './components.js';
import type { KubeClient } from './kube-client.js';
import { FLUX_NAMESPACE, readyCondition, REQUESTED_AT } from './meta.js';
import { fluxSystemKustomization, gotkComponents, gotkSync, syncObjects } from './sync-manifests.js';
import { deploymentReady } from './workloads.js';

/**
 * `flux bootstrap github` with token auth: the GitHub REST API (base from GITHUB_API_URL, which
 * also serves git, else https://api.github.com), real git for clone/commit/push, then the cluster
 * through its API server. Messages and their order follow pkg/bootstrap in flux2.
 */

export interface BootstrapOptions {
  owner: string;
  repository: string;
  personal: boolean;
  private: boolean;
  path: string;
  branch: string;
  hostname: string;
  token: string;
  timeoutMs: number;
  /** Between looks at the cluster while waiting. */
  pollMs: number;
}

interface Api {
  base: string;
  gitBase: string;
  token: string;
}

async function github(api: Api, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${api.base}${path}`, {
    method,
    headers: { Authorization: `token ${api.token}`, Accept: 'application/vnd.github+json', 'User-Agent': 'go-github', ...(body ? { 'Content-Type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    parsed = { message: text };
  }
  return { status: res.status, body: parsed };
}

/** go-github's error text: `METHOD URL: STATUS MESSAGE [ERRORS]`. */
function githubError(api: Api, method: string, path: string, res: { status: number; body: Record<string, unknown> }): string {
  const errors = Array.isArray(res.body.errors) ? (res.body.errors as Array<Record<string, unknown>>).map((e) => `{${Object.entries(e).map(([k, v]) => `${k}:${String(v)}`).join(' ')}}`).join(' ') : '';
  return `${method} ${api.base}${path}: ${res.status} ${String(res.body.message ?? '')} [${errors}]`;
}

function git(api: Api, env: NodeJS.ProcessEnv, args: string[], cwd?: string): Promise<string> {
  const config = ['-c', `url.${api.gitBase}.insteadOf=https://github.com/`, '-c', 'credential.helper=', '-c', 'credential.helper=!f() { test "$1" = get && echo username=git && echo "password=$FLUX_BOOTSTRAP_TOKEN"; }; f'];
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      [...config, ...args],
      {
        cwd,
        encoding: 'utf8',
        env: {
          PATH: env.PATH ?? '/usr/bin:/bin',
          HOME: '/nonexistent',
          GIT_CONFIG_NOSYSTEM: '1',
          GIT_CONFIG_GLOBAL: '/dev/null',
          GIT_TERMINAL_PROMPT: '0',
          GIT_AUTHOR_NAME: 'Flux',
          GIT_AUTHOR_EMAIL: '',
          GIT_COMMITTER_NAME: 'Flux',
          GIT_COMMITTER_EMAIL: '',
          FLUX_BOOTSTRAP_TOKEN: api.token,
        },
      },
      (error, stdout, stderr) => (error ? reject(new CliError(stderr.trim() || error.message)) : resolve(stdout)),
    );
  });
}

/** Writes the files and commits them when anything changed; returns the new commit or undefined. */
async function commitFiles(api: Api, env: NodeJS.ProcessEnv, dir: string, files: Record<string, string>, message: string): Promise<string | undefined> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    const old = await readFile(join(dir, path), 'utf8').catch(() => undefined);
    if (old !== content) await writeFile(join(dir, path), content);
  }
  await git(api, env, ['add', '--', ...Object.keys(files)], dir);
  const changed = (await git(api, env, ['status', '--porcelain', '--', ...Object.keys(files)], dir)).trim();
  if (!changed) return undefined;
  await git(api, env, ['commit', '--quiet', '-m', message], dir);
  return (await git(api, env, ['rev-parse', 'HEAD'], dir)).trim();
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Looks at once, then every poll period (the real CLI's 2 s in the world's time), until the deadline. */
async function until<T>(wait: { timeoutMs: number; pollMs: number }, what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + wait.timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new CliError(`timeout waiting for ${what}: context deadline exceeded`);
    await sleep(wait.pollMs);
  }
}

function apiFor(env: NodeJS.ProcessEnv, hostname: string, token: string): Api {
  const configured = env.GITHUB_API_URL?.replace(/\/$/, '');
  const base = configured ?? (hostname === 'github.com' ? 'https://api.github.com' : `https://${hostname}/api/v3`);
  return { base, gitBase: configured ? `${configured}/` : `https://${hostname}/`, token };
}

export async function bootstrapGitHub(io: ToolIo, log: StatusLog, client: KubeClient, options: BootstrapOptions): Promise<void> {
  const api = apiFor(io.env, options.hostname, options.token);
  const repoUrl = `https://${options.hostname}/${options.owner}/${options.repository}`;
  const gitUrl = `https://github.com/${options.owner}/${options.repository}.git`;
  const displayGitUrl = `${repoUrl}.git`;
  const path = options.path.replace(/^\.\//, '').replace(/\/$/, '');

  log.action(`connecting to ${options.hostname}`);
  const repoPath = `/repos/${options.owner}/${options.repository}`;
  const existing = await github(api, 'GET', repoPath);
  if (existing.status === 401) throw new CliError(`failed to get Git repository "${repoUrl}": ${githubError(api, 'GET', repoPath, existing)}`);
  if (existing.status === 404) {
    const createPath = options.personal ? '/user/repos' : `/orgs/${options.owner}/repos`;
    const created = await github(api, 'POST', createPath, { name: options.repository, private: options.private, auto_init: true, description: '' });
    if (created.status !== 201) throw new CliError(`failed to create new Git repository "${repoUrl}": ${githubError(api, 'POST', createPath, created)}`);
    log.success(`repository "${repoUrl}" created`);
  } else if (existing.status !== 200) {
    throw new CliError(`failed to get Git repository "${repoUrl}": ${githubError(api, 'GET', repoPath, existing)}`);
  }

  const work = await mkdtemp(join(tmpdir(), 'flux-bootstrap-'));
  try {
    const dir = join(work, 'repo');
    log.action(`cloning branch "${options.branch}" from Git repository "${displayGitUrl}"`);
    try {
      await git(api, io.env, ['clone', '--quiet', '--branch', options.branch, gitUrl, dir]);
    } catch (error) {
      const message = (error as Error).message;
      if (!/Remote branch .* not found|empty repository/.test(message)) throw new CliError(`failed to clone repository: ${message}`);
      // An empty repository (or a new branch) starts from nothing, as go-git's init does.
      await git(api, io.env, ['init', '--quiet', '-b', options.branch, dir]);
      await git(api, io.env, ['remote', 'add', 'origin', gitUrl], dir);
    }
    log.success('cloned repository');

    log.action('generating component manifests');
    // One set of objects for the manifest and the install, as flux applies what it generated.
    const components = fluxComponents();
    const componentFiles = { [`${path}/flux-system/gotk-components.yaml`]: gotkComponents(components), [`${path}/flux-system/kustomization.yaml`]: fluxSystemKustomization() };
    log.success('generated component manifests');
    const componentsCommit = await commitFiles(api, io.env, dir, componentFiles, `Add Flux v${FLUX_VERSION} component manifests`);
    if (componentsCommit) {
      log.success(`committed component manifests to "${options.branch}" ("${componentsCommit}")`);
      log.action(`pushing component manifests to "${displayGitUrl}"`);
      await git(api, io.env, ['push', '--quiet', 'origin', `HEAD:${options.branch}`], dir);
    } else log.success('component manifests are up to date');

    log.action(`installing components in "${FLUX_NAMESPACE}" namespace`);
    // Staged as flux's server-side apply stages them (CRDs and Namespaces, then the rest), each
    // stage's objects applied concurrently rather than one request after another.
    const definitions = (o: KubeObject): boolean => o.kind === 'CustomResourceDefinition' || o.kind === 'Namespace';
    for (const stage of [components.filter(definitions), components.filter((o) => !definitions(o))]) {
      await Promise.all(stage.map((object) => client.apply(object)));
    }
    log.success('installed components');
    await until(options, 'components', async () => {
      const deployments = await controllerDeployments(client);
      return deployments.length >= 4 && deployments.every(deploymentReady) ? true : undefined;
    });
    log.success('reconciled components');

    log.action(`determining if source secret "${FLUX_NAMESPACE}/flux-system" exists`);
    const secret = await client.get('v1', 'Secret', FLUX_NAMESPACE, 'flux-system');
    const password = Buffer.from(String((secret?.data as Record<string, string> | undefined)?.password ?? ''), 'base64').toString('utf8');
    if (secret && password === options.token) log.success('source secret up to date');
    else {
      log.action('generating source secret');
      log.action(`applying source secret "${FLUX_NAMESPACE}/flux-system"`);
      const object: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'flux-system', namespace: FLUX_NAMESPACE }, type: 'Opaque', data: { username: Buffer.from('git').toString('base64'), password: Buffer.from(options.token).toString('base64') } };
      await client.apply(object);
      log.success('reconciled source secret');
    }

    log.action('generating sync manifests');
    const sync = { url: `${repoUrl}.git`, branch: options.branch, path, secretName: 'flux-system' };
    log.success('generated sync manifests');
    const syncCommit = await commitFiles(api, io.env, dir, { [`${path}/flux-system/gotk-sync.yaml`]: gotkSync(sync) }, 'Add Flux sync manifests');
    if (syncCommit) {
      log.success(`committed sync manifests to "${options.branch}" ("${syncCommit}")`);
      log.action(`pushing sync manifests to "${displayGitUrl}"`);
      await git(api, io.env, ['push', '--quiet', 'origin', `HEAD:${options.branch}`], dir);
    } else log.success('sync manifests are up to date');
    const head = (await git(api, io.env, ['rev-parse', 'HEAD'], dir)).trim();
    const revision = `${options.branch}@sha1:${head}`;

    log.action('applying sync manifests');
    const requested = new Date().toISOString();
    for (const object of syncObjects(sync)) {
      object.metadata.annotations = { [REQUESTED_AT]: requested };
      await client.apply(object);
    }
    log.success('reconciled sync configuration');

    log.waiting(`waiting for GitRepository "${FLUX_NAMESPACE}/flux-system" to be reconciled`);
    await until(options, 'GitRepository', async () => {
      const source = await client.get('source.toolkit.fluxcd.io/v1', 'GitRepository', FLUX_NAMESPACE, 'flux-system');
      const artifact = ((source?.status ?? {}) as { artifact?: { revision?: string } }).artifact;
      return artifact?.revision === revision ? true : undefined;
    });
    log.success('GitRepository reconciled successfully');
    log.waiting(`waiting for Kustomization "${FLUX_NAMESPACE}/flux-system" to be reconciled`);
    await until(options, 'Kustomization', async () => {
      const ks = await client.get('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', FLUX_NAMESPACE, 'flux-system');
      const status = (ks?.status ?? {}) as { lastAttemptedRevision?: string; lastAppliedRevision?: string };
      const ready = readyCondition(ks);
      if (status.lastAttemptedRevision === revision && ready?.status === 'False') throw new CliError(ready.message);
      return status.lastAppliedRevision === revision && ready?.status === 'True' ? true : undefined;
    });
    log.success('Kustomization reconciled successfully');

    log.action('confirming components are healthy');
    for (const deployment of await controllerDeployments(client)) {
      if (!deploymentReady(deployment)) throw new CliError(`${deployment.metadata.name}: deployment not ready`);
      log.success(`${deployment.metadata.name}: deployment ready`);
    }
    log.success('all components are healthy');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
