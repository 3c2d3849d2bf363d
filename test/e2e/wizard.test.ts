/**
 * The wizard in a real browser: `lab serve` with a fresh data directory, Chromium opening the
 * printed one-time URL, and the page showing every phase and step of the lab's catalogue over
 * the WebSocket API, with no console or page errors under the host's strict CSP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, execFileSync, type ChildProcessByStdio } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { chromium, type Browser } from 'playwright-core';
import { phases, steps } from '../../electron/lab/plan/catalogue';
import { CONTENT_SECURITY_POLICY } from '../../electron/hosts/web/security';

const root = join(__dirname, '..', '..');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(chromiumPath);
if (!haveChromium) {
  console.warn(`e2e wizard tests skipped: no Chromium at ${chromiumPath} (install chromium or set CHROMIUM_PATH)`);
}

/** Starts `lab serve` and resolves with the URL it prints. */
function serve(dataDir: string): Promise<{ child: ChildProcessByStdio<null, Readable, Readable>; url: string; stderr: () => string }> {
  const child = spawn(process.execPath, [join(root, 'bin', 'lab.js'), 'serve', '--port', '0'], {
    env: { ...process.env, LAB_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /GitOps Lab is running at (\S+)/.exec(stdout);
      if (match) resolve({ child, url: match[1]!, stderr: () => stderr });
    });
    child.once('exit', (code) => reject(new Error(`lab serve exited with ${code}: ${stderr}`)));
  });
}

describe.skipIf(!haveChromium)('wizard in Chromium (web host)', () => {
  let dataDir: string;
  let server: Awaited<ReturnType<typeof serve>> | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (!existsSync(join(root, 'out', 'cli', 'lab.mjs'))) {
      execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), 'node'], { cwd: root, stdio: 'inherit' });
    }
    if (!existsSync(join(root, 'out', 'renderer', 'index.html'))) {
      execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), 'renderer'], { cwd: root, stdio: 'inherit' });
    }
    dataDir = mkdtempSync(join(tmpdir(), 'lab-e2e-'));
    server = await serve(dataDir);
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
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

  it('shows every phase and step of the catalogue, with no console or page errors', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page: ${error.message}`));
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

    mkdirSync(join(root, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(root, 'test-results', 'wizard.png'), fullPage: true });
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
