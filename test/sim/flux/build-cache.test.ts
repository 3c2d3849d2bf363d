import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../kube/types.js';
import { repoRoot } from '../world/repo-root.js';
import { BuildCache, buildInputsDigest } from './build-cache.js';

const realKubectl = join(process.env.LAB_KUBE_TOOLS ?? join(repoRoot(), '.cache', 'kube-tools'), 'kubectl');
let work: string;
let artifact: string;
/** The real kubectl behind a script that counts its runs. */
let kubectl: string;

const configMap = (name: string, value: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: ${value}\n`;
const values = (objects: KubeObject[]): Record<string, unknown> => Object.fromEntries(objects.map((o) => [o.metadata.name, (o.data as { value?: string }).value]));
const runs = async (): Promise<number> => (await readFile(join(work, 'runs'), 'utf8').catch(() => '')).split('\n').filter(Boolean).length;

async function write(files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(artifact, path)), { recursive: true });
    await writeFile(join(artifact, path), content);
  }
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'sim-build-cache-'));
  artifact = join(work, 'artifact');
  kubectl = join(work, 'kubectl');
  await writeFile(kubectl, `#!/bin/sh\necho run >> '${join(work, 'runs')}'\nexec '${realKubectl}' "$@"\n`);
  await chmod(kubectl, 0o755);
  await write({
    'base/app/kustomization.yaml': 'resources:\n  - settings.yaml\n',
    'base/app/settings.yaml': configMap('settings', 'base'),
    'cluster/app/kustomization.yaml': 'resources:\n  - ../../base/app\n  - extra.yaml\n',
    'cluster/app/extra.yaml': configMap('extra', 'one'),
    'elsewhere/other.yaml': configMap('other', 'one'),
  });
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('kustomize-controller build cache (real kubectl kustomize)', () => {
  it('builds once while the files a build reads stay the same, and hands out copies', async () => {
    const cache = new BuildCache();
    const input = { artifactDir: artifact, path: './cluster/app', kubectl };
    const before = await runs();
    const first = await cache.build('main@sha1:1', input);
    expect(values(first)).toEqual({ settings: 'base', extra: 'one' });
    first[0]!.metadata.name = 'changed by the caller';
    // A new revision that changed only what this build does not read.
    await write({ 'elsewhere/other.yaml': configMap('other', 'two') });
    const again = await cache.build('main@sha1:2', input);
    expect(values(again)).toEqual({ settings: 'base', extra: 'one' });
    expect(await runs()).toBe(before + 1);
  });

  it('builds again when a file under the path or a base it references changed', async () => {
    const cache = new BuildCache();
    const input = { artifactDir: artifact, path: './cluster/app', kubectl };
    await cache.build('main@sha1:3', input);
    await write({ 'base/app/settings.yaml': configMap('settings', 'changed base') });
    expect(values(await cache.build('main@sha1:4', input))).toEqual({ settings: 'changed base', extra: 'one' });
    await write({ 'cluster/app/extra.yaml': configMap('extra', 'two') });
    expect(values(await cache.build('main@sha1:5', input))).toEqual({ settings: 'changed base', extra: 'two' });
  });

  it('keeps no failure: the same revision builds once the path is there', async () => {
    const cache = new BuildCache();
    const input = { artifactDir: artifact, path: './later', kubectl };
    await expect(cache.build('main@sha1:6', input)).rejects.toThrow(/kustomization path not found/);
    await write({ 'later/settings.yaml': configMap('later', 'here') });
    expect(values(await cache.build('main@sha1:6', input))).toEqual({ later: 'here' });
  });

  it('forgets the least recently used build beyond its limit', async () => {
    const cache = new BuildCache(1);
    const app = { artifactDir: artifact, path: './cluster/app', kubectl };
    await cache.build('main@sha1:7', app);
    await cache.build('main@sha1:7', { ...app, path: './base/app' });
    const before = await runs();
    await cache.build('main@sha1:7', app);
    expect(await runs()).toBe(before + 1);
  });

  it('names no digest for a remote reference or one outside the artifact', async () => {
    await write({ 'remote/kustomization.yaml': 'resources:\n  - https://github.com/example/repo//deploy?ref=v1\n', 'outside/kustomization.yaml': 'resources:\n  - ../../../etc\n' });
    expect(await buildInputsDigest(artifact, './remote')).toBeUndefined();
    expect(await buildInputsDigest(artifact, './outside')).toBeUndefined();
    expect(await buildInputsDigest(artifact, './cluster/app')).toMatch(/^[0-9a-f]{64}$/);
  });
});
