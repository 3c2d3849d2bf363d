/**
 * Docker must be running before k3d can create a cluster. Nothing here starts it (that takes the
 * person's Docker Desktop or service manager): running the step asks again and explains.
 */
import { dockerInfo, type DockerStatus } from '../tools/docker';
import { fromCatalogue, runnerOf, type StepBehaviour } from './deps';

const ADVICE: Record<Exclude<DockerStatus, { running: true }>['reason'], string> = {
  'daemon-down': 'Start Docker (Docker Desktop, or `sudo systemctl start docker` on Linux), then retry.',
  'permission-denied': 'Your user may not use the Docker socket: add it to the docker group (`sudo usermod -aG docker $USER`, then log in again), then retry.',
  'not-installed': 'Install Docker (Docker Desktop, or Docker Engine on Linux), then retry.',
  error: 'Check that `docker info` works in a terminal, then retry.',
};

function versionOutput(status: DockerStatus): Record<string, string> {
  return status.running && status.serverVersion ? { serverVersion: status.serverVersion } : {};
}

export const dockerStep: StepBehaviour = (info) => ({
  ...fromCatalogue(info),
  async check(ctx) {
    const status = await dockerInfo(runnerOf(ctx));
    if (status.running) return { done: true, detail: `Docker is running${status.serverVersion ? ` (server ${status.serverVersion})` : ''}`, outputs: versionOutput(status) };
    return { done: false, detail: `Docker is not available: ${status.message}` };
  },
  async run(ctx) {
    const status = await dockerInfo(runnerOf(ctx));
    if (!status.running) throw new Error(`Docker is not available: ${status.message}. ${ADVICE[status.reason]}`);
    return versionOutput(status);
  },
});
