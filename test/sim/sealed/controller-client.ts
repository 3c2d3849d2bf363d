import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { parse } from 'yaml';

/**
 * How kubeseal reaches the controller: kubeconfig -> API server -> the Service -> the API
 * server's service proxy (`/v1/cert.pem`, `/v1/verify`, `/v1/rotate`). Errors carry the wording client-go gives them,
 * so the fake kubeseal can print them the way the real one does.
 */

interface NamedCluster { name: string; cluster: { server?: string; 'certificate-authority-data'?: string; 'insecure-skip-tls-verify'?: boolean } }
interface NamedUser { name: string; user: { token?: string; 'client-certificate-data'?: string; 'client-key-data'?: string; username?: string; password?: string } }
interface NamedContext { name: string; context: { cluster?: string; user?: string; namespace?: string } }
interface Kubeconfig { clusters?: NamedCluster[]; users?: NamedUser[]; contexts?: NamedContext[]; 'current-context'?: string }

export interface ClusterAccess {
  server: string;
  namespace: string;
  headers: Record<string, string>;
  tls: { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized: boolean };
}

export class KubeconfigError extends Error {}

/** Merges the files the way kubectl does: first file wins for each named entry and for current-context. */
export function loadClusterAccess(options: { kubeconfig?: string; context?: string; env: NodeJS.ProcessEnv; cwd: string }): ClusterAccess {
  const files = options.kubeconfig
    ? [options.kubeconfig]
    : options.env.KUBECONFIG
      ? options.env.KUBECONFIG.split(path.delimiter).filter(Boolean)
      : [path.join(options.env.HOME ?? '', '.kube', 'config')];
  const merged: Required<Pick<Kubeconfig, 'clusters' | 'users' | 'contexts'>> & { current?: string } = { clusters: [], users: [], contexts: [] };
  for (const file of files) {
    let doc: Kubeconfig;
    try {
      doc = (parse(readFileSync(path.resolve(options.cwd, file), 'utf8')) as Kubeconfig | null) ?? {};
    } catch (error) {
      if (options.kubeconfig) throw new KubeconfigError(`stat ${file}: no such file or directory`);
      continue;
    }
    for (const cluster of doc.clusters ?? []) if (!merged.clusters.some((c) => c.name === cluster.name)) merged.clusters.push(cluster);
    for (const user of doc.users ?? []) if (!merged.users.some((u) => u.name === user.name)) merged.users.push(user);
    for (const context of doc.contexts ?? []) if (!merged.contexts.some((c) => c.name === context.name)) merged.contexts.push(context);
    merged.current ??= doc['current-context'] || undefined;
  }
  const contextName = options.context ?? merged.current;
  if (!contextName) throw new KubeconfigError('invalid configuration: no configuration has been provided, try setting KUBERNETES_MASTER environment variable');
  const context = merged.contexts.find((c) => c.name === contextName);
  if (!context) throw new KubeconfigError(`context was not found for specified context: ${contextName}`);
  const cluster = merged.clusters.find((c) => c.name === context.context.cluster);
  if (!cluster?.cluster.server) throw new KubeconfigError(`cluster has no server defined`);
  const user = merged.users.find((u) => u.name === context.context.user)?.user ?? {};
  const headers: Record<string, string> = {};
  if (user.token) headers.Authorization = `Bearer ${user.token}`;
  else if (user.username) headers.Authorization = `Basic ${Buffer.from(`${user.username}:${user.password ?? ''}`).toString('base64')}`;
  const decode = (value: string | undefined): Buffer | undefined => (value ? Buffer.from(value, 'base64') : undefined);
  return {
    server: cluster.cluster.server.replace(/\/+$/, ''),
    namespace: context.context.namespace || 'default',
    headers,
    tls: {
      ca: decode(cluster.cluster['certificate-authority-data']),
      cert: decode(user['client-certificate-data']),
      key: decode(user['client-key-data']),
      rejectUnauthorized: cluster.cluster['insecure-skip-tls-verify'] !== true,
    },
  };
}

export interface HttpAnswer {
  status: number;
  body: string;
}

export function httpGet(url: string, access?: ClusterAccess): Promise<HttpAnswer> {
  return httpRequest('GET', url, access);
}

export function httpRequest(method: string, url: string, access?: ClusterAccess, body?: string): Promise<HttpAnswer> {
  const target = new URL(url);
  const transport = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      target,
      {
        method,
        headers: { Accept: 'application/json, */*', 'User-Agent': 'kubeseal/v0.36.6', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...(access?.headers ?? {}) },
        ...(access ? access.tls : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      // client-go words transport failures like Go's net/http: `Get "URL": dial tcp ADDR: connect: connection refused`.
      const reason = error.code === 'ECONNREFUSED' ? `dial tcp ${target.host}: connect: connection refused` : error.message;
      const verb = method.charAt(0) + method.slice(1).toLowerCase();
      reject(new Error(`${verb} "${url}": ${reason}`));
    });
    req.end(body);
  });
}

/** client-go's message for a failed request: the Status message when the body is one. */
function apiErrorMessage(answer: HttpAnswer): string {
  try {
    const status = JSON.parse(answer.body) as { kind?: string; message?: string };
    if (status.kind === 'Status' && status.message) return status.message;
  } catch {
    // Not a Status: fall through to the generic wording.
  }
  if (answer.status === 404) return 'the server could not find the requested resource';
  if (answer.status === 503) return 'the server is currently unable to handle the request';
  return `an error on the server ("${answer.body.trim().slice(0, 200)}") has prevented the request from succeeding`;
}

export class CertFetchError extends Error {}

const CONTROLLER_HINT = 'Please, use the flag --controller-name and --controller-namespace to set up the name and namespace of the sealed secrets controller';

/** The proxy URL of the controller's Service, named with its first port as kubeseal does (`http:NAME:PORT`). */
export async function controllerProxyUrl(access: ClusterAccess, controllerNamespace: string, controllerName: string): Promise<string> {
  const namespacePath = `${access.server}/api/v1/namespaces/${encodeURIComponent(controllerNamespace)}/services`;
  let service: HttpAnswer;
  try {
    service = await httpRequest('GET', `${namespacePath}/${encodeURIComponent(controllerName)}`, access);
  } catch (error) {
    throw new CertFetchError(`cannot get sealed secret service: ${(error as Error).message}.\n${CONTROLLER_HINT}`);
  }
  if (service.status !== 200) throw new CertFetchError(`cannot get sealed secret service: ${apiErrorMessage(service)}.\n${CONTROLLER_HINT}`);
  const portName = ((JSON.parse(service.body) as { spec?: { ports?: Array<{ name?: string }> } }).spec?.ports ?? [])[0]?.name ?? '';
  return `${namespacePath}/http:${encodeURIComponent(controllerName)}:${encodeURIComponent(portName)}/proxy`;
}

export async function fetchClusterCert(access: ClusterAccess, controllerNamespace: string, controllerName: string): Promise<string> {
  const proxy = await controllerProxyUrl(access, controllerNamespace, controllerName);
  let cert: HttpAnswer;
  try {
    cert = await httpRequest('GET', `${proxy}/v1/cert.pem`, access);
  } catch (error) {
    throw new CertFetchError(`cannot fetch certificate: ${(error as Error).message}`);
  }
  if (cert.status < 200 || cert.status > 299) throw new CertFetchError(`cannot fetch certificate: ${apiErrorMessage(cert)}`);
  return cert.body;
}

/** `kubeseal --validate`: the controller answers 409 when none of its keys decrypts the object. */
export async function verifyWithController(access: ClusterAccess, controllerNamespace: string, controllerName: string, sealedSecret: string): Promise<void> {
  const proxy = await controllerProxyUrl(access, controllerNamespace, controllerName);
  const answer = await httpRequest('POST', `${proxy}/v1/verify`, access, sealedSecret).catch((error: Error) => {
    throw new Error(`cannot validate sealed secret: ${error.message}`);
  });
  if (answer.status === 409) throw new Error('unable to decrypt sealed secret');
  if (answer.status < 200 || answer.status > 299) throw new Error(`cannot validate sealed secret: ${apiErrorMessage(answer)}`);
}

/** `kubeseal --re-encrypt`: the controller unseals and seals again with its newest key. */
export async function rotateWithController(access: ClusterAccess, controllerNamespace: string, controllerName: string, sealedSecret: string): Promise<string> {
  const proxy = await controllerProxyUrl(access, controllerNamespace, controllerName);
  const answer = await httpRequest('POST', `${proxy}/v1/rotate`, access, sealedSecret).catch((error: Error) => {
    throw new Error(`cannot re-encrypt secret: ${error.message}`);
  });
  if (answer.status < 200 || answer.status > 299) throw new Error(`cannot re-encrypt secret: ${apiErrorMessage(answer)}`);
  return answer.body;
}
