/**
 * One diagnostic per lab tool: found on PATH (or where the runner's resolver looks) at a version in
 * the supported range. Versions are read from each tool's own version command.
 */
import { CommandError } from '../run/runner';
import { asdfVersion, MIN_ASDF_VERSION } from '../tools/asdf';
import { findVersion, satisfies, toolVersions, type AsdfPlugin, type ToolVersionSpec } from '../tools/versions';
import { failed, passed, type Diagnostic, type DoctorContext } from './types';

/** The command that prints each tool's version, and the line holding it. */
const VERSION_COMMANDS: Record<AsdfPlugin, { argv: string[]; line?: RegExp }> = {
  k3d: { argv: ['k3d', 'version'], line: /^k3d version/m },
  kubectl: { argv: ['kubectl', 'version', '--client'], line: /^Client Version:/m },
  flux2: { argv: ['flux', 'version', '--client'], line: /^flux:/m },
  kubeseal: { argv: ['kubeseal', '--version'], line: /^kubeseal version:/m },
  kustomize: { argv: ['kustomize', 'version'] },
  helm: { argv: ['helm', 'version', '--short'] },
  gcloud: { argv: ['gcloud', 'version'], line: /^Google Cloud SDK/m },
};

export function asdfFixes(spec: ToolVersionSpec): string[] {
  return [`asdf plugin add ${spec.plugin}`, `asdf install ${spec.plugin} ${spec.pinned}`, `asdf set --home ${spec.plugin} ${spec.pinned}`];
}

/** The version a tool reports, or undefined when it cannot be run. */
export async function installedVersion(ctx: DoctorContext, plugin: AsdfPlugin): Promise<string | undefined> {
  const command = VERSION_COMMANDS[plugin];
  try {
    const result = await ctx.run({ argv: command.argv, timeoutMs: 30_000 });
    const line = command.line ? result.stdout.split('\n').find((text) => command.line!.test(text)) : result.stdout;
    return findVersion(line ?? '');
  } catch (error) {
    if (error instanceof CommandError) return undefined;
    throw error;
  }
}

/** kubectl embeds kustomize (`Kustomize Version:`), which is what the lab's `kubectl apply -k` uses. */
async function embeddedKustomize(ctx: DoctorContext): Promise<string | undefined> {
  try {
    const result = await ctx.run({ argv: ['kubectl', 'version', '--client'], timeoutMs: 30_000 });
    return findVersion(/^Kustomize Version:.*$/m.exec(result.stdout)?.[0] ?? '');
  } catch (error) {
    if (error instanceof CommandError) return undefined;
    throw error;
  }
}

function toolDiagnostic(spec: ToolVersionSpec): Diagnostic {
  return {
    id: `tool:${spec.plugin}`,
    title: `${spec.executable} ${spec.supported}`,
    applicable: () => true,
    async check(ctx) {
      let version = await installedVersion(ctx, spec.plugin);
      let via = spec.executable;
      if (version === undefined && spec.plugin === 'kustomize') {
        version = await embeddedKustomize(ctx);
        via = 'kubectl (built-in kustomize)';
      }
      if (version === undefined) return failed(`${spec.executable} was not found or did not print its version.`, ...asdfFixes(spec));
      if (!satisfies(version, spec.supported)) {
        return failed(`${via} is ${version}; the lab needs ${spec.supported} because ${spec.reason}.`, ...asdfFixes(spec).slice(1));
      }
      return passed(`${via} ${version}`);
    },
  };
}

/** The fixes above are asdf commands in the >= 0.16 syntax, so asdf itself comes first. */
export const asdfPresent: Diagnostic = {
  id: 'asdf',
  title: `asdf >= ${MIN_ASDF_VERSION}`,
  applicable: () => true,
  async check(ctx) {
    const install = 'Install asdf >= 0.16 (a single binary): https://asdf-vm.com/guide/getting-started.html';
    let found: Awaited<ReturnType<typeof asdfVersion>>;
    try {
      found = await asdfVersion(ctx.run);
    } catch (error) {
      if (error instanceof CommandError) return failed('asdf was not found.', install);
      throw error;
    }
    if (found.modern) return passed(`asdf ${found.version}`);
    return failed(`asdf ${found.version ?? '(unknown version)'} is older than ${MIN_ASDF_VERSION}: its commands (plugin-add, global) differ from the ones the lab uses.`, install);
  },
};

export const toolDiagnostics: Diagnostic[] = [asdfPresent, ...toolVersions.map(toolDiagnostic)];
