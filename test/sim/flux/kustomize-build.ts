import { execFile } from 'node:child_process';
import { cpSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { parseGoYamlDocuments } from '../kube/go-yaml.js';
import type { KubeObject } from '../kube/types.js';

/**
 * kustomize-controller's build step, with the REAL `kubectl kustomize`: the artifact is copied
 * aside, a kustomization.yaml is generated where the path has none (listing its manifests and
 * sub-kustomizations, as Flux's generator does), and the output is parsed into objects.
 */

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export class BuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BuildError';
  }
}

async function hasKustomization(dir: string): Promise<boolean> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.some((n) => KUSTOMIZATION_FILES.includes(n));
}

function looksLikeManifest(text: string): boolean {
  try {
    return parseAllDocuments(text).some((doc) => {
      const value = doc.toJS() as unknown;
      return !!value && typeof value === 'object' && 'apiVersion' in value && 'kind' in value;
    });
  } catch {
    return false;
  }
}

/** Resources of a generated kustomization: manifest files, and folders that are kustomizations themselves. */
async function collectResources(root: string, dir: string, out: string[]): Promise<void> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (await hasKustomization(full)) out.push(relative(root, full));
      else await collectResources(root, full, out);
    } else if (/\.(ya?ml|json)$/.test(entry.name) && looksLikeManifest(await readFile(full, 'utf8'))) {
      out.push(relative(root, full));
    }
  }
}

function kubectlRun(kubectl: string, args: string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(kubectl, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent' } }, (error, stdout, stderr) =>
      error ? reject(new BuildError(stderr.trim().replace(/^error: /, '') || error.message)) : resolvePromise(stdout),
    );
  });
}

export interface BuildInput {
  /** The source artifact's root (a checkout). */
  artifactDir: string;
  /** `spec.path`, relative to the artifact root. */
  path: string;
  kubectl: string;
}

export async function buildKustomization(input: BuildInput): Promise<KubeObject[]> {
  const work = await mkdtemp(join(tmpdir(), 'kustomization-'));
  try {
    // Synchronously: ~8 ms for the lab's repository, where the promise-based copy takes 50-150 ms of
    // a busy event loop's CPU and turns (one round trip per file), on the chain of every build.
    cpSync(input.artifactDir, work, { recursive: true, filter: (src) => !src.split(sep).includes('.git') });
    const target = resolve(work, input.path.replace(/^\.?\/*/, ''));
    if (!target.startsWith(work)) throw new BuildError(`invalid path '${input.path}'`);
    const info = await stat(target).catch(() => undefined);
    if (!info?.isDirectory()) throw new BuildError(`kustomization path not found: stat ${target}: no such file or directory`);
    if (!(await hasKustomization(target))) {
      const resources: string[] = [];
      await collectResources(target, target, resources);
      await writeFile(join(target, 'kustomization.yaml'), stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources }));
    }
    const out = await kubectlRun(input.kubectl, ['kustomize', target]);
    // Flux decodes the build's output with Kubernetes' YAML reader, not JavaScript's.
    return (parseGoYamlDocuments(out) as Array<KubeObject | null>).filter((o): o is KubeObject => !!o && typeof o === 'object' && typeof o.kind === 'string');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
