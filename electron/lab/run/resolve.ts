/**
 * Finds the executable a command name refers to.
 *
 * API: createResolver(options?) -> Resolver; resolver(name, env) -> absolute path | undefined
 *      createDefaultResolver(options?) -> Promise<Resolver> that also searches the login shell's PATH
 *      knownToolDirs(env, platform, home) -> where the lab's tools are usually installed
 *
 * Searched in order: the PATH of the call's environment, the login shell's PATH (read once at
 * start-up, see loginShellEnv.ts), then the tools' usual install locations, so a freshly
 * installed tool is found even before the person restarts the app or their shell.
 * Nothing is cached: the Tools step installs executables while the app runs.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { loginShellPathOnce, type LoginShellOptions } from './loginShellEnv';

export type Resolver = (command: string, env: NodeJS.ProcessEnv) => string | undefined;

export interface ResolverOptions {
  /** PATH of the login shell, searched after the environment's own PATH. */
  loginShellPath?: string;
  /** More directories, searched last. */
  extraDirs?: string[];
  platform?: NodeJS.Platform;
  home?: string;
  /** The file-system check; replaceable so Windows lookups can be tested on any host. */
  isExecutable?: (file: string, platform: NodeJS.Platform) => boolean;
}

export function knownToolDirs(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, home: string): string[] {
  const asdfData = env.ASDF_DATA_DIR || path.join(home, '.asdf');
  const pathApi = platform === 'win32' ? path.win32 : path.posix;
  const dirs = [pathApi.join(asdfData, 'shims')];
  if (platform !== 'win32') dirs.push('/opt/homebrew/bin', '/usr/local/bin');
  dirs.push(pathApi.join(home, '.local', 'bin'), pathApi.join(home, 'google-cloud-sdk', 'bin'));
  return dirs;
}

export function createResolver(options: ResolverOptions = {}): Resolver {
  const platform = options.platform ?? process.platform;
  const pathApi = platform === 'win32' ? path.win32 : path.posix;
  const delimiter = platform === 'win32' ? ';' : ':';
  const isExecutable = options.isExecutable ?? isExecutableFile;

  return (command, env) => {
    const extensions = platform === 'win32' ? windowsExtensions(command, env) : [''];
    if (command.includes('/') || (platform === 'win32' && command.includes('\\'))) {
      const absolute = pathApi.resolve(command);
      return extensions.map((ext) => absolute + ext).find((candidate) => isExecutable(candidate, platform));
    }
    const home = options.home ?? env.HOME ?? homedir();
    const dirs = [
      ...splitPath(pathValue(env, platform), delimiter),
      ...splitPath(options.loginShellPath, delimiter),
      ...knownToolDirs(env, platform, home),
      ...(options.extraDirs ?? []),
    ];
    const seen = new Set<string>();
    for (const dir of dirs) {
      if (seen.has(dir)) continue;
      seen.add(dir);
      for (const ext of extensions) {
        const candidate = pathApi.join(dir, command + ext);
        if (isExecutable(candidate, platform)) return pathApi.resolve(candidate);
      }
    }
    return undefined;
  };
}

/** Windows spells the variable Path; environment lookups there are case-insensitive. */
function pathValue(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string | undefined {
  if (platform !== 'win32') return env.PATH;
  const key = Object.keys(env).find((name) => name.toUpperCase() === 'PATH');
  return key ? env[key] : undefined;
}

function splitPath(value: string | undefined, delimiter: string): string[] {
  return (value ?? '').split(delimiter).filter((dir) => dir.length > 0);
}

/** A name that already has an executable extension is tried as is; otherwise each PATHEXT one. */
function windowsExtensions(command: string, env: NodeJS.ProcessEnv): string[] {
  const key = Object.keys(env).find((name) => name.toUpperCase() === 'PATHEXT');
  const pathext = (key ? env[key] : undefined) ?? '.COM;.EXE;.BAT;.CMD';
  const extensions = pathext.split(';').filter(Boolean);
  const lower = command.toLowerCase();
  return extensions.some((ext) => lower.endsWith(ext.toLowerCase())) ? ['', ...extensions] : extensions;
}

function isExecutableFile(file: string, platform: NodeJS.Platform): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    // Windows has no execute bit; the extension decides.
    if (platform !== 'win32') accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The resolver the app uses: reads the login shell's PATH once (at start-up, the first time it is
 * called) and searches it after the environment's own PATH.
 */
export async function createDefaultResolver(options: ResolverOptions & { loginShell?: LoginShellOptions } = {}): Promise<Resolver> {
  const { loginShell, ...resolverOptions } = options;
  const loginShellPath = resolverOptions.loginShellPath ?? (await loginShellPathOnce(loginShell));
  return createResolver(loginShellPath ? { ...resolverOptions, loginShellPath } : resolverOptions);
}
