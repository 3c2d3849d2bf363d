import { rm } from 'node:fs/promises';
import type { KubeObject } from '../kube/types.js';
import { checkout, GitError, resolveBranch } from './git-source.js';
import { GIT_REPOSITORY, HELM_REPOSITORY, mergeConditions, parseGoDuration, patchStatus, REQUESTED_AT, conditionsOf, nowIso, safeGet } from './meta.js';
import type { ControllerRuntime, ReconcileResult } from './runtime.js';
import { createHash } from 'node:crypto';

/** source-controller: GitRepository (real git) and HelmRepository (Ready after a short delay). */

interface GitRepositorySpec {
  url: string;
  interval?: string;
  ref?: { branch?: string };
  secretRef?: { name: string };
  suspend?: boolean;
}

function credentials(rt: ControllerRuntime, namespace: string, secretName: string | undefined): { username?: string; password?: string } | string {
  if (!secretName) return {};
  const secret = rt.store.get('v1', 'Secret', namespace, secretName);
  if (!secret) return `secrets "${secretName}" not found`;
  const data = (secret.data ?? {}) as Record<string, string>;
  const decode = (key: string): string | undefined => (data[key] ? Buffer.from(data[key], 'base64').toString('utf8') : undefined);
  const username = decode('username');
  const password = decode('password');
  return { ...(username ? { username } : {}), ...(password ? { password } : {}) };
}

function handled(object: KubeObject): Record<string, unknown> {
  const requested = object.metadata.annotations?.[REQUESTED_AT];
  return requested ? { lastHandledReconcileAt: requested } : {};
}

export async function reconcileGitRepository(rt: ControllerRuntime, object: KubeObject): Promise<ReconcileResult> {
  const spec = object.spec as GitRepositorySpec;
  const { namespace = 'default', name } = object.metadata;
  const generation = object.metadata.generation ?? 1;
  const interval = parseGoDuration(spec.interval, 60);
  if (spec.suspend) return {};
  const branch = spec.ref?.branch ?? 'master';
  const fail = (reason: string, message: string): ReconcileResult => {
    rt.log('source-controller', 'error', object, 'Reconciler error', message);
    patchStatus(rt.store, GIT_REPOSITORY, namespace, name, (status, current) => ({
      ...status,
      ...handled(current),
      observedGeneration: generation,
      conditions: mergeConditions(conditionsOf(current), [
        { type: 'Ready', status: 'False', reason, message },
        { type: 'FetchFailed', status: 'True', reason, message },
      ], generation),
    }));
    return { requeueAfter: interval };
  };
  const access = credentials(rt, namespace, spec.secretRef?.name);
  if (typeof access === 'string') return fail('AuthenticationFailed', `failed to get secret '${namespace}/${spec.secretRef?.name}': ${access}`);
  const gitAccess = { ...access, ...(rt.githubGitUrl ? { githubGitUrl: rt.githubGitUrl } : {}) };
  let sha: string | undefined;
  try {
    sha = await resolveBranch(spec.url, branch, gitAccess);
  } catch (error) {
    const reason = error instanceof GitError ? error.fluxReason : (error as Error).message;
    return fail('GitOperationFailed', `failed to checkout and determine revision: unable to clone '${spec.url}': ${reason}`);
  }
  if (!sha) return fail('GitOperationFailed', `failed to checkout and determine revision: unable to clone '${spec.url}': couldn't find remote ref "refs/heads/${branch}"`);
  const revision = `${branch}@sha1:${sha}`;
  const key = `${namespace}/${name}`;
  const previous = rt.artifacts.get(key);
  if (previous?.revision !== revision) {
    let dir: string;
    try {
      dir = await checkout(spec.url, branch, gitAccess);
    } catch (error) {
      const reason = error instanceof GitError ? error.fluxReason : (error as Error).message;
      return fail('GitOperationFailed', `failed to checkout and determine revision: unable to clone '${spec.url}': ${reason}`);
    }
    rt.artifacts.set(key, { revision, dir });
    if (previous) await rm(previous.dir, { recursive: true, force: true });
    rt.log('source-controller', 'info', object, `stored artifact for commit '${sha.slice(0, 7)}'`);
  }
  const message = `stored artifact for revision '${revision}'`;
  patchStatus(rt.store, GIT_REPOSITORY, namespace, name, (status, current) => {
    const old = status.artifact as { revision?: string; lastUpdateTime?: string } | undefined;
    const digest = `sha256:${createHash('sha256').update(revision).digest('hex')}`;
    return {
      ...status,
      ...handled(current),
      observedGeneration: generation,
      artifact: {
        digest,
        lastUpdateTime: old?.revision === revision && old.lastUpdateTime ? old.lastUpdateTime : nowIso(),
        path: `gitrepository/${namespace}/${name}/${sha}.tar.gz`,
        revision,
        size: 4096,
        url: `http://source-controller.flux-system.svc.cluster.local./gitrepository/${namespace}/${name}/${sha}.tar.gz`,
      },
      conditions: mergeConditions(conditionsOf(current).filter((c) => c.type !== 'FetchFailed'), [
        { type: 'Ready', status: 'True', reason: 'Succeeded', message },
        { type: 'ArtifactInStorage', status: 'True', reason: 'Succeeded', message },
      ], generation),
    };
  });
  return { requeueAfter: interval };
}

export async function reconcileHelmRepository(rt: ControllerRuntime, object: KubeObject): Promise<ReconcileResult> {
  const spec = object.spec as { url: string; interval?: string; suspend?: boolean };
  const { namespace = 'default', name } = object.metadata;
  const generation = object.metadata.generation ?? 1;
  if (spec.suspend) return {};
  const fresh = safeGet(rt.store, HELM_REPOSITORY.apiVersion, HELM_REPOSITORY.kind, namespace, name);
  if (!fresh) return {};
  // Downloading a repository index takes a moment in the real world.
  if (!conditionsOf(fresh).some((c) => c.type === 'Ready' && c.status === 'True')) await rt.clock.wait('helmRepositoryIndex');
  const digest = createHash('sha256').update(spec.url).digest('hex');
  const message = `stored artifact: revision 'sha256:${digest}'`;
  patchStatus(rt.store, HELM_REPOSITORY, namespace, name, (status, current) => ({
    ...status,
    ...handled(current),
    observedGeneration: generation,
    url: `http://source-controller.flux-system.svc.cluster.local./helmrepository/${namespace}/${name}/index.yaml`,
    artifact: { digest: `sha256:${digest}`, lastUpdateTime: nowIso(), path: `helmrepository/${namespace}/${name}/index-${digest}.yaml`, revision: `sha256:${digest}`, size: 65536, url: `http://source-controller.flux-system.svc.cluster.local./helmrepository/${namespace}/${name}/index-${digest}.yaml` },
    conditions: mergeConditions(conditionsOf(current), [
      { type: 'Ready', status: 'True', reason: 'Succeeded', message },
      { type: 'ArtifactInStorage', status: 'True', reason: 'Succeeded', message },
    ], generation),
  }));
  return { requeueAfter: parseGoDuration(spec.interval, 600) };
}
