/**
 * What the browser tests share: Debian's Chromium started the way this machine needs it, pages
 * that collect their errors, `lab serve` started as a person would (resolving with the sign-in URL
 * it prints) and stopped again, the built renderer served in-process, and where screenshots are kept.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { HostBackend } from '../../electron/hosts/backend';
import { startWebHost, type WebHost } from '../../electron/hosts/web/server';

export const repoRoot = join(__dirname, '..', '..');
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const haveChromium = existsSync(chromiumPath);

/** Without the background-networking flags Chromium keeps dialling Google's hosts, refused here. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

export interface LabServer {
  child: ChildProcessByStdio<null, Readable, Readable>;
  url: string;
  stderr(): string;
}

/** Starts `lab serve --port 0` with `env` and resolves with the URL it prints. */
export function serveLab(env: NodeJS.ProcessEnv): Promise<LabServer> {
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'lab.js'), 'serve', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
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

/** Stops `lab serve` the way Ctrl+C would and waits until it has exited, so no process outlives a test. */
export async function stopLab(server: LabServer | undefined): Promise<void> {
  if (!server || server.child.exitCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGINT');
  await exited;
}

/** Why a test needing the built app in Chromium cannot run here, or undefined when it can. */
export function browserSkipReason(needs: 'app' | 'renderer'): string | undefined {
  const renderer = existsSync(join(repoRoot, 'out', 'renderer', 'index.html'));
  const cli = needs === 'renderer' || existsSync(join(repoRoot, 'out', 'cli', 'lab.mjs'));
  if (!haveChromium) return `no Chromium at ${chromiumPath} (set CHROMIUM_PATH)`;
  if (!renderer || !cli) return `the ${needs === 'app' ? 'app' : 'renderer'} is not built (npm run build)`;
  return undefined;
}

export interface WatchedPage {
  page: Page;
  /** Page errors, and console messages of the watched types, as they happened. */
  problems: string[];
}

/**
 * A new page whose page errors (and console messages of `consoleTypes`) are collected, so a test
 * can require that the UI stayed quiet while it clicked.
 */
export async function openWatchedPage(browser: Browser, options: { height?: number; consoleTypes?: readonly string[] } = {}): Promise<WatchedPage> {
  const page = await browser.newPage({ viewport: { width: 1280, height: options.height ?? 900 } });
  const problems: string[] = [];
  const consoleTypes = options.consoleTypes ?? ['error'];
  page.on('console', (m) => {
    if (consoleTypes.includes(m.type())) problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page: ${e.message}`));
  return { page, problems };
}

/** Where a screenshot named `name` goes: test-results/, created when missing, kept for people to look at. */
export function resultPath(name: string): string {
  const dir = join(repoRoot, 'test-results');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}

export interface RendererInChromium extends WatchedPage {
  host: WebHost;
  browser: Browser;
  /** Closes the browser, then the web host. */
  close(): Promise<void>;
}

/**
 * The built renderer served by the real web host, in-process, over `backend`, with a watched
 * Chromium page that has not navigated yet (so a test can add init scripts before `page.goto(host.url)`).
 */
export async function openRendererInChromium(backend: HostBackend, options: { consoleTypes?: readonly string[] } = {}): Promise<RendererInChromium> {
  const host = await startWebHost({ backend, staticDir: join(repoRoot, 'out', 'renderer'), port: 0 });
  let browser: Browser | undefined;
  const close = async (): Promise<void> => {
    await browser?.close();
    await host.close();
  };
  try {
    browser = await launchChromium();
    return { host, browser, ...(await openWatchedPage(browser, options)), close };
  } catch (error) {
    await close();
    throw error;
  }
}
