/**
 * Cleanup through the UI in Debian's Chromium, against a simulated world served by `lab serve`:
 * the "Clean up everything…" dialog is found by role and name, shows the engine's plan or its
 * refusal (never a silent nothing), keeps the keyboard inside, closes on Escape, and will not
 * delete the GitHub repository until its full name is typed exactly. A screenshot of the dialog
 * is kept in test-results/.
 */
import { existsSync, mkdirSync } from 'node:fs';
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
  const problems: string[] = [];

  beforeAll(async () => {
    world = await startTestWorld({ timeScale: 0.002 });
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
    const planned = await planShown.isVisible();
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
      expect(await page.evaluate(() => document.activeElement?.closest('dialog') !== null)).toBe(true);
    }
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await opener.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(problems).toEqual([]);
  }, 90_000);
});
