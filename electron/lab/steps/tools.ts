/**
 * The lab's command-line tools at the versions it was written for (tools/versions.ts). Done when
 * each tool answers its version command with a supported version, found the way the runner finds
 * executables, or else where asdf installed it (`asdf which`). Running it installs only what is
 * missing or off-version: a `.tool-versions` with just those tools in the app's data folder,
 * `asdf plugin add` for plugins not added yet, `asdf install` there, then `asdf set --home` so
 * every folder gets those versions. Tools the person already has at a good version are left alone.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { installedVersion } from '../doctor/tool-checks';
import type { StepContext } from '../plan/step';
import { CommandError } from '../run/runner';
import { asdfVersion, install, MIN_ASDF_VERSION, pluginAdd, pluginList, setVersion } from '../tools/asdf';
import { findVersion, renderToolVersions, satisfies, toolVersions, type ToolVersionSpec } from '../tools/versions';
import { fromCatalogue, runnerOf, type StepBehaviour, type StepDeps } from './deps';

/** Arguments that print the client's version without asking a server. */
const VERSION_ARGS: Record<ToolVersionSpec['plugin'], string[]> = {
  k3d: ['version'],
  kubectl: ['version', '--client'],
  flux2: ['version', '--client'],
  kubeseal: ['--version'],
  kustomize: ['version'],
  helm: ['version', '--short'],
  gcloud: ['version'],
};

interface ToolState {
  spec: ToolVersionSpec;
  version: string | undefined;
}

/** Output of a command that may be missing, or undefined when it cannot be run. */
async function tryRun(ctx: StepContext, argv: string[]): Promise<string | undefined> {
  try {
    const result = await ctx.run({ argv, timeoutMs: 30_000, okExitCodes: [0] });
    return result.stdout;
  } catch (error) {
    if (error instanceof CommandError) return undefined;
    throw error;
  }
}

async function versionOf(ctx: StepContext, deps: StepDeps, spec: ToolVersionSpec): Promise<string | undefined> {
  const doctor = { run: runnerOf(ctx), env: deps.env ?? process.env };
  const found = await installedVersion(doctor, spec.plugin);
  if (found !== undefined) return found;
  // kubectl's built-in kustomize is what `kubectl kustomize` and the guards use.
  if (spec.plugin === 'kustomize') {
    const kubectl = await tryRun(ctx, ['kubectl', 'version', '--client']);
    const embedded = findVersion(/^Kustomize Version:.*$/m.exec(kubectl ?? '')?.[0] ?? '');
    if (embedded) return embedded;
  }
  // Installed by asdf but its shims folder not on PATH: ask asdf where it is.
  const where = (await tryRun(ctx, ['asdf', 'which', spec.executable]))?.trim();
  if (!where) return undefined;
  const output = await tryRun(ctx, [where, ...VERSION_ARGS[spec.plugin]]);
  return findVersion(output ?? '');
}

async function survey(ctx: StepContext, deps: StepDeps): Promise<ToolState[]> {
  const states: ToolState[] = [];
  for (const spec of toolVersions) states.push({ spec, version: await versionOf(ctx, deps, spec) });
  return states;
}

const good = (state: ToolState): boolean => state.version !== undefined && satisfies(state.version, state.spec.supported);
const describe = (state: ToolState): string => `${state.spec.executable} ${state.version ? `is ${state.version} (needs ${state.spec.supported})` : 'is missing'}`;
const versionsOf = (states: ToolState[]): Record<string, string> => Object.fromEntries(states.map((s) => [s.spec.executable, s.version ?? '']));

export const toolsFolder = (dataDir: string): string => path.join(dataDir, 'tools');

export const toolsStep: StepBehaviour = (info, deps) => ({
  ...fromCatalogue(info),
  async check(ctx) {
    const states = await survey(ctx, deps);
    const bad = states.filter((s) => !good(s));
    if (bad.length > 0) return { done: false, detail: bad.map(describe).join('; ') };
    return { done: true, detail: `every tool is at a supported version (${states.map((s) => `${s.spec.executable} ${s.version}`).join(', ')})`, outputs: versionsOf(states) };
  },
  async run(ctx) {
    const run = runnerOf(ctx);
    let asdf: Awaited<ReturnType<typeof asdfVersion>>;
    try {
      asdf = await asdfVersion(run);
    } catch (error) {
      if (error instanceof CommandError) throw new Error(`asdf was not found: install asdf >= ${MIN_ASDF_VERSION} (https://asdf-vm.com/guide/getting-started.html), then retry.`);
      throw error;
    }
    if (!asdf.modern) throw new Error(`asdf ${asdf.version ?? '(unknown version)'} is older than ${MIN_ASDF_VERSION}, whose commands the lab uses: upgrade asdf, then retry.`);

    const bad = (await survey(ctx, deps)).filter((s) => !good(s));
    if (bad.length > 0) {
      const specs = bad.map((s) => s.spec);
      const dir = toolsFolder(ctx.dataDir);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, '.tool-versions'), renderToolVersions(specs));
      ctx.info(`Installing ${specs.map((s) => `${s.plugin} ${s.pinned}`).join(', ')} with asdf (from ${path.join(dir, '.tool-versions')}).`);
      const added = await pluginList(run);
      for (const spec of specs) if (!added.includes(spec.plugin)) await pluginAdd(run, spec.plugin);
      await install(run, undefined, { cwd: dir });
      for (const spec of specs) await setVersion(run, spec.plugin, spec.pinned, { home: true });
    }
    const states = await survey(ctx, deps);
    const still = states.filter((s) => !good(s));
    if (still.length > 0) {
      throw new Error(
        `After installing with asdf, ${still.map(describe).join('; ')}. Make sure asdf's shims folder comes first in your PATH ` +
          '(export PATH="${ASDF_DATA_DIR:-$HOME/.asdf}/shims:$PATH" in your shell profile), then retry.',
      );
    }
    return versionsOf(states);
  },
});
