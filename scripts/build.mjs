#!/usr/bin/env node
// Builds every part of the app: the Node bundles (Electron main and preload, the lab CLI and web
// host, the simulator's executables) with esbuild, and the React renderer with Vite.
// Usage: node scripts/build.mjs [node|renderer]   (no argument: both)
import { build as esbuild } from 'esbuild';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const only = process.argv[2];

/** Node entry points: [source, output, format]. */
const nodeEntries = [
  ['electron/main/index.ts', 'out/main/index.cjs', 'cjs'],
  ['electron/preload/index.ts', 'out/preload/index.cjs', 'cjs'],
  ['electron/hosts/cli/main.ts', 'out/cli/lab.mjs', 'esm'],
  ['test/sim/bin/sim.ts', 'out/sim/sim.mjs', 'esm'],
  ['test/sim/bin/tool.ts', 'out/sim/tool.mjs', 'esm'],
];

async function buildNode() {
  const { existsSync } = await import('node:fs');
  await Promise.all(
    nodeEntries
      .filter(([src]) => existsSync(join(root, src)))
      .map(([src, out, format]) =>
        esbuild({
          entryPoints: [join(root, src)],
          outfile: join(root, out),
          bundle: true,
          platform: 'node',
          target: 'node20',
          format,
          sourcemap: 'linked',
          // Electron is provided by the runtime; the CLI and web host keep npm packages external
          // so the packaged app and `npm i -g` share one copy of each dependency.
          external: format === 'cjs' ? ['electron'] : ['electron', ...Object.keys(pkg.dependencies ?? {})],
          define: { __LAB_VERSION__: JSON.stringify(pkg.version) },
          banner:
            format === 'esm'
              ? { js: "import { createRequire as __labCreateRequire } from 'node:module'; const require = __labCreateRequire(import.meta.url);" }
              : undefined,
          logLevel: 'warning',
        }),
      ),
  );
}

async function buildRenderer() {
  const { build } = await import('vite');
  await build({ configFile: join(root, 'renderer/vite.config.ts'), logLevel: 'warn' });
}

if (!only || only === 'node') await buildNode();
if (!only || only === 'renderer') await buildRenderer();
