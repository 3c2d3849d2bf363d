import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { writeKubeconfig } from './kubeconfig.js';

export interface KubectlResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Real kubectl against a simulated API server, isolated per harness: its own kubeconfig and
 * discovery cache dir in a temp dir (removed by `dispose`).
 */
export class KubectlHarness {
  readonly dir = mkdtempSync(join(tmpdir(), 'sim-kubectl-'));
  readonly kubeconfig = join(this.dir, 'kubeconfig');
  readonly binary = join(process.env.LAB_KUBE_TOOLS ?? join(process.cwd(), '.cache', 'kube-tools'), 'kubectl');

  constructor(serverUrl: string, context = 'k3d-lab') {
    writeKubeconfig(this.kubeconfig, [{ name: context, server: serverUrl }], context);
  }

  private args(argv: string[]): string[] {
    return ['--kubeconfig', this.kubeconfig, '--cache-dir', join(this.dir, 'cache'), ...argv];
  }

  start(argv: string[], input?: string): ResultPromise<{ reject: false; input?: string; env: Record<string, string> }> {
    return execa(this.binary, this.args(argv), { reject: false, ...(input !== undefined ? { input } : {}), env: { HOME: this.dir } });
  }

  async run(argv: string[], input?: string): Promise<KubectlResult> {
    const r = await this.start(argv, input);
    return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
