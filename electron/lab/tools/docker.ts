/**
 * `docker info`: is the daemon running? The daemon-down wordings are the ones docker prints
 * (transcripts/docker.md): "Cannot connect to the Docker daemon ..." (all versions, connection
 * refused), "failed to connect to the docker API ..." (29.x, socket missing), and the two
 * permission-denied forms.
 */
import { CommandError, type Runner } from '../run/runner';

export type RunCommand = Runner['run'];

export type DockerStatus =
  | { running: true; serverVersion?: string }
  | { running: false; reason: 'daemon-down' | 'permission-denied' | 'not-installed' | 'error'; message: string };

const DAEMON_DOWN = /Cannot connect to the Docker daemon|failed to connect to the docker API/;
const PERMISSION_DENIED = /permission denied while trying to connect to the (Docker daemon socket|docker API)/i;

export async function dockerInfo(run: RunCommand): Promise<DockerStatus> {
  try {
    // Exit 1 is docker's answer when the daemon is away: parse it rather than treat it as a crash.
    const result = await run({ argv: ['docker', 'info'], okExitCodes: [0, 1], timeoutMs: 30_000 });
    if (result.exitCode === 0) {
      const serverVersion = /^ Server Version: (\S+)$/m.exec(result.stdout)?.[1];
      return serverVersion ? { running: true, serverVersion } : { running: true };
    }
    return classifyFailure(result.stderr);
  } catch (error) {
    if (error instanceof CommandError && error.code === 'ENOENT') {
      return { running: false, reason: 'not-installed', message: 'docker was not found on PATH' };
    }
    throw error;
  }
}

/** Names the reason docker gave on stderr; the line itself is kept for the person. */
export function classifyFailure(stderr: string): DockerStatus {
  const lines = stderr.split('\n').map((line) => line.replace(/^ERROR: /, '').trim()).filter(Boolean);
  const down = lines.find((line) => DAEMON_DOWN.test(line));
  if (down) return { running: false, reason: 'daemon-down', message: down };
  const denied = lines.find((line) => PERMISSION_DENIED.test(line));
  if (denied) return { running: false, reason: 'permission-denied', message: denied };
  return { running: false, reason: 'error', message: lines.filter((line) => line !== 'errors pretty printing info').join('\n') || 'docker info failed' };
}
