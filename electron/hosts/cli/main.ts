/**
 * Entry point of the `lab` command (bundled to out/cli/lab.mjs, started by bin/lab.js): wires the
 * real engine, web host, console and signals into the program.
 */
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { createEngine } from '../../lab/engine';
import { startWebHost } from '../web/server';
import { openBrowser } from './open-browser';
import { findPackageRoot, labVersion } from './package-info';
import { runCli, type CliDeps } from './program';

/** After Ctrl-C, how long a clean shutdown may take before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 5_000;

function waitForShutdown(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      // A handle left open by a dependency must not keep Ctrl-C from ending the server.
      setTimeout(() => process.exit(process.exitCode ?? 0), SHUTDOWN_GRACE_MS).unref();
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

const deps: CliDeps = {
  version: labVersion(),
  createEngine: (options) => createEngine(options),
  startWebHost,
  staticDir: join(findPackageRoot(), 'out', 'renderer'),
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  openBrowser: (url) => openBrowser(url, (message) => process.stderr.write(`lab: ${message}\n`)),
  waitForShutdown,
  isTTY: process.stdin.isTTY === true && process.stdout.isTTY === true,
  columns: process.stdout.columns,
  async confirm(question) {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    try {
      return /^y(es)?$/i.test((await rl.question(question)).trim());
    } finally {
      rl.close();
    }
  },
};

process.exitCode = await runCli(deps, process.argv.slice(2));
