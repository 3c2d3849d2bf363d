/**
 * Smoke test of the real desktop app: built bundles, real Electron, driven by Playwright.
 * It proves what unit tests cannot: the window opens on the app's page, the preload exposes
 * exactly the LabApi and nothing of Node, the CSP is in force, and the wizard renders.
 * Runs only through `npm run test:electron` (vitest.electron.config.ts sets LAB_ELECTRON_SMOKE),
 * after `npm run build`, with a display (xvfb-run in CI).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labMethods } from '../../electron/api/contract';

const root = join(__dirname, '../..');
const artifacts = join(root, 'test-results', 'electron');

describe.skipIf(process.env.LAB_ELECTRON_SMOKE !== '1')('the desktop app', () => {
  let app: ElectronApplication;
  let page: Page;
  let home: string;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'lab-electron-smoke-'));
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
    delete env.ELECTRON_RENDERER_URL;
    delete env.ELECTRON_RUN_AS_NODE;
    delete env.GITHUB_TOKEN;
    app = await _electron.launch({
      args: ['.'],
      cwd: root,
      // A throw-away profile: app.getPath('userData') follows XDG_CONFIG_HOME on Linux.
      env: { ...env, XDG_CONFIG_HOME: join(home, 'config') },
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });

  afterAll(async () => {
    await app?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('opens one window on the app page, titled GitOps Lab', async () => {
    expect(page.url()).toMatch(/^app:\/\/gitops-lab\/index\.html(\?|#|$)/);
    expect(await page.title()).toBe('GitOps Lab');
    expect(app.windows()).toHaveLength(1);
  });

  it('exposes exactly the LabApi and nothing of Node to the page', async () => {
    const seen = await page.evaluate(() => {
      const g = globalThis as unknown as Record<string, unknown>;
      const api = g.labApi as Record<string, unknown> | undefined;
      return {
        keys: api ? Object.keys(api).sort() : null,
        allFunctions: api ? Object.values(api).every((v) => typeof v === 'function') : false,
        require: typeof g.require,
        process: typeof g.process,
        module: typeof g.module,
        Buffer: typeof g.Buffer,
        ipcRenderer: typeof g.ipcRenderer,
      };
    });
    expect(seen).toEqual({
      keys: [...labMethods, 'onEvent'].sort(),
      allFunctions: true,
      require: 'undefined',
      process: 'undefined',
      module: 'undefined',
      Buffer: 'undefined',
      ipcRenderer: 'undefined',
    });
  });

  it('answers LabApi requests from the page through IPC', async () => {
    const snapshot = await page.evaluate(async () => {
      const api = (globalThis as unknown as { labApi: { getSnapshot(p: object): Promise<{ phases: unknown[] }> } }).labApi;
      return api.getSnapshot({});
    });
    expect(snapshot.phases.length).toBeGreaterThan(0);
    const refused = await page.evaluate(async () => {
      const api = (globalThis as unknown as { labApi: { runStep(p: object): Promise<unknown> } }).labApi;
      return api.runStep({ stepId: 'NOT A STEP' }).then(
        () => 'accepted',
        (error: Error) => error.message,
      );
    });
    expect(refused).toMatch(/invalid runStep request/);
  });

  it('enforces the CSP: no eval, no foreign scripts', async () => {
    const outcome = await page.evaluate(() => {
      try {
        return String((0, eval)('1 + 1'));
      } catch (error) {
        return (error as Error).name;
      }
    });
    expect(outcome).toBe('EvalError');
  });

  it('opens no second window, whatever the page asks', async () => {
    const opened = await page.evaluate(() => (globalThis as unknown as { open(url: string): unknown }).open('file:///etc/passwd'));
    expect(opened).toBeNull();
    expect(app.windows()).toHaveLength(1);
  });

  it('renders the phases of the lab and leaves a screenshot', async () => {
    const titles = await page.evaluate(async () => {
      const api = (globalThis as unknown as { labApi: { getSnapshot(p: object): Promise<{ phases: Array<{ title: string }> }> } }).labApi;
      return (await api.getSnapshot({})).phases.map((phase) => phase.title);
    });
    expect(titles.length).toBeGreaterThan(1);
    for (const title of titles) {
      await page.getByRole('heading', { name: title, exact: true }).first().waitFor({ state: 'visible' });
    }
    await mkdir(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'window.png') });
  });
});
