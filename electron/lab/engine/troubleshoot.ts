/**
 * The flux commands behind the "Troubleshoot" panel (LAB.md step 17). Each names the kube
 * context explicitly, because with two clusters the current context is often the wrong one.
 */
import type { TroubleshootRequest } from '../../api/contract';

export function troubleshootCommand(request: TroubleshootRequest): string[] {
  const context = `--context=${request.context}`;
  switch (request.kind) {
    case 'failing':
      return ['flux', 'get', 'all', '-A', '--status-selector', 'ready=false', context];
    case 'logs':
      return ['flux', 'logs', '--kind', request.objectKind, '--name', request.name, '-n', request.namespace, context];
    case 'trace':
      return ['flux', 'trace', '-n', request.namespace, request.object, context];
    case 'diff':
      return ['flux', 'diff', 'kustomization', request.name, '--path', request.path, context];
  }
}
