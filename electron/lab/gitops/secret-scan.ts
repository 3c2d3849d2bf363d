/**
 * Finds secrets that must never be committed to the GitOps repository: a plain Secret with
 * data (or a kustomize secretGenerator), a service-account key JSON, a PEM private key, a GitHub token, or any value the app
 * knows to be secret. Messages name what was found, never the secret itself.
 */
import { parseKubeYaml } from './kube-yaml';

/** Anything with `mask(text)`, such as the runner's SecretMasker; it also knows base64 forms. */
export interface SecretSource {
  mask(text: string): string;
}

const PEM_PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/;
/** GitHub's token formats: classic and OAuth/app tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`) and fine-grained PATs. */
const GITHUB_TOKEN = /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b/;
const SERVICE_ACCOUNT_TYPE = /"type"\s*:\s*"service_account"/;
const PRIVATE_KEY_FIELD = /"private_key"\s*:/;

export function scanText(file: string, text: string, secrets: SecretSource | readonly string[] = []): string[] {
  const found: string[] = [];
  if (PEM_PRIVATE_KEY.test(text)) found.push('contains a PEM private key block');
  if (SERVICE_ACCOUNT_TYPE.test(text) && PRIVATE_KEY_FIELD.test(text)) found.push('contains a service-account key JSON ("type": "service_account" with "private_key"); seal it with kubeseal instead');
  if (GITHUB_TOKEN.test(text)) found.push('contains a GitHub token');
  if (containsRegistered(text, secrets)) found.push('contains one of your secret values (a password or token you entered)');
  if (/\.ya?ml$/.test(file)) found.push(...plainSecrets(text));
  return found;
}

function containsRegistered(text: string, secrets: SecretSource | readonly string[]): boolean {
  if (Array.isArray(secrets)) return secrets.some((value) => value.length > 0 && text.includes(value));
  return (secrets as SecretSource).mask(text) !== text;
}

/** `kind: Secret` with data is base64, not encryption: only SealedSecrets belong in git. */
function plainSecrets(text: string): string[] {
  const found: string[] = [];
  let docs;
  try {
    docs = parseKubeYaml(text);
  } catch {
    return found;
  }
  for (const doc of docs) {
    let value: unknown;
    try {
      value = doc.toJS();
    } catch {
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    const object = value as Record<string, unknown>;
    if (object.kind === 'Kustomization' && Array.isArray(object.secretGenerator) && object.secretGenerator.length > 0) {
      found.push('secretGenerator: generated Secrets keep their values in the repository in clear; commit a SealedSecret instead');
      continue;
    }
    if (object.kind !== 'Secret' || typeof object.apiVersion !== 'string' || object.apiVersion !== 'v1') continue;
    const hasValues = ['data', 'stringData'].some((field) => {
      const map = object[field];
      return typeof map === 'object' && map !== null && Object.keys(map).length > 0;
    });
    if (hasValues) {
      const meta = object.metadata as { name?: unknown } | undefined;
      const name = typeof meta?.name === 'string' ? meta.name : '(no name)';
      found.push(`Secret/${name}: a plain Secret with data (base64 is not encryption); seal it with kubeseal instead`);
    }
  }
  return found;
}
