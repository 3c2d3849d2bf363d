/**
 * gcloud's command tree as far as the lab uses it, with the flags each command accepts, so the
 * fake refuses what the real CLI refuses (`unrecognized arguments`, `Invalid choice`, exit 2).
 */
export interface CommandSpec {
  /** Flags that take a value. */
  values?: string[];
  /** Boolean flags (`--no-FLAG` accepted too). */
  bools?: string[];
  positionals: [min: number, max: number, name: string];
  required?: string[];
}

const LOCATION = ['--zone', '--region', '--location'];
const LIST = ['--filter', '--limit', '--sort-by', '--page-size', '--uri'];

export const COMMANDS: Record<string, CommandSpec> = {
  'version': { positionals: [0, 0, ''] },
  'auth list': { values: ['--filter-account'], positionals: [0, 0, ''] },
  'config get-value': { positionals: [1, 1, 'PROPERTY'] },
  'config set': { values: ['--installation'], positionals: [2, 2, 'PROPERTY VALUE'] },
  'config list': { bools: ['--all'], positionals: [0, 0, ''] },
  'services enable': { bools: ['--async'], positionals: [1, 99, 'SERVICE'] },
  'services list': { values: LIST, bools: ['--enabled', '--available'], positionals: [0, 0, ''] },
  'iam service-accounts create': { values: ['--display-name', '--description'], positionals: [1, 1, 'NAME'] },
  'iam service-accounts list': { values: LIST, positionals: [0, 0, ''] },
  'iam service-accounts describe': { positionals: [1, 1, 'SERVICE_ACCOUNT'] },
  'iam service-accounts delete': { positionals: [1, 1, 'SERVICE_ACCOUNT'] },
  'iam service-accounts keys create': { values: ['--iam-account', '--key-file-type'], positionals: [1, 1, 'OUTPUT-FILE'], required: ['--iam-account'] },
  'iam service-accounts keys list': { values: ['--iam-account', '--managed-by', '--created-before', ...LIST], positionals: [0, 0, ''], required: ['--iam-account'] },
  'iam service-accounts keys delete': { values: ['--iam-account'], positionals: [1, 1, 'KEY-ID'], required: ['--iam-account'] },
  'projects add-iam-policy-binding': { values: ['--member', '--role', '--condition', '--condition-from-file'], positionals: [1, 1, 'PROJECT_ID'], required: ['--member', '--role'] },
  'projects get-iam-policy': { values: LIST, positionals: [1, 1, 'PROJECT_ID'] },
  'container clusters list': { values: [...LOCATION, ...LIST], positionals: [0, 0, ''] },
  'container clusters describe': { values: LOCATION, positionals: [1, 1, 'NAME'] },
  'container clusters create': {
    values: [...LOCATION, '--num-nodes', '--machine-type', '--network', '--subnetwork', '--labels', '--release-channel', '--cluster-version'],
    bools: ['--async', '--enable-dataplane-v2'],
    positionals: [1, 1, 'NAME'],
  },
  'container clusters get-credentials': { values: LOCATION, bools: ['--internal-ip', '--dns-endpoint'], positionals: [1, 1, 'NAME'] },
  'container clusters delete': { values: LOCATION, bools: ['--async'], positionals: [1, 99, 'NAME'] },
  'compute networks list': { values: LIST, positionals: [0, 0, ''] },
  'compute networks create': { values: ['--subnet-mode', '--bgp-routing-mode', '--description'], positionals: [1, 1, 'NAME'] },
  'compute networks delete': { positionals: [1, 99, 'NAME'] },
  'compute forwarding-rules list': { values: [...LIST, '--regions', '--global'], positionals: [0, 0, ''] },
  'compute forwarding-rules delete': { values: ['--region'], bools: ['--global'], positionals: [1, 99, 'NAME'] },
  'components list': { values: LIST, bools: ['--only-local-state', '--show-versions'], positionals: [0, 0, ''] },
};

/** Flags every gcloud command takes. */
const GLOBAL_VALUES = ['--project', '--format', '--account', '--configuration', '--verbosity', '--impersonate-service-account', '--billing-project', '--flatten', '--trace-token'];
const GLOBAL_BOOLS = ['--quiet', '--log-http', '--user-output-enabled', '--help'];

export interface ParsedCommand {
  /** `container clusters list` */
  path: string;
  positionals: string[];
  flags: Map<string, string>;
  bools: Set<string>;
}

export class UsageError extends Error {
  constructor(
    /** gcloud.container.clusters */
    readonly commandId: string,
    message: string,
  ) {
    super(message);
  }
}

const GROUPS = new Set(Object.keys(COMMANDS).flatMap((path) => path.split(' ').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join(' '))));

export function commandId(path: string): string {
  return ['gcloud', ...path.split(' ').filter(Boolean)].join('.');
}

export function parseGcloud(argv: string[]): ParsedCommand {
  const words: string[] = [];
  const rest: string[] = [];
  let i = 0;
  // Leading words select the command; flags may appear anywhere.
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith('-')) {
      rest.push(arg);
      continue;
    }
    const candidate = [...words, arg].join(' ');
    if (COMMANDS[candidate] || GROUPS.has(candidate)) {
      words.push(arg);
      if (COMMANDS[candidate]) {
        i++;
        break;
      }
      continue;
    }
    const group = words.join(' ');
    if (words.length === 0 || GROUPS.has(group)) throw new UsageError(commandId(group), `Invalid choice: '${arg}'.`);
    break;
  }
  rest.push(...argv.slice(i));
  const path = words.join(' ');
  const spec = COMMANDS[path];
  if (!spec) throw new UsageError(commandId(path), 'Command name argument expected.');
  const values = new Set([...(spec.values ?? []), ...GLOBAL_VALUES]);
  const bools = new Set([...(spec.bools ?? []), ...GLOBAL_BOOLS]);
  const parsed: ParsedCommand = { path, positionals: [], flags: new Map(), bools: new Set() };
  const unknown: string[] = [];
  for (let j = 0; j < rest.length; j++) {
    const arg = rest[j]!;
    if (arg === '-q') {
      parsed.bools.add('--quiet');
      continue;
    }
    if (!arg.startsWith('--')) {
      parsed.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (values.has(flag)) {
      const value = eq > 0 ? arg.slice(eq + 1) : rest[++j];
      if (value === undefined) throw new UsageError(commandId(path), `argument ${flag}: expected one argument`);
      parsed.flags.set(flag, value);
    } else if (bools.has(flag)) {
      parsed.bools.add(flag);
    } else if (flag.startsWith('--no-') && bools.has(`--${flag.slice(5)}`)) {
      parsed.bools.delete(`--${flag.slice(5)}`);
    } else {
      unknown.push(arg);
    }
  }
  const [min, max, name] = spec.positionals;
  if (parsed.positionals.length > max) unknown.push(...parsed.positionals.slice(max));
  if (unknown.length) throw new UsageError(commandId(path), `unrecognized arguments: ${unknown.join(' ')} `);
  if (parsed.positionals.length < min) throw new UsageError(commandId(path), `argument ${name.split(' ')[parsed.positionals.length] ?? name}: Must be specified.`);
  for (const flag of spec.required ?? []) if (!parsed.flags.has(flag)) throw new UsageError(commandId(path), `argument ${flag}: Must be specified.`);
  return parsed;
}
