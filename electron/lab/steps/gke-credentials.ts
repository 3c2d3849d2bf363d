/**
 * kubectl and flux reach the dev cluster through the context gcloud writes. Done when the
 * kubeconfig has `gke_PROJECT_ZONE_NAME` and the cluster answers through it (a list of
 * namespaces), so a context left over from a deleted cluster does not count. Running it is
 * `gcloud container clusters get-credentials`; without gke-gcloud-auth-plugin kubectl could not
 * use the context, so that fails the step with the install command.
 */
import * as k8s from '@kubernetes/client-node';
import { authorizedKubeConfig, hasContext } from '../kube/config';
import { getCredentials } from '../tools/gcloud';
import { gkeContext, gkeName, targetOf } from './clusters';
import { fromCatalogue, runnerOf, type StepBehaviour } from './deps';

export const gkeCredentialsStep: StepBehaviour = (info, deps) => ({
  ...fromCatalogue(info),
  async check(ctx) {
    const context = gkeContext(ctx.inputs);
    const target = targetOf(context, deps);
    if (!hasContext(target)) return { done: false, detail: `The kubeconfig has no context ${context} yet` };
    try {
      await (await authorizedKubeConfig(target)).makeApiClient(k8s.CoreV1Api).listNamespace({ limit: 1 });
    } catch (error) {
      return { done: false, detail: `The context ${context} exists but the cluster does not answer: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` };
    }
    return { done: true, detail: `The context ${context} exists and the cluster answers`, outputs: { context } };
  },
  async run(ctx) {
    const project = ctx.inputs.gcp?.project;
    if (!project) throw new Error('gcp.project is empty: enter your Google Cloud project id.');
    const { context, authPluginMissing } = await getCredentials(runnerOf(ctx), { cluster: gkeName(ctx.inputs), zone: ctx.inputs.gcp?.zone || 'europe-west9-a', project });
    if (authPluginMissing) {
      throw new Error(
        `gcloud wrote the context ${context}, but kubectl cannot use it without gke-gcloud-auth-plugin. ` +
          'Install it (gcloud components install gke-gcloud-auth-plugin, or your package manager\'s google-cloud-cli-gke-gcloud-auth-plugin), then retry.',
      );
    }
    ctx.info(`kubectl and flux can now reach the dev cluster with --context=${context}.`);
    return { context };
  },
});
