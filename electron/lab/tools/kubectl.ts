/**
 * kubectl for what the kubeconfig says (contexts) and one-off reads as JSON. Readiness is not
 * read here: electron/lab/kube watches objects' conditions instead of polling tables.
 */
import type { RunCommand } from './k3d';

export const kubectlArgv = {
  currentContext: (): string[] => ['kubectl', 'config', 'current-context'],
  contexts: (): string[] => ['kubectl', 'config', 'get-contexts', '-o', 'name'],
  getJson: (resource: string, options: { name?: string; namespace?: string; context?: string } = {}): string[] => [
    'kubectl', 'get', resource, ...(options.name ? [options.name] : []),
    ...(options.namespace ? ['-n', options.namespace] : []),
    ...(options.context ? [`--context=${options.context}`] : []),
    '-o', 'json',
  ],
};

/** The current context, or undefined when none is set (kubectl then exits 1). */
export async function currentContext(run: RunCommand): Promise<string | undefined> {
  const result = await run({ argv: kubectlArgv.currentContext(), okExitCodes: [0, 1] });
  const name = result.stdout.trim();
  return result.exitCode === 0 && name ? name : undefined;
}

/** Every context name in the kubeconfig (an empty or missing kubeconfig has none). */
export async function listContexts(run: RunCommand): Promise<string[]> {
  const result = await run({ argv: kubectlArgv.contexts() });
  return result.stdout.split('\n').map((line) => line.trim()).filter(Boolean);
}

export async function getJson<T = unknown>(run: RunCommand, resource: string, options: { name?: string; namespace?: string; context?: string } = {}): Promise<T> {
  const result = await run({ argv: kubectlArgv.getJson(resource, options) });
  return JSON.parse(result.stdout) as T;
}

/** Argument arrays for the teardown's direct changes to objects (a merge patch, a delete that does not wait). */
export const kubectlChangeArgv = {
  mergePatch: (resource: string, name: string, patch: unknown, context: string, namespace?: string): string[] => [
    'kubectl', 'patch', resource, name, ...(namespace ? ['-n', namespace] : []), '--type=merge', '-p', JSON.stringify(patch), `--context=${context}`,
  ],
  delete: (resource: string, names: string[] | 'all', context: string, namespace?: string): string[] => [
    'kubectl', 'delete', resource, ...(names === 'all' ? ['--all'] : names), ...(namespace ? ['-n', namespace] : []), '--ignore-not-found', '--wait=false', `--context=${context}`,
  ],
};
