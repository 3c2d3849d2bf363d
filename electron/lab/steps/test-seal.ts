/**
 * The round trip on a harmless secret: `kubectl create secret ... --dry-run=client -o yaml |
 * kubeseal | kubectl apply -f -`, then the controller decrypts it into Secret default/foobar.
 * The demo SealedSecret is deleted afterwards so it does not linger in the cluster.
 * It is done once it succeeded (its outputs are recorded), or once the GCP key's sealed file is
 * on the remote branch: the real sealing has then been done, the demo proves nothing more.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { waitForObject } from '../kube/wait';
import { sealedSecretPaths } from '../gitops/scaffold';
import { seal, type SecretSource } from '../tools/kubeseal';
import { DEFAULT_READY_TIMEOUT_MS, fromCatalogue, runnerOf, type StepBehaviour } from './deps';
import { cloneDir, contextOf, remoteFile } from './push';

export const DEMO_SECRET: SecretSource = { name: 'foobar', namespace: 'default', literals: { foo: 'bar' } };

export const testSealStep: StepBehaviour = (info, deps) => ({
  ...fromCatalogue(info),
  async check(ctx) {
    const recorded = ctx.outputsOf('test-seal');
    if (recorded?.secret) return { done: true, detail: `The round trip already succeeded (Secret ${recorded.secret})`, outputs: recorded };
    const dir = cloneDir(ctx);
    if (!existsSync(path.join(dir, '.git'))) return { done: false, detail: 'Not tried yet' };
    const sealedGcp = sealedSecretPaths(ctx.inputs).gcpCreds;
    if ((await remoteFile(ctx, dir, sealedGcp)) !== undefined) {
      return { done: true, detail: `The GCP key is already sealed on origin/main (${sealedGcp}): sealing works`, outputs: { secret: 'crossplane-system/gcp-creds' } };
    }
    return { done: false, detail: 'Not tried yet' };
  },
  async run(ctx) {
    const context = contextOf(ctx.inputs);
    const run = runnerOf(ctx);
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
    return { secret: 'default/foobar' };
  },
});
