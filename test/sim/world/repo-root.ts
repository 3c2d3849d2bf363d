import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project's root, found by walking up to its package.json: the world runs both from source
 * (test/sim/world, under vitest or tsx) and bundled (out/sim/sim.mjs), at different depths.
 */
export function repoRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'gitops-lab') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the gitops-lab package.json above ${from}`);
    dir = parent;
  }
}
