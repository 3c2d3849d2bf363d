import { dockerInfo } from '../tools/docker';
import { failed, passed, type Diagnostic } from './types';

export const dockerRunning: Diagnostic = {
  id: 'docker',
  title: 'Docker is running',
  applicable: () => true,
  async check(ctx) {
    const status = await dockerInfo(ctx.run);
    if (status.running) return passed(`Docker is running${status.serverVersion ? ` (server ${status.serverVersion})` : ''}.`);
    switch (status.reason) {
      case 'daemon-down':
        return failed(`Docker is not running: ${status.message}`, 'Start Docker (Docker Desktop, or `sudo systemctl start docker` on Linux), then run the check again.');
      case 'permission-denied':
        return failed(`Docker refuses this user: ${status.message}`, 'Add yourself to the docker group (`sudo usermod -aG docker $USER`), then log out and back in.');
      case 'not-installed':
        return failed('Docker is not installed (docker was not found).', 'Install Docker Desktop or Docker Engine: https://docs.docker.com/get-docker/, then start Docker.');
      default:
        return failed(`docker info failed: ${status.message}`, 'Start Docker and make sure `docker info` succeeds in a terminal.');
    }
  },
};
