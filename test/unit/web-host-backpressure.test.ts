import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import type { LabEvent } from '../../electron/api/contract';
import type { HostBackend } from '../../electron/hosts/backend';
import { createSocketApi, type SocketApi } from '../../electron/hosts/web/socket-api';

function eventOnlyBackend() {
  let listener: ((event: LabEvent) => void) | undefined;
  const backend = {
    onEvent(l: (event: LabEvent) => void) {
      listener = l;
      return () => (listener = undefined);
    },
  } as unknown as HostBackend;
  return { backend, emit: (event: LabEvent) => listener?.(event) };
}

describe('socket API backpressure', () => {
  let server: Server | undefined;
  let api: SocketApi | undefined;
  let client: WebSocket | undefined;

  afterEach(async () => {
    client?.terminate();
    api?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });

  async function serve(maxBufferedBytes: number, backend: HostBackend): Promise<number> {
    api = createSocketApi(backend, { maxBufferedBytes, lagBytes: maxBufferedBytes / 4 });
    const wss = new WebSocketServer({ noServer: true });
    server = createServer();
    server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => api!.attach(ws)));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  // Log output is withheld from a lagging page (see web-host-gaps.test.ts); other frames still
  // queue, so a page that never reads again is dropped once they pass the limit.
  it('drops a socket whose reader stalls instead of buffering without limit', async () => {
    const fake = eventOnlyBackend();
    const port = await serve(1024 * 1024, fake.backend);
    client = new WebSocket(`ws://127.0.0.1:${port}`);
    await new Promise((resolve) => client!.once('open', resolve));
    let received = 0;
    client.on('message', () => received++);
    const closed = new Promise<void>((resolve) => client!.once('close', () => resolve()));

    // A tab that stops reading: the client's TCP socket is paused, so the server's buffer fills.
    (client as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const message = 'x'.repeat(256 * 1024);
    const emitted = 200;
    for (let i = 0; i < emitted; i++) fake.emit({ type: 'notice', level: 'info', message });
    (client as unknown as { _socket: { resume(): void } })._socket.resume();

    await closed;
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(emitted);
  });

  it('delivers every event to a reader that keeps up', async () => {
    const fake = eventOnlyBackend();
    const port = await serve(1024 * 1024, fake.backend);
    client = new WebSocket(`ws://127.0.0.1:${port}`);
    await new Promise((resolve) => client!.once('open', resolve));
    const all = new Promise<number>((resolve) => {
      let received = 0;
      client!.on('message', () => ++received === 50 && resolve(received));
    });
    for (let i = 0; i < 50; i++) fake.emit({ type: 'log', stream: 'docker', source: 'stdout', data: `line ${i}\n` });
    expect(await all).toBe(50);
    expect(client.readyState).toBe(WebSocket.OPEN);
  });
});
