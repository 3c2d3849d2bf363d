/**
 * Reads share a loaded kubeconfig per context and environment, so a credential plugin
 * (gke-gcloud-auth-plugin for the dev cluster) runs once for many step checks, and again once
 * the kubeconfig file changed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer } from '../../../test/sim/kube/server';
import type { KubeApiServer } from '../../../test/sim/kube/types';
import { pluginRuns as countedRuns, writePluginKubeconfig } from '../../../test/sim/kube/plugin-kubeconfig';
import { hasContext } from './config';
import { readObject } from './read';

let kube: KubeApiServer;
let dir: string;
let kubeconfig: string;
let count: string;

const NAMESPACE = { apiVersion: 'v1', kind: 'Namespace', name: 'default' };

/** A kubeconfig whose user gets its token from a plugin that counts its runs; `lifetimeMs` is the token's. */
const writeKubeconfig = (options: { extraContext?: string; lifetimeMs?: number } = {}): void => writePluginKubeconfig({ file: kubeconfig, server: kube.url, countFile: count, ...options });
const pluginRuns = (): number => countedRuns(count);
const envOf = (): NodeJS.ProcessEnv => ({ PATH: process.env.PATH ?? '', HOME: dir, KUBECONFIG: kubeconfig });
const target = () => ({ context: 'gke_p_z_dev', env: envOf() });

beforeAll(async () => {
  kube = await startKubeApiServer({ clusterName: 'read-share' });
  dir = mkdtempSync(path.join(tmpdir(), 'read-share-'));
  kubeconfig = path.join(dir, 'config');
  count = path.join(dir, 'plugin-runs');
  writeFileSync(count, '');
  writeKubeconfig();
});

afterAll(async () => {
  await kube.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('readObject and credential plugins', () => {
  it('runs the plugin once for several reads, one after another and at the same time', async () => {
    const first = await readObject(target(), NAMESPACE);
    expect(first?.metadata?.name).toBe('default');
    await readObject(target(), { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'absent' });
    const together = await Promise.all([readObject(target(), NAMESPACE), readObject(target(), NAMESPACE), readObject({ ...target() }, NAMESPACE)]);
    expect(together.map((object) => object?.metadata?.name)).toEqual(['default', 'default', 'default']);
    expect(hasContext(target())).toBe(true);
    expect(pluginRuns()).toBe(1);
  });

  it('runs reads started together on a fresh kubeconfig through one plugin run', async () => {
    writeKubeconfig({ extraContext: 'k3d-together' });
    const before = pluginRuns();
    await Promise.all([readObject(target(), NAMESPACE), readObject(target(), NAMESPACE), readObject(target(), NAMESPACE)]);
    expect(pluginRuns()).toBe(before + 1);
  });

  it('loads the kubeconfig again, and asks the plugin again, once the file changed', async () => {
    const before = pluginRuns();
    writeKubeconfig({ extraContext: 'k3d-other' });
    await readObject(target(), NAMESPACE);
    await readObject(target(), NAMESPACE);
    expect(pluginRuns()).toBe(before + 1);
  });

  it('asks the plugin again when its token expired', async () => {
    writeKubeconfig({ extraContext: 'k3d-expiring', lifetimeMs: -1000 });
    const before = pluginRuns();
    await readObject(target(), NAMESPACE);
    await readObject(target(), NAMESPACE);
    // Each read asks at least once (client-node asks again per request while the token is expired).
    expect(pluginRuns()).toBeGreaterThanOrEqual(before + 2);
  });
});
