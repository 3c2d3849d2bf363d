/**
 * What a person should do about a failed command, recognised from the tools' own error wordings
 * (see /work/shared/transcripts).
 *
 * API: hintFor({ tool, code?, output }) -> string | undefined
 *      readinessHint({ apiVersion?, kind, namespace?, name, message }) -> string
 */

export interface HintInput {
  /** The executable's base name, e.g. `kubeseal`. */
  tool: string;
  /** Node's error code when the process could not start, e.g. `ENOENT`. */
  code?: string;
  /** The masked stderr (and stdout where tools print errors there). */
  output: string;
}

interface HintRule {
  pattern: RegExp;
  /** `match` is the pattern's match in the output, for hints that name what it names (a port). */
  hint(tool: string, match: RegExpExecArray): string;
}

/** First match wins, so the more specific wordings come first. */
const RULES: HintRule[] = [
  {
    // asdf shims exit 126 with these when the tool has no installed or selected version.
    pattern: /No preset version installed for command|No version is set for command|no versions set for/,
    hint: (tool) => `asdf has no version of ${tool} for this folder: run the Tools step (asdf install) or add it to .tool-versions`,
  },
  {
    pattern: /permission denied while trying to connect to the (Docker daemon socket|docker API)/i,
    hint: () => 'Docker refused access: on Linux add yourself to the docker group (then log in again), or start Docker Desktop',
  },
  {
    pattern: /Cannot connect to the Docker daemon|Is the docker daemon running|failed to connect to the docker API/i,
    hint: () => 'Docker is not running: start Docker Desktop (or the Docker service) and retry',
  },
  {
    // Docker's wording when a published port is taken; k3d prints it for the API port or a
    // `-p` mapping, names the node (`k3d-NAME-serverlb`) and rolls the whole cluster back.
    pattern: /endpoint k3d-([a-z0-9-]+?)-(?:serverlb|server-\d+|agent-\d+)[^\n]*Bind for [^\s]*:(\d+) failed: port is already allocated/,
    hint: (_tool, [, cluster, port]) =>
      `port ${port} on this machine is already taken (another k3d cluster, a container or a program: see \`docker ps\` or \`lsof -i :${port}\`); ` +
      `k3d rolled the cluster back. Free the port, or create the cluster on a port you choose: ` +
      `k3d cluster create ${cluster} --api-port 127.0.0.1:6550 --wait (any free port), then run lab up again: it uses the existing cluster`,
  },
  {
    // k3d's wording when Docker cannot start a node's container (cgroups, memory, a broken
    // image); it has already rolled back, so there is nothing to clean up before retrying.
    pattern: /Failed Cluster Start: Failed to start server[^\n]*runtime failed to start node/,
    hint: () =>
      'Docker could not start the cluster\'s node container and k3d rolled everything back: check Docker has free memory and disk ' +
      '(`docker system df`; Docker Desktop: Settings > Resources), restart Docker if it keeps failing, then run lab up again',
  },
  {
    // kubectl's wording when the API server rejects the kubeconfig's credentials.
    pattern: /You must be logged in to the server|\(Unauthorized\)/,
    hint: () => 'the cluster rejected your credentials: refresh the kubeconfig (k3d kubeconfig merge, or gcloud container clusters get-credentials)',
  },
  {
    pattern: /Bad credentials|github[^\n]*\b(401|Unauthorized)\b|\b401\b[^\n]*github/i,
    hint: () => 'GitHub rejected the token: check GITHUB_TOKEN is a valid, unexpired personal access token with the repo scope',
  },
  {
    pattern: /no key could decrypt secret/,
    hint: () => "this SealedSecret was sealed for another cluster: re-seal it with this cluster's certificate (kubeseal) and commit it again",
  },
  {
    pattern: /cannot (fetch certificate|get sealed secret service)/,
    hint: () => 'kubeseal cannot reach the Sealed Secrets controller: check it runs as sealed-secrets-controller in kube-system (or pass --controller-name/--controller-namespace)',
  },
  {
    // GCP's wordings; a Kubernetes ResourceQuota ("exceeded quota: ...") is a different matter.
    pattern: /Insufficient (regional )?quota|Quota exceeded for quota|QUOTA_EXCEEDED/i,
    hint: () => 'the GCP project is out of quota: free resources, pick a smaller machine type or another region, or request more quota in the console',
  },
  {
    pattern: /Key creation is not allowed on this service account/,
    hint: () => 'an organisation policy (iam.disableServiceAccountKeyCreation) forbids service-account keys: ask an org admin to allow it for this project',
  },
  {
    pattern: /gke-gcloud-auth-plugin.*(not found|not executable)/,
    hint: () => 'install the GKE auth plugin: gcloud components install gke-gcloud-auth-plugin',
  },
  {
    pattern: /The connection to the server .* was refused|Unable to connect to the server/,
    hint: () => 'the cluster API is not reachable: check the cluster is running (k3d cluster list) and the kubectl context is right',
  },
];

export function hintFor({ tool, code, output }: HintInput): string | undefined {
  if (code === 'ENOENT') return `${tool} is not installed or not on PATH: run the Tools step / asdf install`;
  if (code === 'EACCES') return `${tool} is not executable: check its file permissions or reinstall it in the Tools step`;
  for (const rule of RULES) {
    const match = rule.pattern.exec(output);
    if (match) return rule.hint(tool, match);
  }
  return undefined;
}

export interface ReadinessHintInput {
  apiVersion?: string;
  kind: string;
  namespace?: string;
  name: string;
  /** The object's own last message (its Ready or Stalled condition). */
  message: string;
}

/**
 * What a person should do about an object that did not become Ready: where its controller says
 * why (the Flux CLI for Flux objects, `kubectl describe` otherwise) and, for a Helm release whose
 * retries ran out, that lab up asks Flux to try again once the cause is fixed.
 */
export function readinessHint({ apiVersion = '', kind, namespace, name, message }: ReadinessHintInput): string {
  // The tools' wordings travel into conditions too (a SealedSecret's decryption error, Google's
  // quota message on a managed resource), and the same advice holds.
  for (const rule of RULES) {
    const match = rule.pattern.exec(message);
    if (match) return rule.hint(kind, match);
  }
  const ns = namespace ? ` -n ${namespace}` : '';
  const dependency = /dependency '([^']+)' is not ready/.exec(message)?.[1];
  if (dependency) return `it waits for ${dependency}: see why that one is not Ready with flux get all -A --status-selector ready=false`;
  if (apiVersion.startsWith('helm.toolkit.fluxcd.io/')) {
    return (
      `see what Helm did: flux logs --kind=HelmRelease --name=${name}${ns} (and kubectl describe helmrelease ${name}${ns}); ` +
      `once the cause is fixed, run lab up again: it asks Flux to install the release again (flux reconcile helmrelease ${name}${ns} --force)`
    );
  }
  if (apiVersion.includes('.toolkit.fluxcd.io/')) {
    return `see why: flux logs --kind=${kind} --name=${name}${ns}, and flux get all -A --status-selector ready=false; Flux's controllers run in flux-system (kubectl get pods -n flux-system)`;
  }
  return `see why: kubectl describe ${kind.toLowerCase()} ${name}${ns}`;
}

