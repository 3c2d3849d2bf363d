/** Cobra-style flags: `--name value`, `--name=value`, booleans, and the short forms flux has. */
export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string>;
}

const SHORT: Record<string, string> = { n: 'namespace', A: 'all-namespaces', v: 'version', h: 'help', s: 'silent' };

export function parseArgs(argv: string[], booleans: ReadonlySet<string>): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    const long = /^--([^=]+)(?:=(.*))?$/.exec(arg);
    const short = /^-([A-Za-z])(?:=(.*))?$/.exec(arg);
    const name = long ? long[1] : short ? SHORT[short[1] as string] ?? short[1] : undefined;
    if (!name) {
      positional.push(arg);
      continue;
    }
    const inline = long ? long[2] : short?.[2];
    if (inline !== undefined) flags.set(name, inline);
    else if (booleans.has(name)) flags.set(name, 'true');
    else flags.set(name, argv[++i] ?? '');
  }
  return { positional, flags };
}

export function flagBool(args: ParsedArgs, name: string): boolean {
  const value = args.flags.get(name);
  return value !== undefined && value !== 'false';
}
