import { describe, expect, it } from 'vitest';
import { k3dArgv, parseClusterList, serversRunning } from './k3d';

describe('k3d adapter', () => {
  it('parses `k3d cluster list -o json` as LAB.md shows it, hasLoadbalancer absent meaning false', () => {
    const json =
      '[{"name":"crossplane","network":{"name":"k3d-crossplane"},"nodes":[{"name":"k3d-crossplane-server-0","role":"server","State":{"Running":true,"Status":"running"}}],"serversRunning":1,"serversCount":1,"agentsRunning":0,"agentsCount":0},' +
      '{"name":"old","nodes":[{"name":"k3d-old-server-0","role":"server","State":{"Running":false,"Status":"exited"}}],"serversRunning":0,"serversCount":1,"agentsRunning":0,"agentsCount":0,"hasLoadbalancer":true}]\n';
    const [running, stopped] = parseClusterList(json);
    expect(running).toEqual({ name: 'crossplane', serversRunning: 1, serversCount: 1, agentsRunning: 0, agentsCount: 0, hasLoadbalancer: false, nodes: [{ name: 'k3d-crossplane-server-0', role: 'server', running: true }] });
    expect(serversRunning(running!)).toBe(true);
    expect(stopped).toMatchObject({ name: 'old', hasLoadbalancer: true, nodes: [{ running: false }] });
    expect(serversRunning(stopped!)).toBe(false);
    expect(parseClusterList('[]\n')).toEqual([]);
  });

  it('says what it got when the output is not a JSON array', () => {
    expect(() => parseClusterList('NAME SERVERS\n')).toThrow('k3d cluster list -o json printed something that is not JSON: NAME SERVERS');
    expect(() => parseClusterList('{}')).toThrow('did not print a JSON array');
  });

  it('builds argument arrays, never shell strings', () => {
    expect(k3dArgv.create('my lab')).toEqual(['k3d', 'cluster', 'create', 'my lab', '--wait']);
    expect(k3dArgv.delete('crossplane')).toEqual(['k3d', 'cluster', 'delete', 'crossplane']);
    expect(k3dArgv.list()).toEqual(['k3d', 'cluster', 'list', '-o', 'json']);
  });
});
