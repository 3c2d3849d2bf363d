/**
 * The ledger: every resource the lab creates, written down when it is created, so cleanup knows
 * what to remove even after the state file, the k3d cluster or the whole app is gone.
 *
 * `ledger.json` in the data directory, replaced atomically on every change. It records intent
 * and the last look at the world (`state`); the world stays the truth, so entries are re-checked
 * on start and before teardown. The session id labels what the lab creates (`lab=<id>`), which
 * lets leftover detection find resources even when the ledger itself was lost.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ledgerEntrySchema, type LedgerEntry, type LedgerKind } from '../../api/contract';
import { writeFileAtomicSync } from '../state/atomic-write';

export const LEDGER_FILE_NAME = 'ledger.json';
/** The label key set on every cloud resource the lab creates, where the API allows labels. */
export const SESSION_LABEL = 'lab';

const ledgerFileSchema = z.object({
  schemaVersion: z.literal(1),
  /** Lower-case letters and digits: valid as a GCP label value and a Kubernetes label value. */
  sessionId: z.string().regex(/^[a-z0-9]{6,32}$/),
  entries: z.array(ledgerEntrySchema),
});

export interface LedgerRecord {
  kind: LedgerKind;
  name: string;
  project?: string;
  zone?: string;
  cluster?: string;
  labels?: Record<string, string>;
  costPerHour?: number;
  /** Default: now. */
  createdAt?: string;
}

export interface Ledger {
  readonly file: string;
  readonly sessionId: string;
  list(): LedgerEntry[];
  get(id: string): LedgerEntry | undefined;
  /** Records a resource as present; recording it again keeps its first `createdAt`. */
  record(resource: LedgerRecord): LedgerEntry;
  /** Records what a look at the world found. */
  observe(id: string, observation: Pick<LedgerEntry, 'state'> & Partial<Pick<LedgerEntry, 'detail' | 'costPerHour' | 'leftover'>>): LedgerEntry | undefined;
  /** Called after every change, with the whole list (for the `cleanup` event). */
  onChange(listener: (entries: LedgerEntry[]) => void): () => void;
}

/** The stable key of a resource: kind plus where it lives plus its name. */
export function ledgerId(resource: Pick<LedgerRecord, 'kind' | 'name' | 'project' | 'zone' | 'cluster'>): string {
  return [resource.kind, resource.project, resource.zone, resource.cluster, resource.name].filter((part) => part !== undefined && part !== '').join('/');
}

export function openLedger(dataDir: string, now: () => Date = () => new Date()): Ledger {
  const file = path.join(dataDir, LEDGER_FILE_NAME);
  const data = load(file);
  const listeners = new Set<(entries: LedgerEntry[]) => void>();

  function save(): void {
    writeFileAtomicSync(file, `${JSON.stringify(data, null, 2)}\n`);
    const entries = data.entries.map((entry) => ({ ...entry }));
    for (const listener of listeners) listener(entries);
  }

  return {
    file,
    sessionId: data.sessionId,
    list: () => data.entries.map((entry) => ({ ...entry })),
    get: (id) => {
      const entry = data.entries.find((e) => e.id === id);
      return entry ? { ...entry } : undefined;
    },
    record(resource) {
      const id = ledgerId(resource);
      const at = now().toISOString();
      const existing = data.entries.find((e) => e.id === id);
      const entry: LedgerEntry = {
        ...(existing ?? {}),
        id,
        kind: resource.kind,
        name: resource.name,
        ...(resource.project ? { project: resource.project } : {}),
        ...(resource.zone ? { zone: resource.zone } : {}),
        ...(resource.cluster ? { cluster: resource.cluster } : {}),
        ...(resource.labels ? { labels: resource.labels } : {}),
        ...(resource.costPerHour !== undefined ? { costPerHour: resource.costPerHour } : {}),
        // A resource deleted and created again is a new resource: its age starts again.
        createdAt: existing && existing.state !== 'gone' ? existing.createdAt : (resource.createdAt ?? at),
        state: 'present',
        checkedAt: at,
      };
      delete entry.detail;
      delete entry.leftover;
      if (existing) data.entries[data.entries.indexOf(existing)] = entry;
      else data.entries.push(entry);
      save();
      return { ...entry };
    },
    observe(id, observation) {
      const entry = data.entries.find((e) => e.id === id);
      if (!entry) return undefined;
      entry.state = observation.state;
      entry.checkedAt = now().toISOString();
      if (observation.detail !== undefined) entry.detail = observation.detail;
      else delete entry.detail;
      if (observation.costPerHour !== undefined) entry.costPerHour = observation.costPerHour;
      if (observation.leftover) entry.leftover = true;
      else delete entry.leftover;
      save();
      return { ...entry };
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function load(file: string): z.infer<typeof ledgerFileSchema> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fresh();
    throw error;
  }
  const parsed = ledgerFileSchema.safeParse(safeJson(text));
  if (parsed.success) return parsed.data;
  // The ledger is what stands between a person and a forgotten cluster: never drop it silently.
  // Keep the unreadable file beside the new one so the resources it names can still be found.
  const aside = `${file}.unreadable-${Date.now()}`;
  fs.renameSync(file, aside);
  return fresh();
}

function fresh(): z.infer<typeof ledgerFileSchema> {
  return { schemaVersion: 1, sessionId: crypto.randomBytes(6).toString('hex'), entries: [] };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
