/**
 * The flux CLI: preflight, bootstrap on GitHub with token auth, reconcile, and `get` tables for
 * display only (readiness comes from the objects' conditions, see electron/lab/kube).
 * The GitHub token travels in the GITHUB_TOKEN environment variable, never in argv.
 */
import type { RunCommand } from './k3d';

export interface BootstrapGithubOptions {
  context: string;
  owner: string;
  repository: string;
  /** A personal account (`--personal`) rather than an organization. */
  personal: boolean;
  /** The folder of the repository this cluster syncs, e.g. `clusters/k3d-crossplane`. */
  path: string;
  branch?: string;
}

export const fluxArgv = {
  checkPre: (context: string): string[] => ['flux', 'check', '--pre', `--context=${context}`],
  bootstrapGithub: (o: BootstrapGithubOptions): string[] => [
    'flux', 'bootstrap', 'github', `--context=${o.context}`, '--token-auth', `--owner=${o.owner}`,
    `--repository=${o.repository}`, `--branch=${o.branch ?? 'main'}`, ...(o.personal ? ['--personal'] : []), '--private', `--path=${o.path}`,
  ],
  /** With `--with-source` unless `withSource` is false: after a push, the source must fetch first. */
  reconcileKustomization: (name: string, context: string, namespace?: string, withSource = true): string[] => [
    'flux', 'reconcile', 'kustomization', name, ...(withSource ? ['--with-source'] : []), ...(namespace ? ['-n', namespace] : []), `--context=${context}`,
  ],
  get: (kind: string, context: string, options: { namespace?: string; allNamespaces?: boolean } = {}): string[] => [
    'flux', 'get', kind, ...(options.allNamespaces ? ['-A'] : options.namespace ? ['-n', options.namespace] : []), '--no-header', `--context=${context}`,
  ],
};

/** The folder flux bootstrap writes a cluster's sync manifests to. */
export const clusterPath = (context: string): string => `clusters/${context}`;

/** `flux check --pre`: its status lines go to stderr; a failed check exits 1. */
export async function checkPre(run: RunCommand, context: string): Promise<void> {
  await run({ argv: fluxArgv.checkPre(context) });
}

export async function bootstrapGithub(run: RunCommand, options: BootstrapGithubOptions, token: string, timeoutMs?: number): Promise<void> {
  await run({ argv: fluxArgv.bootstrapGithub(options), env: { GITHUB_TOKEN: token }, ...(timeoutMs ? { timeoutMs } : {}) });
}

export async function reconcileKustomization(run: RunCommand, name: string, context: string, options: { namespace?: string; withSource?: boolean } = {}): Promise<void> {
  await run({ argv: fluxArgv.reconcileKustomization(name, context, options.namespace, options.withSource) });
}

/** A `flux get ... --no-header` row: tab-separated, the message may contain spaces. */
export interface FluxRow {
  namespace?: string;
  name: string;
  revision: string;
  suspended: boolean;
  ready: string;
  message: string;
}

/** Parses `flux get kustomizations|helmreleases --no-header` (with `-A`, NAMESPACE comes first). */
export function parseGetRows(text: string, allNamespaces = false): FluxRow[] {
  return text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const cells = line.split('\t').map((cell) => cell.trim());
      const namespace = allNamespaces ? cells.shift() : undefined;
      const [name = '', revision = '', suspended = '', ready = '', ...message] = cells;
      return { ...(namespace !== undefined ? { namespace } : {}), name, revision, suspended: suspended === 'True', ready, message: message.join(' ').trim() };
    });
}

export async function get(run: RunCommand, kind: string, context: string, options: { namespace?: string; allNamespaces?: boolean } = {}): Promise<FluxRow[]> {
  const result = await run({ argv: fluxArgv.get(kind, context, options) });
  return parseGetRows(result.stdout, options.allNamespaces);
}

export const fluxSuspendArgv = (name: string, context: string, namespace?: string): string[] => [
  'flux', 'suspend', 'kustomization', name, ...(namespace ? ['-n', namespace] : []), `--context=${context}`,
];

/** Stops Flux from applying (and so re-creating) what a Kustomization holds; deleting is left to the caller. */
export async function suspendKustomization(run: RunCommand, name: string, context: string, namespace?: string): Promise<void> {
  await run({ argv: fluxSuspendArgv(name, context, namespace) });
}

export const fluxResumeArgv = (name: string, context: string, namespace?: string): string[] => [
  'flux', 'resume', 'kustomization', name, ...(namespace ? ['-n', namespace] : []), `--context=${context}`,
];
