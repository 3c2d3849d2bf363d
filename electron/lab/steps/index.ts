/** The steps whose behaviour is automated, by catalogue id. */
import { cloneStep } from './clone';
import type { StepBehaviour } from './deps';
import { dockerStep } from './docker';
import { fluxBootstrapStep } from './flux-bootstrap';
import { fluxPreflightStep } from './flux-preflight';
import { githubAccessStep } from './github-access';
import { k3dClusterStep } from './k3d-cluster';
import { gcpCredentialsStep } from './gcp-credentials';
import { scaffoldStep } from './scaffold';
import { sealGcpCredsStep } from './seal-gcp-creds';
import { sealedSecretsStep } from './sealed-secrets';
import { testSealStep } from './test-seal';
import { crossplaneStep } from './crossplane';
import { gkeClusterStep } from './gke-cluster';
import { gkeCredentialsStep } from './gke-credentials';
import { fluxBootstrapDevStep } from './flux-bootstrap-dev';
import { resealGrafanaStep } from './reseal-grafana';
import { appsStep } from './apps';
import { toolsStep } from './tools';

export type { StepDeps } from './deps';

export const automatedSteps: Readonly<Record<string, StepBehaviour>> = {
  tools: toolsStep,
  docker: dockerStep,
  'github-access': githubAccessStep,
  'k3d-cluster': k3dClusterStep,
  'flux-preflight': fluxPreflightStep,
  'flux-bootstrap': fluxBootstrapStep,
  clone: cloneStep,
  'gcp-credentials': gcpCredentialsStep,
  scaffold: scaffoldStep,
  'sealed-secrets': sealedSecretsStep,
  'test-seal': testSealStep,
  'seal-gcp-creds': sealGcpCredsStep,
  crossplane: crossplaneStep,
  'gke-cluster': gkeClusterStep,
  'gke-credentials': gkeCredentialsStep,
  'flux-bootstrap-dev': fluxBootstrapDevStep,
  'reseal-grafana': resealGrafanaStep,
  apps: appsStep,
};
