/**
 * Where the app keeps its state, logs and journal: the platform's usual place for per-user
 * application data, so it survives updates and is found where people look for it.
 * `LAB_DATA_DIR` overrides it (tests, the simulator, several labs side by side).
 */
import os from 'node:os';
import path from 'node:path';

export const APP_DIR_NAME = 'GitOps Lab';

export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  if (env.LAB_DATA_DIR) return path.resolve(env.LAB_DATA_DIR);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_DIR_NAME);
  if (platform === 'win32') {
    const appData = env.APPDATA || path.win32.join(home, 'AppData', 'Roaming');
    return path.win32.join(appData, APP_DIR_NAME);
  }
  // Linux and other Unixes follow the XDG base directory spec; an XDG path must be absolute.
  const xdg = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(home, '.config');
  return path.join(xdg, 'gitops-lab');
}
