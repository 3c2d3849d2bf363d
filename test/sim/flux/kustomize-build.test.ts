import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../kube/types.js';
import { repoRoot } from '../world/repo-root.js';
import { BuildCache } from './kustomize-build.js';

const kubectl = join(process.env.LAB_KUBE_TOOLS ?? join(repoRoot(), '.cache', 'kube-tools'), 'kubectl');
let artifact: string;

const configMap = (value: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  value: ${value}\n`;
const valueOf = (objects: KubeObject[]): unknown => (objects[0]?.data as { value?: string } | undefined)?.value;

beforeAll(async () => {
  artifact = await mkdtemp(join(tmpdir(), 'sim-build-cache-'));
  await mkdir(join(artifact, 'apps'));
  await writeFile(join(artifact, 'apps', 'settings.yaml'), configMap('first'));
});

afterAll(async () => {
  await rm(artifact, { recursive: true, force: true });
});

describe('kustomize-controller build cache (real kubectl kustomize)', () => {
  it('builds a revision and path once, hands out copies, and builds a new revision afresh', async () => {
    const cache = new BuildCache();
    const input = { artifactDir: artifact, path: './apps', kubectl };
    const first = await cache.build('main@sha1:1', input);
    expect(valueOf(first)).toBe('first');
    first[0]!.metadata.name = 'changed by the caller';
    // Same revision: its content cannot have changed, so the folder is not read again.
    await writeFile(join(artifact, 'apps', 'settings.yaml'), configMap('second'));
    const again = await cache.build('main@sha1:1', input);
    expect(valueOf(again)).toBe('first');
    expect(again[0]!.metadata.name).toBe('settings');
    expect(valueOf(await cache.build('main@sha1:2', input))).toBe('second');
  });

  it('keeps no failure: the same revision builds once the path is there', async () => {
    const cache = new BuildCache();
    const input = { artifactDir: artifact, path: './later', kubectl };
    await expect(cache.build('main@sha1:3', input)).rejects.toThrow(/kustomization path not found/);
    await mkdir(join(artifact, 'later'));
    await writeFile(join(artifact, 'later', 'settings.yaml'), configMap('later'));
    expect(valueOf(await cache.build('main@sha1:3', input))).toBe('later');
  });

  it('forgets the least recently used build beyond its limit', async () => {
    const cache = new BuildCache(1);
    const input = { artifactDir: artifact, path: './apps', kubectl };
    await writeFile(join(artifact, 'apps', 'settings.yaml'), configMap('one'));
    await cache.build('main@sha1:4', input);
    await cache.build('main@sha1:5', input);
    await writeFile(join(artifact, 'apps', 'settings.yaml'), configMap('two'));
    expect(valueOf(await cache.build('main@sha1:4', input))).toBe('two');
  });
});
