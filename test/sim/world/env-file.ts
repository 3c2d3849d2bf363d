import { chmodSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Executables the world puts first on PATH, all dispatched by out/sim/tool.mjs. */
export const SHIMMED_TOOLS = ['docker', 'k3d', 'asdf', 'gcloud', 'flux', 'kubeseal', 'gke-gcloud-auth-plugin'] as const;

export interface EnvFileInput {
  stateDir: string;
  controlUrl: string;
  timeScale: number;
  toolBundle: string;
  gcp: { account: string; project: string };
  kubeToolsDir: string;
  github?: { apiUrl: string; gitUrl: string; login: string; token: string };
}

/** Single-quotes a value for sh. */
function sq(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The variables env.sh exports, PATH excepted (it is prepended, not replaced). */
export function simulatorEnv(input: EnvFileInput): Record<string, string> {
  const dir = input.stateDir;
  const env: Record<string, string> = {
    KUBECONFIG: join(dir, 'kubeconfig'),
    KUBECACHEDIR: join(dir, 'kube-cache'),
    LAB_DATA_DIR: join(dir, 'lab-data'),
    LAB_REHEARSAL: '1',
    LAB_SIM_CONTROL: input.controlUrl,
    LAB_SIM_TIME_SCALE: String(input.timeScale),
    CLOUDSDK_CONFIG: join(dir, 'gcloud'),
    ASDF_DATA_DIR: join(dir, 'asdf'),
    GIT_CONFIG_GLOBAL: join(dir, 'gitconfig'),
    // A missing credential must fail, not wait for a password prompt nobody sees.
    GIT_TERMINAL_PROMPT: '0',
  };
  if (input.github) {
    env.GITHUB_API_URL = input.github.apiUrl.replace(/\/$/, '');
    env.GITHUB_TOKEN = input.github.token;
    env.GITHUB_USER = input.github.login;
  }
  return env;
}

/**
 * Writes `DIR/bin` (shims and kube tool links), `DIR/gitconfig`, the gcloud configuration and
 * `DIR/env.sh`; returns the env.sh path. Everything points inside DIR, so nothing depends on HOME.
 */
export function writeEnvironment(input: EnvFileInput): string {
  const dir = input.stateDir;
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  for (const tool of SHIMMED_TOOLS) {
    const shim = join(bin, tool);
    writeFileSync(shim, `#!/bin/sh\nexec ${sq(process.execPath)} ${sq(input.toolBundle)} ${tool} "$@"\n`);
    chmodSync(shim, 0o755);
  }
  for (const tool of ['kubectl', 'helm']) {
    const link = join(bin, tool);
    rmSync(link, { force: true });
    symlinkSync(join(input.kubeToolsDir, tool), link);
  }
  for (const sub of ['kube-cache', 'lab-data', 'asdf']) mkdirSync(join(dir, sub), { recursive: true });
  writeGcloudConfig(join(dir, 'gcloud'), input.gcp);
  writeFileSync(join(dir, 'gitconfig'), gitconfig(input));
  const env = simulatorEnv(input);
  const lines = [
    '# The simulated GitOps Lab world. Source it:  . ' + join(dir, 'env.sh'),
    `export PATH=${sq(bin)}:"$PATH"`,
    ...Object.entries(env).map(([key, value]) => `export ${key}=${sq(value)}`),
    '',
  ];
  const file = join(dir, 'env.sh');
  writeFileSync(file, lines.join('\n'), { mode: 0o600 });
  return file;
}

function gitconfig(input: EnvFileInput): string {
  const lines = ['[user]', '\tname = Lab Student', '\temail = student@example.com', '[init]', '\tdefaultBranch = main'];
  if (input.github) {
    const git = input.github.gitUrl.endsWith('/') ? input.github.gitUrl : `${input.github.gitUrl}/`;
    // A real `git clone https://github.com/OWNER/REPO.git` lands on the simulated GitHub, and the
    // credential helper answers with the simulated user's token, as a configured helper would.
    lines.push(`[url ${JSON.stringify(git)}]`, '\tinsteadOf = https://github.com/');
    lines.push(`[credential ${JSON.stringify(git.replace(/\/$/, ''))}]`, `\thelper = "!f() { echo username=${input.github.login}; echo password=$GITHUB_TOKEN; }; f"`);
  }
  return lines.join('\n') + '\n';
}

/** A gcloud configuration directory as `gcloud init` leaves it, unless one is already there. */
function writeGcloudConfig(dir: string, gcp: { account: string; project: string }): void {
  const configs = join(dir, 'configurations');
  mkdirSync(configs, { recursive: true });
  if (!existsSync(join(dir, 'active_config'))) writeFileSync(join(dir, 'active_config'), 'default');
  if (!existsSync(join(configs, 'config_default'))) writeFileSync(join(configs, 'config_default'), `[core]\naccount = ${gcp.account}\nproject = ${gcp.project}\n`);
}

/** Parses the `export K='v'` lines of an env.sh back into variables (PATH gets the prefix). */
export function parseEnvFile(text: string, basePath: string = process.env.PATH ?? ''): Record<string, string> {
  const unquote = (quoted: string): string => quoted.slice(1, -1).replace(/'\\''/g, "'");
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const path = /^export PATH=('(?:[^']|'\\'')*'):"\$PATH"$/.exec(line);
    if (path?.[1]) {
      env.PATH = `${unquote(path[1])}:${basePath}`;
      continue;
    }
    const match = /^export ([A-Z_][A-Z0-9_]*)=('(?:[^']|'\\'')*')$/.exec(line);
    if (match?.[1] && match[2]) env[match[1]] = unquote(match[2]);
  }
  return env;
}
