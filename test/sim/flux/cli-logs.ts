import type { ToolIo } from '../bin/tool-io.js';
import { CliError } from './cli-output.js';
import type { FluxLogLine } from './controllers.js';
import type { KubeClient } from './kube-client.js';
import { FLUX_NAMESPACE } from './meta.js';

/**
 * `flux logs`: the controllers' JSON log lines, filtered and printed with the template of
 * cmd/flux/logs.go. The simulated controllers serve their logs through the API server's service
 * proxy (`/logs` of each controller), where the real CLI would read the pods' logs.
 */

export interface LogFilter {
  kind?: string;
  name?: string;
  namespace?: string;
  level?: string;
}

const CONTROLLERS = ['helm-controller', 'kustomize-controller', 'notification-controller', 'source-controller'];
const KINDS: Record<string, string> = { gitrepository: 'GitRepository', helmrepository: 'HelmRepository', kustomization: 'Kustomization', helmrelease: 'HelmRelease' };

export async function printLogs(io: ToolIo, client: KubeClient, filter: LogFilter): Promise<void> {
  const lines: FluxLogLine[] = [];
  for (const controller of CONTROLLERS) {
    const res = await client.proxyGet(FLUX_NAMESPACE, controller, '/logs');
    if (res.status === 404 || res.status === 503) continue;
    if (res.status >= 300) {
      io.stderr.write(`failed getting logs: ${res.text.trim()}\n`);
      continue;
    }
    for (const raw of res.text.split('\n')) if (raw.trim()) lines.push(JSON.parse(raw) as FluxLogLine);
  }
  if (lines.length === 0 && (await client.list('apps/v1', 'Deployment', FLUX_NAMESPACE))?.length === 0) {
    throw new CliError(`no Flux pods found in namespace "${FLUX_NAMESPACE}"`);
  }
  lines.sort((a, b) => a.ts.localeCompare(b.ts));
  for (const line of lines) {
    if (filter.kind && line.controllerKind !== filter.kind.toLowerCase()) continue;
    if (filter.name && line.name !== filter.name) continue;
    if (filter.namespace && line.namespace !== filter.namespace) continue;
    if (filter.level && line.level !== filter.level) continue;
    const kind = KINDS[line.controllerKind] ?? line.controllerKind;
    io.stdout.write(`${line.ts} ${line.level} ${kind}${line.name ? `/${line.name}.${line.namespace}` : ''} - ${line.msg} ${line.error ?? ''}\n`);
  }
}
