#!/usr/bin/env node
// The `lab` command. The CLI itself is TypeScript bundled to out/cli/lab.mjs by `npm run build`
// (which `npm ci` runs through `prepare`); this file only finds it and says how to build it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = new URL('../out/cli/lab.mjs', import.meta.url);
if (!existsSync(fileURLToPath(bundle))) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  process.stderr.write(`lab: the command line is not built yet.\nRun "npm run build" in ${root} and try again.\n`);
  process.exit(1);
}
await import(bundle.href);
