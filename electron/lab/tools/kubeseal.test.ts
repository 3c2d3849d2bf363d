import { describe, expect, it } from 'vitest';
import type { CommandSpec } from '../run/types';
import { controllerAnswers, kubesealArgv, sealPipeline } from './kubeseal';

describe('kubeseal adapter', () => {
  it('renders the Secret locally and seals it for the given context, into a file or on into kubectl apply', () => {
    const toFile = sealPipeline({ name: 'gcp-creds', namespace: 'crossplane-system', files: { creds: '/keys/key.json' } }, 'k3d-lab', { outputFile: '/repo/sealed.yaml' });
    expect(toFile).toEqual({
      argv: ['kubectl', 'create', 'secret', 'generic', 'gcp-creds', '-n', 'crossplane-system', '--from-file=creds=/keys/key.json', '--dry-run=client', '-o', 'yaml'],
      pipeTo: [{ argv: ['kubeseal', '--format', 'yaml', '--namespace', 'crossplane-system', '--context=k3d-lab'] }],
      outputFile: '/repo/sealed.yaml',
    });
    const applied = sealPipeline({ name: 'foobar', namespace: 'default', literals: { foo: 'bar' } }, 'k3d-x', { apply: true });
    expect(applied.argv).toContain('--from-literal=foo=bar');
    expect(applied.pipeTo?.map((p) => p.argv)).toEqual([kubesealArgv.seal('default', 'k3d-x'), ['kubectl', 'apply', '-f', '-', '--context=k3d-x']]);
    expect(applied.outputFile).toBeUndefined();
  });

  it('says the controller answers only when --fetch-cert prints a certificate', async () => {
    const calls: CommandSpec[] = [];
    const answer = (exitCode: number, stdout: string) => async (spec: CommandSpec) => {
      calls.push(spec);
      return { exitCode, stdout, stderr: exitCode ? 'error: cannot fetch certificate: services "sealed-secrets-controller" not found\n' : '', executable: '/bin/kubeseal', durationMs: 1 };
    };
    expect(await controllerAnswers(answer(0, '-----BEGIN CERTIFICATE-----\nMIIE\n-----END CERTIFICATE-----\n'), 'k3d-lab')).toBe(true);
    expect(await controllerAnswers(answer(1, ''), 'k3d-lab')).toBe(false);
    expect(calls[0]).toMatchObject({ argv: ['kubeseal', '--fetch-cert', '--context=k3d-lab'], okExitCodes: [0, 1] });
  });
});
