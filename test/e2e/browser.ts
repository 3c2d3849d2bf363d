/**
 * What the browser tests share: Debian's Chromium started the way this machine needs it, and
 * `lab serve` started as a person would, resolving with the sign-in URL it prints.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { chromium, type Browser } from 'playwright-core';

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
