/**
 * Readiness from watches, against a simulated world: a k3d cluster made by the fake k3d, its
 * API server, with conditions written as kustomize-controller writes them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResourceStatus } from '../../api/contract';
import { startTestWorld, type TestWorld } from '../../../test/sim/world/test-world';
import type { KubeApiServer, KubeObject } from '../../../test/sim/kube/types';
import { hasContext } from './config';
import { ConditionTimeout, waitForCondition, waitForObject } from './wait';

let t: TestWorld;
let env: Record<string, string>;
let server: KubeApiServer;
const context = 'k3d-lab';
const KS = 'kustomize.toolkit.fluxcd.io/v1';

function kustomization(name: string, extra: { suspend?: boolean; dependsOn?: string[] } = {}): KubeObject {
  return {
    apiVersion: KS,
    kind: 'Kustomization',
    metadata: { name, namespace: 'default' },
    spec: {
      interval: '10m',
      prune: true,
      path: './nothing',
      sourceRef: { kind: 'GitRepository', name: 'nothing' },
      ...(extra.suspend ? { suspend: true } : {}),
      ...(extra.dependsOn ? { dependsOn: extra.dependsOn.map((n) => ({ name: n })) } : {}),
    },
  };
}

function setReady(name: string, status: 'True' | 'False', message: string): void {
  const current = server.store.get(KS, 'Kustomization', 'default', name)!;
  const generation = current.metadata.generation ?? 1;
  server.store.updateStatus({
    ...current,
    status: { observedGeneration: generation, conditions: [{ type: 'Ready', status, reason: status === 'True' ? 'ReconciliationSucceeded' : 'Progressing', message, lastTransitionTime: new Date().toISOString(), observedGeneration: generation }] },
  });
}

beforeAll(async () => {
  t = await startTestWorld({ timeScale: 0.01 });
  const created = await t.exec('k3d', ['cluster', 'create', 'lab']);
  expect(created.code, created.stderr).toBe(0);
  env = { ...t.world.env(), HOME: t.workDir };
  server = t.world.kube.get(context)!;
  expect(server).toBeDefined();
  // A fresh cluster has no Flux kinds until Flux is installed: install its CRDs as bootstrap would.
  const crds = ['kustomize.toolkit.fluxcd.io_kustomizations.yaml', 'helm.toolkit.fluxcd.io_helmreleases.yaml'].flatMap((f) => ['-f', `/work/shared/crds/flux/${f}`]);
  const installed = await t.exec('kubectl', ['create', ...crds]);
  expect(installed.code, installed.stderr).toBe(0);
});

afterAll(async () => {
  await t?.dispose();
});

describe('kubeconfig', () => {
  it('finds the context k3d wrote, and not one that does not exist', () => {
    expect(hasContext({ context, env })).toBe(true);
    expect(hasContext({ context: 'k3d-nope', env })).toBe(false);
  });
});

describe('waitForCondition', () => {
  it('resolves when Ready turns True through the API server, reporting each change', async () => {
    server.store.create(kustomization('waited', { suspend: true }));
    const seen: ResourceStatus[] = [];
    const waiting = waitForCondition({ kubeconfigContext: context, env, apiVersion: KS, kind: 'Kustomization', namespace: 'default', name: 'waited', timeoutMs: 20_000, onStatus: (s) => seen.push(s) });
    await until(() => seen.length >= 1);
    setReady('waited', 'False', 'building the manifests');
    await until(() => seen.some((s) => s.ready === false));
    setReady('waited', 'True', 'Applied revision: main@sha1:1234abcd');
    const done = await waiting;
    expect(done).toMatchObject({ cluster: context, kind: 'Kustomization', namespace: 'default', name: 'waited', ready: true, message: 'Applied revision: main@sha1:1234abcd', suspended: true });
    expect(seen.map((s) => [s.ready, s.message])).toEqual([
      [null, 'waiting for the Ready condition'],
      [false, 'building the manifests'],
      [true, 'Applied revision: main@sha1:1234abcd'],
    ]);
  });

  it('fails on timeout with the object\'s own message', async () => {
    server.store.create(kustomization('parent', { suspend: true }));
    server.store.create(kustomization('child', { dependsOn: ['parent'], suspend: true }));
    // Flux is not installed on this cluster: the test writes what kustomize-controller writes.
    setReady('child', 'False', "dependency 'default/parent' is not ready");
    const error = await waitForCondition({ kubeconfigContext: context, env, apiVersion: KS, kind: 'Kustomization', namespace: 'default', name: 'child', timeoutMs: 2500 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConditionTimeout);
    expect((error as Error).message).toBe("Kustomization default/child was not Ready after 2.5 s: dependency 'default/parent' is not ready");
  });

  it('with `until`, waits past Ready for what it asks, and says what the object shows instead on timeout', async () => {
    server.store.create(kustomization('behind', { suspend: true }));
    setReady('behind', 'True', 'Applied revision: main@sha1:old');
    const message = (o: { status?: unknown }): string => String((o.status as { conditions?: Array<{ message?: string }> }).conditions?.[0]?.message ?? '');
    const until = { test: (o: { status?: unknown }) => message(o).endsWith(':new'), shortOf: (o: { status?: unknown }) => `it shows "${message(o)}"` };
    const error = await waitForCondition({ kubeconfigContext: context, env, apiVersion: KS, kind: 'Kustomization', namespace: 'default', name: 'behind', timeoutMs: 800, until }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('Kustomization default/behind was Ready after 0.8 s, but it shows "Applied revision: main@sha1:old"');
    const waiting = waitForCondition({ kubeconfigContext: context, env, apiVersion: KS, kind: 'Kustomization', namespace: 'default', name: 'behind', timeoutMs: 20_000, until });
    setReady('behind', 'True', 'Applied revision: main@sha1:new');
    expect(await waiting).toMatchObject({ ready: true, message: 'Applied revision: main@sha1:new' });
  });

  it('says the object does not exist when it never appeared', async () => {
    const error = await waitForCondition({ kubeconfigContext: context, env, apiVersion: KS, kind: 'Kustomization', namespace: 'default', name: 'ghost', timeoutMs: 800 }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('Kustomization default/ghost was not Ready after 0.8 s: it does not exist');
  });

  it('stops waiting when cancelled', async () => {
    const controller = new AbortController();
    const seen: ResourceStatus[] = [];
    server.store.create(kustomization('cancelled', { suspend: true }));
    const waiting = waitForCondition({ kubeconfigContext: context, env, apiVersion: KS, kind: 'Kustomization', namespace: 'default', name: 'cancelled', timeoutMs: 60_000, signal: controller.signal, onStatus: (s) => seen.push(s) });
    await until(() => seen.length >= 1);
    controller.abort(new Error('step cancelled'));
    await expect(waiting).rejects.toThrow('step cancelled');
    // Nothing is reported once the wait ended: the watch is stopped.
    setReady('cancelled', 'True', 'ready after the cancel');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen.map((s) => s.ready)).toEqual([null]);
  });

  it('fails at once for a context the kubeconfig does not have', async () => {
    await expect(waitForCondition({ kubeconfigContext: 'k3d-nope', env, apiVersion: KS, kind: 'Kustomization', name: 'x', timeoutMs: 5000 })).rejects.toThrow('The kubeconfig has no context "k3d-nope"');
  });
});

describe('waitForObject', () => {
  it('resolves when the object is created after the wait began, and with one that exists already', async () => {
    const waiting = waitForObject({ kubeconfigContext: context, env, apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'appears', timeoutMs: 20_000 });
    // Another object of the kind does not end the wait: the result is the one waited for.
    server.store.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other', namespace: 'default' }, data: { a: 'b' } }, 'test');
    server.store.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'appears', namespace: 'default' }, data: { a: 'b' } }, 'test');
    expect((await waiting).metadata?.name).toBe('appears');
    const again = await waitForObject({ kubeconfigContext: context, env, apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'appears', timeoutMs: 20_000 });
    expect(again.metadata?.name).toBe('appears');
  });

  it('fails with the given message when the object never appears', async () => {
    await expect(waitForObject({ kubeconfigContext: context, env, apiVersion: 'v1', kind: 'Secret', namespace: 'default', name: 'never', timeoutMs: 800, timeoutMessage: 'no Secret default/never: is its controller running?' })).rejects.toThrow(
      'no Secret default/never: is its controller running?',
    );
  });
});

function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = (): void => {
      if (check()) resolve();
      else if (Date.now() - started > timeoutMs) reject(new Error('condition not met in time'));
      else setTimeout(tick, 20);
    };
    tick();
  });
}
