/**
 * The whole lab through the UI, as a newcomer would do it in a rehearsal: a simulated world, the
 * app served by `lab serve` with the world's environment, and Debian's Chromium clicking. The
 * inputs are typed into the step cards, "Run all" goes through all eighteen steps, and the shop's
 * address appears. Screenshots of the wizard, the terminal and the dependency graph are kept in
 * test-results/.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, repoRoot, resultPath } from './browser';
import { fillInputs, runAllUntilAddress, startLabInBrowser, waitForCommandsWithProject, type LabInBrowser } from './lab-page';

const reason = browserSkipReason('app');
if (reason) console.warn(`Skipping the whole-lab browser test: ${reason}`);

describe.skipIf(reason !== undefined)('the whole lab in the browser, against the simulated world', () => {
  let lab: LabInBrowser | undefined;

  beforeAll(async () => {
    lab = await startLabInBrowser({ workspacePrefix: 'lab-ui-run-' });
  });

  afterAll(async () => {
    await lab?.close();
  });

  it('fills the inputs, runs every step by clicking Run all, and shows the shop address', async () => {
    const { page, world, problems } = lab!;
    await page.goto(lab!.server.url);
    await page.getByText(/Rehearsal/).first().waitFor();

    await fillInputs(page, { owner: 'lab-student', project: 'gitops-lab-sim', cloneFolder: join(lab!.workspace, 'devflux') });
    await waitForCommandsWithProject(page, 'gitops-lab-sim');

    await runAllUntilAddress(page);
    await page.screenshot({ path: resultPath('full-lab-wizard.png') });

    // The engine agrees: every step succeeded.
    const status = await world.exec(process.execPath, [join(repoRoot, 'bin', 'lab.js'), 'status', '--json']);
    const steps = (JSON.parse(status.stdout) as { steps: Record<string, { status: string }> }).steps;
    expect(Object.keys(steps)).toHaveLength(18);
    expect(Object.entries(steps).filter(([, s]) => s.status !== 'succeeded')).toEqual([]);

    await page.getByRole('tab', { name: 'All' }).click().catch(() => undefined);
    await page.locator('.xterm').first().screenshot({ path: resultPath('full-lab-terminal.png') });

    const graph = page.getByRole('img', { name: /Dependency graph/ }).first();
    await graph.scrollIntoViewIfNeeded();
    await page.screenshot({ path: resultPath('full-lab-graph.png') });

    expect(problems).toEqual([]);
  }, 300_000);
});
