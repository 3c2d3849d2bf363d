/**
 * A fingerprint of everything `kubectl kustomize FOLDER` can read inside a repository: every file
 * under the folder, plus every file or folder outside it that one of the kustomization files
 * names by a relative path (followed transitively). Two builds with the same fingerprint and the
 * same kubectl give the same result, so the guards need not build an unchanged overlay again on
 * the next push.
 *
 * Deliberately conservative: any string value in a kustomization file that resolves to an
 * existing path counts as an input, and a folder that refers to anything outside the
 * repository or to a remote base gets no fingerprint at all (it is always built).
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

const KUSTOMIZATION_FILES = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);
const SKIPPED_DIRS = new Set(['.git', 'node_modules']);
/** Remote bases and resources: their content is not in the repository. */
const REMOTE = /^(?:[a-z][a-z0-9+.-]*:\/\/|git@|github\.com\/|gitlab\.com\/|bitbucket\.org\/)/i;

/** The fingerprint, or undefined when the folder's inputs cannot all be known. */
export async function kustomizeInputsFingerprint(repoDir: string, folder: string): Promise<string | undefined> {
  const root = path.resolve(repoDir);
  const files = new Set<string>();
  const visitedDirs = new Set<string>();

  const addDir = async (dir: string): Promise<boolean> => {
    if (visitedDirs.has(dir)) return true;
    visitedDirs.add(dir);
    const entries = await fs.readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const child = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name) && !(await addDir(child))) return false;
      } else if (entry.isFile()) {
        files.add(child);
        if (KUSTOMIZATION_FILES.has(entry.name) && !(await addReferences(dir, child))) return false;
      } else {
        // A symlink may point anywhere: its target is not a known input.
        return false;
      }
    }
    return true;
  };

  const addReferences = async (dir: string, file: string): Promise<boolean> => {
    let values: string[];
    try {
      values = parseAllDocuments(await fs.readFile(file, 'utf8')).flatMap((doc) => stringsIn(doc.toJS()));
    } catch {
      return false;
    }
    for (const value of values) {
      if (REMOTE.test(value)) return false;
      if (value.includes('\n') || value.length > 4096) continue;
      const target = path.resolve(dir, value);
      const stat = await fs.stat(target).catch(() => undefined);
      if (!stat) continue;
      if (target !== root && !target.startsWith(root + path.sep)) return false;
      if (stat.isDirectory()) {
        if (!(await addDir(target))) return false;
      } else if (stat.isFile()) files.add(target);
    }
    return true;
  };

  try {
    if (!(await addDir(path.resolve(root, folder)))) return undefined;
  } catch {
    return undefined;
  }
  const hash = createHash('sha256');
  for (const file of [...files].sort()) {
    hash.update(path.relative(root, file)).update('\0').update(await fs.readFile(file)).update('\0');
  }
  return hash.digest('hex');
}

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}
