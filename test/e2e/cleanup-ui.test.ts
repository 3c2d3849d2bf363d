/**
 * Cleanup through the UI in Debian's Chromium, against a simulated world served by `lab serve`:
 * the "Clean up everything…" dialog is found by role and name, shows the engine's plan or its
 * refusal (never a silent nothing), keeps the keyboard inside, closes on Escape, and will not
 * delete the GitHub repository until its full name is typed exactly. A screenshot of the dialog
 * is kept in test-results/.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorld } from '../sim/world/test-world';
import { browserSkipReason, resultPath } from './browser';
import { fillInputs, runAllUntilAddress, showStep, startLabInBrowser, waitForCommandsWithProject, type LabInBrowser } from './lab-page';

const reason = browserSkipReason('app');
if (reason) console.warn(`Skipping the cleanup browser test: ${reason}`);

describe.skipIf(reason !== undefined)('cleanup in the browser, against the simulated world', () => {
  let lab: LabInBrowser | undefined;
  let world: TestWorld;
  let page: Page;
  /** Whether the engine answered planTeardown with a plan (rather than refusing cleanup). */
  let planned = false;
  let problems: string[] = [];

  beforeAll(async () => {
    lab = await startLabInBrowser({ workspacePrefix: 'lab-cleanup-ui-' });
    ({ world, page, problems } = lab);
  });

  afterAll(async () => {
    await lab?.close();
  });

  it('opens the dialog by its name, shows the plan or the refusal, and guards the repository', async () => {
    await page.goto(lab!.server.url);
    await page.getByText(/Rehearsal/).first().waitFor();
    // The repository's name comes from the inputs: set the owner as a newcomer would.
    await fillInputs(page, { owner: 'lab-student' });
    await showStep(page, 'Tools (asdf)');

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

    await page.screenshot({ path: resultPath('cleanup-dialog.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: resultPath('cleanup-dialog-dark.png') });
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

  it('runs the lab, then the ordered teardown from the dialog until every teardown step is done', async (ctx) => {
    if (!planned) ctx.skip('the engine refuses to plan a teardown, so there is nothing to run yet');
    // When it fails, the window as it was says more than the timeout.
    ctx.onTestFailed(async () => {
      await page.screenshot({ path: resultPath('cleanup-failed.png') }).catch(() => undefined);
    });
    await fillInputs(page, { project: 'gitops-lab-sim', cloneFolder: join(lab!.workspace, 'devflux') });
    await waitForCommandsWithProject(page, 'gitops-lab-sim');
    await runAllUntilAddress(page);

    // With the GKE cluster billing, the header offers cleanup and the clock runs.
    await page.getByRole('banner').getByRole('button', { name: 'Clean up everything…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Clean up everything' });
    // The plan asks the world (gcloud, the clusters) what is still there, which takes a while.
    await dialog.getByText('Running now:').waitFor({ timeout: 120_000 });
    await dialog.getByText(/GKE cluster dev-cluster/).first().waitFor();
    const confirm = dialog.getByRole('button', { name: 'Clean up', exact: true });
    await expect.poll(() => confirm.isEnabled(), { timeout: 20_000 }).toBe(true);
    await page.screenshot({ path: resultPath('cleanup-plan.png') });
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
    await page.screenshot({ path: resultPath('cleanup-done.png') });

    // The world agrees: Google lists no cluster for the project any more.
    const clusters = await world.exec('gcloud', ['container', 'clusters', 'list', '--project=gitops-lab-sim', '--format=json']);
    expect(clusters.code).toBe(0);
    expect(JSON.parse(clusters.stdout)).toEqual([]);
    expect(problems).toEqual([]);
  }, 600_000);
});
