/**
 * The lab as a newcomer meets it in the browser tests: a simulated world, `lab serve` with the
 * world's environment, and a Chromium page on it; plus the clicks every such test repeats (typing
 * the inputs into their step cards, Run all until the shop's address shows).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startTestWorld, type TestWorld } from '../sim/world/test-world';
import { launchChromium, openWatchedPage, serveLab, stopLab, type LabServer } from './browser';

export interface LabInBrowser {
  world: TestWorld;
  /** An empty folder for the test's own files (the clone goes here), deleted by `close`. */
  workspace: string;
  /** The running `lab serve`; replaced by `restart`. */
  server: LabServer;
  browser: Browser;
  page: Page;
  problems: string[];
  /** Stops `lab serve` and starts a new one on the same world, as a person coming back later would. */
  restart(): Promise<LabServer>;
  /** Closes the browser, stops the server and the world, and deletes the workspace. */
  close(): Promise<void>;
}

export interface LabInBrowserOptions {
  workspacePrefix: string;
  height?: number;
  /** Console message types counted as problems (page errors always are). */
  consoleTypes?: readonly string[];
}

export async function startLabInBrowser(options: LabInBrowserOptions): Promise<LabInBrowser> {
  const world = await startTestWorld({ timeScale: 0.002 });
  const workspace = mkdtempSync(join(tmpdir(), options.workspacePrefix));
  const serve = () => serveLab({ ...world.world.env(), HOME: world.workDir, PATH: world.world.env().PATH ?? '' });
  let server: LabServer | undefined;
  let browser: Browser | undefined;
  const close = async (): Promise<void> => {
    await browser?.close();
    await stopLab(server);
    await world.dispose();
    rmSync(workspace, { recursive: true, force: true });
  };
  try {
    server = await serve();
    browser = await launchChromium();
    const { page, problems } = await openWatchedPage(browser, options);
    const lab: LabInBrowser = {
      world,
      workspace,
      server,
      browser,
      page,
      problems,
      async restart() {
        await stopLab(server);
        server = await serve();
        lab.server = server;
        return server;
      },
      close,
    };
    return lab;
  } catch (error) {
    // Whatever did start must not outlive a setup that failed half-way.
    await close();
    throw error;
  }
}

/** Opens a step's card from the "Lab steps" navigation. */
export function showStep(page: Page, title: string): Promise<void> {
  return page.getByRole('navigation', { name: 'Lab steps' }).getByRole('button', { name: title, exact: true }).click();
}

export interface LabInputs {
  owner?: string;
  project?: string;
  cloneFolder?: string;
}

/** Types each given input into its step's card, as a newcomer would. */
export async function fillInputs(page: Page, inputs: LabInputs): Promise<void> {
  if (inputs.owner !== undefined) {
    await showStep(page, 'GitHub access');
    await page.getByLabel('GitHub owner').fill(inputs.owner);
  }
  if (inputs.project !== undefined) {
    await showStep(page, 'GCP service account');
    await page.getByLabel('GCP project id').fill(inputs.project);
  }
  if (inputs.cloneFolder !== undefined) {
    await showStep(page, 'Clone the repository');
    await page.getByLabel('Folder for the local clone').fill(inputs.cloneFolder);
  }
}

/** Leaving a step sends its inputs; the dev cluster's commands shown then carry the project. */
export async function waitForCommandsWithProject(page: Page, project: string): Promise<void> {
  await showStep(page, 'Connect to the dev cluster');
  const escaped = project.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  await page.getByText(new RegExp(`get-credentials dev-cluster --zone=europe-west9-a --project=${escaped}`)).first().waitFor();
}

/**
 * Run all, once, as a person would, watching the last step: on a healthy world no step may fail
 * on its way to the shop's address (a dependency still coming up is waited for, never reported
 * as a failure), so the first failed step ends the wait with its name.
 */
export async function runAllUntilAddress(page: Page, timeoutMs = 240_000): Promise<void> {
  await showStep(page, 'Observability and the online boutique');
  const address = page.getByText(/http:\/\/203\.0\.113\.\d+/).first();
  const lab = page.getByRole('navigation', { name: 'Lab steps' });
  const failed = lab.locator('.step-meta').getByText('Failed', { exact: true });
  await page.getByRole('button', { name: 'Run all' }).click();
  const until = Date.now() + timeoutMs;
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
