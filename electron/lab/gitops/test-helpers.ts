/** Shared by the gitops tests: lab inputs, a temp folder, and the real kubectl from LAB_KUBE_TOOLS. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { labInputsSchema, type LabInputs } from '../../api/inputs';

export function testInputs(clusters: Partial<LabInputs['clusters']> = {}): LabInputs {
  return labInputsSchema.parse({
    github: { owner: 'octo-learner' },
    gcp: { project: 'lab-project-4711' },
    clusters: { k3dName: 'crossplane', gkeName: 'dev-cluster', machineType: 'e2-standard-2', minNodes: 1, maxNodes: 3, preemptible: true, dataplaneV2: false, ...clusters },
    workspaceDir: '/tmp/unused',
  });
}

export function kubectlPath(): string {
  const dir = process.env.LAB_KUBE_TOOLS;
  if (!dir) throw new Error('LAB_KUBE_TOOLS is not set (test/global-setup.ts sets it)');
  return path.join(dir, 'kubectl');
}

export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeTree(dir: string, files: Map<string, string> | Record<string, string>): void {
  for (const [file, content] of files instanceof Map ? files : Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
}
