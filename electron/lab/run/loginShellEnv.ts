/**
 * The PATH of the person's login shell.
 *
 * API: readLoginShellPath(options?) -> Promise<string | undefined>
 *      loginShellPathOnce(options?)  -> the same, computed once per process
 *
 * A GUI app started from the Dock or Finder on macOS inherits launchd's minimal PATH, not the one
 * set up in ~/.zshrc (where asdf, Homebrew and gcloud add their directories). Running the login
 * shell once and asking it for $PATH is how other GUI apps recover it. Output from rc files
 * (banners, prompts) is ignored by reading only what lies between two markers.
 */
import { execFile } from 'node:child_process';

export interface LoginShellOptions {
  /** The shell to ask; default $SHELL, then /bin/zsh on macOS and /bin/bash elsewhere. */
  shell?: string;
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  /** An rc file that waits for input or hangs must not block start-up. */
  timeoutMs?: number;
}

const MARKER = '__GITOPS_LAB_PATH__';

export function readLoginShellPath(options: LoginShellOptions = {}): Promise<string | undefined> {
  const platform = options.platform ?? process.platform;
  if (platform === 'win32') return Promise.resolve(undefined);
  const env = options.env ?? process.env;
  const shell = options.shell ?? env.SHELL ?? (platform === 'darwin' ? '/bin/zsh' : '/bin/bash');
  const script = `printf '%s%s%s' '${MARKER}' "$PATH" '${MARKER}'`;
  return new Promise((resolve) => {
    execFile(
      shell,
      ['-ilc', script],
      {
        env,
        timeout: options.timeoutMs ?? 5000,
        killSignal: 'SIGKILL',
        maxBuffer: 1024 * 1024,
        windowsHide: true,
        encoding: 'utf8',
      },
      // The exit status is ignored: a shell whose rc file fails after printing PATH still told the
      // truth, and a shell that never printed it yields no markers.
      (_error, stdout) => resolve(extractBetweenMarkers(String(stdout ?? ''))),
    )
      // Without a terminal an interactive shell may otherwise wait for commands on stdin.
      .stdin?.end();
  });
}

function extractBetweenMarkers(output: string): string | undefined {
  const start = output.indexOf(MARKER);
  if (start < 0) return undefined;
  const end = output.indexOf(MARKER, start + MARKER.length);
  if (end < 0) return undefined;
  const value = output.slice(start + MARKER.length, end);
  return value.length ? value : undefined;
}

let cached: Promise<string | undefined> | undefined;

/** Reads the login shell's PATH the first time it is asked for, then reuses the answer. */
export function loginShellPathOnce(options: LoginShellOptions = {}): Promise<string | undefined> {
  cached ??= readLoginShellPath(options);
  return cached;
}
