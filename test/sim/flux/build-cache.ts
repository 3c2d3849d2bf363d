import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, relative, resolve, sep } from 'node:path';
import { parse } from 'yaml';
import type { KubeObject } from '../kube/types.js';
import { buildKustomization, KUSTOMIZATION_FILES, type BuildInput } from './kustomize-build.js';

/**
 * kustomize-controller's builds, kept by what they read. kustomize's output depends on nothing but
 * the files it loads, so a build whose files did not change gives the same objects: the real
 * controller builds again on every reconcile (on its own hardware), the world spares the shared CPU
 * and hands out a fresh copy. Every other part of the reconcile (apply, prune, health checks) still
 * runs each time. Failures are not kept (their message names the temporary folder of that attempt).
 */

/** Kustomization fields that name other files or folders to load. */
const REFERENCE_FIELDS = ['resources', 'components', 'bases', 'generators', 'transformers', 'validators', 'crds', 'configurations'];
const REMOTE = /^[a-z][a-z0-9+.-]*:\/\/|^git@|^github\.com\//i;

const within = (path: string, dir: string): boolean => path === dir || path.startsWith(dir + sep);

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = resolve(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== '.git') out.push(...(await filesUnder(full)));
    } else out.push(full);
  }
  return out;
}

function referencesOf(kustomization: string): string[] {
  const doc = parse(kustomization) as Record<string, unknown> | null;
  if (!doc || typeof doc !== 'object') return [];
  return REFERENCE_FIELDS.flatMap((field) => (Array.isArray(doc[field]) ? (doc[field] as unknown[]) : [])).filter((r): r is string => typeof r === 'string');
}

/**
 * A digest of everything a build of `path` in the artifact reads: each file under it and, through
 * the kustomization files found there, each local folder or file they reference elsewhere.
 * Undefined when that cannot be known (a remote reference, one outside the artifact, an unreadable
 * file): such a build is then kept by revision only.
 */
export async function buildInputsDigest(artifactDir: string, path: string): Promise<string | undefined> {
  const root = resolve(artifactDir);
  const hash = createHash('sha256');
  const pending = [resolve(root, path.replace(/^\.?\/*/, ''))];
  const visited = new Set<string>();
  try {
    while (pending.length > 0) {
      const target = pending.pop() as string;
      if (visited.has(target)) continue;
      visited.add(target);
      if (!within(target, root)) return undefined;
      const info = await stat(target).catch(() => undefined);
      hash.update(`${relative(root, target)}\0${info ? (info.isDirectory() ? 'dir' : 'file') : 'missing'}\0`);
      if (!info) continue;
      for (const file of info.isDirectory() ? await filesUnder(target) : [target]) {
        const content = await readFile(file);
        hash.update(`${relative(root, file)}\0${content.length}\0`).update(content);
        if (!KUSTOMIZATION_FILES.includes(basename(file))) continue;
        let references: string[];
        try {
          references = referencesOf(content.toString('utf8'));
        } catch {
          // kustomize fails on it as well, and failures are not kept.
          references = [];
        }
        for (const reference of references) {
          if (REMOTE.test(reference)) return undefined;
          const referenced = resolve(dirname(file), reference);
          if (!info.isDirectory() || !within(referenced, target)) pending.push(referenced);
        }
      }
    }
  } catch {
    return undefined;
  }
  return hash.digest('hex');
}

export class BuildCache {
  private readonly entries = new Map<string, Promise<KubeObject[]>>();

  constructor(private readonly limit = 64) {}

  /** The objects of `input`'s build at the source `revision` (which names the artifact's content). */
  async build(revision: string, input: BuildInput): Promise<KubeObject[]> {
    const inputs = await buildInputsDigest(input.artifactDir, input.path);
    const key = JSON.stringify([inputs ?? `revision ${revision}`, input.path, input.kubectl]);
    let entry = this.entries.get(key);
    if (entry) this.entries.delete(key);
    else {
      const started = buildKustomization(input);
      entry = started;
      started.catch(() => {
        if (this.entries.get(key) === started) this.entries.delete(key);
      });
    }
    this.entries.set(key, entry);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.limit) break;
      this.entries.delete(oldest);
    }
    return structuredClone(await entry);
  }
}
