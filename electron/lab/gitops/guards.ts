/**
 * The checks run before every push (and by `lab validate DIR`), so a mistake is caught on the
 * person's machine instead of as a Flux error minutes later:
 *  - schema: every YAML manifest validates against the shipped CRD schemas (schema-validate.ts);
 *  - kustomize: `kubectl kustomize` builds every top-level kustomization folder (a few at a time,
 *    and not again when the same kubectl already built the same inputs cleanly);
 *  - secret: nothing secret is about to be committed (secret-scan.ts).
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { parseKubeYaml } from './kube-yaml';
import { CommandError, type Runner } from '../run/runner';
import { loadCrdBundle } from './crd-bundle';
import { kustomizeInputsFingerprint } from './kustomize-inputs';
import { createManifestValidator, type ManifestValidator } from './schema-validate';
import { scanText, type SecretSource } from './secret-scan';

export type GuardProblemKind = 'yaml' | 'schema' | 'kustomize' | 'secret';

export interface GuardProblem {
  /** Repository-relative path (a folder for kustomize problems). */
  file: string;
  kind: GuardProblemKind;
  message: string;
}

export interface GuardResult {
  ok: boolean;
  problems: GuardProblem[];
}

export interface GuardOptions {
  runner: Runner;
  /** kubectl to run `kubectl kustomize` with (name or path). Default `kubectl`. */
  kubectl?: string;
  /** Registered secret values: a masker or the values themselves. */
  secrets?: SecretSource | readonly string[];
  /** Path of crd-schemas.json; default: the one the app ships. */
  bundlePath?: string;
  signal?: AbortSignal;
}

/** Folders never part of the repository's content. */
const SKIPPED_DIRS = new Set(['.git', 'node_modules']);
const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
/** Larger files are not manifests; reading them would only slow the push down. */
const MAX_SCANNED_BYTES = 5 * 1024 * 1024;

let sharedValidator: { bundlePath: string | undefined; validator: ManifestValidator } | undefined;

function validatorFor(bundlePath: string | undefined): ManifestValidator {
  // Compiled schemas are cached inside the validator: reuse it across runs.
  if (!sharedValidator || sharedValidator.bundlePath !== bundlePath) {
    sharedValidator = { bundlePath, validator: createManifestValidator(loadCrdBundle(bundlePath)) };
  }
  return sharedValidator.validator;
}

export async function runGuards(repoDir: string, options: GuardOptions): Promise<GuardResult> {
  const files = await listFiles(repoDir);
  // The builds are child processes: they run while this thread checks schemas and secrets.
  const kustomize = kustomizeProblems(repoDir, files, options);
  // Settled at once so a rejection is not reported as unhandled while the checks below run.
  kustomize.catch(() => undefined);
  const problems: GuardProblem[] = [];
  const validator = validatorFor(options.bundlePath);
  const secretsKey = secretsFingerprint(options.secrets ?? []);
  for (const file of files) {
    const text = await readText(path.join(repoDir, file));
    if (text === undefined) continue;
    problems.push(...fileProblems(file, text, validator, options, secretsKey));
  }
  problems.push(...(await kustomize));
  return { ok: problems.length === 0, problems };
}

/** Checked files kept at most (a repository's files, a few pushes over). */
const CHECKED_LIMIT = 5000;
/**
 * Problems of files already checked, by content: a large unchanged file (Flux's
 * gotk-components.yaml) is not parsed again, twice, at every push. Only used when the secret
 * values are a plain list, whose fingerprint is part of the key.
 */
const checkedFiles = new Map<string, GuardProblem[]>();

function fileProblems(file: string, text: string, validator: ManifestValidator, options: GuardOptions, secretsKey: string | undefined): GuardProblem[] {
  const key = secretsKey === undefined ? undefined : createHash('sha256').update(`${file}\0${options.bundlePath ?? ''}\0${secretsKey}\0`).update(text).digest('hex');
  const known = key === undefined ? undefined : checkedFiles.get(key);
  if (known) return known;
  const problems: GuardProblem[] = scanText(file, text, options.secrets ?? []).map((message) => ({ file, kind: 'secret' as const, message }));
  if (/\.ya?ml$/.test(file)) problems.push(...manifestProblems(file, text, validator));
  if (key !== undefined) {
    if (checkedFiles.size >= CHECKED_LIMIT) checkedFiles.clear();
    checkedFiles.set(key, problems);
  }
  return problems;
}

/** A digest of the secret values (never the values themselves), or undefined for a masker. */
function secretsFingerprint(secrets: SecretSource | readonly string[]): string | undefined {
  if (!Array.isArray(secrets)) return undefined;
  return createHash('sha256').update(JSON.stringify([...(secrets as readonly string[])].sort())).digest('hex');
}

/** One line per problem, as `lab validate` prints them. */
export function formatProblem(problem: GuardProblem): string {
  return `${problem.file}: ${problem.message}`;
}

async function listFiles(root: string, rel = ''): Promise<string[]> {
  const entries = await fs.readdir(path.join(root, rel), { withFileTypes: true });
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) out.push(...(await listFiles(root, child)));
    } else if (entry.isFile()) {
      out.push(child);
    }
  }
  return out;
}

async function readText(file: string): Promise<string | undefined> {
  const stat = await fs.stat(file);
  if (stat.size > MAX_SCANNED_BYTES) return undefined;
  const data = await fs.readFile(file);
  if (data.includes(0)) return undefined;
  return data.toString('utf8');
}

function manifestProblems(file: string, text: string, validator: ManifestValidator): GuardProblem[] {
  const problems: GuardProblem[] = [];
  for (const doc of parseKubeYaml(text)) {
    if (doc.errors.length > 0) {
      problems.push(...doc.errors.map((e) => ({ file, kind: 'yaml' as const, message: e.message.split('\n')[0]! })));
      continue;
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    // YAML that is not a Kubernetes object (Helm values, CI config) is not ours to judge.
    if (typeof value === 'object' && !Array.isArray(value) && !('apiVersion' in value) && !('kind' in value)) continue;
    for (const message of validator.validate(value)) problems.push({ file, kind: 'schema', message });
  }
  return problems;
}

/**
 * Builds each kustomization folder that no other kustomization includes: together they cover
 * every folder, and included ones are built as part of their parent.
 */
async function kustomizeProblems(repoDir: string, files: string[], options: GuardOptions): Promise<GuardProblem[]> {
  const configs = files.filter((f) => KUSTOMIZATION_FILES.includes(path.posix.basename(f)));
  const folders = new Set(configs.map((f) => path.posix.dirname(f)));
  const included = new Set<string>();
  for (const config of configs) {
    const folder = path.posix.dirname(config);
    let resources: unknown;
    try {
      resources = (parseAllDocuments(await fs.readFile(path.join(repoDir, config), 'utf8'))[0]?.toJS() as { resources?: unknown } | undefined)?.resources;
    } catch {
      continue;
    }
    if (!Array.isArray(resources)) continue;
    for (const entry of resources) {
      if (typeof entry !== 'string') continue;
      const target = path.posix.normalize(path.posix.join(folder, entry));
      if (folders.has(target)) included.add(target);
    }
  }
  const roots = [...folders].filter((f) => !included.has(f)).sort();
  const outcomes = await mapPooled(roots, KUSTOMIZE_PARALLEL, (folder) => buildOnce(repoDir, folder, options));
  const problems: GuardProblem[] = [];
  for (const outcome of outcomes) {
    if (!outcome) continue;
    problems.push(outcome);
    // Without kubectl no other folder builds either: one problem says so.
    if (outcome.message.startsWith('cannot build:')) break;
  }
  return problems;
}

/** Builds at once on a shared 2-core laptop keep the push quick without starving the rest. */
const KUSTOMIZE_PARALLEL = Math.max(1, Math.min(4, availableParallelism()));
/** Fingerprints of folder inputs (kustomize-inputs.ts) that built cleanly, per kubectl. */
const builtClean = new Set<string>();
const BUILT_CLEAN_LIMIT = 2000;

/**
 * `kubectl kustomize FOLDER`, unless the same kubectl already built the very same inputs
 * cleanly: an overlay the push does not touch is not built again at every push.
 */
async function buildOnce(repoDir: string, folder: string, options: GuardOptions): Promise<GuardProblem | undefined> {
  const kubectl = options.kubectl ?? 'kubectl';
  const fingerprint = await kustomizeInputsFingerprint(repoDir, folder);
  const key = fingerprint ? `${kubectl}\0${folder}\0${fingerprint}` : undefined;
  if (key && builtClean.has(key)) return undefined;
  try {
    await options.runner.run({ argv: [kubectl, 'kustomize', folder === '.' ? '.' : folder], cwd: repoDir, signal: options.signal, timeoutMs: 60_000 });
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    if (error.cancelled) throw error;
    if (error.code === 'ENOENT') return { file: folder, kind: 'kustomize', message: `cannot build: ${error.message.split('\n')[0]}` };
    const why = (error.stderr.trim() || error.message).split('\n').slice(-5).join(' | ');
    return { file: folder, kind: 'kustomize', message: `kubectl kustomize failed: ${why}` };
  }
  if (key) {
    if (builtClean.size >= BUILT_CLEAN_LIMIT) builtClean.clear();
    builtClean.add(key);
  }
  return undefined;
}

/** `work` over `items`, at most `limit` at a time; results in the items' order. */
async function mapPooled<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
