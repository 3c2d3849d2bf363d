import { randomBytes } from 'node:crypto';
import type { ToolIo } from '../bin/tool-io.js';
import { callWorld } from '../world/control-client.js';

/**
 * Fake `gke-gcloud-auth-plugin`, the client-go exec credential plugin gcloud configures for GKE
 * contexts: prints an ExecCredential with a short-lived token. Under the
 * `gke-auth-plugin-missing` fault it behaves as if it were not installed.
 */
export async function main(argv: string[], io: ToolIo): Promise<number> {
  const { active } = await callWorld<{ active: string[] }>(io.env, '/faults');
  if (active.includes('gke-auth-plugin-missing')) {
    io.stderr.write('sh: 1: gke-gcloud-auth-plugin: not found\n');
    return 127;
  }
  if (argv.includes('--version')) {
    io.stdout.write('Kubernetes v1.30.0+1f5b4a5e0b0d3c6d9c5b2e7e2c6b1f9f1f6b1a2c\n');
    return 0;
  }
  const expires = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  io.stdout.write(
    `${JSON.stringify({ kind: 'ExecCredential', apiVersion: 'client.authentication.k8s.io/v1beta1', spec: { interactive: false }, status: { expirationTimestamp: expires, token: `ya29.sim-${randomBytes(24).toString('base64url')}` } })}\n`,
  );
  return 0;
}
