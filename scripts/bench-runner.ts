/**
 * `npm run bench:runner`: how much the runner (masking, chunk and line listeners, capture) costs
 * compared with reading a plain child_process pipe.
 *
 * A node child writes 1,000,000 lines of 80 bytes (~80 MB). Each round runs both sides, each in a
 * fresh process so its peak RSS (getrusage maxRSS) is its own: (a) plain spawn counting bytes,
 * (b) the runner with 3 registered secrets and counting onChunk/onLine listeners. Rounds alternate
 * so load from other work on the machine hits both sides alike. Prints figures; asserts nothing.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SecretMasker } from '../electron/lab/run/mask';
import { createRunner } from '../electron/lab/run/runner';

const LINES = 1_000_000;
const ROUNDS = 5;

/** The generator: one 1,000-line block (one line carries a secret), written with back-pressure. */
const GENERATOR = `
const lines = [];
for (let i = 0; i < 1000; i++) {
  const text = i === 500 ? 'token ghp_BenchSecretValue0001 in a log line' : 'line ' + i + ' of a benchmark block with some ordinary log text';
  lines.push(text.padEnd(79, '.').slice(0, 79) + '\\n');
}
const block = Buffer.from(lines.join(''));
let left = ${LINES / 1000};
const write = () => {
  while (left > 0) {
    left--;
    if (!process.stdout.write(block)) return process.stdout.once('drain', write);
  }
};
write();
`;

interface SideResult {
  side: 'raw' | 'runner' | 'idle';
  bytes: number;
  lines?: number;
  seconds: number;
  /** CPU time of the side process during the measured part (user + system). */
  cpuSeconds: number;
  maxRssMb: number;
}

async function rawSide(): Promise<SideResult> {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  let bytes = 0;
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', GENERATOR], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', (chunk: Buffer) => (bytes += chunk.length));
    child.on('error', reject);
    child.on('close', () => resolve());
  });
  return { side: 'raw', bytes, seconds: elapsed(started), cpuSeconds: cpuSince(cpu), maxRssMb: maxRssMb() };
}

async function runnerSide(): Promise<SideResult> {
  const masker = new SecretMasker();
  masker.register('ghp_BenchSecretValue0001', { name: 'GITHUB_TOKEN' });
  masker.register('admin-password-for-grafana');
  masker.register('-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n');
  // The login shell's PATH is read once at app start-up; keep that one-off out of the timing.
  const runner = createRunner({ masker, loginShell: false });
  let chars = 0;
  let lines = 0;
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  await runner.run(
    { argv: [process.execPath, '-e', GENERATOR] },
    {
      onChunk: (_source, data) => (chars += data.length),
      onLine: () => lines++,
    },
  );
  // Masking shortens the output by the secret's length minus `***` on each occurrence; count the
  // bytes the child wrote, so both sides report the same amount of work.
  if (chars === 0) throw new Error('the runner delivered no output');
  return { side: 'runner', bytes: LINES * 80, lines, seconds: elapsed(started), cpuSeconds: cpuSince(cpu), maxRssMb: maxRssMb() };
}

function elapsed(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

function maxRssMb(): number {
  // Linux and macOS report maxRSS in kilobytes through libuv.
  return process.resourceUsage().maxRSS / 1024;
}

/** Runs one side in a fresh process and returns its figures. */
function measure(side: 'raw' | 'runner' | 'idle'): Promise<SideResult> {
  return new Promise((resolve, reject) => {
    const self = fileURLToPath(import.meta.url);
    const child = spawn(process.execPath, [...process.execArgv, self, `--side=${side}`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as SideResult) : reject(new Error(`${side} side exited with ${code}`))));
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const sideArg = process.argv.find((arg) => arg.startsWith('--side='));
  if (sideArg) {
    const result =
      sideArg === '--side=raw'
        ? await rawSide()
        : sideArg === '--side=idle'
          ? { side: 'idle' as const, bytes: 0, seconds: 0, cpuSeconds: 0, maxRssMb: maxRssMb() }
          : await runnerSide();
    process.stdout.write(JSON.stringify(result));
    return;
  }
  const mbps = { raw: [] as number[], runner: [] as number[] };
  const rss = { raw: [] as number[], runner: [] as number[] };
  const cpu = { raw: [] as number[], runner: [] as number[] };
  console.log(`bench:runner - ${LINES.toLocaleString('en')} lines x 80 bytes, ${ROUNDS} alternating rounds`);
  for (let round = 1; round <= ROUNDS; round++) {
    for (const side of round % 2 ? (['raw', 'runner'] as const) : (['runner', 'raw'] as const)) {
      const result = await measure(side);
      const rate = result.bytes / 1e6 / result.seconds;
      mbps[side].push(rate);
      rss[side].push(result.maxRssMb);
      cpu[side].push(result.cpuSeconds);
      const lines = result.lines !== undefined ? `, ${result.lines.toLocaleString('en')} lines` : '';
      console.log(`  round ${round} ${side.padEnd(6)} ${rate.toFixed(0).padStart(5)} MB/s  ${result.seconds.toFixed(2)} s (cpu ${result.cpuSeconds.toFixed(2)} s)  peak RSS ${result.maxRssMb.toFixed(0)} MB${lines}`);
    }
  }
  const raw = median(mbps.raw);
  const run = median(mbps.runner);
  console.log(`raw pipe (median):      ${raw.toFixed(0)} MB/s, peak RSS ${Math.max(...rss.raw).toFixed(0)} MB`);
  console.log(`runner + masking (median): ${run.toFixed(0)} MB/s, peak RSS ${Math.max(...rss.runner).toFixed(0)} MB`);
  const idle = await measure('idle');
  console.log(`baseline RSS of a side process doing nothing (node + tsx + imports): ${idle.maxRssMb.toFixed(0)} MB`);
  console.log(`ratio runner/raw: ${(run / raw).toFixed(2)} (goal >= 0.5); runner peak RSS goal < 150 MB`);
  // Wall-clock rates swing with other load on the machine; CPU time per MB does much less.
  const cpuPerMb = (side: 'raw' | 'runner'): number => median(cpu[side]) / (LINES * 80 / 1e6) * 1000;
  console.log(`CPU per MB (median): raw ${cpuPerMb('raw').toFixed(2)} ms, runner ${cpuPerMb('runner').toFixed(2)} ms`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
