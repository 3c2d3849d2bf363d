/** Google Cloud: signed in, the project chosen, the GKE and Compute APIs on, the kubectl auth plugin there. */
import { authList, authPluginPresent, configGetValue, enabledServices, REQUIRED_SERVICES } from '../tools/gcloud';
import { failed, passed, type Diagnostic, type DoctorContext } from './types';

/** The project the lab will use: lab.yaml's, else gcloud's configured one. */
async function labProject(ctx: DoctorContext): Promise<string | undefined> {
  return ctx.inputs?.gcp.project ?? (await configGetValue(ctx.run, 'project'));
}

export const gcloudAuthenticated: Diagnostic = {
  id: 'gcloud-auth',
  title: 'gcloud is signed in',
  applicable: () => true,
  async check(ctx) {
    const active = (await authList(ctx.run)).find((account) => account.active);
    if (active) return passed(`Signed in as ${active.account}.`);
    return failed('gcloud has no active account.', 'gcloud auth login');
  },
};

export const gcloudProject: Diagnostic = {
  id: 'gcloud-project',
  title: 'gcloud project set',
  applicable: () => true,
  async check(ctx) {
    const configured = await configGetValue(ctx.run, 'project');
    const wanted = ctx.inputs?.gcp.project;
    if (!configured) return failed('No gcloud project is set.', `gcloud config set project ${wanted ?? 'PROJECT_ID'}`);
    if (wanted && configured !== wanted) {
      return failed(`gcloud is set to project ${configured}, but lab.yaml says ${wanted}.`, `gcloud config set project ${wanted}`);
    }
    return passed(`Project ${configured}.`);
  },
};

export const gcloudApis: Diagnostic = {
  id: 'gcloud-apis',
  title: 'Kubernetes Engine and Compute Engine APIs enabled',
  applicable: () => true,
  async check(ctx) {
    const project = await labProject(ctx);
    if (!project) return failed('No project to check (set gcp.project in lab.yaml or run `gcloud config set project`).', 'gcloud config set project PROJECT_ID');
    const enabled = new Set(await enabledServices(ctx.run, project));
    const missing = REQUIRED_SERVICES.filter((service) => !enabled.has(service));
    if (missing.length === 0) return passed(`${REQUIRED_SERVICES.join(' and ')} are enabled in ${project}.`);
    return failed(`${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not enabled in ${project}.`, `gcloud services enable ${missing.join(' ')} --project=${project}`);
  },
};

export const gkeAuthPlugin: Diagnostic = {
  id: 'gke-auth-plugin',
  title: 'gke-gcloud-auth-plugin installed',
  applicable: () => true,
  async check(ctx) {
    const plugin = await authPluginPresent(ctx.run);
    if (plugin.present) return passed(`gke-gcloud-auth-plugin: ${plugin.detail}`);
    return failed(
      `gke-gcloud-auth-plugin is missing (${plugin.detail}); kubectl needs it to reach the GKE cluster.`,
      'gcloud components install gke-gcloud-auth-plugin',
      'On Debian/Ubuntu with the apt-installed CLI: sudo apt-get install google-cloud-cli-gke-gcloud-auth-plugin',
    );
  },
};
