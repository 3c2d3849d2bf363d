/**
 * The lab's tool versions in one table: the version pinned in `.tool-versions`, the range the lab
 * supports, and the asdf plugin that installs each tool. Every check and every generated
 * `.tool-versions` reads this table, so a version bump happens in one place.
 *
 * The comparator is a small semver subset (MAJOR.MINOR.PATCH, optional `v` prefix, pre-release
 * lower than release, build metadata ignored): the tools print plain versions, and a full semver
 * library would be a new dependency for a dozen lines of logic.
 */

/** asdf plugin short names, as in LAB.md (`asdf plugin add <name>`). */
export type AsdfPlugin = 'k3d' | 'flux2' | 'kubectl' | 'kubeseal' | 'kustomize' | 'helm' | 'gcloud';

export interface ToolVersionSpec {
  plugin: AsdfPlugin;
  /** The executable the plugin installs. */
  executable: string;
  /** Version written to `.tool-versions`. */
  pinned: string;
  /** Versions the lab works with: space-separated comparators (`>=1.33.0 <1.36.0`) or `5.9.x`. */
  supported: string;
  /** Why the range is what it is, shown when a version falls outside it. */
  reason: string;
}

/** In `.tool-versions` order: the cluster tools first, then the GitOps tools, then the cloud CLI. */
export const toolVersions: readonly ToolVersionSpec[] = [
  { plugin: 'k3d', executable: 'k3d', pinned: '5.9.0', supported: '5.9.x', reason: 'the lab uses k3d 5.9 (k3s v1.35)' },
  { plugin: 'kubectl', executable: 'kubectl', pinned: '1.35.2', supported: '>=1.33.0', reason: 'Flux 2.9 needs Kubernetes >= 1.33' },
  { plugin: 'flux2', executable: 'flux', pinned: '2.9.1', supported: '2.9.x', reason: 'the manifests use the Flux 2.9 APIs (source v1, helm v2)' },
  { plugin: 'kubeseal', executable: 'kubeseal', pinned: '0.36.6', supported: '0.36.x', reason: 'it must match the Sealed Secrets controller 0.36 (chart 2.18)' },
  { plugin: 'kustomize', executable: 'kustomize', pinned: '5.7.1', supported: '5.7.x', reason: 'overlays use `resources:` (kustomize 5)' },
  { plugin: 'helm', executable: 'helm', pinned: '4.1.1', supported: '4.1.x', reason: 'the lab is tested with Helm 4.1' },
  { plugin: 'gcloud', executable: 'gcloud', pinned: '578.0.0', supported: '>=400.0.0', reason: 'GKE credentials need gke-gcloud-auth-plugin support (gcloud >= 400)' },
];

export function toolVersion(plugin: AsdfPlugin): ToolVersionSpec {
  const spec = toolVersions.find((entry) => entry.plugin === plugin);
  if (!spec) throw new Error(`unknown tool ${plugin}`);
  return spec;
}

/** The `.tool-versions` file asdf reads: `<plugin> <version>` per line. */
export function renderToolVersions(specs: readonly ToolVersionSpec[] = toolVersions): string {
  return specs.map((spec) => `${spec.plugin} ${spec.pinned}\n`).join('');
}

export interface Version {
  major: number;
  minor: number;
  patch: number;
  prerelease: string[];
}

const VERSION = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

export function parseVersion(text: string): Version | undefined {
  const match = VERSION.exec(text.trim());
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]), prerelease: match[4] ? match[4].split('.') : [] };
}

/** Negative when a < b, 0 when equal, positive when a > b (semver precedence). */
export function compareVersions(a: Version, b: Version): number {
  const core = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (core !== 0) return Math.sign(core);
  // A pre-release sorts before its release: 1.0.0-rc.1 < 1.0.0.
  if (a.prerelease.length === 0 || b.prerelease.length === 0) return Math.sign(b.prerelease.length - a.prerelease.length);
  for (let i = 0; i < Math.max(a.prerelease.length, b.prerelease.length); i++) {
    const x = a.prerelease[i];
    const y = b.prerelease[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x) ? Number(x) : undefined;
    const ny = /^\d+$/.test(y) ? Number(y) : undefined;
    if (nx !== undefined && ny !== undefined) {
      if (nx !== ny) return Math.sign(nx - ny);
    } else if (nx !== undefined) {
      return -1;
    } else if (ny !== undefined) {
      return 1;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

/** True when `version` satisfies every comparator of `range`; an unparsable version never does. */
export function satisfies(version: string, range: string): boolean {
  const parsed = parseVersion(version);
  if (!parsed) return false;
  return range
    .trim()
    .split(/\s+/)
    .every((comparator) => matchesComparator(parsed, comparator));
}

function matchesComparator(version: Version, comparator: string): boolean {
  const wildcard = /^v?(\d+)\.(?:(\d+)\.)?[xX*]$/.exec(comparator);
  if (wildcard) {
    // `5.9.x`: same major and minor, any patch; pre-releases excluded as npm does.
    return version.prerelease.length === 0 && version.major === Number(wildcard[1]) && (wildcard[2] === undefined || version.minor === Number(wildcard[2]));
  }
  const match = /^(>=|<=|>|<|=)?(.+)$/.exec(comparator);
  const bound = match ? parseVersion(match[2]!) : undefined;
  if (!match || !bound) throw new Error(`unsupported version range "${comparator}"`);
  const order = compareVersions(version, bound);
  switch (match[1]) {
    case '>=':
      return order >= 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '<':
      return order < 0;
    default:
      return order === 0;
  }
}

/** The first `MAJOR.MINOR.PATCH` in a tool's version output (`Client Version: v1.35.2`, `k3d version v5.9.0`). */
export function findVersion(text: string): string | undefined {
  const match = /v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)/.exec(text);
  return match?.[1];
}
