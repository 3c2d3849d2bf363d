/**
 * Grafana's admin login, sealed with the dev cluster's own key (each cluster has its own, so a
 * secret sealed for the local cluster cannot be read there). The password is
 * GRAFANA_ADMIN_PASSWORD, or a random one when it is unset; either way it is masked, reaches
 * kubectl only through a private temporary file (`--from-file`, never argv), and only its sealed
 * form reaches the repository: the scaffold then lists the sealed file, the guards run, and the
 * commit is pushed and reconciled on the dev cluster.
 *
 * Done when the sealed file is on origin/main and the dev cluster that exists now can decrypt it
 * (see sealedForCluster): a dev cluster made again after `lab down` has a new key.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { sealedSecretPaths } from '../gitops/scaffold';
import type { StepContext } from '../plan/step';
import { pull } from '../tools/git';
import { seal } from '../tools/kubeseal';
import { gkeContext } from './clusters';
import { waitKustomizations } from './flux-chain';
import { fromCatalogue, runnerOf, type StepBehaviour } from './deps';
import { cloneDir, reconcileUnlessCurrent, remoteFile } from './push';
import { writeAndPublish } from './scaffold';
import { sealedForCluster, sealToFile } from './seal-gcp-creds';

export const RESEAL_COMMIT_MESSAGE = "Seal Grafana's admin login for the dev cluster (GitOps Lab)";
export const GRAFANA_SECRET = { name: 'kube-prometheus-stack-grafana', namespace: 'observability' } as const;

function isSealedGrafana(text: string): boolean {
  try {
    const doc = parse(text) as { kind?: string; metadata?: { name?: string; namespace?: string }; spec?: { encryptedData?: Record<string, unknown> } };
    return doc?.kind === 'SealedSecret' && doc.metadata?.name === GRAFANA_SECRET.name && doc.metadata?.namespace === GRAFANA_SECRET.namespace && typeof doc.spec?.encryptedData?.['admin-password'] === 'string';
  } catch {
    return false;
  }
}

/** The person's password, or a random one (24 URL-safe characters); masked from here on. */
function password(ctx: StepContext): { value: string; generated: boolean } {
  const given = ctx.secret('GRAFANA_ADMIN_PASSWORD');
  const value = given || randomBytes(18).toString('base64url');
  ctx.registerSecret?.(value);
  return { value, generated: !given };
}

/** Runs `use` with the password in a 0600 file inside a 0700 folder, removed afterwards. */
async function withPasswordFile<T>(value: string, use: (file: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(tmpdir(), 'lab-grafana-'));
  try {
    const file = path.join(dir, 'admin-password');
    writeFileSync(file, value, { mode: 0o600 });
    return await use(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const resealGrafanaStep: StepBehaviour = (info, deps) => ({
  ...fromCatalogue(info),
  async check(ctx) {
    const dir = cloneDir(ctx);
    const file = sealedSecretPaths(ctx.inputs).grafana;
    if (!existsSync(path.join(dir, '.git'))) return { done: false, detail: `${dir} is not a clone yet` };
    const remote = await remoteFile(ctx, dir, file);
    if (remote === undefined) return { done: false, detail: `origin/main has no ${file} yet` };
    if (!isSealedGrafana(remote)) return { done: false, detail: `${file} on origin/main is not a SealedSecret ${GRAFANA_SECRET.namespace}/${GRAFANA_SECRET.name}` };
    const context = gkeContext(ctx.inputs);
    const fresh = await sealedForCluster(ctx, deps, context, remote, GRAFANA_SECRET, file);
    if (!fresh.usable) return { done: false, detail: fresh.detail };
    return { done: true, detail: `Grafana's sealed login for ${context} is on origin/main (${file}); ${fresh.detail}`, outputs: { file, certificate: fresh.certificate ?? '' } };
  },
  async run(ctx) {
    const dir = cloneDir(ctx);
    const context = gkeContext(ctx.inputs);
    const run = runnerOf(ctx);
    ctx.info(`Sealing needs the dev cluster's own Sealed Secrets controller: waiting for Kustomization security on ${context}.`);
    await reconcileUnlessCurrent(ctx, deps.env, context);
    await waitKustomizations(ctx, deps, context, ['security']);
    // flux bootstrap committed the dev cluster's sync files: the clone catches up before committing.
    const token = ctx.secret('GITHUB_TOKEN');
    await pull(run, dir, { ...(token ? { token } : {}), signal: ctx.signal });
    const { value, generated } = password(ctx);
    const file = sealedSecretPaths(ctx.inputs).grafana;
    const output = path.join(dir, file);
    mkdirSync(path.dirname(output), { recursive: true });
    const certificate = await sealToFile(
      ctx,
      deps,
      context,
      () => withPasswordFile(value, (passwordFile) => seal(run, { ...GRAFANA_SECRET, literals: { 'admin-user': 'admin' }, files: { 'admin-password': passwordFile } }, context, { outputFile: output })),
      output,
    );
    // The commit touches only the dev cluster's folders, so the push asks only the dev cluster's Flux.
    await writeAndPublish(ctx, dir, RESEAL_COMMIT_MESSAGE, { paths: [file], secrets: [value] });
    // When an earlier attempt had pushed already, the push above asked no one: ask now unless Flux has it.
    await reconcileUnlessCurrent(ctx, deps.env, context);
    if (generated) {
      ctx.info(
        `No GRAFANA_ADMIN_PASSWORD was set, so a random password was sealed. Once Flux has applied it, read it with: ` +
          `kubectl get secret ${GRAFANA_SECRET.name} -n ${GRAFANA_SECRET.namespace} --context=${context} -o jsonpath='{.data.admin-password}' | base64 -d`,
      );
    }
    return { file, certificate };
  },
});
