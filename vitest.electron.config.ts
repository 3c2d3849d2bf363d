// The desktop smoke test: launches the built app in real Electron through Playwright. Run by the
// `electron-smoke` CI job under xvfb (`npm run test:electron`); Electron itself installs only on
// Node >= 22.12, so the ordinary test run leaves these tests out.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/electron/**/*.test.ts'],
    pool: 'forks',
    // One app at a time: two instances would fight over the single-instance lock.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 90_000,
    env: { LAB_ELECTRON_SMOKE: '1' },
  },
});
