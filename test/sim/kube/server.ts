import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readCrdFiles } from './crd-files.js';
import {
  AGGREGATED_DISCOVERY_TYPE, aggregatedDiscovery, legacyCoreVersions, legacyGroupDocument, legacyGroupList, openApiGroupVersion, openApiRoot, resourceList, wantsAggregated,
} from './discovery.js';
import { resourceNotFound, statusOf } from './errors.js';
import { handleResource, route, type Reply, type RestContext } from './rest.js';
import { defaultObjects } from './seed.js';
import { TypeRegistry } from './registry.js';
import { MemoryStore, type SerializedState } from './store.js';
import { KubeError, type KubeApiServer, type KubeApiServerOptions, type ServiceProxyHandler } from './types.js';

function versionInfo(gitVersion: string): Record<string, unknown> {
  const m = /^v(\d+)\.(\d+)/.exec(gitVersion);
  return {
    major: m?.[1] ?? '1',
    minor: m?.[2] ?? '35',
    gitVersion,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: 'go1.25.5',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

/**
 * Starts the simulated Kubernetes API server on 127.0.0.1 (see KUBE-API.md for what clients need).
 *
 * Deliberate simplifications, each invisible to the lab's clients: server-side apply merges the
 * applied configuration over the live object with last-writer-wins (no field ownership, no conflicts,
 * omitted fields are kept, `managedFields` absent); strategic merge patch knows the merge keys of the
 * common built-in lists by field name; Foreground deletion behaves like Background; built-in kinds are
 * validated structurally only, custom resources strictly against their schema minus CEL rules and
 * formats; protobuf request bodies are decoded for the kinds `kubectl create` posts (namespace,
 * secret, configmap, serviceaccount) only; lists ignore `limit` (no pagination); watches send no
 * periodic BOOKMARKs beyond the streaming-list one; all served versions of a CRD share one stored
 * object without conversion.
 */
export async function startKubeApiServer(options: KubeApiServerOptions): Promise<KubeApiServer & { store: MemoryStore }> {
  const gitVersion = options.kubernetesVersion ?? 'v1.35.0+k3s1';
  const registry = new TypeRegistry();
  const store = new MemoryStore(registry, options.watchHistorySize);
  if (options.state) store.restore(options.state as SerializedState);
  else for (const o of defaultObjects(options, gitVersion)) store.createObject(o);
  for (const crd of readCrdFiles(options.crdFiles ?? [])) {
    if (!store.get(crd.apiVersion, crd.kind, undefined, crd.metadata.name)) store.createObject(crd);
  }

  const proxies = new Map<string, ServiceProxyHandler>();
  const watches = new Set<() => void>();
  const context: RestContext = { registry, store, proxies, watches };
  let baseUrl = '';

  function handleDiscovery(req: IncomingMessage, pathname: string): Reply | undefined {
    const accept = req.headers.accept;
    const segs = pathname.split('/').filter((s) => s !== '');
    if (pathname === '/api' || pathname === '/apis') {
      const core = pathname === '/api';
      if (wantsAggregated(accept)) return { status: 200, body: aggregatedDiscovery(registry, core), headers: { 'Content-Type': AGGREGATED_DISCOVERY_TYPE } };
      return { status: 200, body: core ? legacyCoreVersions(baseUrl.replace(/^https?:\/\//, '')) : legacyGroupList(registry) };
    }
    if (segs[0] === 'api' && segs.length === 2) return ok(resourceList(registry, '', segs[1] as string));
    if (segs[0] === 'apis' && segs.length === 2) return ok(legacyGroupDocument(registry, segs[1] as string));
    if (segs[0] === 'apis' && segs.length === 3) return ok(resourceList(registry, segs[1] as string, segs[2] as string));
    if (pathname === '/version') return { status: 200, body: versionInfo(gitVersion) };
    if (pathname === '/openapi/v3') return { status: 200, body: openApiRoot(registry, gitVersion) };
    if (segs[0] === 'openapi' && segs[1] === 'v3') {
      const [kind, a, b] = segs.slice(2);
      return ok(kind === 'api' ? openApiGroupVersion(registry, '', a as string, gitVersion) : openApiGroupVersion(registry, a as string, b as string, gitVersion));
    }
    return undefined;
  }

  function ok(body: unknown): Reply {
    if (body === undefined) throw resourceNotFound();
    return { status: 200, body };
  }

  function send(res: ServerResponse, reply: Reply): void {
    const payload = JSON.stringify(reply.body);
    res.writeHead(reply.status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', ...(reply.headers ?? {}) });
    res.end(payload);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const pathname = url.pathname.replace(/\/+$/, '') || '/';
    void (async () => {
      try {
        if (['/healthz', '/readyz', '/livez'].includes(pathname)) {
          res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
          res.end('ok');
          return;
        }
        const discovery = req.method === 'GET' ? handleDiscovery(req, pathname) : undefined;
        if (discovery) return send(res, discovery);
        const r = route(registry, pathname);
        if (!r) throw resourceNotFound();
        const reply = await handleResource(context, req, url, r, res);
        if (reply) send(res, reply);
      } catch (error) {
        if (res.headersSent) {
          res.end();
          return;
        }
        const kubeError = error instanceof KubeError ? error : new KubeError(500, 'InternalError', `Internal error occurred: ${(error as Error).message}`);
        send(res, { status: kubeError.code, body: statusOf(kubeError) });
      }
    })();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    url: baseUrl,
    port,
    store,
    registerServiceProxy(namespace: string, service: string, handler: ServiceProxyHandler): void {
      proxies.set(`${namespace}/${service}`, handler);
    },
    serialize: () => store.serialize(),
    closeWatches: () => {
      for (const stop of [...watches]) stop();
    },
    close: async () => {
      for (const stop of [...watches]) stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
