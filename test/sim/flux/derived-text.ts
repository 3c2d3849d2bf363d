import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from '../world/repo-root.js';

/**
 * Text derived from other text by a pure function, kept on disk between processes under a digest
 * of what it was derived from. Each fake `flux` is a new Node process, and parsing and printing
 * the Flux CRDs' YAML cost `flux bootstrap` ~0.3 s that the real Go binary does not pay. Only public
 * data derived from files in the repository goes there (.cache is not committed); an entry that is
 * missing or unreadable is derived again.
 */

/** The YAML library's version is part of every key: another version may print differently. */
const YAML_VERSION = String((createRequire(import.meta.url)('yaml/package.json') as { version: string }).version);

export function derivedText(kind: string, input: string, derive: () => string, dir: string = join(repoRoot(), '.cache', 'sim-derived')): string {
  const digest = createHash('sha256').update(`${kind}\0yaml@${YAML_VERSION}\0`).update(input).digest('hex');
  const file = join(dir, `${kind}-${digest}`);
  try {
    return readFileSync(file, 'utf8');
  } catch {
    // Not derived yet.
  }
  const text = derive();
  try {
    mkdirSync(dir, { recursive: true });
    // Renamed into place, so a process reading at the same time never sees half a file.
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, text);
    renameSync(partial, file);
  } catch {
    // A tree that cannot be written to derives it every time.
  }
  return text;
}
