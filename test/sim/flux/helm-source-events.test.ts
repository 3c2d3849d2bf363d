import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer } from '../kube/server.js';
import type { KubeApiServer, KubeObject } from '../kube/types.js';
import { ClockStopped, type Clock } from '../world/clock.js';
import { realDurations } from '../world/durations.js';
import { Faults } from '../world/faults.js';
import { installFlux } from './components.js';
import { startFluxControllers, type FluxControllers } from './controllers.js';
import { HELM_RELEASE, HELM_REPOSITORY, readyCondition } from './meta.js';
import { eventually } from './test-git.js';

/**
 * A clock on which the named durations of durations.ts (a download, an install) pass at once,
 * while plain `after` waits (requeues, polls) never end: whatever happens here happens because
 * a controller reacted to an event, not because a timer ran out.
 */
function eventsOnlyClock(): Clock {
  const pending: Array<(e: Error) => void> = [];
  return {
    scale: 1,
    after: () => new Promise<void>((_resolve, reject) => void pending.push(reject)),
    wait: () => Promise.resolve(),
    simulatedSeconds: () => 0,
    release: () => undefined,
    stop: () => pending.splice(0).forEach((reject) => reject(new ClockStopped())),
  };
}

let kube: KubeApiServer;
let clock: Clock;
let flux: FluxControllers;

beforeAll(async () => {
  kube = await startKubeApiServer({ clusterName: 'helm-events' });
  clock = eventsOnlyClock();
  installFlux(kube.store);
  flux = startFluxControllers({ store: kube.store, server: kube, clock, faults: new Faults(), clusterId: 'k3d-helm-events' });
});

afterAll(async () => {
  clock.stop();
  await flux.close();
  await kube.close();
});

describe('helm-controller reacts to its chart source', () => {
  it('installs a HelmRelease as soon as its HelmRepository is stored, without waiting for a requeue', async () => {
    expect(realDurations.helmRepositoryIndex).toBeGreaterThan(0);
    // The release first, so its first look finds the repository not ready yet.
    kube.store.apply(
      { ...HELM_RELEASE, metadata: { name: 'web', namespace: 'flux-system' }, spec: { interval: '10m', chart: { spec: { chart: 'web', version: '1.2.3', sourceRef: { kind: 'HelmRepository', name: 'charts' } } } } } as KubeObject,
      'test',
    );
    await eventually(() => (readyCondition(kube.store.get(HELM_RELEASE.apiVersion, HELM_RELEASE.kind, 'flux-system', 'web'))?.reason === 'Progressing' ? true : undefined), 10_000, 'the release to wait for its chart');
    kube.store.apply({ ...HELM_REPOSITORY, metadata: { name: 'charts', namespace: 'flux-system' }, spec: { interval: '1h', url: 'https://charts.example.org' } } as KubeObject, 'test');
    const ready = await eventually(() => {
      const condition = readyCondition(kube.store.get(HELM_RELEASE.apiVersion, HELM_RELEASE.kind, 'flux-system', 'web'));
      return condition?.status === 'True' ? condition : undefined;
    }, 10_000, 'the release to be installed');
    expect(ready.message).toMatch(/^Helm install succeeded for release flux-system\/web\.v1 with chart web@1\.2\.3/);
  });
});
