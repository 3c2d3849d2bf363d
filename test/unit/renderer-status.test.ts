/**
 * The live status panel in Chromium against the real web host, in-process, with an engine whose
 * resources the test reports itself: the dependency graph's accessible summary, one button per
 * Flux object, the selected object's message with its hint, and "What is failing?" reaching the
 * engine's troubleshoot request (its output tab opens). The runner is a fake that records the
 * command, so no flux binary is needed and nothing touches a cluster.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResourceStatus } from '../../electron/api/contract';
import { createEngine, type CommandRunner, type Engine } from '../../electron/lab/engine';
import type { StepDefinition } from '../../electron/lab/plan/step';
import type { CommandSpec } from '../../electron/lab/run/types';
import { browserSkipReason, openRendererInChromium, type RendererInChromium } from '../e2e/browser';

const missing = browserSkipReason('renderer') ?? null;
if (missing) console.log(`renderer-status: skipped, ${missing}`);

/** One step so the card (where the live status lives) has something to show. */
const step: StepDefinition = {
  id: 'bootstrap',
  phase: 'test',
  title: 'Bootstrap Flux',
  why: 'Installs the controllers.',
  dependsOn: [],
  estimateSeconds: 60,
  inputs: [],
  commands: () => [],
  check: async () => ({ done: false }),
  run: async () => undefined,
};

const ks = (name: string, ready: boolean | null, message: string, dependsOn?: string[]): ResourceStatus => ({
  cluster: 'k3d-crossplane',
  kind: 'Kustomization',
  namespace: 'flux-system',
  name,
  ready,
  message,
  ...(dependsOn ? { dependsOn } : {}),
});

describe.skipIf(missing !== null)('live status panel in Chromium', () => {
  let dataDir: string;
  let engine: Engine;
  let ui: RendererInChromium | undefined;
  let page: Page;
  const ran: CommandSpec[] = [];
  let problems: string[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'lab-status-'));
    const runner: CommandRunner = {
      async run(spec, listener) {
        ran.push(spec);
        listener?.onChunk?.('stdout', 'NAMESPACE\tNAME\tREADY\nflux-system\tinfra-configs\tFalse\n');
        return { exitCode: 0, stdout: '', stderr: '', executable: '/usr/bin/flux', durationMs: 1 };
      },
    };
    engine = createEngine({ dataDir, steps: [step], runner, env: { LAB_DATA_DIR: dataDir } });
    await engine.start();
    engine.reportResource(ks('infra-controllers', true, 'Applied revision: main@sha1:4f2c1b0'));
    engine.reportResource(ks('infra-configs', false, 'decryption failed: no key could decrypt secret', ['flux-system/infra-controllers']));
    engine.reportResource(ks('apps', false, "dependency 'flux-system/infra-configs' is not ready", ['flux-system/infra-configs']));
    ui = await openRendererInChromium(engine, { consoleTypes: ['error', 'warning'] });
    ({ page, problems } = ui);
    // A stand-in for the browser's Notification API that records what the page asks of it.
    await page.addInitScript(() => {
      const w = globalThis as unknown as { __notified: string[]; __permissionAsked: number };
      w.__notified = [];
      w.__permissionAsked = 0;
      class RecordingNotification {
        static permission = 'default';
        static async requestPermission(): Promise<string> {
          w.__permissionAsked += 1;
          RecordingNotification.permission = 'granted';
          return 'granted';
        }
        constructor(title: string, options?: { body?: string }) {
          w.__notified.push(`${title}|${options?.body ?? ''}`);
        }
      }
      Object.defineProperty(globalThis, 'Notification', { value: RecordingNotification, configurable: true });
    });
    await page.goto(ui.host.url);
  });

  afterAll(async () => {
    await ui?.close();
    await engine?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('summarises the graph for screen readers and offers each object as a button', async () => {
    await page.getByRole('img', { name: 'Dependency graph: 1 of 3 ready' }).waitFor({ timeout: 15_000 });
    const list = page.getByRole('list', { name: 'Flux objects on k3d-crossplane, 1 of 3 ready' });
    const names = await list.getByRole('button').allTextContents();
    // Ordered by dependency: what an object waits for comes before it.
    expect(names).toEqual(['Kustomization infra-controllers: Ready', 'Kustomization infra-configs: Not ready', 'Kustomization apps: Not ready']);
    expect(await page.locator('.status-graph .graph-edge').count()).toBe(2);
  });

  it('follows resource events: a node turning ready updates the summary', async () => {
    engine.reportResource(ks('apps', true, 'Applied revision: main@sha1:4f2c1b0', ['flux-system/infra-configs']));
    await page.getByRole('img', { name: 'Dependency graph: 2 of 3 ready' }).waitFor({ timeout: 10_000 });
    engine.reportResource(ks('apps', false, "dependency 'flux-system/infra-configs' is not ready", ['flux-system/infra-configs']));
    await page.getByRole('img', { name: 'Dependency graph: 1 of 3 ready' }).waitFor({ timeout: 10_000 });
  });

  it('shows the chosen object with its message, a plain-language hint, Logs and Trace', async () => {
    await page.getByRole('button', { name: 'Kustomization infra-configs: Not ready' }).click();
    const details = page.getByRole('region', { name: 'Kustomization infra-configs' });
    await details.waitFor();
    expect(await details.getByText('decryption failed: no key could decrypt secret').isVisible()).toBe(true);
    expect(await details.getByRole('list', { name: 'What this usually means' }).textContent()).toMatch(/Seal it again/);
    await details.getByRole('button', { name: 'Trace' }).click();
    await expect.poll(() => ran.map((s) => s.argv.join(' ')), { timeout: 10_000 }).toContain('flux trace -n flux-system Kustomization/infra-configs --context=k3d-crossplane');
    expect(await details.getByRole('button', { name: 'Logs' }).isVisible()).toBe(true);
  });

  it('"What is failing?" runs through the troubleshoot request and opens its output tab', async () => {
    await page.getByRole('button', { name: 'What is failing?' }).click();
    const tab = page.getByRole('tab', { name: 'Failing on k3d-crossplane' });
    await tab.waitFor({ timeout: 10_000 });
    expect(await tab.getAttribute('aria-selected')).toBe('true');
    expect(ran.map((s) => s.argv.join(' '))).toContain('flux get all -A --status-selector ready=false --context=k3d-crossplane');
  });

  it('refuses a trace target that the contract rejects, without calling the engine', async () => {
    const before = ran.length;
    await page.getByRole('button', { name: 'Trace…' }).click();
    await page.getByRole('textbox', { name: 'Object (kind/name)' }).fill('not a target');
    await page.getByRole('button', { name: 'Run trace' }).click();
    expect(await page.getByRole('alert').filter({ hasText: 'object: use kind/name' }).isVisible()).toBe(true);
    expect(ran.length).toBe(before);
  });

  it('asks for notification permission only on "Notify me", then notifies when the long step ends', async () => {
    const asked = () => page.evaluate(() => (globalThis as unknown as { __permissionAsked: number }).__permissionAsked);
    expect(await asked()).toBe(0);
    const toggle = page.getByRole('button', { name: 'Notify me' });
    await toggle.click();
    await expect.poll(() => toggle.getAttribute('aria-pressed')).toBe('true');
    expect(await asked()).toBe(1);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect
      .poll(() => page.evaluate(() => (globalThis as unknown as { __notified: string[] }).__notified), { timeout: 10_000 })
      .toEqual(['Bootstrap Flux finished|Open GitOps Lab for the next step.']);
  });

  it('logged no console errors or warnings', () => {
    expect(problems).toEqual([]);
  });
});
