/**
 * kubeseal, as the lab uses it: a Secret rendered by `kubectl create secret ... --dry-run=client
 * -o yaml` is piped into `kubeseal --format yaml`, which encrypts it with the cluster's Sealed
 * Secrets certificate. The clear Secret only ever travels through the pipe between the two
 * processes: never a file, never the log (the runner streams only the last process's stdout).
 * kubeseal reports errors as `error: ...` on stderr with exit 1 (transcripts/kubeseal.md).
 */
import type { CommandSpec } from '../run/types';
import type { RunCommand } from './k3d';

export interface SecretSource {
  name: string;
  namespace: string;
  /** `--from-literal` pairs; only for harmless values: they are visible in argv. */
  literals?: Record<string, string>;
  /** `--from-file` pairs (key -> path): the way to pass anything secret. */
  files?: Record<string, string>;
}

export const kubesealArgv = {
  /** The clear Secret, rendered locally: `--dry-run=client` sends nothing to the API server. */
  renderSecret: (s: SecretSource): string[] => [
    'kubectl', 'create', 'secret', 'generic', s.name, '-n', s.namespace,
    ...Object.entries(s.literals ?? {}).map(([key, value]) => `--from-literal=${key}=${value}`),
    ...Object.entries(s.files ?? {}).map(([key, file]) => `--from-file=${key}=${file}`),
    '--dry-run=client', '-o', 'yaml',
  ],
  seal: (namespace: string, context: string): string[] => ['kubeseal', '--format', 'yaml', '--namespace', namespace, `--context=${context}`],
  fetchCert: (context: string): string[] => ['kubeseal', '--fetch-cert', `--context=${context}`],
  apply: (context: string): string[] => ['kubectl', 'apply', '-f', '-', `--context=${context}`],
};

/** The pipeline `kubectl create secret ... | kubeseal ...`, optionally `| kubectl apply -f -` or `> outputFile`. */
export function sealPipeline(secret: SecretSource, context: string, target: { apply: true } | { outputFile: string }): CommandSpec {
  const pipeTo: NonNullable<CommandSpec['pipeTo']> = [{ argv: kubesealArgv.seal(secret.namespace, context) }];
  if ('apply' in target) return { argv: kubesealArgv.renderSecret(secret), pipeTo: [...pipeTo, { argv: kubesealArgv.apply(context) }] };
  return { argv: kubesealArgv.renderSecret(secret), pipeTo, outputFile: target.outputFile };
}

export async function seal(run: RunCommand, secret: SecretSource, context: string, target: { apply: true } | { outputFile: string }): Promise<void> {
  await run(sealPipeline(secret, context, target));
}

/** True when the cluster's controller hands out its certificate (it is installed and serving). */
export async function controllerAnswers(run: RunCommand, context: string): Promise<boolean> {
  const result = await run({ argv: kubesealArgv.fetchCert(context), okExitCodes: [0, 1] });
  return result.exitCode === 0 && result.stdout.includes('-----BEGIN CERTIFICATE-----');
}
