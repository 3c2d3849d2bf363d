/**
 * The CRD schemas the app ships (assets/crd-schemas.json, built by scripts/build-crd-bundle.mjs),
 * indexed by `<group>/<version> <Kind>`. Found by walking up from this module, because it runs
 * from source in tests and from a bundle (out/...) in the app; both sit below the package root.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CrdSchemaEntry {
  scope: 'Namespaced' | 'Cluster';
  storage: boolean;
  deprecated?: boolean;
  schema: Record<string, unknown>;
}

export interface CrdBundle {
  sources: string[];
  schemas: Record<string, CrdSchemaEntry>;
}

const BUNDLE = join('assets', 'crd-schemas.json');

export function gvkKey(apiVersion: string, kind: string): string {
  return `${apiVersion} ${kind}`;
}

export function findCrdBundle(from: string = moduleDir()): string {
  let dir = from;
  for (;;) {
    const candidate = join(dir, BUNDLE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find ${BUNDLE} above ${from}; run "node scripts/build-crd-bundle.mjs"`);
    dir = parent;
  }
}

let cached: { path: string; bundle: CrdBundle } | undefined;

export function loadCrdBundle(path: string = findCrdBundle()): CrdBundle {
  if (cached?.path === path) return cached.bundle;
  const bundle = JSON.parse(readFileSync(path, 'utf8')) as CrdBundle;
  cached = { path, bundle };
  return bundle;
}

function moduleDir(): string {
  // The CommonJS bundle of the Electron main process has __dirname; ES modules have import.meta.
  return typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
}
