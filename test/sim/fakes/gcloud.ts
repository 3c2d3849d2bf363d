import { writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { ToolIo } from '../bin/tool-io.js';
import type { CreatedKey } from '../gcp/model.js';
import type { ForwardingRule, GkeCluster, IamPolicy, Network, ServiceAccount, ServiceAccountKey } from '../gcp/types.js';
import { callWorld, WorldError } from '../world/control-client.js';
import { kubeconfigPath, setContext } from '../world/kubeconfig-context.js';
import { pinnedToolVersions } from '../world/tool-versions.js';
import { commandId, parseGcloud, UsageError, type ParsedCommand } from './gcloud-args.js';
import { GcloudConfig, split } from './gcloud-config.js';
import { applyFilter } from './gcloud-filter.js';
import { FormatError, render, type TableSpec } from './gcloud-format.js';
import { clusterResource, clusterSelfLink, forwardingRuleResource, keyResource, networkResource, serviceAccountResource, serviceResource } from './gcloud-resources.js';

const SEARCH_HINT = '\nTo search the help text of gcloud commands, run:\n  gcloud help -- SEARCH_TERMS\n';

/** A failure gcloud reports as `ERROR: (gcloud.COMMAND) MESSAGE` with exit 1. */
class CommandError extends Error {}

interface Ctx {
  io: ToolIo;
  cmd: ParsedCommand;
  config: GcloudConfig;
  id: string;
}

/** Fake Google Cloud CLI 578: the commands the lab and its cleanup use, on the world's GCP model. */
export async function main(argv: string[], io: ToolIo): Promise<number> {
  if (argv[0] === '--version') argv = ['version', ...argv.slice(1)];
  let cmd: ParsedCommand;
  try {
    cmd = parseGcloud(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`ERROR: (${error.commandId}) ${error.message}\n${SEARCH_HINT}`);
    return 2;
  }
  const ctx: Ctx = { io, cmd, config: new GcloudConfig(io.env), id: commandId(cmd.path) };
  try {
    await run(ctx);
    return 0;
  } catch (error) {
    if (error instanceof CommandError || error instanceof FormatError) {
      io.stderr.write(`ERROR: (${ctx.id}) ${error.message}\n`);
      return 1;
    }
    if (error instanceof WorldError && error.kind === 'gcp') {
      io.stderr.write(`ERROR: (${ctx.id}) ${apiErrorText(cmd.path, error, ctx)}\n`);
      return 1;
    }
    throw error;
  }
}

/** Each Google API surfaces errors through gcloud in its own words. */
function apiErrorText(path: string, error: WorldError, ctx: Ctx): string {
  const code = Number(error.data.code);
  const status = String(error.data.status);
  if (path.startsWith('container ')) return `ResponseError: code=${code}, message=${error.message}`;
  if (path.startsWith('compute ')) return `Could not fetch resource:\n - ${error.message}`;
  if (status === 'ALREADY_EXISTS') return `Resource in projects [${project(ctx)}] is the subject of a conflict: ${error.message}`;
  if (status === 'FAILED_PRECONDITION') return error.message;
  return `${status}: ${error.message}`;
}

async function gcp<T>(ctx: Ctx, method: string, ...args: unknown[]): Promise<T> {
  return (await callWorld<{ result: T }>(ctx.io.env, `/gcp/${method}`, { args })).result;
}

function project(ctx: Ctx): string {
  const value = ctx.cmd.flags.get('--project') ?? ctx.config.get('core/project');
  if (!value) {
    throw new CommandError(
      'The required property [project] is not currently set.\nIt can be set on a per-command basis by re-running your command with the [--project] flag.\n\n' +
        'You may set it for your current workspace by running:\n\n  $ gcloud config set project VALUE\n\nor it can be set temporarily by the environment variable [CLOUDSDK_CORE_PROJECT]',
    );
  }
  return value;
}

function location(ctx: Ctx, required: boolean): string | undefined {
  const value = ctx.cmd.flags.get('--location') ?? ctx.cmd.flags.get('--zone') ?? ctx.cmd.flags.get('--region') ?? ctx.config.get('compute/zone') ?? ctx.config.get('compute/region');
  if (!value && required) throw new CommandError('One of [--location, --region, --zone] must be supplied: Please specify location.');
  return value;
}

function out(ctx: Ctx, listed: unknown[], table: TableSpec | 'yaml', single = false): void {
  const resources = single ? listed : applyFilter(listed, ctx.cmd.flags.get('--filter'));
  const text = render(resources, ctx.cmd.flags.get('--format'), table, single);
  ctx.io.stdout.write(text);
  if (resources.length === 0 && !single && ctx.cmd.flags.get('--format') === undefined) ctx.io.stderr.write('Listed 0 items.\n');
}

/** Delete commands ask first; --quiet answers yes, and without a terminal gcloud takes the default. */
function confirm(ctx: Ctx, message: string): void {
  ctx.io.stderr.write(`${message}\n\nDo you want to continue (Y/n)?  `);
  ctx.io.stderr.write(ctx.cmd.bools.has('--quiet') ? '\n\n' : 'Y\n\n');
}

async function run(ctx: Ctx): Promise<void> {
  const { io, cmd } = ctx;
  const [first] = cmd.positionals;
  switch (cmd.path) {
    case 'version':
      io.stdout.write(`Google Cloud SDK ${pinnedToolVersions.gcloud}\nalpha 2026.07.24\nbeta 2026.07.24\nbq 2.1.22\ncore 2026.07.24\ngcloud-crc32c 1.0.0\ngsutil 5.35\n`);
      return;
    case 'auth list': {
      const { account } = await callWorld<{ account: string }>(io.env, '/gcp/config');
      const active = ctx.config.get('core/account') ?? account;
      out(ctx, [{ account: active, status: 'ACTIVE' }], { title: 'Credentialed Accounts', columns: [['ACTIVE', (r) => (r.status === 'ACTIVE' ? '*' : '')], ['ACCOUNT', 'account']] });
      if (!cmd.flags.get('--format')) io.stderr.write('\nTo set the active account, run:\n    $ gcloud config set account `ACCOUNT`\n\n');
      return;
    }
    case 'config get-value': {
      const value = ctx.config.get(first!);
      if (ctx.config.active !== 'default') io.stderr.write(`Your active configuration is: [${ctx.config.active}]\n`);
      if (value === undefined) io.stderr.write('(unset)\n');
      else io.stdout.write(`${value}\n`);
      return;
    }
    case 'config set': {
      const [property, value] = cmd.positionals as [string, string];
      ctx.config.set(property, value);
      const [section, name] = split(property);
      io.stderr.write(`Updated property [${section}/${name}].\n`);
      return;
    }
    case 'config list': {
      const lines = ctx.config.entries().flatMap(([section, entries]) => [`[${section}]`, ...[...entries].map(([k, v]) => `${k} = ${v}`)]);
      io.stdout.write(`${lines.join('\n')}\n`);
      io.stderr.write(`\nYour active configuration is: [${ctx.config.active}]\n`);
      return;
    }
    case 'services enable': {
      const operations = await gcp<string[]>(ctx, 'enableServices', project(ctx), cmd.positionals);
      for (const op of operations) io.stderr.write(`Operation "${op}" finished successfully.\n`);
      return;
    }
    case 'services list': {
      const apis = await gcp<string[]>(ctx, 'listEnabledServices', project(ctx));
      const number = (await gcp<{ projectNumber: string }>(ctx, 'project', project(ctx))).projectNumber;
      out(ctx, apis.map((api) => serviceResource(number, api)), { columns: [['NAME', 'config.name'], ['TITLE', 'config.title']] });
      return;
    }
    case 'iam service-accounts create': {
      const sa = await gcp<ServiceAccount>(ctx, 'createServiceAccount', project(ctx), first, cmd.flags.get('--display-name') ?? '');
      io.stderr.write(`Created service account [${sa.accountId}].\nService account email: ${sa.email}\n`);
      if (cmd.flags.get('--format')) out(ctx, [serviceAccountResource(sa)], 'yaml', true);
      return;
    }
    case 'iam service-accounts list': {
      const list = await gcp<ServiceAccount[]>(ctx, 'listServiceAccounts', project(ctx));
      out(ctx, list.map(serviceAccountResource), { columns: [['DISPLAY NAME', 'displayName'], ['EMAIL', 'email'], ['DISABLED', (r) => (r.disabled ? 'True' : 'False')]] });
      return;
    }
    case 'iam service-accounts describe': {
      const sa = await gcp<ServiceAccount>(ctx, 'getServiceAccount', first);
      out(ctx, [serviceAccountResource(sa)], 'yaml', true);
      return;
    }
    case 'iam service-accounts delete': {
      confirm(ctx, `You are about to delete service account [${first}].`);
      await gcp(ctx, 'deleteServiceAccount', first);
      io.stderr.write(`deleted service account [${first}]\n`);
      return;
    }
    case 'iam service-accounts keys create':
      return createKey(ctx);
    case 'iam service-accounts keys list': {
      const account = cmd.flags.get('--iam-account')!;
      const sa = await gcp<ServiceAccount>(ctx, 'getServiceAccount', account);
      const keys = await gcp<ServiceAccountKey[]>(ctx, 'listKeys', account);
      out(ctx, keys.map((k) => keyResource(sa, k)), {
        columns: [['KEY_ID', (r) => String(r.name).split('/').pop()], ['CREATED_AT', 'validAfterTime'], ['EXPIRES_AT', 'validBeforeTime'], ['DISABLED', () => '']],
      });
      return;
    }
    case 'iam service-accounts keys delete': {
      const account = cmd.flags.get('--iam-account')!;
      confirm(ctx, `You are about to delete key [${first}] for service account [${account}].`);
      await gcp(ctx, 'deleteKey', account, first);
      io.stderr.write(`deleted key [${first}] for service account [${account}]\n`);
      return;
    }
    case 'projects add-iam-policy-binding': {
      const policy = await gcp<IamPolicy>(ctx, 'addIamBinding', first, cmd.flags.get('--member'), cmd.flags.get('--role'));
      io.stderr.write(`Updated IAM policy for project [${first}].\n`);
      out(ctx, [policy], 'yaml', true);
      return;
    }
    case 'projects get-iam-policy': {
      const policy = (await callWorld<{ gcp: { projects: Record<string, { iamPolicy: IamPolicy }> } }>(io.env, '/world')).gcp.projects[first!]?.iamPolicy;
      if (!policy) throw new CommandError(`[${first}] not found or permission denied.`);
      out(ctx, [policy], 'yaml', true);
      return;
    }
    case 'container clusters list': {
      const p = project(ctx);
      const clusters = await gcp<GkeCluster[]>(ctx, 'listClusters', p, location(ctx, false));
      out(ctx, clusters.map((c) => clusterResource(p, c)), {
        columns: [
          ['NAME', 'name'], ['LOCATION', 'zone'], ['MASTER_VERSION', 'currentMasterVersion'], ['MASTER_IP', 'endpoint'], ['MACHINE_TYPE', 'nodePools[0].config.machineType'],
          ['NODE_VERSION', 'currentNodeVersion'], ['NUM_NODES', (r) => r.currentNodeCount ?? ''], ['STATUS', 'status'], ['STACK_TYPE', () => 'IPV4'],
        ],
      });
      return;
    }
    case 'container clusters describe': {
      const p = project(ctx);
      const cluster = await gcp<GkeCluster>(ctx, 'getCluster', p, location(ctx, true), first);
      out(ctx, [clusterResource(p, cluster)], 'yaml', true);
      return;
    }
    case 'container clusters create':
      return createCluster(ctx);
    case 'container clusters get-credentials':
      return getCredentials(ctx);
    case 'container clusters delete':
      return deleteClusters(ctx);
    case 'compute networks list': {
      const networks = await gcp<Network[]>(ctx, 'listNetworks', project(ctx));
      out(ctx, networks.map(networkResource), { columns: [['NAME', 'name'], ['SUBNET_MODE', 'x_gcloud_subnet_mode'], ['BGP_ROUTING_MODE', 'x_gcloud_bgp_routing_mode'], ['IPV4_RANGE', () => ''], ['GATEWAY_IPV4', () => '']] });
      return;
    }
    case 'compute networks create': {
      const p = project(ctx);
      const mode = (cmd.flags.get('--subnet-mode') ?? 'auto').toLowerCase();
      io.stderr.write(`Created [https://www.googleapis.com/compute/v1/projects/${p}/global/networks/${first}].\n`);
      const network = await gcp<Network>(ctx, 'createNetwork', p, first, { autoCreateSubnetworks: mode === 'auto' });
      out(ctx, [networkResource(network)], { columns: [['NAME', 'name'], ['SUBNET_MODE', 'x_gcloud_subnet_mode'], ['BGP_ROUTING_MODE', 'x_gcloud_bgp_routing_mode'], ['IPV4_RANGE', () => ''], ['GATEWAY_IPV4', () => '']] });
      return;
    }
    case 'compute networks delete': {
      const p = project(ctx);
      confirm(ctx, `The following networks will be deleted:\n${cmd.positionals.map((n) => ` - [${n}]`).join('\n')}`);
      for (const name of cmd.positionals) {
        await gcp<Network>(ctx, 'deleteNetwork', p, name);
        io.stderr.write(`Deleted [https://www.googleapis.com/compute/v1/projects/${p}/global/networks/${name}].\n`);
      }
      return;
    }
    case 'compute forwarding-rules list': {
      const p = project(ctx);
      const rules = await gcp<ForwardingRule[]>(ctx, 'listForwardingRules', p);
      out(ctx, rules.map((r) => forwardingRuleResource(p, r)), {
        columns: [['NAME', 'name'], ['REGION', (r) => String(r.region).split('/').pop()], ['IP_ADDRESS', 'IPAddress'], ['IP_PROTOCOL', 'IPProtocol'], ['TARGET', (r) => String(r.target).split('/').slice(-3).join('/')]],
      });
      return;
    }
    case 'compute forwarding-rules delete':
      return deleteForwardingRules(ctx);
    case 'components list': {
      const rows = [
        { state: { name: 'Installed' }, name: 'Google Cloud CLI Core Libraries', id: 'core', size: { value: '21.9 MiB' } },
        { state: { name: 'Installed' }, name: 'kubectl', id: 'kubectl', size: { value: '< 1 MiB' } },
        ...(await authPluginInstalled(ctx) ? [{ state: { name: 'Installed' }, name: 'gke-gcloud-auth-plugin', id: 'gke-gcloud-auth-plugin', size: { value: '4.1 MiB' } }] : []),
      ];
      out(ctx, rows, { columns: [['Status', 'state.name'], ['Name', 'name'], ['ID', 'id'], ['Size', 'size.value']] });
      return;
    }
  }
}

async function authPluginInstalled(ctx: Ctx): Promise<boolean> {
  const { active } = await callWorld<{ active: string[] }>(ctx.io.env, '/faults');
  return !active.includes('gke-auth-plugin-missing');
}

async function createKey(ctx: Ctx): Promise<void> {
  const file = ctx.cmd.positionals[0]!;
  const account = ctx.cmd.flags.get('--iam-account')!;
  const created = await gcp<CreatedKey>(ctx, 'createKey', account);
  const keyFile = {
    type: 'service_account',
    project_id: created.projectId,
    private_key_id: created.key.keyId,
    private_key: created.privateKeyPem,
    client_email: created.email,
    client_id: created.uniqueId,
    auth_uri: 'https://accounts.google.com/o/oauth2/auth',
    token_uri: 'https://oauth2.googleapis.com/token',
    auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
    client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(created.email)}`,
    universe_domain: 'googleapis.com',
  };
  writeFileSync(isAbsolute(file) ? file : join(ctx.io.cwd, file), JSON.stringify(keyFile, null, 2) + '\n', { mode: 0o600 });
  ctx.io.stderr.write(`created key [${created.key.keyId}] of type [json] as [${file}] for [${account}]\n`);
}

async function createCluster(ctx: Ctx): Promise<void> {
  const { io, cmd } = ctx;
  const p = project(ctx);
  const zone = location(ctx, true)!;
  const name = cmd.positionals[0]!;
  const labels = Object.fromEntries((cmd.flags.get('--labels') ?? '').split(',').filter(Boolean).map((kv) => kv.split('=') as [string, string]));
  let cluster = await gcp<GkeCluster>(ctx, 'createCluster', p, zone, name, {
    network: cmd.flags.get('--network'),
    labels,
    initialNodeCount: cmd.flags.has('--num-nodes') ? Number(cmd.flags.get('--num-nodes')) : 3,
    machineType: cmd.flags.get('--machine-type'),
    ...(cmd.bools.has('--enable-dataplane-v2') ? { datapathProvider: 'ADVANCED_DATAPATH' } : {}),
  });
  if (cmd.bools.has('--async')) {
    io.stderr.write(`Creating cluster ${name} in ${zone}...done.\n`);
    return;
  }
  io.stderr.write(`Creating cluster ${name} in ${zone}...`);
  while (cluster.status === 'PROVISIONING') {
    await new Promise((resolve) => setTimeout(resolve, 50));
    cluster = await gcp<GkeCluster>(ctx, 'getCluster', p, zone, name);
  }
  io.stderr.write(`done.\nCreated [${clusterSelfLink(p, cluster)}].\n`);
  io.stderr.write(`To inspect the contents of your cluster, go to: https://console.cloud.google.com/kubernetes/workload_/gcloud/${zone}/${name}?project=${p}\n`);
  await writeCredentials(ctx, p, zone, cluster);
  out(ctx, [clusterResource(p, cluster)], { columns: [['NAME', 'name'], ['LOCATION', 'zone'], ['MASTER_VERSION', 'currentMasterVersion'], ['MASTER_IP', 'endpoint'], ['MACHINE_TYPE', 'nodePools[0].config.machineType'], ['NODE_VERSION', 'currentNodeVersion'], ['NUM_NODES', (r) => r.currentNodeCount ?? ''], ['STATUS', 'status']] }, true);
}

async function getCredentials(ctx: Ctx): Promise<void> {
  const p = project(ctx);
  const zone = location(ctx, true)!;
  const name = ctx.cmd.positionals[0]!;
  ctx.io.stderr.write('Fetching cluster endpoint and auth data.\n');
  const cluster = await gcp<GkeCluster>(ctx, 'getCluster', p, zone, name);
  if (cluster.status !== 'RUNNING') ctx.io.stderr.write(`WARNING: cluster ${name} is not running. The kubernetes API may not be available.\n`);
  await writeCredentials(ctx, p, zone, cluster);
}

/** The kubeconfig entry gcloud writes: context gke_PROJECT_LOCATION_NAME, auth through the exec plugin. */
async function writeCredentials(ctx: Ctx, p: string, zone: string, cluster: GkeCluster): Promise<void> {
  const { authPluginMissing, serverUrl } = await callWorld<{ authPluginMissing: boolean; serverUrl?: string }>(ctx.io.env, '/gcp/credentials', { project: p, location: zone, name: cluster.name });
  if (!serverUrl) throw new CommandError(`cluster ${cluster.name} is missing endpoint. Is it still PROVISIONING?`);
  if (authPluginMissing) {
    ctx.io.stderr.write(
      'CRITICAL: ACTION REQUIRED: gke-gcloud-auth-plugin, which is needed for continued use of kubectl, was not found or is not executable. ' +
        'Install gke-gcloud-auth-plugin for use with kubectl by following https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin\n',
    );
  }
  const context = `gke_${p}_${zone}_${cluster.name}`;
  setContext(
    kubeconfigPath(ctx.io.env),
    {
      name: context,
      server: serverUrl,
      user: context,
      userFields: {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          command: 'gke-gcloud-auth-plugin',
          installHint: 'Install gke-gcloud-auth-plugin for use with kubectl by following\n        https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin',
          provideClusterInfo: true,
          interactiveMode: 'IfAvailable',
        },
      },
    },
    true,
  );
  ctx.io.stderr.write(`kubeconfig entry generated for ${cluster.name}.\n`);
}

async function deleteClusters(ctx: Ctx): Promise<void> {
  const { io, cmd } = ctx;
  const p = project(ctx);
  const zone = location(ctx, true)!;
  const question = `The following clusters will be deleted.\n${cmd.positionals.map((n) => ` - [${n}] in [${zone}]`).join('\n')}`;
  // This prompt is asked with throw_if_unattended: without a terminal only --quiet gets past it.
  if (!cmd.bools.has('--quiet') && !(io.stdin as { isTTY?: boolean }).isTTY) {
    io.stderr.write(`${question}\n\n`);
    throw new CommandError('This prompt could not be answered because you are not in an interactive session. You can re-run the command with the --quiet flag to accept default answers for all prompts.');
  }
  confirm(ctx, question);
  for (const name of cmd.positionals) {
    let cluster = await gcp<GkeCluster>(ctx, 'deleteCluster', p, zone, name);
    if (cmd.bools.has('--async')) continue;
    io.stderr.write(`Deleting cluster ${name}...`);
    try {
      while (cluster.status === 'STOPPING') {
        await new Promise((resolve) => setTimeout(resolve, 50));
        cluster = await gcp<GkeCluster>(ctx, 'getCluster', p, zone, name);
      }
    } catch (error) {
      if (!(error instanceof WorldError && error.data.status === 'NOT_FOUND')) throw error;
    }
    io.stderr.write(`done.\nDeleted [${clusterSelfLink(p, cluster)}].\n`);
  }
}


/** Like the real command, it returns once Google has released each rule (the operation is done). */
async function deleteForwardingRules(ctx: Ctx): Promise<void> {
  const { io, cmd } = ctx;
  const p = project(ctx);
  const region = cmd.flags.get('--region') ?? ctx.config.get('compute/region');
  if (!region) throw new CommandError('Underspecified resource [' + cmd.positionals.join(', ') + ']. Specify one of the [--global, --region] flags.');
  confirm(ctx, `The following forwarding rules will be deleted:\n${cmd.positionals.map((n) => ` - [${n}] in [${region}]`).join('\n')}`);
  for (const name of cmd.positionals) {
    await gcp<ForwardingRule>(ctx, 'deleteLoadBalancer', p, region, name);
    try {
      for (;;) {
        await gcp<ForwardingRule>(ctx, 'getLoadBalancer', p, region, name);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } catch (error) {
      if (!(error instanceof WorldError && error.data.status === 'NOT_FOUND')) throw error;
    }
    io.stderr.write(`Deleted [https://www.googleapis.com/compute/v1/projects/${p}/regions/${region}/forwardingRules/${name}].\n`);
  }
}
