/**
 * The one entry point of every fake executable: `node out/sim/tool.mjs TOOL ARGS...`. The shims
 * in the world's `bin/` call it with their own name. Adding a tool = one line in `tools`.
 */
import { main as asdf } from '../fakes/asdf.js';
import { main as docker } from '../fakes/docker.js';
import { main as gcloud } from '../fakes/gcloud.js';
import { main as gkeAuthPlugin } from '../fakes/gcloud-auth-plugin.js';
import { main as k3d } from '../fakes/k3d.js';
import { main as flux } from '../flux/cli.js';
import { main as kubeseal } from '../fakes/kubeseal.js';
import type { ToolIo, ToolMain } from './tool-io.js';

export const tools: Record<string, ToolMain> = {
  docker,
  k3d,
  asdf,
  gcloud,
  kubeseal,
  flux,
  'gke-gcloud-auth-plugin': gkeAuthPlugin,
};

export async function runTool(name: string, argv: string[], io: ToolIo): Promise<number> {
  const tool = tools[name];
  if (!tool) {
    io.stderr.write(`${name}: this tool is not simulated yet\n`);
    return 127;
  }
  return tool(argv, io);
}

async function cli(): Promise<void> {
  const [name = '', ...argv] = process.argv.slice(2);
  let code: number;
  try {
    code = await runTool(name, argv, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() });
  } catch (error) {
    process.stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    code = 1;
  }
  // Exit once the pipes have taken everything written, not while output is still buffered.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

if (process.argv[1] && /tool\.(mjs|ts)$/.test(process.argv[1])) void cli();
