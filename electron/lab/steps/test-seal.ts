/**
 * The round trip on a harmless secret: `kubectl create secret ... --dry-run=client -o yaml |
 * kubeseal | kubectl apply -f -`, then the controller decrypts it into Secret default/foobar.
 * The demo SealedSecret is deleted afterwards so it does not linger in the cluster.
 * It is done once it succeeded against the cluster that exists now (its outputs record the
 * controller's certificate, compared with the one it serves now: what `kubeseal --fetch-cert`
 * prints), or once the GCP key's sealed file on the remote branch is usable by that cluster: the
 * real sealing has then been done, the demo proves nothing more. A round trip made with a deleted
 * cluster proves nothing about a new one.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { waitForObject } from '../kube/wait';
import { sealedSecretPaths } from '../gitops/scaffold';
import { seal, type SecretSource } from '../tools/kubeseal';
import { DEFAULT_READY_TIMEOUT_MS, fromCatalogue, runnerOf, type StepBehaviour } from './deps';
import { cloneDir, contextOf, remoteFile } from './push';
import { clusterCertificate, sealedForCluster } from './seal-gcp-creds';
import { targetOf } from './clusters';

export const DEMO_SECRET: SecretSource = { name: 'foobar', namespace: 'default', literals: { foo: 'bar' } };

export const testSealStep: StepBehaviour = (info, deps) => ({
  ...fromCatalogue(info),
  async check(ctx) {
    const context = contextOf(ctx.inputs);
    const certificate = await clusterCertificate(ctx, targetOf(context, deps));
    if (!certificate) return { done: false, detail: `${context}'s Sealed Secrets controller does not answer yet` };
    const recorded = ctx.outputsOf('test-seal');
    if (recorded?.secret && recorded.certificate === certificate) return { done: true, detail: `The round trip already succeeded on ${context} (Secret ${recorded.secret})`, outputs: recorded };
    const dir = cloneDir(ctx);
    if (!existsSync(path.join(dir, '.git'))) return { done: false, detail: 'Not tried yet' };
    const sealedGcp = sealedSecretPaths(ctx.inputs).gcpCreds;
    const remote = await remoteFile(ctx, dir, sealedGcp);
    if (remote !== undefined && (await sealedForCluster(ctx, deps, context, remote, { name: 'gcp-creds', namespace: 'crossplane-system' }, sealedGcp)).usable) {
      return { done: true, detail: `The GCP key on origin/main (${sealedGcp}) is sealed for ${context}: sealing works`, outputs: { secret: 'crossplane-system/gcp-creds', certificate } };
    }
    return { done: false, detail: recorded?.secret ? `The round trip was made with another cluster's certificate than ${context}'s` : 'Not tried yet' };
  },
  async run(ctx) {
    const context = contextOf(ctx.inputs);
    const run = runnerOf(ctx);
    const certificate = await clusterCertificate(ctx, targetOf(context, deps));
    await seal(run, DEMO_SECRET, context, { apply: true });
    ctx.info('Waiting for the controller to decrypt it into Secret default/foobar.');
    const timeoutMs = deps.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
    await waitForObject({
      kubeconfigContext: context,
      ...(deps.env ? { env: deps.env } : {}),
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: 'default',
      name: 'foobar',
      timeoutMs,
      signal: ctx.signal,
      timeoutMessage: `Secret default/foobar did not appear within ${Math.round(timeoutMs / 1000)} s: is the Sealed Secrets controller running? (kubectl logs -n kube-system deploy/sealed-secrets-controller)`,
    });
    ctx.info('Secret default/foobar exists: the controller decrypted it. Removing the demo SealedSecret.');
    await run({ argv: ['kubectl', 'delete', 'sealedsecret', 'foobar', '-n', 'default', '--ignore-not-found', `--context=${context}`] });
    return { secret: 'default/foobar', certificate: certificate ?? '' };
  },
});
