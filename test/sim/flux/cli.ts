import type { ToolIo } from '../bin/tool-io.js';
import { flagBool, parseArgs, type ParsedArgs } from './cli-args.js';
import { bootstrapGitHub } from './cli-bootstrap.js';
import { check } from './cli-check.js';
import { getAll, getOne } from './cli-get.js';
import { diffKustomization } from './cli-diff.js';
import { printLogs } from './cli-logs.js';
import { CliError, StatusLog } from './cli-output.js';
import { reconcileHelmRelease, reconcileKustomization, reconcileSource, setSuspended, waitSettings } from './cli-reconcile.js';
import { trace } from './cli-trace.js';
import { FLUX_VERSION } from './components.js';
import { KubeClient, KubeClientError } from './kube-client.js';
import { GIT_REPOSITORY, HELM_RELEASE, HELM_REPOSITORY, KUSTOMIZATION } from './meta.js';

/**
 * The fake `flux` CLI (v2.9): same subcommands, flags, streams and exit codes as the real one,
 * against the simulated clusters through their API servers and the simulated GitHub.
 */

const BOOLEANS = new Set(['all-namespaces', 'no-header', 'with-source', 'personal', 'private', 'token-auth', 'pre', 'client', 'version', 'help', 'silent', 'read-write-key', 'progress-bar', 'force', 'reset']);

const KIND_ALIASES: Record<string, string> = {
  kustomization: 'kustomization', kustomizations: 'kustomization', ks: 'kustomization',
  helmrelease: 'helmrelease', helmreleases: 'helmrelease', hr: 'helmrelease',
};

function namespaceOf(args: ParsedArgs): string {
  return args.flags.get('namespace') || 'flux-system';
}

function clientOf(io: ToolIo, args: ParsedArgs): KubeClient {
  return KubeClient.fromKubeconfig(io.env, args.flags.get('context') || undefined);
}

async function readToken(io: ToolIo, log: StatusLog): Promise<string> {
  if (io.env.GITHUB_TOKEN) return io.env.GITHUB_TOKEN;
  io.stderr.write('Please enter your GitHub personal access token (PAT): ');
  let input = '';
  for await (const chunk of io.stdin) {
    input += String(chunk);
    if (input.includes('\n')) break;
  }
  const token = input.split('\n')[0]?.trim() ?? '';
  io.stderr.write('\n');
  if (!token) {
    log.failure('could not read token: EOF');
    throw new CliError('', 1);
  }
  return token;
}

async function run(argv: string[], io: ToolIo, log: StatusLog): Promise<void> {
  const args = parseArgs(argv, BOOLEANS);
  const [command, ...rest] = args.positional;
  const wait = waitSettings(args.flags.get('timeout'), io.env);
  if (!command && flagBool(args, 'version')) {
    io.stdout.write(`flux version ${FLUX_VERSION}\n`);
    return;
  }
  switch (command) {
    case 'version':
      io.stdout.write(`flux: v${FLUX_VERSION}\n`);
      if (!flagBool(args, 'client')) {
        const client = clientOf(io, args);
        const ns = await client.get('v1', 'Namespace', undefined, 'flux-system');
        const version = ns?.metadata.labels?.['app.kubernetes.io/version'];
        if (version) io.stdout.write(`distribution: flux-${version}\nhelm-controller: v1.6.3\nkustomize-controller: v1.9.4\nnotification-controller: v1.9.2\nsource-controller: v1.9.3\n`);
      }
      return;
    case 'check':
      return check(log, clientOf(io, args), flagBool(args, 'pre'));
    case 'bootstrap': {
      if (rest[0] !== 'github') throw new CliError(`unknown command "${rest[0] ?? ''}" for "flux bootstrap"`);
      const owner = args.flags.get('owner');
      const repository = args.flags.get('repository');
      if (!owner) throw new CliError('--owner is required');
      if (!repository) throw new CliError('--repository is required');
      if (!flagBool(args, 'token-auth')) throw new CliError('this simulated flux only bootstraps with --token-auth (SSH deploy keys are not simulated)');
      const client = clientOf(io, args);
      const token = await readToken(io, log);
      return bootstrapGitHub(io, log, client, {
        owner,
        repository,
        personal: flagBool(args, 'personal'),
        private: args.flags.get('private') !== 'false',
        path: args.flags.get('path') ?? '',
        branch: args.flags.get('branch') || 'main',
        hostname: args.flags.get('hostname') || 'github.com',
        token,
        timeoutMs: wait.timeoutMs,
        pollMs: wait.pollMs,
      });
    }
    case 'get': {
      const options = {
        namespace: namespaceOf(args),
        allNamespaces: flagBool(args, 'all-namespaces'),
        noHeader: flagBool(args, 'no-header'),
        ...(args.flags.get('status-selector') ? { statusSelector: args.flags.get('status-selector') as string } : {}),
      };
      const client = clientOf(io, args);
      const [what = '', second, third] = rest;
      if (what === 'all') return getAll(io, client, options);
      if (what === 'sources' || what === 'source') {
        const key = second === 'git' ? 'gitrepository' : second === 'helm' ? 'helmrepository' : undefined;
        if (!key) throw new CliError(`unknown command "${second ?? ''}" for "flux get sources"`);
        return getOne(io, client, key, { ...options, ...(third ? { name: third } : {}) });
      }
      const key = KIND_ALIASES[what];
      if (!key) throw new CliError(`unknown command "${what}" for "flux get"`);
      return getOne(io, client, key, { ...options, ...(second ? { name: second } : {}) });
    }
    case 'reconcile': {
      const client = clientOf(io, args);
      const namespace = namespaceOf(args);
      const [what = '', second = '', third = ''] = rest;
      if (what === 'source') {
        const kind = second === 'git' ? GIT_REPOSITORY : second === 'helm' ? HELM_REPOSITORY : undefined;
        if (!kind || !third) throw new CliError(kind ? 'source name is required' : `unknown command "${second}" for "flux reconcile source"`);
        return reconcileSource(log, client, { ...kind, namespace, name: third }, wait);
      }
      const key = KIND_ALIASES[what];
      if (!key) throw new CliError(`unknown command "${what}" for "flux reconcile"`);
      if (!second) throw new CliError(`${key === 'kustomization' ? 'Kustomization' : 'HelmRelease'} name is required`);
      if (key === 'kustomization') return reconcileKustomization(log, client, namespace, second, flagBool(args, 'with-source'), wait);
      return reconcileHelmRelease(log, client, namespace, second, { withSource: flagBool(args, 'with-source'), force: flagBool(args, 'force'), reset: flagBool(args, 'reset') }, wait);
    }
    case 'suspend':
    case 'resume': {
      const [what = '', name = ''] = rest;
      const key = KIND_ALIASES[what];
      if (!key) throw new CliError(`unknown command "${what}" for "flux ${command}"`);
      if (!name) throw new CliError(`${key === 'kustomization' ? 'Kustomization' : 'HelmRelease'} name is required`);
      const kind = key === 'kustomization' ? KUSTOMIZATION : HELM_RELEASE;
      return setSuspended(log, clientOf(io, args), { ...kind, namespace: namespaceOf(args), name }, command === 'suspend', wait);
    }
    case 'logs':
      return printLogs(io, clientOf(io, args), {
        ...(args.flags.get('kind') ? { kind: args.flags.get('kind') as string } : {}),
        ...(args.flags.get('name') ? { name: args.flags.get('name') as string } : {}),
        ...(args.flags.get('namespace') ? { namespace: args.flags.get('namespace') as string } : {}),
        ...(args.flags.get('level') ? { level: args.flags.get('level') as string } : {}),
      });
    case 'trace':
      return trace(io, clientOf(io, args), rest, args.flags.get('namespace') || 'default');
    case 'diff': {
      const [what = '', name = ''] = rest;
      if (KIND_ALIASES[what] !== 'kustomization') throw new CliError(`unknown command "${what}" for "flux diff"`);
      if (!name) throw new CliError('kustomization name is required', 2);
      const code = await diffKustomization(io, log, clientOf(io, args), name, args.flags.get('path'), namespaceOf(args));
      if (code !== 0) throw new CliError('', code);
      return;
    }
    case undefined:
      io.stdout.write('Command line utility for assembling Kubernetes CD pipelines the GitOps way.\n\nUsage:\n  flux [command]\n');
      return;
    default:
      throw new CliError(`unknown command "${command}" for "flux"`);
  }
}

export async function main(argv: string[], io: ToolIo): Promise<number> {
  const log = new StatusLog(io);
  try {
    await run(argv, io, log);
    return 0;
  } catch (error) {
    if (error instanceof CliError) {
      if (error.message) log.failure(error.message);
      return error.exitCode;
    }
    if (error instanceof KubeClientError) {
      log.failure(error.message);
      return 1;
    }
    log.failure((error as Error).message);
    return 1;
  }
}
