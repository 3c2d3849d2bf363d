/**
 * The whole lab through the UI, as a newcomer would do it in a rehearsal: a simulated world, the
 * app served by `lab serve` with the world's environment, and Debian's Chromium clicking. The
 * inputs are typed into the step cards, "Run all" goes through all eighteen steps, and the shop's
 * address appears. Screenshots of the wizard, the terminal and the dependency graph are kept in
 * test-results/.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestWorld, type TestWorld } from '../sim/world/test-world';
import { chromiumPath, launchChromium, repoRoot, serveLab, type LabServer } from './browser';

const root = repoRoot;
const built = existsSync(join(root, 'out', 'cli', 'lab.mjs')) && existsSync(join(root, 'out', 'renderer', 'index.html'));
const reason = !existsSync(chromiumPath)
  ? `no Chromium at ${chromiumPath} (set CHROMIUM_PATH)`
  : !built
    ? 'the app is not built (npm run build)'
    : undefined;
if (reason) console.warn(`Skipping the whole-lab browser test: ${reason}`);

describe.skipIf(reason !== undefined)('the whole lab in the browser, against the simulated world', () => {
  let world: TestWorld;
  let server: LabServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let workspace: string;
  const problems: string[] = [];

  beforeAll(async () => {
    world = await startTestWorld({ timeScale: 0.002 });
    workspace = mkdtempSync(join(tmpdir(), 'lab-ui-run-'));
    server = await serveLab({ ...world.world.env(), HOME: world.workDir, PATH: world.world.env().PATH ?? '' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page: ${e.message}`));
  });

  afterAll(async () => {
    await browser?.close();
    if (server && server.child.exitCode === null) {
      const exited = new Promise((r) => server!.child.once('exit', r));
      server.child.kill('SIGINT');
      await exited;
    }
    await world?.dispose();
    rmSync(workspace, { recursive: true, force: true });
  });

  it('fills the inputs, runs every step by clicking Run all, and shows the shop address', async () => {
    const step = (title: string) => page.getByRole('button', { name: title, exact: true }).click();
    await page.goto(server!.url);
    await page.getByText(/Rehearsal/).first().waitFor();

    await step('GitHub access');
    await page.getByLabel('GitHub owner').fill('lab-student');
    await step('GCP service account');
    await page.getByLabel('GCP project id').fill('gitops-lab-sim');
    await step('Clone the repository');
    await page.getByLabel('Folder for the local clone').fill(join(workspace, 'devflux'));
    // Leaving a step sends its inputs; the commands shown then carry them.
    await step('Connect to the dev cluster');
    await page.getByText(/get-credentials dev-cluster --zone=europe-west9-a --project=gitops-lab-sim/).first().waitFor();

    await page.getByRole('button', { name: 'Run all' }).click();
    await step('Observability and the online boutique');
    await page.getByText(/http:\/\/203\.0\.113\.\d+/).first().waitFor({ timeout: 240_000 });
    mkdirSync(join(root, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(root, 'test-results', 'full-lab-wizard.png') });

    // The engine agrees: every step succeeded.
    const status = await world.exec(process.execPath, [join(root, 'bin', 'lab.js'), 'status', '--json']);
    const steps = (JSON.parse(status.stdout) as { steps: Record<string, { status: string }> }).steps;
    expect(Object.keys(steps)).toHaveLength(18);
    expect(Object.entries(steps).filter(([, s]) => s.status !== 'succeeded')).toEqual([]);

    await page.getByRole('tab', { name: 'All' }).click().catch(() => undefined);
    await page.locator('.xterm').first().screenshot({ path: join(root, 'test-results', 'full-lab-terminal.png') });

    const graph = page.getByRole('img', { name: /Dependency graph/ }).first();
    await graph.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(root, 'test-results', 'full-lab-graph.png') });

    expect(problems).toEqual([]);
  }, 300_000);
});
