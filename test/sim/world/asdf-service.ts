import type { Clock } from './clock.js';
import { WorldError } from './control-client.js';
import type { AsdfState } from './state.js';
import { pinnedToolVersions } from './tool-versions.js';

/** Short names the asdf plugin index resolves, beyond the lab's own tools. */
const indexedPlugins = new Set<string>([...Object.keys(pinnedToolVersions), 'nodejs', 'python', 'golang', 'terraform', 'java', 'ruby', 'helmfile']);

/** Which asdf plugins are added and which tool versions installed (the files live client-side). */
export class AsdfService {
  constructor(
    private readonly state: AsdfState,
    private readonly clock: Clock,
    private readonly changed: () => void,
  ) {}

  snapshot(): AsdfState {
    return this.state;
  }

  /** Returns false when the plugin was already added. */
  addPlugin(name: string): boolean {
    if (!/^[a-z0-9_-]+$/.test(name)) {
      throw new WorldError(400, 'invalid-name', `${name} is invalid. Name may only contain lowercase letters, numbers, '_', and '-'`);
    }
    if (this.state.plugins.includes(name)) return false;
    if (!indexedPlugins.has(name)) throw new WorldError(404, 'plugin-not-found', `error fetching plugin URL: plugin ${name} not found in repository`);
    this.state.plugins.push(name);
    this.state.plugins.sort();
    this.changed();
    return true;
  }

  /** Returns false when that version was already installed. */
  async install(plugin: string, version: string): Promise<boolean> {
    if (!this.state.plugins.includes(plugin)) throw new WorldError(404, 'no-plugin', `Plugin named ${plugin} not installed`);
    if (!/^\d+\.\d+\.\d+([-+.][0-9A-Za-z.-]+)?$/.test(version)) {
      throw new WorldError(404, 'no-version', `failed to run install callback: exit status 1`, { detail: `could not download ${plugin} ${version}` });
    }
    const installed = (this.state.installs[plugin] ??= []);
    if (installed.includes(version)) return false;
    await this.clock.wait('asdfToolInstall');
    installed.push(version);
    installed.sort();
    this.changed();
    return true;
  }
}
