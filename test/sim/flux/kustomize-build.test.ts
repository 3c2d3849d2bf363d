/**
 * What the simulated kustomize-controller applies is what the real one would: the real
 * `kubectl kustomize` builds, and its output is read with Kubernetes' YAML rules.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../world/repo-root.js';
import { buildKustomization } from './kustomize-build.js';

const kubectl = join(process.env.LAB_KUBE_TOOLS ?? join(repoRoot(), '.cache', 'kube-tools'), 'kubectl');
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'sim-kustomize-build-'));
  await mkdir(join(work, 'app'));
  await writeFile(join(work, 'app', 'kustomization.yaml'), 'resources:\n  - cluster.yaml\n');
  // A session id in hex can read as a number: kustomize prints this one unquoted (Go cannot
  // parse it as a float), and Kubernetes still reads a string.
  await writeFile(join(work, 'app', 'cluster.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cluster\n  labels:\n    lab: "0123e4567890"\ndata:\n  count: "3"\n');
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('buildKustomization', () => {
  it('keeps a label that only looks like a number a string, as Kubernetes reads it', async () => {
    const [cluster] = await buildKustomization({ artifactDir: work, path: './app', kubectl });
    expect(cluster?.metadata.labels).toEqual({ lab: '0123e4567890' });
    expect(cluster?.data).toEqual({ count: '3' });
  });
});
