/**
 * `npm run bench:ui [-- --idle-seconds N] [--lines N]`: how the UI copes with a flood of output.
 *
 * Starts the web host in this process with an engine whose one step runs a `node -e` child through
 * the real runner; the child prints 1,000,000 lines of 80 bytes (~80 MB). Chromium opens the page
 * with `?stats=1`, which makes the renderer keep read-only per-stream line counters in
 * `window.__labStats` (see renderer/src/lib/lab-stats.ts): the benchmark reads them from outside
 * rather than through xterm's internals. Then the lab sits idle for a minute and the benchmark
 * looks for leftovers: processes the engine started that are still alive, and CPU used by the
 * host process and by the page meanwhile. Prints figures next to their goals; asserts nothing.
 *
 * Lines sent are counted from the engine's own `log` events, so "shown / sent" is 1.0 exactly
 * when the page lost nothing. The longest main-thread task is given twice: as the Long Tasks
 * API sees it (wall time, which a CPU shared with other work stretches) and as CPU time from a
 * Chrome trace of the flood (what the page itself spent). Gap reads count the page's `readLog`
 * calls by offset: how often it fell behind and pulled output from the log instead.
 *
 * Needs the built renderer (`npm run build`) and Chromium (/usr/bin/chromium or CHROMIUM_PATH).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type CDPSession } from 'playwright-core';
import { createEngine } from '../electron/lab/engine';
import type { StepDefinition } from '../electron/lab/plan/step';
import { startWebHost } from '../electron/hosts/web/server';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const staticDir = join(root, 'out', 'renderer');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name}: expected a number`);
  return value;
}
const LINES = option('lines', 1_000_000);
const IDLE_SECONDS = option('idle-seconds', 60);
const STEP_ID = 'flood';

/** 1,000-line blocks of 80 bytes per line, written with back-pressure; the last line is a marker, spelt in two parts so the echoed command line does not contain it. */
const GENERATOR = `
const lines = [];
for (let i = 0; i < 1000; i++) lines.push(('line ' + i + ' of a benchmark block with some ordinary log text').padEnd(79, '.') + '\\n');
const block = Buffer.from(lines.join(''));
let left = ${Math.ceil(LINES / 1000)};
const write = () => {
  while (left > 0) {
    left--;
    if (!process.stdout.write(left === 0 ? block.subarray(0, block.length - 80) : block)) return process.stdout.once('drain', write);
  }
  process.stdout.write(('LAB-BENCH-' + 'END').padEnd(79, '.') + '\\n');
};
write();
`;

const step: StepDefinition = {
  id: STEP_ID,
  phase: 'bench',
  title: 'Flood',
  why: 'Prints a lot of output.',
  dependsOn: [],
  estimateSeconds: 10,
  inputs: [],
  commands: () => [{ argv: ['node', '-e', '…'] }],
  check: async () => ({ done: false }),
  run: async (ctx) => {
    await ctx.run({ argv: [process.execPath, '-e', GENERATOR] });
  },
};

/** Every process below `pid`, from /proc (Linux). */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name is in parentheses and may contain spaces: the ppid follows the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parentOf.set(Number(entry), ppid);
    } catch {
      // The process ended while we looked.
    }
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [child, ppid] of parentOf) if (ppid === parent) (out.push(child), queue.push(child));
  }
  return out;
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  tdur?: number;
  args?: { name?: string };
}

async function readTrace(cdp: CDPSession, handle: string): Promise<TraceEvent[]> {
  const chunks: string[] = [];
  for (;;) {
    const part = (await cdp.send('IO.read', { handle })) as { data: string; eof: boolean; base64Encoded?: boolean };
    chunks.push(part.base64Encoded ? Buffer.from(part.data, 'base64').toString('utf8') : part.data);
    if (part.eof) break;
  }
  await cdp.send('IO.close', { handle });
  const parsed = JSON.parse(chunks.join('')) as TraceEvent[] | { traceEvents: TraceEvent[] };
  return Array.isArray(parsed) ? parsed : parsed.traceEvents;
}

/** The most CPU one task of the page's main thread took, in ms. */
function longestTaskCpu(trace: TraceEvent[]): number {
  const main = trace.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  if (!main) return Number.NaN;
  let longest = 0;
  for (const e of trace) if (e.name === 'RunTask' && e.pid === main.pid && e.tid === main.tid) longest = Math.max(longest, e.tdur ?? 0);
  return longest / 1000;
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  if (!existsSync(join(staticDir, 'index.html'))) throw new Error('the renderer is not built: run `npm run build` first');
  if (!existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath} (set CHROMIUM_PATH)`);
  // Processes already below us (tsx's esbuild service) are not the engine's.
  const preexisting = new Set(descendants(process.pid));
  const dataDir = mkdtempSync(join(tmpdir(), 'lab-bench-ui-'));
  const engine = createEngine({ dataDir, steps: [step], env: { ...process.env, LAB_DATA_DIR: dataDir } });
  await engine.start();
  let linesSent = 0;
  engine.onEvent((event) => {
    if (event.type === 'log' && event.stream === STEP_ID) linesSent += countNewlines(event.data);
  });
  // The page's reads by offset are its gap reads (its history reads after a reload use a tail).
  const gapReads = { calls: 0, bytes: 0 };
  const backend = new Proxy(engine, {
    get(target, key, receiver) {
      if (key !== 'readLog') return Reflect.get(target, key, receiver);
      return async (params: Parameters<typeof engine.readLog>[0]) => {
        const page = await target.readLog(params);
        if ((params.offset ?? 0) >= 0) (gapReads.calls++, (gapReads.bytes += Buffer.byteLength(page.text)));
        return page;
      };
    },
  });
  const host = await startWebHost({ backend, staticDir, port: 0 });
  // Chromium is started by this process too: whatever appears below us during launch is its tree.
  const beforeLaunch = new Set(descendants(process.pid));
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--enable-precise-memory-info'],
  });
  const browserPids = descendants(process.pid).filter((pid) => !beforeLaunch.has(pid));
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    let sockets = 0;
    page.on('websocket', () => sockets++);
    await page.addInitScript(() => {
      const w = globalThis as unknown as { __longestTask: number; __longTasks: Array<[number, number]> };
      w.__longestTask = 0;
      w.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          w.__longestTask = Math.max(w.__longestTask, entry.duration);
          w.__longTasks.push([entry.startTime, entry.duration]);
        }
      }).observe({ entryTypes: ['longtask' as never] });
    });
    await page.goto(host.url);
    await page.goto(new URL('/?stats=1', host.url).toString());
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');

    const run = page.getByRole('button', { name: 'Run', exact: true });
    await run.waitFor({ timeout: 30_000 });
    // The page's own load is not what is measured: start counting long tasks at the click.
    const socketsBefore = sockets;
    const clickedAt = await page.evaluate(() => {
      const w = globalThis as unknown as { __longestTask: number; __longTasks: Array<[number, number]> };
      w.__longestTask = 0;
      w.__longTasks = [];
      return performance.now();
    });
    // A trace of the flood gives each main-thread task's CPU time next to its wall time. It stays
    // in the browser until the end: streamed meanwhile, parsing it would starve the web host,
    // which runs in this process.
    const traced = new Promise<{ stream?: string }>((resolve) => cdp.once('Tracing.tracingComplete' as never, resolve as never));
    await cdp.send('Tracing.start', { categories: 'disabled-by-default-devtools.timeline', transferMode: 'ReturnAsStream' });
    await run.click();
    // The terminal has caught up when its last drawn rows (xterm's DOM renderer) show the marker.
    // The page notes the time itself, so a busy benchmark process cannot delay the reading.
    const drawn = page
      .waitForFunction(
        () => {
          const rows = (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document.querySelector('.xterm-rows');
          return rows?.textContent?.includes('LAB-BENCH-END') ? performance.now() : false;
        },
        undefined,
        { timeout: 300_000, polling: 100 },
      )
      .then((handle) => handle.jsonValue() as Promise<number>)
      .catch(() => null);
    await engine.whenIdle();
    const status = (await engine.getSnapshot({})).steps[STEP_ID]?.status;
    // The engine is done; the page is done when its count stops growing (or after five minutes).
    const read = () =>
      page.evaluate((id) => {
        const stats = (globalThis as unknown as { __labStats?: { lines: Record<string, number>; lastAt: Record<string, number> } }).__labStats;
        return { lines: stats?.lines[id] ?? 0, lastAt: stats?.lastAt[id] ?? 0 };
      }, STEP_ID);
    let seen = await read();
    // A page catching up from the log can pause for a round trip or a rotation's realignment:
    // done when it has every line, or after five quiet seconds.
    for (let quiet = 0, waited = 0; seen.lines < linesSent && quiet < 25 && waited < 1500; waited++) {
      await sleep(200);
      const now = await read();
      quiet = now.lines === seen.lines ? quiet + 1 : 0;
      seen = now;
    }
    const shown = seen.lines;
    await cdp.send('Tracing.end');
    const { stream } = await traced;
    const trace = stream ? await readTrace(cdp, stream) : [];
    const cpuLongest = longestTaskCpu(trace);
    const drawnAt = await drawn;
    const seconds = (seen.lastAt - clickedAt) / 1000;
    const longest = await page.evaluate(() => (globalThis as unknown as { __longestTask: number }).__longestTask);
    const longTasks = await page.evaluate(() => (globalThis as unknown as { __longTasks: Array<[number, number]> }).__longTasks);
    const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number };
    await cdp.send('HeapProfiler.collectGarbage');
    const heapAfterGc = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };

    const metric = async (name: string) => ((await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] }).metrics.find((m) => m.name === name)?.value ?? 0;
    const cpuBefore = process.cpuUsage();
    const taskBefore = await metric('TaskDuration');
    await sleep(IDLE_SECONDS * 1000);
    const cpu = process.cpuUsage(cpuBefore);
    const taskDuring = (await metric('TaskDuration')) - taskBefore;
    const chromiumTree = new Set(browserPids.flatMap((pid) => [pid, ...descendants(pid)]));
    const leftovers = descendants(process.pid)
      .filter((pid) => !chromiumTree.has(pid) && !preexisting.has(pid))
      .map((pid) => {
        try {
          return `${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').slice(0, 100)}`;
        } catch {
          return `${pid}`;
        }
      });

    const goal = (ok: boolean) => (ok ? 'ok' : 'MISSED');
    console.log(`bench:ui — ${LINES.toLocaleString('en')} lines of 80 bytes through the runner, the web host and Chromium`);
    console.log(`  step status           ${status}`);
    const drops = sockets - socketsBefore;
    console.log(`  lines in the page     ${shown.toLocaleString('en')}, last at ${seconds.toFixed(1)} s after Run = ${Math.round(shown / seconds).toLocaleString('en')} lines/s`);
    console.log(`  shown / sent          ${(shown / linesSent).toFixed(4)} (${shown.toLocaleString('en')} of the ${linesSent.toLocaleString('en')} lines the engine sent, its command echo included; goal 1.0: ${goal(shown === linesSent)})`);
    console.log(`  gap reads             ${gapReads.calls} readLog calls by offset, ${mb(gapReads.bytes)} (the page fell behind and pulled from the log)`);
    console.log(`  link drops            ${drops} (the host drops a socket only as a last resort, 8 MB behind)`);
    console.log(`  last line on screen   ${drawnAt === null ? 'never (marker not seen in the terminal)' : `${((drawnAt - clickedAt) / 1000).toFixed(1)} s after Run`}`);
    console.log(`  longest main task     ${longest.toFixed(0)} ms wall   (goal < 100 ms: ${goal(longest < 100)}); ${cpuLongest.toFixed(0)} ms CPU (trace)`);
    const worst = [...longTasks].sort((a, b) => b[1] - a[1]).slice(0, 5);
    console.log(`  tasks over 50 ms      ${longTasks.length}${worst.length ? `; longest at ${worst.map(([at, ms]) => `${((at - clickedAt) / 1000).toFixed(1)} s (${ms.toFixed(0)} ms)`).join(', ')}` : ''}`);
    console.log(`  page JS heap at end   ${mb(heap.usedSize)} used, ${mb(heapAfterGc.usedSize)} after GC   (goal < 200 MB: ${goal(heap.usedSize < 200 * 1024 * 1024)})`);
    console.log(`  idle ${IDLE_SECONDS} s:`);
    console.log(`    engine children alive ${leftovers.length}   (goal 0: ${goal(leftovers.length === 0)})${leftovers.map((l) => `\n      ${l}`).join('')}`);
    console.log(`    host process CPU      ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms (includes the benchmark's Playwright client)`);
    console.log(`    page main thread      ${(taskDuring * 1000).toFixed(0)} ms (CDP TaskDuration)`);
    if (problems.length > 0) console.log(`  page errors: ${problems.join('; ')}`);
  } finally {
    await browser.close();
    await host.close();
    await engine.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
