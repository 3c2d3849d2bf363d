import { randomBytes } from 'node:crypto';
import { parse } from 'yaml';
import type { KubeApiServer, KubeObject, ObjectStore, StoreEvent } from '../kube/types';
import { generateSealingKey, type RsaKeyPair } from './keys';
import { SEALED_API_VERSION, NoKeyCouldDecryptError, scopeFromAnnotations, sealSecret, unsealSecret } from './sealed-secret';
import { publicKeyOf } from './crypto';

/**
 * The sealed-secrets controller as the lab sees it: a sealing key kept in a kube-system Secret,
 * the certificate served through the API server's service proxy, and SealedSecrets turned into
 * owned Secrets with a `Synced` condition and Events worded like the real controller's.
 */

export const KEY_LABEL = 'sealedsecrets.bitnami.com/sealed-secrets-key';
const COMPONENT = 'sealed-secrets-controller';

export interface SealedSecretsControllerOptions {
  store: ObjectStore;
  server: Pick<KubeApiServer, 'registerServiceProxy'>;
  namespace?: string;
  name?: string;
  /** 4096 like the real controller; tests may pass 2048 to spare the CPU. */
  keyBits?: number;
  /**
   * Hands out an RSA pair of `keyBits` made ahead of time, for the first sealing key: the world
   * computes it while other things happen, as the key's cost is the simulator's, not the lab's.
   */
  takeKeyPair?: () => Promise<RsaKeyPair>;
  /** The chart creates the Service; a world without a Helm simulation can let the controller do it. */
  createService?: boolean;
  /** How long the `controller-crash` fault keeps the controller down before it restarts on its own. */
  crashRecoveryMs?: number;
}

export type SealedSecretsFault = 'controller-crash';

export interface SealedSecretsController {
  /** PEM of the newest active sealing certificate (what `/v1/cert.pem` serves). */
  readonly certificatePem: string;
  setFault(name: SealedSecretsFault, on: boolean): void;
  /** Reconciles every SealedSecret now (what the real controller's periodic resync does). */
  resync(): void;
  close(): void;
}

interface ActiveKey {
  privateKeyPem: string;
  certificatePem: string;
  created: string;
}

function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function loadKeys(store: ObjectStore, namespace: string): ActiveKey[] {
  return store
    .list('v1', 'Secret', namespace, `${KEY_LABEL}=active`)
    .map((secret) => {
      const data = (secret.data ?? {}) as Record<string, string>;
      return {
        privateKeyPem: Buffer.from(data['tls.key'] ?? '', 'base64').toString('utf8'),
        certificatePem: Buffer.from(data['tls.crt'] ?? '', 'base64').toString('utf8'),
        created: secret.metadata.creationTimestamp ?? '',
      };
    })
    .filter((key) => key.privateKeyPem && key.certificatePem)
    .sort((a, b) => a.created.localeCompare(b.created));
}

export async function startSealedSecretsController(options: SealedSecretsControllerOptions): Promise<SealedSecretsController> {
  const { store, server } = options;
  const namespace = options.namespace ?? 'kube-system';
  const name = options.name ?? 'sealed-secrets-controller';

  let keys = loadKeys(store, namespace);
  if (keys.length === 0) {
    const keyPair = options.takeKeyPair ? await options.takeKeyPair() : undefined;
    const generated = await generateSealingKey({ bits: options.keyBits ?? 4096, ...(keyPair ? { keyPair } : {}) });
    store.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `sealed-secrets-key${randomBytes(3).toString('hex').slice(0, 5)}`, namespace, labels: { [KEY_LABEL]: 'active' } },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': Buffer.from(generated.certificatePem).toString('base64'), 'tls.key': Buffer.from(generated.privateKeyPem).toString('base64') },
    });
    keys = loadKeys(store, namespace);
  }
  const newest = (): ActiveKey => keys[keys.length - 1] as ActiveKey;

  if (options.createService !== false && !store.get('v1', 'Service', namespace, name)) {
    store.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace, labels: { 'app.kubernetes.io/name': 'sealed-secrets', 'app.kubernetes.io/instance': name } },
      spec: { type: 'ClusterIP', ports: [{ name: 'http', port: 8080, protocol: 'TCP', targetPort: 'http' }], selector: { 'app.kubernetes.io/name': 'sealed-secrets' } },
    });
  }

  let crashed = false;
  let recoveryTimer: NodeJS.Timeout | undefined;
  let closed = false;
  /** Spec (and owned Secret presence) last acted on, so status writes do not re-trigger work. */
  const handled = new Map<string, string>();

  function fingerprint(sealed: KubeObject): string {
    return JSON.stringify({ spec: sealed.spec, annotations: sealed.metadata.annotations ?? {}, keys: keys.length });
  }

  function recordEvent(sealed: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const at = now();
    try {
      store.create({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `${sealed.metadata.name}.${randomBytes(8).toString('hex')}`, namespace: sealed.metadata.namespace },
        involvedObject: { kind: 'SealedSecret', namespace: sealed.metadata.namespace, name: sealed.metadata.name, uid: sealed.metadata.uid, apiVersion: SEALED_API_VERSION, resourceVersion: sealed.metadata.resourceVersion },
        reason,
        message,
        type,
        source: { component: COMPONENT },
        firstTimestamp: at,
        lastTimestamp: at,
        count: 1,
        reportingComponent: COMPONENT,
        reportingInstance: '',
      });
    } catch {
      // Events are best effort, as in Kubernetes.
    }
  }

  function setSynced(sealed: KubeObject, ok: boolean, message: string): void {
    const fresh = store.get(SEALED_API_VERSION, 'SealedSecret', sealed.metadata.namespace, sealed.metadata.name);
    if (!fresh) return;
    const status = (fresh.status ?? {}) as { conditions?: Array<Record<string, string>> };
    const previous = status.conditions?.find((condition) => condition.type === 'Synced');
    const wanted = ok ? 'True' : 'False';
    const at = now();
    const condition: Record<string, string> = {
      type: 'Synced',
      status: wanted,
      lastUpdateTime: at,
      lastTransitionTime: previous?.status === wanted ? previous.lastTransitionTime ?? at : at,
      ...(message ? { message } : {}),
    };
    store.updateStatus({ ...fresh, status: { ...status, conditions: [condition], observedGeneration: fresh.metadata.generation ?? 1 } });
  }

  function reconcile(sealed: KubeObject): void {
    const key = `${sealed.metadata.namespace}/${sealed.metadata.name}`;
    const existing = store.get('v1', 'Secret', sealed.metadata.namespace, sealed.metadata.name);
    const ownedByThis = existing?.metadata.ownerReferences?.some((owner) => owner.kind === 'SealedSecret' && owner.uid === sealed.metadata.uid) ?? false;
    const print = fingerprint(sealed);
    // Already acted on this spec: our own status write (or an unrelated update) needs no new work.
    if (handled.get(key) === print) return;
    handled.set(key, print);
    let unsealed;
    try {
      unsealed = unsealSecret(sealed as never, keys.map((k) => k.privateKeyPem));
    } catch (error) {
      const message = error instanceof NoKeyCouldDecryptError ? error.message : (error as Error).message;
      recordEvent(sealed, 'Warning', 'ErrUnsealFailed', `Failed to unseal: ${message}`);
      setSynced(sealed, false, message);
      return;
    }
    if (existing && !ownedByThis && existing.metadata.annotations?.['sealedsecrets.bitnami.com/managed'] !== 'true') {
      const message = `Resource "${sealed.metadata.name}" already exists and is not managed by SealedSecret`;
      recordEvent(sealed, 'Warning', 'ErrUpdateFailed', message);
      setSynced(sealed, false, message);
      return;
    }
    // `controller: true` marks the SealedSecret as the managing owner (ObjectMeta's type omits the flag).
    const ownerReference = { apiVersion: SEALED_API_VERSION, kind: 'SealedSecret', name: sealed.metadata.name, uid: sealed.metadata.uid ?? '', controller: true };
    const secret: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: sealed.metadata.name,
        namespace: sealed.metadata.namespace,
        ...(unsealed.labels ? { labels: unsealed.labels } : {}),
        ...(unsealed.annotations ? { annotations: unsealed.annotations } : {}),
        ownerReferences: [ownerReference],
      },
      type: unsealed.type,
      ...(unsealed.immutable !== undefined ? { immutable: unsealed.immutable } : {}),
      data: unsealed.data,
    };
    try {
      if (existing) store.update({ ...secret, metadata: { ...secret.metadata, resourceVersion: existing.metadata.resourceVersion } });
      else store.create(secret);
    } catch (error) {
      recordEvent(sealed, 'Warning', 'ErrUpdateFailed', (error as Error).message);
      setSynced(sealed, false, (error as Error).message);
      return;
    }
    recordEvent(sealed, 'Normal', 'Unsealed', 'SealedSecret unsealed successfully');
    setSynced(sealed, true, '');
  }

  function safeReconcile(sealed: KubeObject): void {
    try {
      reconcile(sealed);
    } catch {
      // A failed write (a conflict, a namespace being deleted) is retried on the next event or resync.
      handled.delete(`${sealed.metadata.namespace}/${sealed.metadata.name}`);
    }
  }

  function resync(): void {
    if (crashed || closed) return;
    for (const sealed of store.list(SEALED_API_VERSION, 'SealedSecret')) safeReconcile(sealed);
  }

  function onEvent(event: StoreEvent): void {
    if (crashed || closed) return;
    const object = event.object;
    if (object.apiVersion === SEALED_API_VERSION && object.kind === 'SealedSecret') {
      if (event.type === 'DELETED') handled.delete(`${object.metadata.namespace}/${object.metadata.name}`);
      // The store's watch is synchronous: act after the write that notified us has finished.
      else queueMicrotask(() => {
        const current = store.get(SEALED_API_VERSION, 'SealedSecret', object.metadata.namespace, object.metadata.name);
        if (current) safeReconcile(current);
      });
      return;
    }
    // A deleted owned Secret is recreated, as the real controller does.
    if (object.apiVersion === 'v1' && object.kind === 'Secret' && event.type === 'DELETED') {
      const owner = object.metadata.ownerReferences?.find((ref) => ref.kind === 'SealedSecret');
      if (!owner) return;
      queueMicrotask(() => {
        const current = store.get(SEALED_API_VERSION, 'SealedSecret', object.metadata.namespace, owner.name);
        if (current && current.metadata.uid === owner.uid) {
          handled.delete(`${object.metadata.namespace}/${owner.name}`);
          safeReconcile(current);
        }
      });
    }
  }

  server.registerServiceProxy(namespace, name, async (path, method, body) => {
    if (crashed) {
      const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `no endpoints available for service "${name}"`, reason: 'ServiceUnavailable', code: 503 };
      return { status: 503, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(status) };
    }
    const route = path.split('?')[0];
    if (route === '/v1/cert.pem' && method === 'GET') return { status: 200, headers: { 'Content-Type': 'application/x-pem-file' }, body: newest().certificatePem };
    if (route === '/healthz' && method === 'GET') return { status: 200, body: 'ok' };
    if ((route === '/v1/verify' || route === '/v1/rotate') && method === 'POST') {
      let sealed: KubeObject;
      try {
        // kubeseal forwards its stdin as is: JSON or YAML.
        sealed = parse(body.toString('utf8')) as KubeObject;
      } catch (error) {
        return { status: 400, body: `${(error as Error).message}\n` };
      }
      if (!sealed || typeof sealed !== 'object' || !sealed.metadata) return { status: 400, body: 'not a SealedSecret\n' };
      let unsealed;
      try {
        unsealed = unsealSecret(sealed as never, keys.map((k) => k.privateKeyPem));
      } catch (error) {
        return { status: 409, body: `${(error as Error).message}\n` };
      }
      if (route === '/v1/verify') return { status: 200, body: '' };
      const template = (sealed.spec as { template?: { metadata?: Record<string, unknown> } } | undefined)?.template?.metadata ?? {};
      const resealed = sealSecret(
        { metadata: { ...template, name: sealed.metadata.name, namespace: sealed.metadata.namespace, annotations: sealed.metadata.annotations }, type: unsealed.type, data: unsealed.data },
        publicKeyOf(newest().certificatePem),
        scopeFromAnnotations(sealed.metadata.annotations),
      );
      return { status: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(resealed) };
    }
    return { status: 404, body: '404 page not found\n' };
  });

  const unwatch = store.watch(onEvent);
  resync();

  return {
    get certificatePem() {
      return newest().certificatePem;
    },
    setFault(fault: SealedSecretsFault, on: boolean): void {
      if (fault !== 'controller-crash') return;
      if (recoveryTimer) clearTimeout(recoveryTimer);
      recoveryTimer = undefined;
      crashed = on;
      if (on) {
        recoveryTimer = setTimeout(() => {
          crashed = false;
          recoveryTimer = undefined;
          // A restarted controller lists everything again, so changes made while down are picked up.
          handled.clear();
          resync();
        }, options.crashRecoveryMs ?? 30_000);
        recoveryTimer.unref();
      } else {
        handled.clear();
        resync();
      }
    },
    resync,
    close(): void {
      closed = true;
      if (recoveryTimer) clearTimeout(recoveryTimer);
      unwatch();
    },
  };
}
