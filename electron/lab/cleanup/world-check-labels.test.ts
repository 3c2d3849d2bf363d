/**
 * The label the world check searches for (`resourceLabels.lab=<session id>`) is the one the
 * scaffold puts on the GKE cluster and its node pool, for any session id the ledger makes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { scaffoldFiles } from '../gitops/scaffold';
import { testInputs } from '../gitops/test-helpers';
import { openLedger, SESSION_LABEL } from './ledger';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function forProvider(files: Map<string, string>, name: string): Record<string, unknown> {
  const text = files.get(`infrastructure/k3d-crossplane/custom-resources/crossplane/${name}.yaml`)!;
  return (parse(text) as { spec: { forProvider: Record<string, unknown> } }).spec.forProvider;
}

describe('session labels in the scaffold', () => {
  it('label the cluster (resourceLabels) and node pool (nodeConfig.resourceLabels) with the ledger session id', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labels-'));
    dirs.push(dir);
    const session = openLedger(dir).sessionId;
    const files = scaffoldFiles(testInputs(), { session });
    expect(forProvider(files, 'cluster').resourceLabels).toEqual({ [SESSION_LABEL]: session });
    expect((forProvider(files, 'nodepool').nodeConfig as { resourceLabels?: unknown }).resourceLabels).toEqual({ [SESSION_LABEL]: session });
  });

  it('accept session ids that start with a digit (valid GCP label values) and refuse invalid ones', () => {
    const files = scaffoldFiles(testInputs(), { session: '0a1b2c3d4e5f' });
    expect(forProvider(files, 'cluster').resourceLabels).toEqual({ lab: '0a1b2c3d4e5f' });
    expect(() => scaffoldFiles(testInputs(), { session: 'Not_Valid' })).toThrow(/not a valid GCP label value/);
    expect(() => scaffoldFiles(testInputs(), { session: 'ends-' })).toThrow(/not a valid GCP label value/);
  });
});
