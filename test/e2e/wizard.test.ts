/**
 * The wizard in a real browser: `lab serve` with a fresh data directory, Chromium opening the
 * printed one-time URL, and the page showing every phase and step of the lab's catalogue over
 * the WebSocket API, with no console or page errors under the host's strict CSP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { phases, steps } from '../../electron/lab/plan/catalogue';
import { CONTENT_SECURITY_POLICY } from '../../electron/hosts/web/security';
import { chromiumPath, launchChromium, repoRoot, haveChromium, openWatchedPage, resultPath, serveLab, stopLab, type LabServer } from './browser';

const root = repoRoot;
if (!haveChromium) {
  console.warn(`e2e wizard tests skipped: no Chromium at ${chromiumPath} (install chromium or set CHROMIUM_PATH)`);
}

describe.skipIf(!haveChromium)('wizard in Chromium (web host)', () => {
  let dataDir: string;
  let server: LabServer | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (!existsSync(join(root, 'out', 'cli', 'lab.mjs'))) {
      execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), 'node'], { cwd: root, stdio: 'inherit' });
    }
    if (!existsSync(join(root, 'out', 'renderer', 'index.html'))) {
      execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), 'renderer'], { cwd: root, stdio: 'inherit' });
    }
    dataDir = mkdtempSync(join(tmpdir(), 'lab-e2e-'));
    server = await serveLab({ ...process.env, LAB_DATA_DIR: dataDir });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await stopLab(server);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows every phase and step of the catalogue, with no console or page errors', async () => {
    const { page, problems } = await openWatchedPage(browser!);
    const sockets: string[] = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));

    const origin = new URL(server!.url).origin;
    const response = await page.goto(server!.url);
    // The token is exchanged for a cookie and leaves the address bar.
    expect(page.url()).toBe(`${origin}/`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);

    const nav = page.getByRole('navigation', { name: 'Lab steps' });
    for (const phase of phases) {
      await expect.poll(() => nav.getByRole('heading', { name: phase.title, exact: true }).isVisible(), { timeout: 15_000 }).toBe(true);
    }
    for (const step of steps) {
      await expect.poll(() => nav.getByRole('button', { name: step.title, exact: true }).isVisible(), { timeout: 15_000 }).toBe(true);
    }
    // The steps came over the WebSocket, so the CSP's connect-src 'self' let it through.
    expect(sockets).toEqual([`${origin.replace('http:', 'ws:')}/api`]);

    await page.screenshot({ path: resultPath('wizard.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a second browser cannot reuse the printed URL', async () => {
    const context = await browser!.newContext();
    try {
      const page = await context.newPage();
      const response = await page.goto(server!.url);
      expect(response?.status()).toBe(403);
    } finally {
      await context.close();
    }
  });
});
