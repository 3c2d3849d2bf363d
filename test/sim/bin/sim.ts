/**
 * `npm run sim -- --state DIR [--time-scale X] [--fault NAME ...]` runs the simulated world in
 * the foreground; `npm run sim -- report --state DIR` prints it as JSON (from the running world,
 * else from DIR/world.json).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs as parseArgv } from 'node:util';
import { faultRegistry } from '../world/faults.js';
import { publicView } from '../world/public-view.js';
import { loadWorldState } from '../world/state.js';
import { startWorld } from '../world/world.js';

const USAGE = `usage: sim --state DIR [--time-scale X] [--fault NAME ...]
       sim report --state DIR
faults:
${Object.entries(faultRegistry).map(([name, what]) => `  ${name.padEnd(24)} ${what}`).join('\n')}
`;

interface Args {
  report: boolean;
  state?: string;
  timeScale?: number;
  faults: string[];
}

function parseArgs(argv: string[]): Args {
  const { values, positionals } = parseArgv({
    args: argv,
    allowPositionals: true,
    options: { state: { type: 'string' }, 'time-scale': { type: 'string' }, fault: { type: 'string', multiple: true, default: [] }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) throw new Error('');
  const unknown = positionals.filter((p) => p !== 'report');
  if (unknown.length > 0) throw new Error(`unknown argument: ${unknown[0]}`);
  if (!values.state) throw new Error('--state DIR is required');
  return {
    report: positionals.includes('report'),
    state: resolve(values.state),
    faults: values.fault ?? [],
    ...(values['time-scale'] !== undefined ? { timeScale: Number(values['time-scale']) } : {}),
  };
}

async function report(stateDir: string): Promise<number> {
  const envFile = resolve(stateDir, 'env.sh');
  const control = existsSync(envFile) ? /LAB_SIM_CONTROL='([^']+)'/.exec(readFileSync(envFile, 'utf8'))?.[1] : undefined;
  if (control) {
    try {
      const res = await fetch(`${control}/world`);
      if (res.ok) {
        process.stdout.write(`${JSON.stringify(await res.json(), null, 2)}\n`);
        return 0;
      }
    } catch {
      // The world is not running: fall back to what it last saved.
    }
  }
  const state = loadWorldState(stateDir);
  if (!state) {
    process.stderr.write(`sim: no world in ${stateDir} (no world.json)\n`);
    return 1;
  }
  process.stdout.write(`${JSON.stringify(publicView(state, [], {}), null, 2)}\n`);
  return 0;
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    const message = (error as Error).message;
    process.stderr.write(message ? `sim: ${message}\n${USAGE}` : USAGE);
    return message ? 2 : 0;
  }
  if (args.report) return report(args.state!);
  const world = await startWorld({
    stateDir: args.state!,
    ...(args.timeScale !== undefined ? { timeScale: args.timeScale } : {}),
    faults: args.faults,
  });
  process.stdout.write(
    `simulated world running (time scale ${world.clock.scale}, control ${world.url})\n` +
      `faults: ${world.faults.list().join(', ') || 'none'}\n` +
      `environment: ${world.envFile}\n` +
      `source it in your shell:  . ${world.envFile}\n` +
      'Ctrl-C stops the world; its state stays in the folder and a restart resumes it.\n',
  );
  await new Promise<void>((resolveStop) => {
    process.once('SIGINT', resolveStop);
    process.once('SIGTERM', resolveStop);
  });
  await world.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`sim: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
