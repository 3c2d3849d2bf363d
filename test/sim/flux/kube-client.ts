import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { KubeObject } from '../kube/types.js';

/**
 * What the fake flux CLI needs of a Kubernetes client: the kubeconfig's context (`--context`,
 * KUBECONFIG) and plain HTTP requests to the API server, as any real client would make them.
 */

interface Kubeconfig {
  'current-context'?: string;
  contexts?: Array<{ name: string; context: { cluster: string; user: string; namespace?: string } }>;
  clusters?: Array<{ name: string; cluster: { server: string } }>;
  users?: Array<{ name: string; user: { token?: string } }>;
}

export class KubeClientError extends Error {
  constructor(message: string, readonly status = 0, readonly reason = '') {
    super(message);
    this.name = 'KubeClientError';
  }
}

const PLURALS: Record<string, string> = {
  Namespace: 'namespaces',
  Secret: 'secrets',
  Service: 'services',
  ServiceAccount: 'serviceaccounts',
  ConfigMap: 'configmaps',
  Deployment: 'deployments',
  CustomResourceDefinition: 'customresourcedefinitions',
  GitRepository: 'gitrepositories',
  HelmRepository: 'helmrepositories',
  HelmChart: 'helmcharts',
  Kustomization: 'kustomizations',
  HelmRelease: 'helmreleases',
  OCIRepository: 'ocirepositories',
  Bucket: 'buckets',
  Pod: 'pods',
  ClusterRole: 'clusterroles',
  ClusterRoleBinding: 'clusterrolebindings',
  NetworkPolicy: 'networkpolicies',
};

const CLUSTER_SCOPED = new Set(['Namespace', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding']);

export class KubeClient {
  private constructor(readonly server: string, private readonly token: string | undefined, readonly contextName: string) {}

  static fromKubeconfig(env: NodeJS.ProcessEnv, context?: string): KubeClient {
    const file = (env.KUBECONFIG ?? '').split(':').find((p) => p) ?? `${env.HOME ?? '.'}/.kube/config`;
    let config: Kubeconfig;
    try {
      config = (parse(readFileSync(file, 'utf8')) ?? {}) as Kubeconfig;
    } catch {
      throw new KubeClientError(`Kubernetes client initialization failed: stat ${file}: no such file or directory`);
    }
    const name = context ?? config['current-context'];
    if (!name) throw new KubeClientError('Kubernetes client initialization failed: invalid configuration: no configuration has been provided');
    const ctx = config.contexts?.find((c) => c.name === name);
    if (!ctx) throw new KubeClientError(`Kubernetes client initialization failed: context "${name}" does not exist`);
    const cluster = config.clusters?.find((c) => c.name === ctx.context.cluster);
    if (!cluster) throw new KubeClientError(`Kubernetes client initialization failed: cluster "${ctx.context.cluster}" does not exist`);
    const user = config.users?.find((u) => u.name === ctx.context.user);
    return new KubeClient(cluster.cluster.server.replace(/\/$/, ''), user?.user.token, name);
  }

  static path(apiVersion: string, kind: string, namespace?: string, name?: string): string {
    const plural = PLURALS[kind] ?? `${kind.toLowerCase()}s`;
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const ns = namespace && !CLUSTER_SCOPED.has(kind) ? `/namespaces/${namespace}` : '';
    return `${base}${ns}/${plural}${name ? `/${name}` : ''}`;
  }

  async request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; body: Record<string, unknown> }> {
    let res: Response;
    try {
      res = await fetch(`${this.server}${path}`, {
        method,
        headers: { Accept: 'application/json', ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}), ...(body !== undefined ? { 'Content-Type': contentType } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch {
      const url = new URL(`${this.server}${path}`);
      throw new KubeClientError(`Get "${url.origin}${url.pathname}": dial tcp ${url.hostname}:${url.port}: connect: connection refused`);
    }
    const text = await res.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = { message: text };
    }
    return { status: res.status, body: parsed };
  }

  private async ok(method: string, path: string, body?: unknown, contentType?: string): Promise<Record<string, unknown>> {
    const res = await this.request(method, path, body, contentType);
    if (res.status >= 300) throw new KubeClientError(String(res.body.message ?? `HTTP ${res.status}`), res.status, String(res.body.reason ?? ''));
    return res.body;
  }

  async version(): Promise<{ gitVersion: string }> {
    return (await this.ok('GET', '/version')) as unknown as { gitVersion: string };
  }

  async get(apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    const res = await this.request('GET', KubeClient.path(apiVersion, kind, namespace, name));
    if (res.status === 404) return undefined;
    if (res.status >= 300) throw new KubeClientError(String(res.body.message ?? `HTTP ${res.status}`), res.status);
    return res.body as unknown as KubeObject;
  }

  /** Lists in one namespace, or in all when `namespace` is undefined; a kind that is not served lists nothing. */
  async list(apiVersion: string, kind: string, namespace?: string): Promise<KubeObject[] | undefined> {
    const res = await this.request('GET', KubeClient.path(apiVersion, kind, namespace));
    if (res.status === 404) return undefined;
    if (res.status >= 300) throw new KubeClientError(String(res.body.message ?? `HTTP ${res.status}`), res.status);
    return ((res.body.items ?? []) as KubeObject[]).map((item) => ({ ...item, apiVersion, kind }));
  }

  /** Server-side apply with force, field manager `flux`. */
  async apply(object: KubeObject): Promise<KubeObject> {
    const path = `${KubeClient.path(object.apiVersion, object.kind, object.metadata.namespace, object.metadata.name)}?fieldManager=flux&force=true`;
    return (await this.ok('PATCH', path, object, 'application/apply-patch+yaml')) as unknown as KubeObject;
  }

  async mergePatch(apiVersion: string, kind: string, namespace: string | undefined, name: string, patch: Record<string, unknown>): Promise<KubeObject> {
    return (await this.ok('PATCH', KubeClient.path(apiVersion, kind, namespace, name), patch, 'application/merge-patch+json')) as unknown as KubeObject;
  }

  async delete(apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<boolean> {
    const res = await this.request('DELETE', KubeClient.path(apiVersion, kind, namespace, name));
    return res.status < 300;
  }

  async proxyGet(namespace: string, service: string, path: string): Promise<{ status: number; text: string }> {
    const res = await fetch(`${this.server}/api/v1/namespaces/${namespace}/services/${service}/proxy${path}`, { headers: this.token ? { Authorization: `Bearer ${this.token}` } : {} });
    return { status: res.status, text: await res.text() };
  }
}
