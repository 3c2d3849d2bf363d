/**
 * Cleanup through the UI in Debian's Chromium, against a simulated world served by `lab serve`:
 * the "Clean up everything…" dialog is found by role and name, shows the engine's plan or its
 * refusal (never a silent nothing), keeps the keyboard inside, closes on Escape, and will not
 * delete the GitHub repository until its full name is typed exactly. A screenshot of the dialog
 * is kept in test-results/.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestWorld, type TestWorld } from '../sim/world/test-world';
import { chromiumPath, launchChromium, repoRoot, serveLab, type LabServer } from './browser';

const built = existsSync(join(repoRoot, 'out', 'cli', 'lab.mjs')) && existsSync(join(repoRoot, 'out', 'renderer', 'index.html'));
const reason = !existsSync(chromiumPath) ? `no Chromium at ${chromiumPath} (set CHROMIUM_PATH)` : !built ? 'the app is not built (npm run build)' : undefined;
if (reason) console.warn(`Skipping the cleanup browser test: ${reason}`);

describe.skipIf(reason !== undefined)('cleanup in the browser, against the simulated world', () => {
  let world: TestWorld;
  let server: LabServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let workspace: string;
  /** Whether the engine answered planTeardown with a plan (rather than refusing cleanup). */
  let planned = false;
  const problems: string[] = [];

  beforeAll(async () => {
    world = await startTestWorld({ timeScale: 0.002 });
    workspace = mkdtempSync(join(tmpdir(), 'lab-cleanup-ui-'));
    server = await serveLab({ ...world.world.env(), HOME: world.workDir, PATH: world.world.env().PATH ?? '' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
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
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  it('opens the dialog by its name, shows the plan or the refusal, and guards the repository', async () => {
    await page.goto(server!.url);
    await page.getByText(/Rehearsal/).first().waitFor();
    // The repository's name comes from the inputs: set the owner as a newcomer would.
    await page.getByRole('button', { name: 'GitHub access', exact: true }).click();
    await page.getByLabel('GitHub owner').fill('lab-student');
    await page.getByRole('button', { name: 'Tools (asdf)', exact: true }).click();

    const opener = page.getByRole('navigation', { name: 'Clean up' }).getByRole('button', { name: 'Clean up everything…' });
    await opener.click();
    const dialog = page.getByRole('dialog', { name: 'Clean up everything' });
    await dialog.waitFor();

    // Either the plan or the engine's reason for refusing it: the dialog never stays silent.
    const planShown = dialog.getByText('Running now:');
    const refusal = dialog.getByRole('alert').filter({ hasText: 'The teardown could not be planned' });
    await planShown.or(refusal).first().waitFor({ timeout: 20_000 });
    planned = await planShown.isVisible();
    if (!planned) expect(await refusal.textContent()).toMatch(/could not be planned: .+/);

    const confirm = dialog.getByRole('button', { name: 'Clean up', exact: true });
    await dialog.getByRole('checkbox', { name: 'Also delete the GitHub repository' }).check();
    const typed = dialog.getByLabel(/Type lab-student\/devflux to confirm/);
    await typed.fill('lab-student/devflu');
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByText('Type lab-student/devflux to confirm deleting the repository.').waitFor();
    await typed.fill('devflux');
    expect(await confirm.isDisabled()).toBe(true);
    await typed.fill('lab-student/devflux');
    if (planned) {
      await expect.poll(() => confirm.isEnabled(), { timeout: 20_000 }).toBe(true);
    } else {
      // The name is right; what still holds the button is the missing plan, and it says so.
      await dialog.getByText('The teardown could not be planned: see the message above.').waitFor();
      expect(await confirm.isDisabled()).toBe(true);
    }

    mkdirSync(join(repoRoot, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(repoRoot, 'test-results', 'cleanup-dialog.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(repoRoot, 'test-results', 'cleanup-dialog-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    // Tab never leaves the dialog, however often it is pressed.
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate("document.activeElement?.closest('dialog') !== null")).toBe(true);
    }
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    // Focus is back on the button that opened it.
    expect(await page.evaluate("[document.activeElement?.textContent, document.activeElement?.closest('nav')?.getAttribute('aria-label')]")).toEqual([
      'Clean up everything…',
      'Clean up',
    ]);
    expect(problems).toEqual([]);
  }, 90_000);

  /**
   * Run all, once, as a person would: on a healthy world no step may fail on its way to the
   * shop's address (a dependency still coming up is waited for, never reported as a failure).
   */
  async function runAllUntilAddress(): Promise<void> {
    const address = page.getByText(/http:\/\/203\.0\.113\.\d+/).first();
    const lab = page.getByRole('navigation', { name: 'Lab steps' });
    const failed = lab.locator('.step-meta').getByText('Failed', { exact: true });
    await page.getByRole('button', { name: 'Run all' }).click();
    const until = Date.now() + 240_000;
    while (Date.now() < until) {
      if (await address.isVisible()) return;
      if ((await failed.count()) > 0) {
        const steps = await lab.locator('button.step.status-failed').allTextContents();
        throw new Error(`a step failed during Run all: ${steps.join(' | ')}`);
      }
      await page.waitForTimeout(1_000);
    }
    throw new Error('the lab did not reach the shop address after Run all');
  }

  it('runs the lab, then the ordered teardown from the dialog until every teardown step is done', async (ctx) => {
    if (!planned) ctx.skip('the engine refuses to plan a teardown, so there is nothing to run yet');
    // When it fails, the window as it was says more than the timeout.
    ctx.onTestFailed(async () => {
      await page.screenshot({ path: join(repoRoot, 'test-results', 'cleanup-failed.png') }).catch(() => undefined);
    });
    const step = (title: string) => page.getByRole('button', { name: title, exact: true }).click();
    await step('GCP service account');
    await page.getByLabel('GCP project id').fill('gitops-lab-sim');
    await step('Clone the repository');
    await page.getByLabel('Folder for the local clone').fill(join(workspace, 'devflux'));
    await step('Connect to the dev cluster');
    await page.getByText(/get-credentials dev-cluster --zone=europe-west9-a --project=gitops-lab-sim/).first().waitFor();
    await step('Observability and the online boutique');
    await runAllUntilAddress();

    // With the GKE cluster billing, the header offers cleanup and the clock runs.
    await page.getByRole('banner').getByRole('button', { name: 'Clean up everything…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Clean up everything' });
    // The plan asks the world (gcloud, the clusters) what is still there, which takes a while.
    await dialog.getByText('Running now:').waitFor({ timeout: 120_000 });
    await dialog.getByText(/GKE cluster dev-cluster/).first().waitFor();
    const confirm = dialog.getByRole('button', { name: 'Clean up', exact: true });
    await expect.poll(() => confirm.isEnabled(), { timeout: 20_000 }).toBe(true);
    await page.screenshot({ path: join(repoRoot, 'test-results', 'cleanup-plan.png') });
    await confirm.click();
    await dialog.waitFor({ state: 'detached' });

    // The teardown ends with nothing left, and each of its steps says so in the Clean up section:
    // done, or skipped for the two that run only when asked (service account, repository).
    await page.getByRole('heading', { name: 'Everything the lab created is gone' }).waitFor({ timeout: 360_000 });
    const nav = page.getByRole('navigation', { name: 'Clean up' });
    const rows = await Promise.all(
      (await nav.locator('button.step').all()).map(async (b) => {
        const id = (await b.getAttribute('data-step-id')) ?? '';
        return [(await b.textContent())?.replace(/^\W+/, '') ?? '', (await page.locator(`#step-detail-${id} .visually-hidden`).textContent()) ?? ''];
      }),
    );
    expect(rows.length).toBeGreaterThanOrEqual(5);
    for (const [title, status] of rows) expect([title, status]).toEqual([title, /\(when (asked|confirmed)\)$/.test(title!) ? 'Skipped' : 'Done']);
    // Nothing bills any more, so the header no longer offers a cleanup.
    await expect.poll(() => page.getByRole('banner').getByRole('button', { name: 'Clean up everything…' }).count(), { timeout: 20_000 }).toBe(0);
    await page.screenshot({ path: join(repoRoot, 'test-results', 'cleanup-done.png') });

    // The world agrees: Google lists no cluster for the project any more.
    const clusters = await world.exec('gcloud', ['container', 'clusters', 'list', '--project=gitops-lab-sim', '--format=json']);
    expect(clusters.code).toBe(0);
    expect(JSON.parse(clusters.stdout)).toEqual([]);
    expect(problems).toEqual([]);
  }, 600_000);
});
