import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ToolIo } from '../bin/tool-io.js';
import { callWorld, WorldError } from '../world/control-client.js';
import type { AsdfState } from '../world/state.js';
import { pinnedToolVersions, pluginExecutables, type AsdfPluginName } from '../world/tool-versions.js';

const ASDF_VERSION = '0.20.0';
const NOT_SET = '______';

interface Resolved {
  version: string;
  /** The file that set it, or the env var name. */
  source: string;
}

/** Fake Go asdf (>= 0.16): plugin add/list, install, set, current, which, --version. */
export async function main(argv: string[], io: ToolIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case '--version':
    case 'version':
      io.stdout.write(`asdf version ${ASDF_VERSION}\n`);
      return 0;
    case 'plugin':
      return plugin(rest, io);
    case 'install':
      return install(rest, io);
    case 'set':
      return set(rest, io);
    case 'current':
      return current(rest, io);
    case 'which':
      return which(rest, io);
    case 'latest':
      return latest(rest, io);
    default:
      io.stderr.write(`invalid command: ${command ?? ''}\n`);
      return 1;
  }
}

const world = (io: ToolIo): Promise<AsdfState> => callWorld<AsdfState>(io.env, '/asdf');

async function plugin(argv: string[], io: ToolIo): Promise<number> {
  const [sub, name] = argv;
  if (sub === 'add') {
    if (!name) {
      io.stderr.write('usage: asdf plugin add <name> [<git-url>]\n');
      return 1;
    }
    try {
      const { added } = await callWorld<{ added: boolean }>(io.env, '/asdf/plugin-add', { name });
      if (!added) io.stderr.write(`Plugin named ${name} already added\n`);
      return 0;
    } catch (error) {
      if (error instanceof WorldError) {
        io.stderr.write(`${error.message}\n`);
        return 1;
      }
      throw error;
    }
  }
  if (sub === 'list') {
    const { plugins } = await world(io);
    if (plugins.length === 0) {
      io.stderr.write('No plugins installed\n');
      return 0;
    }
    const urls = argv.includes('--urls');
    for (const p of plugins) io.stdout.write(urls ? `${p}\t\thttps://github.com/asdf-community/asdf-${p}.git\n` : `${p}\n`);
    return 0;
  }
  io.stderr.write(`invalid command: plugin ${sub ?? ''}\n`);
  return 1;
}

/** Where `tool`'s version comes from: ASDF_TOOL_VERSION, then .tool-versions upwards from cwd, then HOME. */
function resolveVersion(tool: string, io: ToolIo): Resolved | undefined {
  const envName = `ASDF_${tool.toUpperCase().replace(/-/g, '_')}_VERSION`;
  const fromEnv = io.env[envName];
  if (fromEnv) return { version: fromEnv, source: envName };
  const candidates: string[] = [];
  for (let dir = resolve(io.cwd); ; dir = dirname(dir)) {
    candidates.push(join(dir, '.tool-versions'));
    if (dirname(dir) === dir) break;
  }
  if (io.env.HOME) candidates.push(join(io.env.HOME, '.tool-versions'));
  for (const file of candidates) {
    if (!existsSync(file)) continue;
    const found = readToolVersions(file).get(tool);
    if (found) return { version: found.join(' '), source: file };
  }
  return undefined;
}

function readToolVersions(file: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) continue;
    const [tool, ...versions] = line.split(/\s+/);
    if (tool && versions.length) map.set(tool, versions);
  }
  return map;
}

async function installOne(plugin: string, version: string, io: ToolIo): Promise<boolean> {
  const resolved = version === 'latest' ? (pinnedToolVersions[plugin as AsdfPluginName] ?? version) : version;
  const { installed } = await callWorld<{ installed: boolean }>(io.env, '/asdf/install', { plugin, version: resolved });
  if (!installed) {
    io.stderr.write(`version ${resolved} of ${plugin} is already installed\n`);
    return true;
  }
  // What the asdf-plugin-template scripts print; asdf passes the plugin's output through.
  io.stdout.write(`* Downloading ${plugin} release ${resolved}...\n`);
  writeInstalledExecutable(plugin, resolved, io);
  io.stdout.write(`${plugin} ${resolved} installation was successful!\n`);
  return true;
}

/** `installs/PLUGIN/VERSION/bin/EXE`, forwarding to the world's executable of the same name. */
function writeInstalledExecutable(plugin: string, version: string, io: ToolIo): void {
  const exe = pluginExecutables[plugin as AsdfPluginName] ?? plugin;
  const bin = join(dataDir(io), 'installs', plugin, version, 'bin');
  mkdirSync(bin, { recursive: true });
  const target = exe === 'kustomize' ? 'exec kubectl kustomize "$@"' : `exec "$(dirname "$0")/../../../../../bin/${exe}" "$@"`;
  writeFileSync(join(bin, exe), `#!/bin/sh\n${target}\n`);
  chmodSync(join(bin, exe), 0o755);
}

function dataDir(io: ToolIo): string {
  return io.env.ASDF_DATA_DIR || join(io.env.HOME ?? '.', '.asdf');
}

async function install(argv: string[], io: ToolIo): Promise<number> {
  const [tool, version] = argv;
  try {
    if (tool && version) return (await installOne(tool, version, io)) ? 0 : 1;
    if (tool) {
      const resolved = resolveVersion(tool, io);
      if (!resolved) {
        io.stderr.write(`No versions specified for ${tool} in config files or environment\n`);
        return 1;
      }
      for (const v of resolved.version.split(' ')) await installOne(tool, v, io);
      return 0;
    }
    const { plugins } = await world(io);
    const file = join(io.cwd, '.tool-versions');
    const wanted = existsSync(file) ? readToolVersions(file) : new Map<string, string[]>();
    for (const [name, versions] of wanted) {
      if (!plugins.includes(name)) io.stderr.write(`skipping uninstallable version ${versions.join(' ')} of ${name}\n`);
    }
    for (const p of plugins) {
      const resolved = resolveVersion(p, io);
      if (!resolved) continue;
      for (const v of resolved.version.split(' ')) await installOne(p, v, io);
    }
    return 0;
  } catch (error) {
    if (error instanceof WorldError) {
      io.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

async function set(argv: string[], io: ToolIo): Promise<number> {
  const home = argv.includes('--home') || argv.includes('-u');
  const parent = argv.includes('--parent') || argv.includes('-p');
  const [tool, ...versions] = argv.filter((a) => !a.startsWith('-'));
  if (home && parent) {
    io.stderr.write('home and parent flags cannot both be specified; must be one location or the other\n');
    return 1;
  }
  if (!tool) {
    io.stderr.write('tool and version must be provided as arguments\n');
    return 1;
  }
  if (versions.length === 0) {
    io.stderr.write('version must be provided as an argument\n');
    return 1;
  }
  let file = join(home ? (io.env.HOME ?? io.cwd) : io.cwd, '.tool-versions');
  if (parent) {
    const found = resolveVersion(tool, { ...io, env: { ...io.env, HOME: '' } });
    if (!found || found.source.startsWith('ASDF_')) {
      io.stderr.write('No .tool-versions version file found in parent directory\n');
      return 1;
    }
    file = found.source;
  }
  const resolved = versions.map((v) => (v === 'latest' ? (pinnedToolVersions[tool as AsdfPluginName] ?? v) : v));
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l.trim().length > 0) : [];
  const index = lines.findIndex((l) => l.trim().split(/\s+/)[0] === tool);
  const line = `${tool} ${resolved.join(' ')}`;
  if (index >= 0) lines[index] = line;
  else lines.push(line);
  writeFileSync(file, lines.join('\n') + '\n');
  return 0;
}

/** tabwriter(minwidth 16, padding 1, spaces), as Go asdf's `current` uses. */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(16, ...rows.map((r) => (r[i]?.length ?? 0) + 1)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('') + '\n').join('');
}

async function current(argv: string[], io: ToolIo): Promise<number> {
  const noHeader = argv.includes('--no-header');
  const tool = argv.find((a) => !a.startsWith('-'));
  const state = await world(io);
  const header = noHeader ? [] : [['Name', 'Version', 'Source', 'Installed']];
  const row = (p: string): { cells: string[]; code: number } => {
    const resolved = resolveVersion(p, io);
    if (!resolved) return { cells: [p, NOT_SET, NOT_SET, ''], code: 126 };
    const installed = resolved.version.split(' ').every((v) => state.installs[p]?.includes(v));
    return { cells: [p, resolved.version, resolved.source, installed ? 'true' : `false - Run \`asdf install ${p} ${resolved.version}\``], code: installed ? 0 : 1 };
  };
  if (tool) {
    if (!state.plugins.includes(tool)) {
      if (!noHeader) io.stdout.write(table(header));
      io.stdout.write(`No such plugin: ${tool}\n`);
      return 1;
    }
    const { cells, code } = row(tool);
    io.stdout.write(table([...header, cells]));
    return code;
  }
  if (state.plugins.length === 0) {
    io.stdout.write('No plugins installed\n');
    return 0;
  }
  io.stdout.write(table([...header, ...state.plugins.map((p) => row(p).cells)]));
  return 0;
}

async function which(argv: string[], io: ToolIo): Promise<number> {
  const [command] = argv;
  if (!command) {
    io.stderr.write('usage: asdf which <command>\n');
    return 1;
  }
  const state = await world(io);
  const plugin = state.plugins.find((p) => (pluginExecutables[p as AsdfPluginName] ?? p) === command);
  if (!plugin) {
    io.stderr.write(`unknown command: ${command}. Perhaps you have to reshim?\n`);
    return 1;
  }
  const resolved = resolveVersion(plugin, io);
  const version = resolved?.version.split(' ').find((v) => state.installs[plugin]?.includes(v));
  if (!version) {
    io.stdout.write(`unexpected error: no versions set for ${command}\n`);
    return 1;
  }
  io.stdout.write(`${join(dataDir(io), 'installs', plugin, version, 'bin', command)}\n`);
  return 0;
}

async function latest(argv: string[], io: ToolIo): Promise<number> {
  const [tool] = argv;
  const version = tool ? pinnedToolVersions[tool as AsdfPluginName] : undefined;
  if (!version) {
    io.stderr.write(`unable to resolve latest version for ${tool ?? ''}\n`);
    return 1;
  }
  io.stdout.write(`${version}\n`);
  return 0;
}
