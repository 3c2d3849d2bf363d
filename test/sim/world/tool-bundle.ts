import { existsSync, readFileSync, readdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The fake executables import from anywhere in the simulator, so any change there counts. */
const SOURCE_DIRS = ['test/sim'];

/**
 * Makes sure `out/sim/tool.mjs` exists and is newer than its sources, rebuilding only that one
 * bundle when not. The shims run the bundle rather than TypeScript through tsx: a fake CLI then
 * starts in about a third of the time, which matters when the app runs hundreds of commands.
 */
export async function ensureToolBundle(root: string): Promise<string> {
  const out = join(root, 'out', 'sim', 'tool.mjs');
  if (existsSync(out) && statSync(out).mtimeMs >= newestSource(root)) return out;
  // A computed specifier keeps esbuild (a dev dependency) out of the sim bundle itself.
  const esbuildName = 'esbuild';
  const { build } = (await import(esbuildName)) as typeof import('esbuild');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const pkgDeps = Object.keys(pkg.dependencies ?? {});
  const tmp = `${out}.${process.pid}.tmp.mjs`;
  await build({
    entryPoints: [join(root, 'test/sim/bin/tool.ts')],
    outfile: tmp,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    external: ['electron', ...pkgDeps],
    banner: { js: "import { createRequire as __labCreateRequire } from 'node:module'; const require = __labCreateRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  // Rename so a shim running concurrently never loads half a file.
  renameSync(tmp, out);
  return out;
}

function newestSource(root: string): number {
  let newest = 0;
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of SOURCE_DIRS) walk(join(root, dir));
  return newest;
}
