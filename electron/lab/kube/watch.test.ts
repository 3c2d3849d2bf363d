/**
 * Watches share a loaded kubeconfig per context and environment, so a credential plugin runs
 * once for many watches, and again once the kubeconfig file changed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer } from '../../../test/sim/kube/server';
import type { KubeApiServer } from '../../../test/sim/kube/types';
import { pluginRuns as countedRuns, writePluginKubeconfig } from '../../../test/sim/kube/plugin-kubeconfig';
import { watchObjects, type ObjectWatch } from './watch';

let kube: KubeApiServer;
let dir: string;
let kubeconfig: string;
let count: string;
const watches: ObjectWatch[] = [];

/** A kubeconfig whose user gets its token from a plugin that counts its runs. */
const writeKubeconfig = (extraContext?: string): void => writePluginKubeconfig({ file: kubeconfig, server: kube.url, countFile: count, ...(extraContext ? { extraContext } : {}) });
const pluginRuns = (): number => countedRuns(count);

async function watchListed(env: NodeJS.ProcessEnv): Promise<void> {
  const watch = await watchObjects({ context: 'gke_p_z_dev', env, apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', onChange: () => undefined });
  watches.push(watch);
  await watch.listed;
}

beforeAll(async () => {
  kube = await startKubeApiServer({ clusterName: 'watch-share' });
  dir = mkdtempSync(path.join(tmpdir(), 'watch-share-'));
  kubeconfig = path.join(dir, 'config');
  count = path.join(dir, 'plugin-runs');
  writeFileSync(count, '');
  writeKubeconfig();
});

afterAll(async () => {
  for (const watch of watches) watch.stop();
  await kube.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('watchObjects and credential plugins', () => {
  it('runs the plugin once for several watches of the same context and environment', async () => {
    const env = { PATH: process.env.PATH ?? '', HOME: dir, KUBECONFIG: kubeconfig };
    await watchListed(env);
    await watchListed(env);
    await watchListed({ ...env });
    expect(pluginRuns()).toBe(1);
  });

  it('loads the kubeconfig again, and asks the plugin again, once the file changed', async () => {
    const before = pluginRuns();
    writeKubeconfig('k3d-other');
    await watchListed({ PATH: process.env.PATH ?? '', HOME: dir, KUBECONFIG: kubeconfig });
    expect(pluginRuns()).toBe(before + 1);
  });
});
