import type { KubeApiServerOptions, KubeObject } from './types.js';

/** A Ready node as k3s registers it (labels, addresses, node info), for `kubectl get nodes`. */
export function nodeObject(name: string, roles: string[], gitVersion: string, index = 0): KubeObject {
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
  };
  for (const role of roles) labels[`node-role.kubernetes.io/${role}`] = 'true';
  const at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels },
    spec: { podCIDR: `10.42.${index}.0/24`, podCIDRs: [`10.42.${index}.0/24`], providerID: `k3s://${name}` },
    status: {
      addresses: [{ type: 'InternalIP', address: `172.18.0.${index + 2}` }, { type: 'Hostname', address: name }],
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available', lastHeartbeatTime: at, lastTransitionTime: at },
        { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure', lastHeartbeatTime: at, lastTransitionTime: at },
        { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available', lastHeartbeatTime: at, lastTransitionTime: at },
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: at, lastTransitionTime: at },
      ],
      nodeInfo: {
        architecture: 'amd64',
        operatingSystem: 'linux',
        osImage: `K3s ${gitVersion}`,
        kernelVersion: '6.1.0-41-amd64',
        kubeletVersion: gitVersion,
        kubeProxyVersion: gitVersion,
        containerRuntimeVersion: 'containerd://2.1.5-k3s1',
      },
      capacity: { cpu: '2', memory: '8030276Ki', pods: '110' },
      allocatable: { cpu: '2', memory: '8030276Ki', pods: '110' },
    },
  };
}

/** What a fresh cluster holds: the four system namespaces, the `kubernetes` service and the nodes asked for. */
export function defaultObjects(options: KubeApiServerOptions, gitVersion: string): KubeObject[] {
  const namespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'].map((name): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
  const kubernetesService: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { type: 'ClusterIP', clusterIP: '10.43.0.1', clusterIPs: ['10.43.0.1'], ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] },
  };
  const nodes = (options.nodes ?? []).map((n, i) => nodeObject(n.name, n.roles ?? [], gitVersion, i));
  return [...namespaces, kubernetesService, ...nodes];
}
