import type { ToolIo } from '../bin/tool-io.js';
import { callWorld, WorldError } from '../world/control-client.js';
import { dockerVersion } from '../world/tool-versions.js';

interface DockerInfo {
  serverVersion: string;
  containers: number;
  running: number;
  images: number;
  containerList: Array<{ name: string; image: string; status: string; created: string }>;
}

const CLIENT_HEADER = 'Client: Docker Engine - Community';

/** Fake `docker`: info, version, ps; the daemon is the world (down under the `docker-down` fault). */
export async function main(argv: string[], io: ToolIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-v') {
    io.stdout.write(`Docker version ${dockerVersion.client}, build e180ab8\n`);
    return 0;
  }
  switch (command) {
    case 'info':
      return info(rest, io);
    case 'version':
      return version(rest, io);
    case 'ps':
      return ps(rest, io);
    default:
      io.stderr.write(`docker: unknown command: docker ${command ?? ''}\n\nRun 'docker --help' for more information\n`);
      return 1;
  }
}

async function daemon(io: ToolIo): Promise<DockerInfo | undefined> {
  try {
    return await callWorld<DockerInfo>(io.env, '/docker/info');
  } catch (error) {
    if (error instanceof WorldError && error.kind === 'docker-down') return undefined;
    throw error;
  }
}

function clientBlock(): string {
  return [
    CLIENT_HEADER,
    ` Version:    ${dockerVersion.client}`,
    ' Context:    default',
    ' Debug Mode: false',
    ' Plugins:',
    '  buildx: Docker Buildx (Docker Inc.)',
    '    Version:  v0.29.1',
    '    Path:     /usr/libexec/docker/cli-plugins/docker-buildx',
    '  compose: Docker Compose (Docker Inc.)',
    '    Version:  v2.40.2',
    '    Path:     /usr/libexec/docker/cli-plugins/docker-compose',
    '',
  ].join('\n');
}

const DOWN = 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n';

/** docker 28.5 (>= 28.1): a connection failure prints the bare error after `Server:`, exit 1. */
async function info(argv: string[], io: ToolIo): Promise<number> {
  const format = flagValue(argv, '--format') ?? flagValue(argv, '-f');
  const state = await daemon(io);
  if (format !== undefined) {
    if (!state) {
      io.stderr.write(DOWN);
      return 1;
    }
    const fields: Record<string, unknown> = { ServerVersion: state.serverVersion, Containers: state.containers, ContainersRunning: state.running, Images: state.images, OperatingSystem: 'Debian GNU/Linux 12 (bookworm)', OSType: 'linux' };
    io.stdout.write(`${renderTemplate(format, fields)}\n`);
    return 0;
  }
  io.stdout.write(`${clientBlock()}\nServer:\n`);
  if (!state) {
    io.stderr.write(DOWN);
    return 1;
  }
  io.stdout.write(
    [
      ` Containers: ${state.containers}`,
      `  Running: ${state.running}`,
      '  Paused: 0',
      `  Stopped: ${state.containers - state.running}`,
      ` Images: ${state.images}`,
      ` Server Version: ${state.serverVersion}`,
      ' Storage Driver: overlay2',
      ' Logging Driver: json-file',
      ' Cgroup Driver: systemd',
      ' Cgroup Version: 2',
      ' Swarm: inactive',
      ' Runtimes: io.containerd.runc.v2 runc',
      ' Default Runtime: runc',
      ' Kernel Version: 6.1.0-40-amd64',
      ' Operating System: Debian GNU/Linux 12 (bookworm)',
      ' OSType: linux',
      ' Architecture: x86_64',
      ' CPUs: 2',
      ' Total Memory: 7.709GiB',
      ' Name: gitops-lab-sim',
      ' Docker Root Dir: /var/lib/docker',
      ' Debug Mode: false',
      ' Experimental: false',
      ' Live Restore Enabled: false',
      '',
      '',
    ].join('\n'),
  );
  return 0;
}

async function version(argv: string[], io: ToolIo): Promise<number> {
  const format = flagValue(argv, '--format') ?? flagValue(argv, '-f');
  const state = await daemon(io);
  const client = { Version: dockerVersion.client, APIVersion: dockerVersion.apiVersion };
  if (format !== undefined) {
    // With the daemon down the template's error is dropped and only the newline is written.
    io.stdout.write(state ? `${renderTemplate(format, { Client: client, Server: { Version: state.serverVersion, APIVersion: dockerVersion.apiVersion } })}\n` : '\n');
    if (!state) io.stderr.write(DOWN);
    return state ? 0 : 1;
  }
  const pad = (label: string, width: number): string => label.padEnd(width);
  const lines = [
    CLIENT_HEADER,
    ` ${pad('Version:', 18)}${dockerVersion.client}`,
    ` ${pad('API version:', 18)}${dockerVersion.apiVersion}`,
    ` ${pad('Go version:', 18)}go1.24.8`,
    ` ${pad('Git commit:', 18)}e180ab8`,
    ` ${pad('Built:', 18)}Wed Oct  8 12:17:26 2025`,
    ` ${pad('OS/Arch:', 18)}linux/amd64`,
    ` ${pad('Context:', 18)}default`,
  ];
  io.stdout.write(lines.join('\n') + '\n');
  if (!state) {
    io.stderr.write(DOWN);
    return 1;
  }
  io.stdout.write(
    [
      '',
      'Server: Docker Engine - Community',
      ' Engine:',
      `  ${pad('Version:', 17)}${state.serverVersion}`,
      `  ${pad('API version:', 17)}${dockerVersion.apiVersion} (minimum version 1.24)`,
      `  ${pad('Go version:', 17)}go1.24.8`,
      `  ${pad('Git commit:', 17)}f8215cc`,
      `  ${pad('OS/Arch:', 17)}linux/amd64`,
      `  ${pad('Experimental:', 17)}false`,
      '',
    ].join('\n'),
  );
  return 0;
}

/** `docker ps`: the running containers (k3d nodes), in docker's column layout. */
async function ps(argv: string[], io: ToolIo): Promise<number> {
  const state = await daemon(io);
  if (!state) {
    io.stderr.write(DOWN);
    return 1;
  }
  const all = argv.includes('-a') || argv.includes('--all');
  const rows = state.containerList.filter((c) => all || c.status === 'running');
  const table = [['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES']];
  for (const c of rows) {
    const id = Buffer.from(c.name).toString('hex').padEnd(12, '0').slice(0, 12);
    table.push([id, c.image, '"/bin/k3d-entrypoint…"', 'About a minute ago', c.status === 'running' ? 'Up About a minute' : 'Exited (0) About a minute ago', '', c.name]);
  }
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  io.stdout.write(table.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]! + 3))).join('').trimEnd()).join('\n') + '\n');
  return 0;
}

function flagValue(argv: string[], flag: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === flag) return argv[i + 1] ?? '';
    if (arg.startsWith(`${flag}=`)) return arg.slice(flag.length + 1);
  }
  return undefined;
}

/** The subset of Go templates the lab uses: `{{.A.B}}` and `{{json .}}`. */
function renderTemplate(template: string, data: Record<string, unknown>): string {
  return template.replace(/\{\{\s*(json\s+)?\.([A-Za-z0-9_.]*)\s*\}\}/g, (_, json: string | undefined, path: string) => {
    let value: unknown = data;
    for (const key of path.split('.').filter(Boolean)) value = (value as Record<string, unknown> | undefined)?.[key];
    return json ? JSON.stringify(value ?? null) : value === undefined ? '<no value>' : String(value);
  });
}
