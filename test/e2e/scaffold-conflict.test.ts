/**
 * The scaffold meets files the person changed, through the UI in Chromium against the simulated
 * world: the steps up to the scaffold run, the person edits two scaffolded files in the clone and
 * pushes them, and comes back to the app later (a new `lab serve` re-checks every step). Running
 * the scaffold again shows both files with their diffs; the person keeps one, takes the lab's
 * version of the other, and retries. The files on disk and on GitHub are then checked.
 * Screenshot: test-results/scaffold-conflict.png.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorld } from '../sim/world/test-world';
import { browserSkipReason, resultPath } from './browser';
import { fillInputs, showStep, startLabInBrowser, type LabInBrowser } from './lab-page';

const reason = browserSkipReason('app');
if (reason) console.warn(`Skipping the scaffold conflict browser test: ${reason}`);

const KEPT = 'security/base/sealed-secrets/helmrelease.yaml';
const REPLACED = 'infrastructure/k3d-crossplane/custom-resources/crossplane/cluster.yaml';
const STEP = 'Scaffold the repository';

describe.skipIf(reason !== undefined)('scaffold conflicts in the browser', () => {
  let ui: LabInBrowser | undefined;
  let world: TestWorld;
  let page: Page;
  let problems: string[] = [];

  async function git(...args: string[]): Promise<string> {
    const result = await world.exec('git', args, { HOME: world.workDir });
    expect(result.code, `git ${args.join(' ')}: ${result.stderr}`).toBe(0);
    return result.stdout;
  }
  const card = () => page.getByRole('main');

  beforeAll(async () => {
    ui = await startLabInBrowser({ workspacePrefix: 'lab-ui-conflict-', height: 1000 });
    ({ world, page, problems } = ui);
  });

  afterAll(async () => {
    await ui?.close();
  });

  it('shows the changed files with their diffs, keeps one, replaces the other with a backup, and retries', async () => {
    const clone = join(ui!.workspace, 'devflux');
    await page.goto(ui!.server.url);
    await page.getByText(/Rehearsal/).first().waitFor();
    await fillInputs(page, { owner: world.world.env().GITHUB_USER ?? 'lab-student', project: 'gitops-lab-sim', cloneFolder: clone });
    // Running the scaffold runs the steps it depends on first, and only those.
    await showStep(page, STEP);
    await card().getByRole('button', { name: 'Run', exact: true }).click();
    await card().locator('.card-status.status-succeeded').waitFor({ timeout: 180_000 });

    // The person tunes two scaffolded files in the clone and pushes them.
    const lab = { kept: readFileSync(join(clone, KEPT), 'utf8'), replaced: readFileSync(join(clone, REPLACED), 'utf8') };
    const mine = { kept: `${lab.kept}# more memory for the controller, by hand\n`, replaced: lab.replaced.replace('europe-west9-a', 'europe-west1-b') };
    expect(mine.replaced).not.toBe(lab.replaced);
    writeFileSync(join(clone, KEPT), mine.kept);
    writeFileSync(join(clone, REPLACED), mine.replaced);
    await git('-C', clone, 'commit', '-qam', 'Tune the scaffold by hand');
    await git('-C', clone, 'push', '-q', 'origin', 'main');

    // Later, the app again: it re-checks every step and finds the scaffold no longer as it wrote it.
    // Leaving the page first, so its link closes cleanly instead of retrying a stopped server.
    await page.goto('about:blank');
    const server = await ui!.restart();
    await page.goto(server.url);
    await showStep(page, STEP);
    await card().getByRole('button', { name: 'Run', exact: true }).click();
    const files = card().getByRole('list', { name: 'Changed files' });
    await files.waitFor({ timeout: 60_000 });
    const kept = files.getByRole('region', { name: KEPT });
    const replaced = files.getByRole('region', { name: REPLACED });
    await expect(kept.getByText('+# more memory for the controller, by hand').count()).resolves.toBe(0);
    await kept.getByText('-# more memory for the controller, by hand').waitFor();
    await replaced.getByText(/^\+.*europe-west9-a/).first().waitFor();
    await replaced.getByText(/^-.*europe-west1-b/).first().waitFor();
    const retry = card().getByRole('button', { name: 'Retry with these choices' });
    expect(await retry.isDisabled()).toBe(true);

    await kept.getByRole('button', { name: 'Keep my version' }).click();
    await replaced.getByRole('button', { name: `Use the lab's version (mine is kept as ${REPLACED}.mine)` }).click();
    expect(await kept.getByRole('button', { name: 'Keep my version' }).getAttribute('aria-pressed')).toBe('true');
    await card().getByRole('heading', { name: 'Files you changed' }).evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: resultPath('scaffold-conflict.png') });

    await retry.click();
    await card().locator('.card-status.status-succeeded').waitFor({ timeout: 60_000 });
    expect(await card().getByRole('list', { name: 'Changed files' }).count()).toBe(0);

    // On disk: the kept file as the person left it, the replaced one as the lab writes it, and theirs beside it.
    expect(readFileSync(join(clone, KEPT), 'utf8')).toBe(mine.kept);
    expect(readFileSync(join(clone, REPLACED), 'utf8')).toBe(lab.replaced);
    expect(readFileSync(join(clone, `${REPLACED}.mine`), 'utf8')).toBe(mine.replaced);
    // On GitHub: the same, without the backup.
    await git('-C', clone, 'fetch', '-q', 'origin', 'main');
    expect(await git('-C', clone, 'show', `origin/main:${KEPT}`)).toBe(mine.kept);
    expect(await git('-C', clone, 'show', `origin/main:${REPLACED}`)).toBe(lab.replaced);
    expect(await git('-C', clone, 'ls-tree', '-r', '--name-only', 'origin/main')).not.toContain('.mine');

    expect(problems).toEqual([]);
  }, 300_000);
});
