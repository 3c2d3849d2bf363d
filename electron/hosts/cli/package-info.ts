/**
 * Where the installed package lives and which version it is. The CLI runs from a bundle
 * (`out/cli/lab.mjs`) in a packaged or `npm i -g` install and from source in tests, so the root
 * is found by walking up to our own package.json rather than by a fixed relative path.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Replaced by the build with the package version; absent when running from source. */
declare const __LAB_VERSION__: string | undefined;

const PACKAGE_NAME = 'gitops-lab';

export function findPackageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && readManifest(manifest).name === PACKAGE_NAME) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the ${PACKAGE_NAME} package above ${from}`);
    dir = parent;
  }
}

export function labVersion(): string {
  if (typeof __LAB_VERSION__ === 'string') return __LAB_VERSION__;
  const version = readManifest(join(findPackageRoot(), 'package.json')).version;
  return typeof version === 'string' ? version : '0.0.0';
}

function readManifest(path: string): { name?: unknown; version?: unknown } {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown; version?: unknown };
  } catch {
    return {};
  }
}
