import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generateSealingKey, type SealingKey } from '../sealed/keys';
import { unsealSecret } from '../sealed/sealed-secret';
import { main } from './kubeseal';

let dir: string;
let key: SealingKey;
let certFile: string;

const SECRET_YAML = `apiVersion: v1
data:
  foo: YmFy
kind: Secret
metadata:
  name: foobar
  namespace: default
`;

async function run(argv: string[], stdin = '', env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdin: Readable.from([Buffer.from(stdin)]),
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    env: { HOME: dir, ...env },
    cwd: dir,
  });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sim-kubeseal-'));
  key = await generateSealingKey({ bits: 2048 });
  certFile = path.join(dir, 'cert.pem');
  await writeFile(certFile, key.certificatePem);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fake kubeseal, offline with --cert FILE', () => {
  it('prints the version like the real one', async () => {
    expect(await run(['--version'])).toEqual({ code: 0, stdout: 'kubeseal version: 0.36.6\n', stderr: '' });
  });

  it('seals a Secret from stdin to YAML with the real layout, decryptable by the controller key', async () => {
    const result = await run(['--format', 'yaml', '--cert', 'cert.pem'], SECRET_YAML);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.startsWith('---\napiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  creationTimestamp: null\n  name: foobar\n  namespace: default\nspec:\n  encryptedData:\n    foo: AQ')).toBe(true); // 0x0100: a 2048-bit key's RSA block; 4096 gives the familiar Ag
    expect(result.stdout.endsWith('  template:\n    metadata:\n      creationTimestamp: null\n      name: foobar\n      namespace: default\n')).toBe(true);
    const sealed = parse(result.stdout) as Parameters<typeof unsealSecret>[0];
    expect(Buffer.from(unsealSecret(sealed, [key.privateKeyPem]).data.foo ?? '', 'base64').toString()).toBe('bar');
  });

  it('JSON is the default format, in Go struct order', async () => {
    const result = await run(['--cert', certFile], JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' }, stringData: { a: 'b' } }));
    expect(result.code, result.stderr).toBe(0);
    const sealed = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(Object.keys(sealed)).toEqual(['kind', 'apiVersion', 'metadata', 'spec']);
    expect(Object.keys(sealed.spec as object)).toEqual(['template', 'encryptedData']);
    // No namespace in the Secret and no kubeconfig: `default`, like clientcmd's fallback.
    expect((sealed.metadata as { namespace: string }).namespace).toBe('default');
    expect(result.stdout.endsWith('}\n')).toBe(true);
  });

  it('--namespace fills a missing namespace; --scope namespace-wide annotates', async () => {
    const input = SECRET_YAML.replace('  namespace: default\n', '');
    const result = await run(['-o', 'yaml', '--cert', certFile, '--namespace', 'crossplane-system', '--scope', 'namespace-wide'], input);
    const sealed = parse(result.stdout) as { metadata: { namespace: string; annotations: Record<string, string> } };
    expect(sealed.metadata.namespace).toBe('crossplane-system');
    expect(sealed.metadata.annotations).toEqual({ 'sealedsecrets.bitnami.com/namespace-wide': 'true' });
  });

  it('--raw seals one value bound to namespace/name', async () => {
    await writeFile(path.join(dir, 'value.txt'), 'hunter2');
    const result = await run(['--raw', '--from-file', 'value.txt', '--namespace', 'default', '--name', 'foobar', '--cert', certFile]);
    expect(result.code, result.stderr).toBe(0);
    const unsealed = unsealSecret({ metadata: { name: 'foobar', namespace: 'default' }, spec: { encryptedData: { v: result.stdout } } }, [key.privateKeyPem]);
    expect(Buffer.from(unsealed.data.v ?? '', 'base64').toString()).toBe('hunter2');
  });

  it('reports errors on stderr with exit 1, and usage errors with exit 2', async () => {
    expect(await run(['--cert', certFile], SECRET_YAML.replace('data:\n  foo: YmFy\n', ''))).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'error: Secret.data is empty in input Secret, assuming this is an error and aborting. To work with empty data, --allow-empty-data can be used.\n',
    });
    expect((await run(['--cert', 'missing.pem'], SECRET_YAML)).stderr).toBe('error: open missing.pem: no such file or directory\n');
    expect((await run(['--cert', certFile], SECRET_YAML.replace('  name: foobar\n', ''))).stderr).toBe('error: Missing metadata.name in input Secret\n');
    const bad = await run(['--bogus']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.split('\n')[0]).toBe('unknown flag: --bogus');
  });

  it('runs as a standalone process through kubeseal-cli.ts', async () => {
    const cli = path.join(__dirname, 'kubeseal-cli.ts');
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, ['--import', 'tsx', cli, '--format', 'yaml', '--cert', certFile], { cwd: path.join(__dirname, '../../..'), env: { PATH: process.env.PATH, HOME: dir } }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      });
      child.stdin?.end(SECRET_YAML);
    });
    expect(result.code, result.stderr).toBe(0);
    expect((parse(result.stdout) as { kind: string }).kind).toBe('SealedSecret');
  });
});

describe('fake kubeseal, certificate from the cluster', () => {
  let api: http.Server;
  let kubeconfig: string;
  let proxyAnswer: { status: number; body: string };
  const seen: string[] = [];

  beforeAll(async () => {
    // A stand-in API server with just the two calls kubeseal makes: GET the Service, then the service proxy.
    api = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      if (req.url === '/api/v1/namespaces/kube-system/services/sealed-secrets-controller') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Service', apiVersion: 'v1', metadata: { name: 'sealed-secrets-controller', namespace: 'kube-system' }, spec: { ports: [{ name: 'http', port: 8080 }] } }));
      } else if (req.url === '/api/v1/namespaces/kube-system/services/http:sealed-secrets-controller:http/proxy/v1/cert.pem') {
        res.writeHead(proxyAnswer.status, { 'Content-Type': proxyAnswer.status === 200 ? 'text/plain' : 'application/json' });
        res.end(proxyAnswer.body);
      } else {
        const name = req.url?.split('/').pop() ?? '';
        res.writeHead(404, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: `services "${name}" not found`, reason: 'NotFound', code: 404 }));
      }
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    kubeconfig = path.join(dir, 'kubeconfig');
    const server = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    await writeFile(kubeconfig, `apiVersion: v1\nkind: Config\nclusters:\n- name: lab\n  cluster:\n    server: ${server}\n    insecure-skip-tls-verify: true\nusers:\n- name: lab-admin\n  user:\n    token: sim-token-lab\ncontexts:\n- name: lab\n  context:\n    cluster: lab\n    user: lab-admin\n    namespace: team\ncurrent-context: lab\n`);
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => api.close(() => resolve()));
  });

  it('--fetch-cert goes through the Service and the API server proxy with the kubeconfig token', async () => {
    proxyAnswer = { status: 200, body: key.certificatePem };
    const result = await run(['--fetch-cert'], '', { KUBECONFIG: kubeconfig });
    expect(result).toEqual({ code: 0, stdout: key.certificatePem, stderr: '' });
    expect(seen).toContain('GET /api/v1/namespaces/kube-system/services/http:sealed-secrets-controller:http/proxy/v1/cert.pem Bearer sim-token-lab');
  });

  it('seals with the fetched certificate and takes the namespace from the context', async () => {
    proxyAnswer = { status: 200, body: key.certificatePem };
    const result = await run(['--format', 'yaml'], SECRET_YAML.replace('  namespace: default\n', ''), { KUBECONFIG: kubeconfig });
    expect(result.code, result.stderr).toBe(0);
    expect((parse(result.stdout) as { metadata: { namespace: string } }).metadata.namespace).toBe('team');
  });

  it('words a missing controller and a controller without endpoints like kubeseal 0.36', async () => {
    const missing = await run(['--fetch-cert', '--controller-name', 'sealed-secrets'], '', { KUBECONFIG: kubeconfig });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('error: cannot get sealed secret service: services "sealed-secrets" not found.\nPlease, use the flag --controller-name and --controller-namespace to set up the name and namespace of the sealed secrets controller\n');
    proxyAnswer = { status: 503, body: JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'no endpoints available for service "sealed-secrets-controller"', reason: 'ServiceUnavailable', code: 503 }) };
    const down = await run(['--fetch-cert'], '', { KUBECONFIG: kubeconfig });
    expect(down).toEqual({ code: 1, stdout: '', stderr: 'error: cannot fetch certificate: no endpoints available for service "sealed-secrets-controller"\n' });
  });
});

describe('fake kubeseal output stays readable by the yaml parser used by kubectl fixtures', () => {
  it('writes -w FILE instead of stdout', async () => {
    const result = await run(['-o', 'yaml', '--cert', certFile, '-w', 'out.yaml'], SECRET_YAML);
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await readFile(path.join(dir, 'out.yaml'), 'utf8')).startsWith('---\napiVersion: bitnami.com/v1alpha1\n')).toBe(true);
  });
});
