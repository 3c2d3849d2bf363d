/**
 * Ending a command together with everything it started.
 *
 * API: killProcessTree(pid, signal, platform?)  -> signals the process group (POSIX) or the tree (Windows)
 *      processGroupAlive(pgid, platform?)       -> whether any live member of the group remains
 *      waitForGroupExit(pgid, options)           -> resolves once the group is gone (or gives up)
 *      trackGroup(pgid) / untrackGroup(pgid)     -> groups killed if this process exits first
 *
 * POSIX: the runner starts every command detached, so it leads its own process group and one
 * signal to -pgid reaches its children and grandchildren (k3d spawning docker, flux spawning
 * kubectl, a shell script spawning sleeps). Windows has no groups; `taskkill /T /F` walks the tree.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export function killProcessTree(pid: number, signal: NodeJS.Signals, platform: NodeJS.Platform = process.platform): void {
  if (platform === 'win32') {
    const taskkill = spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true });
    taskkill.on('error', () => undefined);
    return;
  }
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/**
 * A group whose only remaining members are zombies counts as gone: they hold no resources and,
 * where the container's init does not reap orphans, they would otherwise never disappear.
 */
export function processGroupAlive(pgid: number, platform: NodeJS.Platform = process.platform): boolean {
  if (platform === 'linux') return linuxGroupHasLiveMember(pgid);
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function linuxGroupHasLiveMember(pgid: number): boolean {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return false;
  }
  for (const entry of entries) {
    if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue;
    const stat = readProcStat(entry);
    if (stat && stat.pgrp === pgid && stat.state !== 'Z' && stat.state !== 'X') return true;
  }
  return false;
}

/** Whether a single process is alive and not a zombie (used by tests and diagnostics). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform !== 'linux') return true;
  const stat = readProcStat(String(pid));
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

function readProcStat(pid: string): { state: string; pgrp: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may contain spaces, so parse after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', pgrp: Number(fields[2]) };
}

export interface WaitOptions {
  /** Give up after this long (the caller has already sent SIGKILL by then). */
  timeoutMs: number;
  intervalMs?: number;
  platform?: NodeJS.Platform;
}

export async function waitForGroupExit(pgid: number, options: WaitOptions): Promise<boolean> {
  const platform = options.platform ?? process.platform;
  if (platform === 'win32') return true;
  const deadline = Date.now() + options.timeoutMs;
  while (processGroupAlive(pgid, platform)) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 25));
  }
  return true;
}

const liveGroups = new Set<number>();
let exitHookInstalled = false;

/** Makes sure a detached command does not outlive the app if the app exits mid-run. */
export function trackGroup(pgid: number): void {
  liveGroups.add(pgid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const group of liveGroups) killProcessTree(group, 'SIGKILL');
  });
}

export function untrackGroup(pgid: number): void {
  liveGroups.delete(pgid);
}
