import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ledgerId, openLedger } from './ledger';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('ledger', () => {
  it('keeps what was recorded across openings, with one session id', () => {
    const dir = tempDir();
    const first = openLedger(dir, () => new Date('2026-11-26T10:00:00Z'));
    first.record({ kind: 'gke-cluster', name: 'dev-cluster', project: 'p', zone: 'europe-west9-a', labels: { lab: first.sessionId } });
    const second = openLedger(dir);
    expect(second.sessionId).toBe(first.sessionId);
    expect(second.list()).toMatchObject([
      { id: 'gke-cluster/p/europe-west9-a/dev-cluster', state: 'present', createdAt: '2026-11-26T10:00:00.000Z', labels: { lab: first.sessionId } },
    ]);
    expect(first.sessionId).toMatch(/^[a-z0-9]{12}$/);
  });

  it('keeps the first creation time while present and starts again after the resource was gone', () => {
    let now = new Date('2026-11-26T10:00:00Z');
    const ledger = openLedger(tempDir(), () => now);
    const id = ledger.record({ kind: 'k3d-cluster', name: 'crossplane' }).id;
    now = new Date('2026-11-26T11:00:00Z');
    expect(ledger.record({ kind: 'k3d-cluster', name: 'crossplane' }).createdAt).toBe('2026-11-26T10:00:00.000Z');
    ledger.observe(id, { state: 'gone' });
    now = new Date('2026-11-26T12:00:00Z');
    expect(ledger.record({ kind: 'k3d-cluster', name: 'crossplane' }).createdAt).toBe('2026-11-26T12:00:00.000Z');
  });

  it('records observations and tells listeners', () => {
    const ledger = openLedger(tempDir());
    const seen: number[] = [];
    ledger.onChange((entries) => seen.push(entries.length));
    const entry = ledger.record({ kind: 'gcp-network', name: 'dev-network', project: 'p' });
    expect(ledger.observe(entry.id, { state: 'unknown', detail: 'gcloud is not installed' })).toMatchObject({ state: 'unknown', detail: 'gcloud is not installed' });
    expect(ledger.observe('nope', { state: 'gone' })).toBeUndefined();
    expect(seen).toEqual([1, 1]);
  });

  it('moves an unreadable ledger aside instead of losing it', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'ledger.json'), '{"schemaVersion": 1, "entries": [tor');
    const ledger = openLedger(dir);
    expect(ledger.list()).toEqual([]);
    expect(fs.readdirSync(dir).some((name) => name.startsWith('ledger.json.unreadable-'))).toBe(true);
  });

  it('builds ids from the parts that locate a resource', () => {
    expect(ledgerId({ kind: 'gcp-network', name: 'n', project: 'p' })).toBe('gcp-network/p/n');
    expect(ledgerId({ kind: 'k3d-cluster', name: 'crossplane' })).toBe('k3d-cluster/crossplane');
  });
});
