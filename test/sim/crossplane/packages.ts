import { join } from 'node:path';
import { readCrdFiles } from '../kube/crd-files.js';
import type { KubeObject } from '../kube/types.js';
import { CRD_ROOT } from '../shared-dir.js';

/**
 * The Crossplane packages the simulator knows: which CRDs each installs. Only the upjet GCP
 * family is simulated; any other well-formed package installs and becomes healthy with no CRDs.
 */

export { CRD_ROOT };

/** Crossplane v2's CRD rule on `spec.package` (no default registry any more). */
const FULLY_QUALIFIED = /^[^./]+(\.[^./]+)+(\/[^/:@]+)+(:[^:@]+(@sha256.+)?|@sha256.+)$/;

export const NOT_FULLY_QUALIFIED =
  "must be a fully qualified image name, including the registry, repository, and tag or digest. For example, 'registry.example.com/repo/package:tag' or 'registry.example.com/repo/package[:tag]@sha256:1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcdef'";

export function isFullyQualified(pkg: string): boolean {
  return FULLY_QUALIFIED.test(pkg);
}

export interface PackageRef {
  registry: string;
  /** e.g. `upbound/provider-gcp-container`. */
  repository: string;
  /** Last path segment, e.g. `provider-gcp-container`. */
  name: string;
  tag: string;
}

export function parsePackage(pkg: string): PackageRef {
  const [withoutDigest] = pkg.split('@');
  const slash = withoutDigest!.indexOf('/');
  const registry = withoutDigest!.slice(0, slash);
  const rest = withoutDigest!.slice(slash + 1);
  const colon = rest.lastIndexOf(':');
  const repository = colon >= 0 ? rest.slice(0, colon) : rest;
  const tag = colon >= 0 ? rest.slice(colon + 1) : '';
  return { registry, repository, name: repository.split('/').pop() ?? repository, tag };
}

/** Files of the shared crds/provider-upjet-gcp each upjet GCP package installs (cluster-scoped kinds). */
const UPJET_GCP_CRDS: Record<string, string[]> = {
  'provider-family-gcp': ['gcp.upbound.io_providerconfigs.yaml', 'gcp.upbound.io_providerconfigusages.yaml'],
  'provider-gcp-container': ['container.gcp.upbound.io_clusters.yaml', 'container.gcp.upbound.io_nodepools.yaml'],
  'provider-gcp-compute': ['compute.gcp.upbound.io_networks.yaml', 'compute.gcp.upbound.io_subnetworks.yaml'],
};

export const FAMILY_PACKAGE = 'provider-family-gcp';
export const FAMILY_PROVIDER_NAME = 'upbound-provider-family-gcp';

/** True for the members of the upjet GCP family, which depend on the family provider. */
export function isFamilyMember(ref: PackageRef): boolean {
  return ref.repository.endsWith('/provider-gcp-container') || ref.repository.endsWith('/provider-gcp-compute');
}

export function packageCrds(ref: PackageRef): KubeObject[] {
  const files = UPJET_GCP_CRDS[ref.name];
  if (!files) return [];
  const dir = join(process.env.LAB_SIM_CRDS ?? CRD_ROOT, 'provider-upjet-gcp');
  return readCrdFiles(files.map((f) => join(dir, f)));
}

/** Which package reconciles a managed-resource group. */
export function packageForGroup(group: string): string | undefined {
  if (group === 'container.gcp.upbound.io') return 'provider-gcp-container';
  if (group === 'compute.gcp.upbound.io') return 'provider-gcp-compute';
  if (group === 'gcp.upbound.io') return FAMILY_PACKAGE;
  return undefined;
}
