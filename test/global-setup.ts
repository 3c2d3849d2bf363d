// Runs once before all tests: makes the real kubectl and helm available to the simulator tests.
// @ts-expect-error plain ESM script without type declarations
import { ensureKubeTools } from '../scripts/kube-tools.mjs';

export default function setup(): void {
  process.env.LAB_KUBE_TOOLS = ensureKubeTools() as string;
}
