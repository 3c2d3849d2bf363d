/**
 * The session watch against a simulated world: a k3d cluster made by the fake k3d, objects applied
 * and deleted with the real kubectl, statuses written as the controllers write them, and the
 * whole world stopped and started again on the same ports (as after a laptop's sleep).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabEvent, ResourceStatus, Snapshot } from '../../api/contract';
import { startTestWorld, type TestWorld } from '../../../test/sim/world/test-world';
import { startWorld, type World } from '../../../test/sim/world/world';
import type { KubeApiServer, KubeObject } from '../../../test/sim/kube/types';
import { createEngine } from '../engine/index';
import { createSessionWatch, followLabSession, type SessionWatch } from './session-watch';

const CLUSTER = 'crossplane';
const context = `k3d-${CLUSTER}`;
const KS = 'kustomize.toolkit.fluxcd.io/v1';
const CRDS = '/work/shared/crds';

let t: TestWorld;
let restarted: World | undefined;
let stateDir: string;
let env: Record<string, string>;
let tmp: string;

const server = (): KubeApiServer => (restarted ?? t.world).kube.get(context)!;

async function kubectl(args: string[]): Promise<string> {
  const result = await t.exec('kubectl', [`--context=${context}`, ...args]);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout;
}

function writeManifest(name: string, object: unknown): string {
  const file = path.join(tmp, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(object));
  return file;
}

const kustomization = (name: string, dependsOn: string[] = []) => ({
  apiVersion: KS,
  kind: 'Kustomization',
  metadata: { name, namespace: 'default' },
  spec: { interval: '10m', prune: true, path: './nothing', sourceRef: { kind: 'GitRepository', name: 'nothing' }, suspend: true, ...(dependsOn.length ? { dependsOn: dependsOn.map((n) => ({ name: n })) } : {}) },
});

/** What kustomize-controller writes (Flux is not running on this cluster). */
function setReady(name: string, status: 'True' | 'False', message: string): void {
  const current = server().store.get(KS, 'Kustomization', 'default', name)!;
  const generation = current.metadata.generation ?? 1;
  server().store.updateStatus({
    ...current,
    status: { observedGeneration: generation, conditions: [{ type: 'Ready', status, reason: status === 'True' ? 'ReconciliationSucceeded' : 'Progressing', message, lastTransitionTime: new Date().toISOString(), observedGeneration: generation }] },
  });
}

function recorder() {
  const seen: ResourceStatus[] = [];
  const notices: string[] = [];
  const has = (name: string, test: (s: ResourceStatus) => boolean = () => true) => seen.some((s) => s.name === name && test(s));
  return { seen, notices, has, report: (s: ResourceStatus) => void seen.push(s), notice: (m: string) => void notices.push(m) };
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'session-watch-'));
  stateDir = path.join(tmp, 'world');
  t = await startTestWorld({ timeScale: 0.01, stateDir });
  const created = await t.exec('k3d', ['cluster', 'create', CLUSTER]);
  expect(created.code, created.stderr).toBe(0);
  env = { ...t.world.env(), HOME: t.workDir };
  // Flux's Kustomization kind only: the HelmRelease kind arrives later, while the watch runs.
  await kubectl(['create', '-f', `${CRDS}/flux/kustomize.toolkit.fluxcd.io_kustomizations.yaml`]);
  await kubectl(['apply', '-f', writeManifest('parent', kustomization('parent'))]);
});

afterAll(async () => {
  await restarted?.close();
  await t?.dispose();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('closing', () => {
  it('leaves no socket or timer behind once closed', async () => {
    const before = handles();
    const own = recorder();
    const second = createSessionWatch({ env, report: own.report, retryDelayMs: 100 });
    second.add(context);
    await until(() => own.has('parent'));
    expect(handles().sockets).toBeGreaterThan(before.sockets);
    second.close();
    await until(() => handles().sockets <= before.sockets && handles().timers <= before.timers);
    const count = own.seen.length;
    setReady('parent', 'True', 'changed after the close');
    const probe = recorder();
    const open = createSessionWatch({ env, report: probe.report });
    try {
      open.add(context);
      await until(() => probe.has('parent', (s) => s.message === 'changed after the close'));
    } finally {
      open.close();
    }
    expect(own.seen).toHaveLength(count);
  });

  it('opens nothing afterwards when closed while its first requests are still in flight', async () => {
    const before = handles();
    const own = recorder();
    const early = createSessionWatch({ env, report: own.report, retryDelayMs: 100 });
    early.add(context);
    await new Promise((resolve) => setImmediate(resolve));
    early.close();
    // Long enough for the lists and watches that were in flight to have answered.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await until(() => handles().sockets <= before.sockets && handles().timers <= before.timers);
    expect(own.seen).toEqual([]);
  });
});

describe('session watch', () => {
  let watch: SessionWatch | undefined;
  const r = recorder();

  afterAll(() => watch?.close());

  it('reports what exists, then status changes and deletions with no step running', async () => {
    watch = createSessionWatch({ env, report: r.report, notice: r.notice, retryDelayMs: 100, maxRetryDelayMs: 400 });
    watch.add(context);
    watch.add(context);
    expect(watch.contexts()).toEqual([context]);
    await until(() => r.has('parent'));
    expect(r.seen.find((s) => s.name === 'parent')).toMatchObject({ cluster: context, kind: 'Kustomization', namespace: 'default', ready: true, message: 'changed after the close', suspended: true });

    await kubectl(['apply', '-f', writeManifest('child', kustomization('child', ['parent']))]);
    await until(() => r.has('child'));
    expect(r.seen.find((s) => s.name === 'child')?.dependsOn).toEqual(['default/parent']);

    setReady('child', 'False', "dependency 'default/parent' is not ready");
    await until(() => r.has('child', (s) => s.ready === false && s.message === "dependency 'default/parent' is not ready"));
    setReady('parent', 'True', 'Applied revision: main@sha1:696f056d');
    await until(() => r.has('parent', (s) => s.ready === true && s.message === 'Applied revision: main@sha1:696f056d'));

    await kubectl(['delete', 'kustomization', 'child', '-n', 'default']);
    await until(() => r.has('child', (s) => s.deleted === true));
    expect(r.notices).toEqual([]);
  });

  it('starts watching a kind when its CRD is installed later', async () => {
    expect(r.seen.some((s) => s.kind === 'HelmRelease')).toBe(false);
    await kubectl(['create', '-f', `${CRDS}/flux/helm.toolkit.fluxcd.io_helmreleases.yaml`]);
    const release: KubeObject = {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'sealed-secrets', namespace: 'default' },
      spec: { interval: '1h', chart: { spec: { chart: 'sealed-secrets', sourceRef: { kind: 'HelmRepository', name: 'sealed-secrets' } } } },
    };
    await kubectl(['apply', '-f', writeManifest('release', release)]);
    await until(() => r.has('sealed-secrets', (s) => s.kind === 'HelmRelease'));
  });

  it('says once that the cluster is gone while the world is down, and catches up when it is back', async () => {
    await t.world.close();
    await until(() => r.notices.length >= 1);
    // Several retries happen meanwhile (100 ms doubling to 400 ms); none of them is said again.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(r.notices).toHaveLength(1);
    expect(r.notices[0]).toMatch(new RegExp(`^The live status of ${context} is paused: its API server does not answer \\(.+\\)\\. Retrying in the background\\.$`));

    restarted = await startWorld({ timeScale: 0.01, stateDir });
    await until(() => r.notices.length === 2);
    expect(r.notices[1]).toBe(`${context} answers again: the live status is current.`);
    setReady('parent', 'False', 'kustomization path not found');
    await until(() => r.has('parent', (s) => s.ready === false && s.message === 'kustomization path not found'));
  });
});

describe('credential plugins', () => {
  it('runs the context\'s plugin once for all its watches, not once per watch', async () => {
    // The world's context with a user that gets its token from a plugin, as gcloud writes for GKE.
    const calls = path.join(tmp, 'plugin-calls');
    const plugin = path.join(tmp, 'token-plugin.sh');
    const credential = { kind: 'ExecCredential', apiVersion: 'client.authentication.k8s.io/v1beta1', status: { token: 'sim-token', expirationTimestamp: '2099-01-01T00:00:00Z' } };
    fs.writeFileSync(plugin, `#!/bin/sh\necho call >> '${calls}'\necho '${JSON.stringify(credential)}'\n`, { mode: 0o755 });
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(env.KUBECONFIG!);
    const cluster = kc.getContextObject(context)!.cluster;
    const withPlugin = new k8s.KubeConfig();
    withPlugin.loadFromOptions({
      clusters: [kc.getCluster(cluster)!],
      users: [{ name: 'plugin-user', exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: plugin, args: [], interactiveMode: 'Never' } }],
      contexts: [{ name: context, cluster, user: 'plugin-user' }],
      currentContext: context,
    });
    const kubeconfig = path.join(tmp, 'plugin-kubeconfig');
    fs.writeFileSync(kubeconfig, withPlugin.exportConfig());

    const r = recorder();
    const watch = createSessionWatch({ env: { ...env, KUBECONFIG: kubeconfig }, report: r.report, retryDelayMs: 100 });
    try {
      watch.add(context);
      await until(() => r.has('parent'));
      expect(fs.readFileSync(calls, 'utf8').trim().split('\n')).toEqual(['call']);
    } finally {
      watch.close();
    }
  });
});

describe('following the lab', () => {
  it('watches the context a succeeding step hands on', async () => {
    const listeners = new Set<(event: LabEvent) => void>();
    const seen: ResourceStatus[] = [];
    // No k3d context by that name in the kubeconfig, and no step done yet.
    const snapshot = { inputs: { clusters: { k3dName: 'elsewhere' } }, steps: {} } as unknown as Snapshot;
    const session = followLabSession(
      { onEvent: (l) => (listeners.add(l), () => listeners.delete(l)), getSnapshot: async () => snapshot, reportResource: (s) => void seen.push(s) },
      { env, retryDelayMs: 100 },
    );
    try {
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(session.contexts()).toEqual([]);
      for (const l of listeners) l({ type: 'step', stepId: 'k3d-cluster', state: { status: 'running', attempts: 1 } });
      expect(session.contexts()).toEqual([]);
      for (const l of listeners) l({ type: 'step', stepId: 'k3d-cluster', state: { status: 'succeeded', attempts: 1, outputs: { context } } });
      expect(session.contexts()).toEqual([context]);
      await until(() => seen.some((s) => s.name === 'parent'));
    } finally {
      session.close();
    }
    expect(listeners.size).toBe(0);
  });

  it('fills the engine\'s snapshot after start, with no step run, from a context in the kubeconfig', async () => {
    const engine = createEngine({ dataDir: path.join(tmp, 'lab-data'), env, steps: [] });
    try {
      await engine.start();
      let resources: ResourceStatus[] = [];
      await untilAsync(async () => {
        resources = (await engine.getSnapshot({})).resources;
        return resources.some((s) => s.name === 'parent') && resources.some((s) => s.name === 'sealed-secrets');
      });
      expect(resources.find((s) => s.name === 'parent')).toMatchObject({ cluster: context, kind: 'Kustomization', namespace: 'default' });
      expect(resources.some((s) => s.name === 'child')).toBe(false);
    } finally {
      await engine.close();
    }
  });
});

describe('a cluster that is deleted', () => {
  it('reports its objects deleted and stops watching it', async () => {
    const r = recorder();
    const watch = createSessionWatch({ env, report: r.report, notice: r.notice, retryDelayMs: 100, maxRetryDelayMs: 400 });
    try {
      watch.add(context);
      await until(() => r.has('parent') && r.has('sealed-secrets'));
      const deleted = await t.exec('k3d', ['cluster', 'delete', CLUSTER]);
      expect(deleted.code, deleted.stderr).toBe(0);
      await until(() => watch.contexts().length === 0);
      expect(r.has('parent', (s) => s.deleted === true)).toBe(true);
      expect(r.has('sealed-secrets', (s) => s.deleted === true)).toBe(true);
    } finally {
      watch.close();
    }
  });
});

/** Client sockets and timers of this process (the world's own servers are counted too, and stay). */
function handles(): { sockets: number; timers: number } {
  const info = process.getActiveResourcesInfo();
  return { sockets: info.filter((k) => k === 'TCPSocketWrap').length, timers: info.filter((k) => k === 'Timeout').length };
}

function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  return untilAsync(async () => check(), timeoutMs);
}

async function untilAsync(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (await check()) return;
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
