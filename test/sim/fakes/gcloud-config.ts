import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * gcloud's properties, kept where gcloud keeps them: `$CLOUDSDK_CONFIG/configurations/config_NAME`
 * (INI sections such as [core] and [compute]), the active one named in `active_config`.
 */
export class GcloudConfig {
  readonly dir: string;

  constructor(private readonly env: NodeJS.ProcessEnv) {
    this.dir = env.CLOUDSDK_CONFIG || join(env.HOME ?? '.', '.config', 'gcloud');
  }

  get active(): string {
    const file = join(this.dir, 'active_config');
    return this.env.CLOUDSDK_ACTIVE_CONFIG_NAME || (existsSync(file) ? readFileSync(file, 'utf8').trim() : '') || 'default';
  }

  private file(): string {
    return join(this.dir, 'configurations', `config_${this.active}`);
  }

  private read(): Map<string, Map<string, string>> {
    const sections = new Map<string, Map<string, string>>();
    if (!existsSync(this.file())) return sections;
    let current: Map<string, string> | undefined;
    for (const line of readFileSync(this.file(), 'utf8').split('\n')) {
      const header = /^\[(.+)\]\s*$/.exec(line);
      if (header) {
        current = new Map();
        sections.set(header[1]!, current);
        continue;
      }
      const kv = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
      if (kv && current) current.set(kv[1]!, kv[2]!);
    }
    return sections;
  }

  /** `core/project`, or `project` (core is implied), with CLOUDSDK_SECTION_NAME env overrides. */
  get(property: string): string | undefined {
    const [section, name] = split(property);
    const fromEnv = this.env[`CLOUDSDK_${section.toUpperCase()}_${name.toUpperCase()}`];
    if (fromEnv) return fromEnv;
    const value = this.read().get(section)?.get(name);
    return value === '' ? undefined : value;
  }

  set(property: string, value: string): void {
    const [section, name] = split(property);
    const sections = this.read();
    if (!sections.has(section)) sections.set(section, new Map());
    sections.get(section)!.set(name, value);
    mkdirSync(join(this.dir, 'configurations'), { recursive: true });
    const text = [...sections].map(([s, entries]) => [`[${s}]`, ...[...entries].map(([k, v]) => `${k} = ${v}`)].join('\n')).join('\n\n');
    writeFileSync(this.file(), `${text}\n`);
  }

  entries(): Array<[string, Map<string, string>]> {
    return [...this.read()];
  }
}

export function split(property: string): [string, string] {
  const parts = property.split('/');
  return parts.length === 2 ? [parts[0]!, parts[1]!] : ['core', property];
}
