/**
 * The terminal's search box in Chromium against the real web host, in-process: a step's output
 * (from a fake runner) is searched; every match is highlighted, the box says "n of m", Enter and
 * Shift+Enter move through the matches, Escape clears the highlights. Controls are found by role
 * and accessible name, as a screen reader would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type CommandRunner, type Engine } from '../../electron/lab/engine';
import type { StepDefinition } from '../../electron/lab/plan/step';
import { browserSkipReason, openRendererInChromium, type RendererInChromium } from '../e2e/browser';

const missing = browserSkipReason('renderer') ?? null;
if (missing) console.log(`renderer-terminal-search: skipped, ${missing}`);

const OUTPUT = ['► annotating GitRepository flux-system', 'crossplane-core: waiting - dependency not ready', 'crossplane-provider: waiting - dependency not ready', 'crossplane-configuration: ready', ''].join('\n');

const step: StepDefinition = {
  id: 'crossplane',
  phase: 'test',
  title: 'Crossplane',
  why: 'Installs Crossplane.',
  dependsOn: [],
  estimateSeconds: 5,
  inputs: [],
  commands: () => [],
  check: async () => ({ done: false }),
  run: async (ctx) => {
    await ctx.run({ argv: ['flux', 'get', 'kustomizations'] });
    return undefined;
  },
};

describe.skipIf(missing !== null)('terminal search in Chromium', () => {
  let dataDir: string;
  let engine: Engine;
  let ui: RendererInChromium | undefined;
  let page: Page;
  let problems: string[] = [];

  const results = () => page.getByRole('status', { name: 'Search results' });
  const box = () => page.getByRole('searchbox', { name: 'Search the output' });
  /**
   * Highlight boxes drawn over the terminal, told apart by their outline: every match gets one in
   * the match colour (#8a7220), the current match a second one in the active colour (#ffcc33).
   */
  const outlined = (rgb: string) =>
    page.locator('.xterm-find-result-decoration').evaluateAll((boxes, colour) => boxes.filter((box) => (box as unknown as { style: { outline: string } }).style.outline.includes(colour)).length, rgb);
  const highlighted = () => outlined('rgb(138, 114, 32)');
  const current = () => outlined('rgb(255, 204, 51)');

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'lab-search-'));
    const runner: CommandRunner = {
      async run(_spec, listener) {
        listener?.onChunk?.('stdout', OUTPUT);
        return { exitCode: 0, stdout: OUTPUT, stderr: '', executable: '/usr/bin/flux', durationMs: 1 };
      },
    };
    engine = createEngine({ dataDir, steps: [step], runner, env: { LAB_DATA_DIR: dataDir } });
    await engine.start();
    await engine.runStep({ stepId: 'crossplane' });
    await engine.whenIdle();
    ui = await openRendererInChromium(engine);
    ({ page, problems } = ui);
    await page.goto(ui.host.url);
  });

  afterAll(async () => {
    await ui?.close();
    await engine?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('highlights every match as you type and says which one is current', async () => {
    await page.getByRole('tab', { name: 'Crossplane' }).click();
    await expect.poll(() => page.locator('.xterm-rows').textContent(), { timeout: 15_000 }).toContain('crossplane-configuration: ready');
    await box().fill('waiting');
    await expect.poll(() => results().textContent(), { timeout: 10_000 }).toBe('1 of 2');
    await expect.poll(highlighted).toBe(2);
    expect(await current()).toBe(1);
    await box().fill('ready');
    // "not ready" twice and "ready" once.
    await expect.poll(() => results().textContent()).toMatch(/^\d of 3$/);
    await expect.poll(highlighted).toBe(3);
  });

  it('moves with Enter and Shift+Enter, wrapping around', async () => {
    await box().fill('waiting');
    await expect.poll(() => results().textContent()).toMatch(/^\d of 2$/);
    const first = await results().textContent();
    await box().press('Enter');
    const second = first === '1 of 2' ? '2 of 2' : '1 of 2';
    await expect.poll(() => results().textContent()).toBe(second);
    await box().press('Enter');
    await expect.poll(() => results().textContent()).toBe(first);
    await box().press('Shift+Enter');
    await expect.poll(() => results().textContent()).toBe(second);
    expect(await page.getByRole('button', { name: 'Next match' }).isEnabled()).toBe(true);
    await page.getByRole('button', { name: 'Previous match' }).click();
    await expect.poll(() => results().textContent()).toBe(first);
  });

  it('says when nothing matches, and Escape clears the box and every highlight', async () => {
    await box().fill('quota exceeded');
    await expect.poll(() => results().textContent()).toBe('No match');
    expect(await highlighted()).toBe(0);
    await box().fill('dependency');
    await expect.poll(highlighted).toBe(2);
    await box().press('Escape');
    await expect.poll(highlighted).toBe(0);
    expect(await current()).toBe(0);
    expect(await box().inputValue()).toBe('');
    expect(await results().textContent()).toBe('');
    expect(await page.getByRole('button', { name: 'Next match' }).isDisabled()).toBe(true);
    expect(problems).toEqual([]);
  });
});
