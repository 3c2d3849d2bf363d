import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The tests that drive the simulated world need the real kubectl and helm (shipped for linux-x64
 * only) and the real CRDs in the shared folder beside the repository. Where either is missing
 * (macOS and Windows runners, a checkout without ../shared) they cannot run: they are left out and
 * the reason is printed, rather than failing or being skipped silently.
 */
const worldTestGlobs = [
  'test/sim/**/*.test.ts',
  'electron/lab/{steps,kube,doctor,gitops,tools}/**/*.test.ts',
  'scripts/build-crd-bundle.test.ts',
  'test/unit/cli-{doctor,validate,up}.test.ts',
  'test/e2e/full-lab.test.ts',
];

function missingWorldRequirements(): string[] {
  const missing: string[] = [];
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    missing.push(`the bundled kubectl and helm run on linux-x64 only (this is ${process.platform}-${process.arch})`);
  }
  const root = fileURLToPath(new URL('.', import.meta.url));
  const shared = process.env.LAB_SHARED_DIR ? resolve(process.env.LAB_SHARED_DIR) : resolve(root, '..', 'shared');
  if (!existsSync(join(shared, 'crds'))) missing.push(`the real CRDs are not at ${join(shared, 'crds')} (set LAB_SHARED_DIR)`);
  return missing;
}

const missing = missingWorldRequirements();
if (missing.length > 0) {
  process.stderr.write(
    `\nLeaving out the tests that drive the simulated world (${worldTestGlobs.join(', ')}):\n` +
      missing.map((reason) => `  - ${reason}\n`).join('') +
      '\n',
  );
}

export default defineConfig({
  test: {
    include: ['electron/**/*.test.ts', 'test/**/*.test.ts', 'renderer/src/**/*.test.ts', 'scripts/**/*.test.ts'],
    // test/electron needs a real Electron window: `npm run test:electron` (vitest.electron.config.ts) runs it.
    exclude: ['**/node_modules/**', 'test/electron/**', ...(missing.length > 0 ? worldTestGlobs : [])],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
