// Runs once before all tests: makes the real kubectl and helm available to the tests that drive
// the simulated world (vitest.config.ts leaves those out where the binaries cannot run).
// @ts-expect-error plain ESM script without type declarations
import { ensureKubeTools } from '../scripts/kube-tools.mjs';

export default function setup(): void {
  if (process.platform === 'linux' && process.arch === 'x64') process.env.LAB_KUBE_TOOLS = ensureKubeTools() as string;
}
