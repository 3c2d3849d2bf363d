import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { fetchClusterCert, httpGet, loadClusterAccess, rotateWithController, verifyWithController } from '../sealed/controller-client';
import { encryptionLabel, hybridEncrypt, publicKeyOf, type SealingScope } from '../sealed/crypto';
import { scopeFromAnnotations, sealSecret, type SecretInput } from '../sealed/sealed-secret';

/**
 * The kubeseal CLI (v0.36) for what the lab does with it: seal a Secret read on stdin, print the
 * controller certificate, seal one raw value. Streams and wording follow
 * /work/shared/transcripts/kubeseal.md: results on stdout, `error: ...` on stderr with exit 1.
 */

export const KUBESEAL_VERSION = '0.36.6';

/** Structurally the dispatcher's ToolIo: what the fake gets instead of `process`. */
export interface ToolIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

interface Flags {
  cert?: string;
  controllerName: string;
  controllerNamespace: string;
  fetchCert: boolean;
  format: string;
  fromFile?: string;
  kubeconfig?: string;
  context?: string;
  name?: string;
  namespace?: string;
  raw: boolean;
  scope?: string;
  output?: string;
  secretFile?: string;
  allowEmptyData: boolean;
  validate: boolean;
  reEncrypt: boolean;
  version: boolean;
  help: boolean;
}

const VALUE_FLAGS: Record<string, keyof Flags> = {
  cert: 'cert',
  'controller-name': 'controllerName',
  'controller-namespace': 'controllerNamespace',
  format: 'format',
  o: 'format',
  'from-file': 'fromFile',
  kubeconfig: 'kubeconfig',
  context: 'context',
  name: 'name',
  namespace: 'namespace',
  n: 'namespace',
  scope: 'scope',
  'sealed-secret-file': 'output',
  w: 'output',
  'secret-file': 'secretFile',
};

const BOOL_FLAGS: Record<string, keyof Flags> = {
  'fetch-cert': 'fetchCert',
  raw: 'raw',
  'allow-empty-data': 'allowEmptyData',
  validate: 'validate',
  're-encrypt': 'reEncrypt',
  version: 'version',
  help: 'help',
  h: 'help',
};

class UsageError extends Error {}

/** pflag rules: `--flag value`, `--flag=value`, `-n value`, `-nvalue`; booleans take `=false`. */
function parseFlags(argv: string[], env: NodeJS.ProcessEnv): Flags {
  const flags: Flags = {
    controllerName: env.SEALED_SECRETS_CONTROLLER_NAME || 'sealed-secrets-controller',
    controllerNamespace: env.SEALED_SECRETS_CONTROLLER_NAMESPACE || 'kube-system',
    fetchCert: false,
    format: 'json',
    raw: false,
    allowEmptyData: false,
    validate: false,
    reEncrypt: false,
    version: false,
    help: false,
    cert: env.SEALED_SECRETS_CERT || undefined,
  };
  const record = flags as unknown as Record<string, unknown>;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('-') || arg === '-') throw new UsageError(`unknown command "${arg}" for "kubeseal"`);
    const long = arg.startsWith('--');
    const body = arg.slice(long ? 2 : 1);
    const name = long ? body.split('=')[0] ?? '' : body.slice(0, 1);
    let inline: string | undefined = long ? (body.includes('=') ? body.slice(body.indexOf('=') + 1) : undefined) : body.length > 1 ? body.slice(1).replace(/^=/, '') : undefined;
    const boolTarget = BOOL_FLAGS[name];
    if (boolTarget) {
      record[boolTarget] = inline === undefined ? true : inline === 'true';
      continue;
    }
    const valueTarget = VALUE_FLAGS[name];
    if (!valueTarget) throw new UsageError(long ? `unknown flag: --${name}` : `unknown shorthand flag: '${name}' in ${arg}`);
    if (inline === undefined) {
      inline = argv[++i];
      if (inline === undefined) throw new UsageError(`flag needs an argument: ${long ? `--${name}` : `-${name}`}`);
    }
    record[valueTarget] = inline;
  }
  return flags;
}

const USAGE = `Usage of kubeseal:
      --allow-empty-data              Allow empty data in the secret object
      --cert string                   Certificate / public key file/URL to use for encryption. Overrides --controller-*
      --context string                The name of the kubeconfig context to use
      --controller-name string        Name of sealed-secrets controller. (default "sealed-secrets-controller")
      --controller-namespace string   Namespace of sealed-secrets controller. (default "kube-system")
      --fetch-cert                    Write certificate to stdout. Useful for later use with --cert
      --from-file strings             (only with --raw) Secret items can be sourced from files. Pairs of key=path or just path.
  -o, --format string                 Output format for sealed secret. Either json or yaml (default "json")
      --kubeconfig string             Path to the kubeconfig file to use for CLI requests.
      --name string                   Name of the sealed secret (required with --raw and default (strict) scope)
  -n, --namespace string              If present, the namespace scope for this CLI request
      --raw                           Encrypt a raw value passed via the --from-* flags instead of the whole secret object
      --scope string                  Set the scope of the sealed secret: strict, namespace-wide, cluster-wide (defaults to strict). Mandatory for --raw, otherwise the 'sealedsecrets.bitnami.com/cluster-wide' and 'sealedsecrets.bitnami.com/namespace-wide' annotations on the input secret can be used to select the scope. (default "strict")
      --re-encrypt                    Re-encrypt the given sealed secret to use the latest cluster key.
  -w, --sealed-secret-file string     Sealed-secret (output) file
      --secret-file string            Secret (input) file
      --validate                      Validate given sealed secret.
      --version                       Print version information and exit
`;

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function parseScope(value: string | undefined): SealingScope | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'strict' || value === 'namespace-wide' || value === 'cluster-wide') return value;
  throw new Error(`invalid argument "${value}" for "--scope" flag: must be one of strict, namespace-wide, cluster-wide`);
}

/** `--cert` takes a file or an http(s) URL; otherwise the certificate comes from the cluster. */
async function loadCert(flags: Flags, io: ToolIo): Promise<string> {
  if (flags.cert) {
    if (/^https?:\/\//.test(flags.cert)) {
      const answer = await httpGet(flags.cert);
      if (answer.status !== 200) throw new Error(`cannot fetch certificate: ${answer.status} ${answer.body.trim()}`);
      return answer.body;
    }
    const file = path.resolve(io.cwd, flags.cert);
    try {
      return await readFile(file, 'utf8');
    } catch {
      throw new Error(`open ${flags.cert}: no such file or directory`);
    }
  }
  const access = loadClusterAccess({ kubeconfig: flags.kubeconfig, context: flags.context, env: io.env, cwd: io.cwd });
  return fetchClusterCert(access, flags.controllerNamespace, flags.controllerName);
}

/** The namespace used when the Secret has none: `--namespace`, then the kubeconfig context, then `default`. */
function defaultNamespace(flags: Flags, io: ToolIo): string {
  if (flags.namespace) return flags.namespace;
  try {
    return loadClusterAccess({ kubeconfig: flags.kubeconfig, context: flags.context, env: io.env, cwd: io.cwd }).namespace;
  } catch {
    return 'default';
  }
}

function publicKeyFromPem(pem: string): ReturnType<typeof publicKeyOf> {
  try {
    return publicKeyOf(pem);
  } catch {
    throw new Error('failed to read any certificates');
  }
}

function render(object: unknown, format: string): string {
  if (format === 'yaml') return `---\n${stringify(object, { sortMapEntries: true, lineWidth: 0 })}`;
  return `${JSON.stringify(object, null, 2)}\n`;
}

async function readSecret(flags: Flags, io: ToolIo): Promise<SecretInput> {
  const text = flags.secretFile ? await readFile(path.resolve(io.cwd, flags.secretFile), 'utf8') : await readAll(io.stdin);
  const documents = parseAllDocuments(text).filter((doc) => doc.contents !== null);
  if (documents.length > 1) throw new Error('Multiple objects in the input stream, only one Secret is supported');
  const parsed = documents[0]?.toJS() as SecretInput | undefined;
  if (!parsed || typeof parsed !== 'object' || !parsed.kind) throw new Error(`Object 'Kind' is missing in '${text.trim()}'`);
  if (parsed.kind !== 'Secret') throw new Error(`no kind "${parsed.kind}" is registered for the input Secret`);
  return parsed;
}

async function sealObject(flags: Flags, io: ToolIo): Promise<number> {
  const secret = await readSecret(flags, io);
  const hasData = Object.keys(secret.data ?? {}).length > 0 || Object.keys(secret.stringData ?? {}).length > 0;
  if (!hasData && !flags.allowEmptyData) {
    throw new Error('Secret.data is empty in input Secret, assuming this is an error and aborting. To work with empty data, --allow-empty-data can be used.');
  }
  const metadata = { ...(secret.metadata ?? {}) };
  if (flags.name) metadata.name = flags.name;
  if (!metadata.name) throw new Error('Missing metadata.name in input Secret');
  const scope = parseScope(flags.scope) ?? scopeFromAnnotations(metadata.annotations);
  if (scope !== 'cluster-wide' && !metadata.namespace) metadata.namespace = defaultNamespace(flags, io);
  const publicKey = publicKeyFromPem(await loadCert(flags, io));
  const sealed = sealSecret({ ...secret, metadata }, publicKey, scope);
  const text = render(sealed, flags.format);
  if (flags.output) await writeFile(path.resolve(io.cwd, flags.output), text);
  else io.stdout.write(text);
  return 0;
}

async function sealRaw(flags: Flags, io: ToolIo): Promise<number> {
  if (!flags.fromFile) throw new Error('must provide the --from-file flag with --raw');
  const scope = parseScope(flags.scope) ?? 'strict';
  const namespace = flags.namespace ?? (scope === 'cluster-wide' ? '' : defaultNamespace(flags, io));
  if (scope !== 'cluster-wide' && !namespace) throw new Error('must provide the --namespace flag with --raw and --scope namespace-wide');
  if (scope === 'strict' && !flags.name) throw new Error('must provide the --name flag with --raw and --scope strict');
  const source = flags.fromFile.includes('=') ? flags.fromFile.slice(flags.fromFile.indexOf('=') + 1) : flags.fromFile;
  const value = await readFile(path.resolve(io.cwd, source));
  const publicKey = publicKeyFromPem(await loadCert(flags, io));
  io.stdout.write(hybridEncrypt(publicKey, value, encryptionLabel(namespace, flags.name ?? '', scope)).toString('base64'));
  return 0;
}

/** `--validate` and `--re-encrypt` send the SealedSecret on stdin to the controller. */
async function askController(flags: Flags, io: ToolIo): Promise<number> {
  const input = flags.secretFile ? await readFile(path.resolve(io.cwd, flags.secretFile), 'utf8') : await readAll(io.stdin);
  const access = loadClusterAccess({ kubeconfig: flags.kubeconfig, context: flags.context, env: io.env, cwd: io.cwd });
  if (flags.validate) {
    await verifyWithController(access, flags.controllerNamespace, flags.controllerName, input);
    return 0;
  }
  const rotated = JSON.parse(await rotateWithController(access, flags.controllerNamespace, flags.controllerName, input)) as unknown;
  const text = render(rotated, flags.format);
  if (flags.output) await writeFile(path.resolve(io.cwd, flags.output), text);
  else io.stdout.write(text);
  return 0;
}

export async function main(argv: string[], io: ToolIo): Promise<number> {
  let flags: Flags;
  try {
    flags = parseFlags(argv, io.env);
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (flags.help) {
    io.stderr.write(USAGE);
    return 0;
  }
  if (flags.version) {
    io.stdout.write(`kubeseal version: ${KUBESEAL_VERSION}\n`);
    return 0;
  }
  try {
    if (flags.format !== 'json' && flags.format !== 'yaml') throw new Error(`unsupported output format: ${flags.format}`);
    if (flags.fetchCert) {
      io.stdout.write(await loadCert(flags, io));
      return 0;
    }
    if (flags.raw) return await sealRaw(flags, io);
    if (flags.validate || flags.reEncrypt) return await askController(flags, io);
    const stdin = io.stdin as NodeJS.ReadableStream & { isTTY?: boolean };
    if (!flags.secretFile && stdin.isTTY) io.stderr.write('(tty detected: expecting json/yaml k8s resource in stdin)\n');
    return await sealObject(flags, io);
  } catch (error) {
    io.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
