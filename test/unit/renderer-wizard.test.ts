/**
 * The wizard's interactions in Chromium against the real web host (`lab serve` on a fresh data
 * directory): keyboard navigation, validation as you type, inputs that reach the engine and
 * survive a reload, skipping with a reason, the export dialog, and no console errors throughout.
 * No step is run: that would start real tools on this machine.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, launchChromium, repoRoot, serveLab, type LabServer } from '../e2e/browser';

const root = repoRoot;
const ready = existsSync(chromiumPath) && existsSync(join(root, 'out', 'cli', 'lab.mjs')) && existsSync(join(root, 'out', 'renderer', 'index.html'));

describe.skipIf(!ready)('wizard interactions in Chromium', () => {
  let dataDir: string;
  let server: LabServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const problems: string[] = [];
  /** Text of every WebSocket frame the page sent and received, to know when the engine answered. */
  const framesSent: string[] = [];
  const framesReceived: string[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'lab-renderer-'));
    server = await serveLab({ ...process.env, LAB_DATA_DIR: dataDir });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page: ${e.message}`));
    page.on('websocket', (socket) => {
      socket.on('framesent', (frame) => framesSent.push(String(frame.payload)));
      socket.on('framereceived', (frame) => framesReceived.push(String(frame.payload)));
    });
    await page.goto(server.url);
  });

  afterAll(async () => {
    await browser?.close();
    if (server && server.child.exitCode === null) {
      const exited = new Promise((resolve) => server!.child.once('exit', resolve));
      server.child.kill('SIGINT');
      await exited;
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const nav = () => page.getByRole('navigation', { name: 'Lab steps' });
  const cardTitle = () => page.locator('#card-title').textContent();

  it('moves between steps with the arrow keys, Home and End', async () => {
    await nav().getByRole('button', { name: 'Docker', exact: true }).click();
    expect(await cardTitle()).toBe('Docker');
    await page.keyboard.press('ArrowDown');
    expect(await cardTitle()).toBe('GitHub access');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    expect(await cardTitle()).toBe('Tools (asdf)');
    await page.keyboard.press('End');
    expect(await cardTitle()).toBe('Observability and the online boutique');
    expect(await page.locator(':focus').getAttribute('aria-current')).toBe('step');
  });

  it('validates as you type and sends accepted inputs to the engine', async () => {
    await nav().getByRole('button', { name: 'GitHub access', exact: true }).click();
    const owner = page.getByRole('textbox', { name: 'GitHub owner' });
    await owner.fill('no--double');
    await expect.poll(() => owner.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByText(/^github\.owner: use your GitHub user/).isVisible()).toBe(true);
    await owner.fill('alice');
    await expect.poll(() => owner.getAttribute('aria-invalid')).toBe(null);
    // Sent after a pause in typing; wait for the engine's answer, then read a fresh snapshot.
    const aliceFrame = () =>
      framesSent.map((f) => JSON.parse(f) as { id: number; method: string; params: unknown }).find((f) => f.method === 'setInputs' && JSON.stringify(f.params).includes('"alice"'));
    await expect.poll(aliceFrame, { timeout: 10_000 }).toBeDefined();
    const sentId = aliceFrame()!.id;
    await expect.poll(() => framesReceived.some((f) => (JSON.parse(f) as { id?: number }).id === sentId), { timeout: 10_000 }).toBe(true);
    await page.reload();
    await nav().getByRole('button', { name: 'GitHub access', exact: true }).click();
    expect(await page.getByRole('textbox', { name: 'GitHub owner' }).inputValue()).toBe('alice');
    expect(await page.getByText('curl -sS -H "Authorization: Bearer $GITHUB_TOKEN" https://api.github.com/repos/alice/devflux').isVisible()).toBe(true);
  });

  it('skips a step only with a reason, and shows it', async () => {
    await nav().getByRole('button', { name: 'Scaffold the repository', exact: true }).click();
    await page.getByRole('button', { name: 'Skip…' }).click();
    const confirm = page.getByRole('button', { name: 'Skip step' });
    expect(await confirm.isDisabled()).toBe(true);
    await page.getByRole('textbox', { name: 'Why skip this step?' }).fill('scaffolded by hand');
    await confirm.click();
    await expect.poll(() => page.locator('.card-status').textContent(), { timeout: 10_000 }).toBe('Skipped: scaffolded by hand');
    const describedBy = await nav().getByRole('button', { name: 'Scaffold the repository', exact: true }).getAttribute('aria-describedby');
    expect(await page.locator(`#${describedBy}`).textContent()).toContain('Skipped');
  });

  it('shows the export script in a dialog that Escape closes', async () => {
    await page.getByRole('button', { name: 'Export script' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor({ state: 'visible' });
    expect(await dialog.locator('code').textContent()).toMatch(/^#!\/usr\/bin\/env bash/);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  it('logged no console errors or warnings', () => {
    expect(problems).toEqual([]);
  });
});
