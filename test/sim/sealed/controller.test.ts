import { execFile } from 'node:child_process';
import { X509Certificate, type KeyObject } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main as kubeseal } from '../fakes/kubeseal';
import { startKubeApiServer } from '../kube/server';
import type { KubeApiServer, KubeObject } from '../kube/types';
import { KEY_LABEL, startSealedSecretsController, type SealedSecretsController } from './controller';
import { generateRsaKeyPair, generateSealingKey, type RsaKeyPair } from './keys';
import { sealSecret } from './sealed-secret';
import { CRD_ROOT } from '../shared-dir';

const CRD = path.join(CRD_ROOT, 'sealed-secrets', 'bitnami.com_sealedsecrets.yaml');

let dir: string;
let kubeconfig: string;
let server: KubeApiServer;
let controller: SealedSecretsController;

async function seal(secretYaml: string, extraArgs: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await kubeseal(['--format', 'yaml', ...extraArgs], {
    stdin: Readable.from([Buffer.from(secretYaml)]),
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    env: { KUBECONFIG: kubeconfig, HOME: dir },
    cwd: dir,
  });
  return { code, stdout, stderr };
}

/** Waits for the controller, which reacts to watch events asynchronously; fails with the last value seen. */
async function eventually<T>(read: () => T | undefined, what: string): Promise<T> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const value = read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

function secretYaml(name: string, namespace: string, values: Record<string, string>): string {
  const data = Object.entries(values).map(([k, v]) => `  ${k}: ${Buffer.from(v).toString('base64')}\n`).join('');
  return `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\ndata:\n${data}`;
}

function condition(object: KubeObject | undefined): { status: string; message?: string } | undefined {
  return ((object?.status as { conditions?: Array<{ type: string; status: string; message?: string }> } | undefined)?.conditions ?? []).find((c) => c.type === 'Synced');
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sim-sealed-controller-'));
  server = await startKubeApiServer({ clusterName: 'crossplane', crdFiles: [CRD] });
  controller = await startSealedSecretsController({ store: server.store, server, keyBits: 2048, crashRecoveryMs: 60_000 });
  kubeconfig = path.join(dir, 'kubeconfig');
  await writeFile(kubeconfig, `apiVersion: v1\nkind: Config\nclusters:\n- name: k3d-crossplane\n  cluster:\n    server: ${server.url}\n    insecure-skip-tls-verify: true\nusers:\n- name: admin\n  user:\n    token: sim\ncontexts:\n- name: k3d-crossplane\n  context:\n    cluster: k3d-crossplane\n    user: admin\ncurrent-context: k3d-crossplane\n`);
});

afterAll(async () => {
  controller.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('simulated sealed-secrets controller on a simulated API server', () => {
  it('keeps its sealing key in a labelled kubernetes.io/tls Secret in kube-system', () => {
    const keys = server.store.list('v1', 'Secret', 'kube-system', `${KEY_LABEL}=active`);
    expect(keys).toHaveLength(1);
    expect(keys[0]?.type).toBe('kubernetes.io/tls');
    expect(keys[0]?.metadata.name).toMatch(/^sealed-secrets-key[0-9a-f]{5}$/);
    const data = keys[0]?.data as Record<string, string>;
    expect(Buffer.from(data['tls.crt'] ?? '', 'base64').toString()).toBe(controller.certificatePem);
    expect(Buffer.from(data['tls.key'] ?? '', 'base64').toString()).toContain('-----BEGIN RSA PRIVATE KEY-----');
  });

  it('a restarted controller reuses the stored key instead of making a new one', async () => {
    const again = await startSealedSecretsController({ store: server.store, server: { registerServiceProxy: () => undefined }, keyBits: 2048 });
    try {
      expect(again.certificatePem).toBe(controller.certificatePem);
      expect(server.store.list('v1', 'Secret', 'kube-system', `${KEY_LABEL}=active`)).toHaveLength(1);
    } finally {
      again.close();
    }
  });

  it('makes its first sealing key from a key pair prepared ahead, and a restart takes none', async () => {
    server.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prepared-key' } });
    const pair = await generateRsaKeyPair(1024);
    let taken = 0;
    const takeKeyPair = async (): Promise<RsaKeyPair> => {
      taken += 1;
      return pair;
    };
    const options = { store: server.store, server: { registerServiceProxy: () => undefined }, namespace: 'prepared-key', keyBits: 1024, createService: false, takeKeyPair };
    const first = await startSealedSecretsController(options);
    first.close();
    const restarted = await startSealedSecretsController(options);
    restarted.close();
    const der = (key: KeyObject): Buffer => key.export({ type: 'spki', format: 'der' });
    expect(der(new X509Certificate(first.certificatePem).publicKey)).toEqual(der(pair.publicKey));
    expect(restarted.certificatePem).toBe(first.certificatePem);
    expect(taken).toBe(1);
  });

  it('kubeseal --fetch-cert reads the certificate through the API server service proxy', async () => {
    let stdout = '';
    const code = await kubeseal(['--fetch-cert'], { stdin: Readable.from([]), stdout: { write: (c: string) => (stdout += c) }, stderr: { write: () => true }, env: { KUBECONFIG: kubeconfig }, cwd: dir });
    expect(code).toBe(0);
    expect(stdout).toBe(controller.certificatePem);
  });

  it('unseals a SealedSecret from kubeseal into an owned Secret and reports Synced True', async () => {
    const sealed = await seal(secretYaml('foobar', 'default', { foo: 'bar' }));
    expect(sealed.code, sealed.stderr).toBe(0);
    const created = server.store.create(parse(sealed.stdout) as KubeObject);
    const secret = await eventually(() => server.store.get('v1', 'Secret', 'default', 'foobar'), 'Secret foobar');
    expect(Buffer.from((secret.data as Record<string, string>).foo ?? '', 'base64').toString()).toBe('bar');
    expect(secret.type).toBe('Opaque');
    expect(secret.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'SealedSecret', name: 'foobar', uid: created.metadata.uid, controller: true })]);
    const status = await eventually(() => condition(server.store.get('bitnami.com/v1alpha1', 'SealedSecret', 'default', 'foobar')), 'Synced condition');
    expect(status.status).toBe('True');
    const events = server.store.list('v1', 'Event', 'default').filter((e) => (e.involvedObject as { name: string }).name === 'foobar');
    expect(events.map((e) => [e.type, e.reason, e.message])).toContainEqual(['Normal', 'Unsealed', 'SealedSecret unsealed successfully']);
  });

  it('the lab\'s test seal with real kubectl: create --dry-run | kubeseal | kubectl apply, then get sealedsecrets', async () => {
    const kubectl = path.join(process.env.LAB_KUBE_TOOLS ?? '', 'kubectl');
    const env = { PATH: process.env.PATH, HOME: dir, KUBECONFIG: kubeconfig, KUBECACHEDIR: path.join(dir, 'kube-cache') };
    const run = (args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> =>
      new Promise((resolve) => {
        const child = execFile(kubectl, args, { env }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
        child.stdin?.end(input ?? '');
      });
    const secret = await run(['create', 'secret', 'generic', 'labtest', '-n', 'default', '--dry-run=client', '-o', 'yaml', '--from-literal=foo=bar']);
    expect(secret.code, secret.stderr).toBe(0);
    const sealed = await seal(secret.stdout, ['--namespace', 'default']);
    expect(sealed.code, sealed.stderr).toBe(0);
    const applied = await run(['apply', '-f', '-'], sealed.stdout);
    expect(applied.stdout.trim(), applied.stderr).toBe('sealedsecret.bitnami.com/labtest created');
    await eventually(() => condition(server.store.get('bitnami.com/v1alpha1', 'SealedSecret', 'default', 'labtest')), 'Synced condition');
    const listed = await run(['get', 'sealedsecrets', '-n', 'default', 'labtest']);
    expect(listed.stdout.split('\n')[0]?.split(/\s+/)).toEqual(['NAME', 'STATUS', 'SYNCED', 'AGE']);
    expect(listed.stdout.split('\n')[1]?.split(/\s+/).slice(0, 2)).toEqual(['labtest', 'True']);
    const value = await run(['get', 'secret', 'labtest', '-n', 'default', '-o', 'jsonpath={.data.foo}']);
    expect(Buffer.from(value.stdout, 'base64').toString()).toBe('bar');
  });

  it('kubeseal --validate asks the controller (silent on success, "unable to decrypt" otherwise) and --re-encrypt reseals', async () => {
    const io = (stdin: string, out: { stdout: string; stderr: string }) => ({
      stdin: Readable.from([Buffer.from(stdin)]),
      stdout: { write: (c: string) => (out.stdout += c) },
      stderr: { write: (c: string) => (out.stderr += c) },
      env: { KUBECONFIG: kubeconfig, HOME: dir },
      cwd: dir,
    });
    const good = await seal(secretYaml('checked', 'default', { k: 'v' }));
    const ok = { stdout: '', stderr: '' };
    expect(await kubeseal(['--validate'], io(good.stdout, ok))).toBe(0);
    expect(ok).toEqual({ stdout: '', stderr: '' });

    const foreign = sealSecret({ metadata: { name: 'checked', namespace: 'default' }, stringData: { k: 'v' } }, (await generateSealingKey({ bits: 1024 })).certificatePem, 'strict');
    const bad = { stdout: '', stderr: '' };
    expect(await kubeseal(['--validate'], io(JSON.stringify(foreign), bad))).toBe(1);
    expect(bad.stderr).toBe('error: unable to decrypt sealed secret\n');

    const rotated = { stdout: '', stderr: '' };
    expect(await kubeseal(['--re-encrypt', '--format', 'yaml'], io(good.stdout, rotated))).toBe(0);
    const resealed = parse(rotated.stdout) as { kind: string; spec: { encryptedData: { k: string } } };
    expect(resealed.kind).toBe('SealedSecret');
    expect(resealed.spec.encryptedData.k).not.toBe((parse(good.stdout) as { spec: { encryptedData: { k: string } } }).spec.encryptedData.k);
    const again = { stdout: '', stderr: '' };
    expect(await kubeseal(['--validate'], io(rotated.stdout, again))).toBe(0);
  });

  it('recreates the Secret when someone deletes it', async () => {
    server.store.delete('v1', 'Secret', 'default', 'foobar');
    const back = await eventually(() => server.store.get('v1', 'Secret', 'default', 'foobar'), 'recreated Secret');
    expect(Buffer.from((back.data as Record<string, string>).foo ?? '', 'base64').toString()).toBe('bar');
  });

  it('a SealedSecret sealed for another cluster fails: Synced False, "no key could decrypt secret", ErrUnsealFailed event', async () => {
    const otherCluster = await generateSealingKey({ bits: 2048 });
    const foreign = sealSecret({ metadata: { name: 'gcp-creds', namespace: 'default' }, stringData: { creds: '{}' } }, otherCluster.certificatePem, 'strict');
    server.store.create(foreign as unknown as KubeObject);
    const status = await eventually(() => condition(server.store.get('bitnami.com/v1alpha1', 'SealedSecret', 'default', 'gcp-creds')), 'Synced condition');
    expect(status).toMatchObject({ status: 'False', message: 'no key could decrypt secret (creds)' });
    expect(server.store.get('v1', 'Secret', 'default', 'gcp-creds')).toBeUndefined();
    const events = server.store.list('v1', 'Event', 'default').filter((e) => (e.involvedObject as { name: string }).name === 'gcp-creds');
    expect(events.map((e) => [e.type, e.reason, e.message])).toEqual([['Warning', 'ErrUnsealFailed', 'Failed to unseal: no key could decrypt secret (creds)']]);
  });

  it('refuses to overwrite a Secret it does not manage', async () => {
    server.store.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'handmade', namespace: 'default' }, data: { a: 'Yg==' } });
    const sealed = await seal(secretYaml('handmade', 'default', { a: 'c' }));
    server.store.create(parse(sealed.stdout) as KubeObject);
    const status = await eventually(() => condition(server.store.get('bitnami.com/v1alpha1', 'SealedSecret', 'default', 'handmade')), 'Synced condition');
    expect(status).toMatchObject({ status: 'False', message: 'Resource "handmade" already exists and is not managed by SealedSecret' });
    expect((server.store.get('v1', 'Secret', 'default', 'handmade')?.data as Record<string, string>).a).toBe('Yg==');
  });

  it('controller-crash: no endpoints for kubeseal, nothing unsealed until it recovers', async () => {
    const sealed = await seal(secretYaml('later', 'default', { k: 'v' }));
    controller.setFault('controller-crash', true);
    try {
      const fetched = await seal(secretYaml('x', 'default', { k: 'v' }));
      expect(fetched).toEqual({ code: 1, stdout: '', stderr: 'error: cannot fetch certificate: no endpoints available for service "sealed-secrets-controller"\n' });
      server.store.create(parse(sealed.stdout) as KubeObject);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(server.store.get('v1', 'Secret', 'default', 'later')).toBeUndefined();
    } finally {
      controller.setFault('controller-crash', false);
    }
    const secret = await eventually(() => server.store.get('v1', 'Secret', 'default', 'later'), 'Secret after recovery');
    expect(Buffer.from((secret.data as Record<string, string>).k ?? '', 'base64').toString()).toBe('v');
  });

  it('recovers on its own after crashRecoveryMs', async () => {
    const quick = await startSealedSecretsController({ store: server.store, server: { registerServiceProxy: () => undefined }, name: 'other', createService: false, crashRecoveryMs: 30 });
    try {
      quick.setFault('controller-crash', true);
      const sealed = sealSecret({ metadata: { name: 'selfheal', namespace: 'default' }, stringData: { k: 'v' } }, quick.certificatePem, 'strict');
      controller.close();
      server.store.create(sealed as unknown as KubeObject);
      await eventually(() => server.store.get('v1', 'Secret', 'default', 'selfheal'), 'Secret after automatic recovery');
    } finally {
      quick.close();
    }
  });
});
