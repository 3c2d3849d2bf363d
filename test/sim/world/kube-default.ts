import { startKubeApiServer } from '../kube/server.js';
import type { StartKubeApiServer } from './kube-host.js';

/** The Kubernetes API server the world hosts for every simulated cluster. */
export function defaultKubeApiServer(): StartKubeApiServer {
  return startKubeApiServer;
}
