/**
 * `readLiveResources`: one list per kind and cluster, across namespaces; a kind whose CRD is not
 * installed lists nothing; a cluster that refuses or never answers is named, and the others are
 * still read.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer } from '../../../test/sim/kube/server';
import { readLiveResources } from './session-read';
import { toResourceStatus } from './status';
import { sessionContexts, type WatchedKind } from './session-watch';
import type { Snapshot } from '../../api/contract';

let kube: Awaited<ReturnType<typeof startKubeApiServer>>;
let silent: Server;
const sockets = new Set<Socket>();
let dir: string;
let env: NodeJS.ProcessEnv;

const KINDS: readonly WatchedKind[] = [
  { crd: 'configmaps', apiVersion: 'v1', kind: 'ConfigMap', status: (cluster, object, deleted) => toResourceStatus(cluster, object, 'Ready', deleted) },
  { crd: 'kustomizations.kustomize.toolkit.fluxcd.io', apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', status: (cluster, object, deleted) => toResourceStatus(cluster, object, 'Ready', deleted) },
];

beforeAll(async () => {
  kube = await startKubeApiServer({ clusterName: 'session-read' });
  for (const [namespace, name] of [['default', 'one'], ['kube-system', 'two']] as const) {
    kube.store.createObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: {} });
  }
  // Accepts connections and never answers, as a paused VM's API server does.
  silent = createServer((socket) => {
    sockets.add(socket);
    // Reading is how this end learns that the other closed.
    socket.resume();
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const silentPort = (silent.address() as { port: number }).port;
  dir = mkdtempSync(path.join(tmpdir(), 'session-read-'));
  const cluster = (name: string, server: string) => ({ name, cluster: { server, 'insecure-skip-tls-verify': true } });
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [cluster('up', kube.url), cluster('refused', 'https://127.0.0.1:1'), cluster('silent', `https://127.0.0.1:${silentPort}`)],
    users: [{ name: 'u', user: { token: 't' } }],
    contexts: ['up', 'refused', 'silent'].map((name) => ({ name, context: { cluster: name, user: 'u' } })),
    'current-context': 'up',
  };
  writeFileSync(path.join(dir, 'config'), JSON.stringify(config));
  env = { PATH: process.env.PATH ?? '', HOME: dir, KUBECONFIG: path.join(dir, 'config') };
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
  await kube.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('readLiveResources', () => {
  it('lists each kind across namespaces, and nothing for a kind the cluster does not know', async () => {
    const live = await readLiveResources(['up'], { env, kinds: KINDS });
    expect(live.unreachable).toEqual([]);
    expect(live.resources.map((r) => `${r.cluster} ${r.kind} ${r.namespace}/${r.name}`).sort()).toEqual(['up ConfigMap default/one', 'up ConfigMap kube-system/two']);
  });

  it('names a cluster that refuses or never answers, and still reads the others', async () => {
    const live = await readLiveResources(['refused', 'up', 'silent'], { env, kinds: KINDS, timeoutMs: 1500 });
    expect(live.resources.map((r) => r.name).sort()).toEqual(['one', 'two']);
    expect(live.unreachable.map((u) => u.cluster)).toEqual(['refused', 'silent']);
    expect(live.unreachable[0]!.message).not.toBe('');
    expect(live.unreachable[1]!.message).toBe('silent did not answer within 2 s');
  });

  it('lets go of a cluster that never answers: no connection stays open to keep `lab status` from exiting', async () => {
    const live = await readLiveResources(['silent'], { env, kinds: KINDS, timeoutMs: 500 });
    expect(live.unreachable.map((u) => u.cluster)).toEqual(['silent']);
    await until(() => sockets.size === 0);
  });
});

describe('sessionContexts', () => {
  const snapshot = (k3dName: string): Pick<Snapshot, 'inputs' | 'steps'> =>
    ({
      inputs: { clusters: { k3dName } },
      steps: {
        'gke-credentials': { status: 'succeeded', outputs: { context: 'up' } },
        'flux-bootstrap-dev': { status: 'succeeded', outputs: { context: 'gone' } },
        apps: { status: 'failed', outputs: { context: 'silent' } },
      },
    }) as unknown as Pick<Snapshot, 'inputs' | 'steps'>;

  it("keeps succeeded steps' contexts for the watch, and only the kubeconfig's for a one-off read", () => {
    expect(sessionContexts(snapshot('lab'), env)).toEqual(['up', 'gone']);
    expect(sessionContexts(snapshot('lab'), env, { onlyInKubeconfig: true })).toEqual(['up']);
  });
});

function until(check: () => boolean, limitMs = 5_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = (): void => {
      if (check()) resolve();
      else if (Date.now() - started > limitMs) reject(new Error(`still ${sockets.size} open connection(s) to the silent cluster`));
      else setTimeout(tick, 20);
    };
    tick();
  });
}
