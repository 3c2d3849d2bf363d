/**
 * asdf >= 0.16 (the Go rewrite): `--version`, `plugin list`, `plugin add`, `install`, `set [--home]`
 * and `current`, parsed from the formats in transcripts/asdf.md. Older asdf (0.10's `plugin-add`,
 * `global`) is detected by version and refused, because its commands differ.
 */
import type { RunCommand } from './docker';
import { findVersion, satisfies } from './versions';

export const MIN_ASDF_VERSION = '0.16.0';

export interface AsdfOptions {
  /** Folder whose `.tool-versions` asdf reads and `asdf set` writes. */
  cwd?: string;
  env?: Record<string, string>;
}

export async function asdfVersion(run: RunCommand, options: AsdfOptions = {}): Promise<{ version: string | undefined; modern: boolean }> {
  const result = await run({ argv: ['asdf', '--version'], ...spec(options) });
  const version = findVersion(result.stdout);
  return { version, modern: version !== undefined && satisfies(version, `>=${MIN_ASDF_VERSION}`) };
}

/** Installed plugins; asdf prints `No plugins installed` on stderr (exit 0) when there are none. */
export async function pluginList(run: RunCommand, options: AsdfOptions = {}): Promise<string[]> {
  const result = await run({ argv: ['asdf', 'plugin', 'list'], ...spec(options) });
  return result.stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter(Boolean);
}

/** Silent on success; "already added" is also exit 0, so adding twice is harmless. */
export async function pluginAdd(run: RunCommand, plugin: string, options: AsdfOptions = {}): Promise<{ alreadyAdded: boolean }> {
  const result = await run({ argv: ['asdf', 'plugin', 'add', plugin], ...spec(options) });
  return { alreadyAdded: /already added/.test(result.stderr) };
}

/** `asdf install` (every tool of `.tool-versions`) or `asdf install <plugin> <version>`. */
export async function install(run: RunCommand, tool?: { plugin: string; version: string }, options: AsdfOptions = {}): Promise<{ alreadyInstalled: boolean }> {
  const argv = tool ? ['asdf', 'install', tool.plugin, tool.version] : ['asdf', 'install'];
  // Downloads take a while on a slow connection; ten minutes covers the largest (gcloud).
  const result = await run({ argv, ...spec(options), timeoutMs: 600_000 });
  return { alreadyInstalled: /is already installed/.test(result.stderr) };
}

/** `asdf set` writes `.tool-versions` in cwd, or in HOME with `home: true`; it prints nothing. */
export async function setVersion(run: RunCommand, plugin: string, version: string, options: AsdfOptions & { home?: boolean } = {}): Promise<void> {
  await run({ argv: ['asdf', 'set', ...(options.home ? ['--home'] : []), plugin, version], ...spec(options) });
}

export interface AsdfCurrentRow {
  name: string;
  /** undefined when no version is set (asdf prints `______`). */
  version?: string;
  /** The `.tool-versions` path or env var that set the version. */
  source?: string;
  installed: boolean;
}

/** `asdf current`: one row per plugin in the 4-column table (Name Version Source Installed). */
export async function current(run: RunCommand, options: AsdfOptions = {}): Promise<AsdfCurrentRow[]> {
  // 126: nothing set, 1: set but not installed; the table is printed either way.
  const result = await run({ argv: ['asdf', 'current'], ...spec(options), okExitCodes: [0, 1, 126] });
  return parseCurrent(result.stdout);
}

const NOT_SET = '______';

export function parseCurrent(stdout: string): AsdfCurrentRow[] {
  const rows: AsdfCurrentRow[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.trim() || /^Name\s+Version\s+Source\s+Installed\s*$/.test(line) || /^No (plugins installed|such plugin)/.test(line)) continue;
    // The Installed cell is `true`, or ``false - Run `asdf install x y` `` (with spaces), or empty when nothing is set.
    const installedMatch = /\s(true|false(?: - Run `[^`]*`)?)\s*$/.exec(line);
    const rest = installedMatch ? line.slice(0, installedMatch.index) : line;
    // Source paths with spaces would be split here; asdf's tabwriter gives no way to tell them apart.
    const cells = rest.trim().split(/\s+/);
    const name = cells[0]!;
    const source = cells.length > 2 ? cells[cells.length - 1] : undefined;
    const version = cells.slice(1, cells.length > 2 ? -1 : undefined).join(' ');
    const row: AsdfCurrentRow = { name, installed: installedMatch?.[1] === 'true' };
    if (version && version !== NOT_SET) row.version = version;
    if (source && source !== NOT_SET) row.source = source;
    rows.push(row);
  }
  return rows;
}

function spec(options: AsdfOptions): { cwd?: string; env?: Record<string, string> } {
  return { ...(options.cwd ? { cwd: options.cwd } : {}), ...(options.env ? { env: options.env } : {}) };
}
