import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import type { LabEvent } from '../../electron/api/contract';
import type { HostBackend } from '../../electron/hosts/backend';
import { createLogGaps, type LogBounds, type LogEvent } from '../../electron/hosts/web/log-gaps';
import { createSocketApi, type SocketApi } from '../../electron/hosts/web/socket-api';
import { createLogCoalescer } from '../../electron/lab/events/coalescer';
import { createStepLogs } from '../../electron/lab/events/log-files';
import { createWsClient, type SocketLike } from '../../renderer/src/api/ws-client';
import { GAP_LOST_NOTE, readGap, utf8Length, type ReadLog } from '../../renderer/src/lib/catch-up';
import { createLab } from '../../renderer/src/store';

const log = (data: string, stream = 'flood'): LogEvent => ({ type: 'log', stream, source: 'stdout', data });

/** The gap logic alone, with the socket's state and the log's bounds played by the test. */
function scriptedGaps(logBounds: (stream: string) => Promise<LogBounds>) {
  const sent: Array<{ event: LogEvent } | { gap: { stream: string; from: number } } | { lost: { stream: string } }> = [];
  let behind = false;
  const gaps = createLogGaps({
    isBehind: () => behind,
    logBounds,
    sendEvent: (event) => sent.push({ event }),
    sendGap: (stream, from) => sent.push({ gap: { stream, from } }),
    sendLost: (stream) => sent.push({ lost: { stream } }),
  });
  return { gaps, sent, setBehind: (b: boolean) => (behind = b) };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('log gaps for a page that falls behind', () => {
  it('withholds a lagging stream and names the byte its unsent output starts at', async () => {
    // The log holds 100 earlier bytes, then this flush's two events (5 + 4 bytes, "é" is two).
    const { gaps, sent, setBehind } = scriptedGaps(async () => ({ start: 0, end: 109 }));
    gaps.onLog(log('early'));
    setBehind(true);
    gaps.onLog(log('héll'));
    gaps.onLog(log('o!\n\n'));
    await settle();
    gaps.onLog(log('later'));
    setBehind(false);
    gaps.onLog(log('still withheld'));
    expect(sent).toEqual([{ event: log('early') }, { gap: { stream: 'flood', from: 100 } }]);
    expect([...gaps.withheld]).toEqual(['flood']);
  });

  it('answers an early resume with another gap, and resumes live exactly at the byte read', async () => {
    let size = 10;
    const { gaps, sent, setBehind } = scriptedGaps(async () => ({ start: 0, end: size }));
    setBehind(true);
    gaps.onLog(log('0123456789'));
    await settle();
    gaps.onLog(log('abcdef'));
    setBehind(false);
    // The log also holds "ghi✓", written but not sent by the coalescer yet.
    size = 22;
    gaps.onResume('flood', 12);
    await settle();
    expect(sent.at(-1)).toEqual({ gap: { stream: 'flood', from: 12 } });
    // The page read 6 bytes the coalescer had not sent yet ("ghi✓"): they are not sent twice.
    gaps.onResume('flood', 22);
    gaps.onLog(log('ghi✓jk'));
    gaps.onLog(log('lm'));
    expect(sent.slice(2)).toEqual([{ event: log('jk') }, { event: log('lm') }]);
    expect(gaps.withheld.size).toBe(0);
  });

  it("sends one lost frame and a gap from the first byte still held when the page's place was rotated out", async () => {
    let bounds = { start: 0, end: 100 };
    const { gaps, sent, setBehind } = scriptedGaps(async () => bounds);
    setBehind(true);
    gaps.onLog(log('x'.repeat(100)));
    await settle();
    gaps.onLog(log('y'.repeat(50)));
    // Rotation dropped bytes 0-120 of the 150 written: the page stopped at 40, which is gone.
    bounds = { start: 120, end: 150 };
    gaps.onResume('flood', 40);
    await settle();
    expect(sent).toEqual([{ gap: { stream: 'flood', from: 0 } }, { lost: { stream: 'flood' } }, { gap: { stream: 'flood', from: 120 } }]);
    // Offsets did not move: the page reads to 150 and goes live there.
    setBehind(false);
    gaps.onResume('flood', 150);
    gaps.onLog(log('live'));
    expect(sent.at(-1)).toEqual({ event: log('live') });
    expect(gaps.withheld.size).toBe(0);
  });

  it('sends no lost frame when the rotated log still holds the page\'s place', async () => {
    let bounds = { start: 0, end: 100 };
    const { gaps, sent, setBehind } = scriptedGaps(async () => bounds);
    setBehind(true);
    gaps.onLog(log('x'.repeat(100)));
    await settle();
    gaps.onLog(log('y'.repeat(50)));
    bounds = { start: 30, end: 150 };
    gaps.onResume('flood', 40);
    await settle();
    expect(sent).toEqual([{ gap: { stream: 'flood', from: 0 } }, { gap: { stream: 'flood', from: 40 } }]);
  });

  it('goes live after a lost frame when the page asks for the same byte twice', async () => {
    const { gaps, sent, setBehind } = scriptedGaps(async () => ({ start: 0, end: 10 }));
    setBehind(true);
    gaps.onLog(log('0123456789'));
    await settle();
    gaps.onResume('flood', 4);
    await settle();
    expect(sent.at(-1)).toEqual({ gap: { stream: 'flood', from: 4 } });
    gaps.onResume('flood', 4);
    await settle();
    expect(sent.at(-1)).toEqual({ lost: { stream: 'flood' } });
    expect(gaps.withheld.size).toBe(0);
  });

  it('keeps a stream live, in order, when its log cannot be read', async () => {
    const { gaps, sent, setBehind } = scriptedGaps(async () => {
      throw new Error('No step "troubleshoot-1" in this lab');
    });
    setBehind(true);
    gaps.onLog(log('a', 'troubleshoot-1'));
    gaps.onLog(log('b', 'troubleshoot-1'));
    await settle();
    gaps.onLog(log('c', 'troubleshoot-1'));
    expect(sent).toEqual([{ event: log('a', 'troubleshoot-1') }, { event: log('b', 'troubleshoot-1') }, { event: log('c', 'troubleshoot-1') }]);
  });

  it('does not trust a size that arrives after later output was withheld', async () => {
    let answer: (size: number) => void = () => {};
    const { gaps, sent, setBehind } = scriptedGaps(() => new Promise((resolve) => (answer = (end) => resolve({ start: 0, end }))));
    setBehind(true);
    gaps.onLog(log('first'));
    await settle();
    gaps.onLog(log('second'));
    answer(11);
    await settle();
    expect(sent).toEqual([{ event: log('first') }, { event: log('second') }]);
  });
});

describe("the page's gap read against a log that rotated", () => {
  /** A log that holds the stream's bytes from `heldFrom` on, at their absolute offsets. */
  function heldLog(stream: string, heldFrom: number): ReadLog {
    const bytes = Buffer.from(stream);
    return async ({ offset, maxBytes }) => {
      // Pages start and end at whole characters, as the step log's do.
      let start = Math.min(bytes.length, Math.max(offset, heldFrom));
      while (start < bytes.length && (bytes[start]! & 0xc0) === 0x80) start++;
      let end = Math.min(bytes.length, start + maxBytes);
      while (end < bytes.length && end > start && (bytes[end]! & 0xc0) === 0x80) end--;
      return { text: bytes.subarray(start, end).toString('utf8'), offset: start, size: bytes.length, truncated: end < bytes.length };
    };
  }
  const stream = Array.from({ length: 300 }, (_, i) => `line ${i} ✓🙂\n`).join('');

  it('reads on when the log starts inside the text shown, checking the part it still holds', async () => {
    const shown = stream.slice(0, 3000);
    const from = utf8Length(shown);
    const pages: string[] = [];
    const result = await readGap(heldLog(stream, from - 40), 'flood', from, (page) => pages.push(page), shown, 500);
    expect(result).toEqual({ at: utf8Length(stream), lost: false });
    expect(shown + pages.join('')).toBe(stream);
  });

  it("stops at the page's place, handing on nothing, when the log starts after it", async () => {
    const shown = stream.slice(0, 3000);
    const from = utf8Length(shown);
    const pages: string[] = [];
    const result = await readGap(heldLog(stream, from + 1), 'flood', from, (page) => pages.push(page), shown, 500);
    expect(result).toEqual({ at: from, lost: true });
    expect(pages).toEqual([]);
  });
});

/**
 * The whole path: output goes into a real step log and the real coalescer, through the socket
 * API to the page's ws client and store, with the page's TCP socket paused for a while.
 */
describe('web host and page catching up through a gap', () => {
  let server: Server | undefined;
  let api: SocketApi | undefined;
  let raw: WebSocket | undefined;
  let dir: string | undefined;
  let stop: (() => void) | undefined;

  afterEach(async () => {
    stop?.();
    raw?.terminate();
    api?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Floods one stream while the page's socket is paused, then lets it catch up, with more output
   * meanwhile unless `resumedRounds` is 0; returns what the page showed and what the log held.
   */
  async function floodThroughGap(logCapBytes?: number, { pausedRounds = 60, resumedRounds = 40 } = {}) {
    dir = mkdtempSync(join(tmpdir(), 'web-host-gaps-'));
    const stepLogs = createStepLogs(dir, logCapBytes);
    const listeners = new Set<(event: LabEvent) => void>();
    const coalescer = createLogCoalescer((event) => listeners.forEach((l) => l(event)), 4);
    const unused = (): never => {
      throw new Error('not used here');
    };
    const backend = new Proxy(
      {
        readLog: ({ stepId, offset, maxBytes }: { stepId: string; offset: number; maxBytes: number }) => stepLogs.read(stepId, offset, maxBytes),
        onEvent: (listener: (event: LabEvent) => void) => {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
      },
      { get: (target, key) => (key in target ? target[key as keyof typeof target] : unused) },
    ) as unknown as HostBackend;
    // Output already in the log before this page connected, as after a retry: offsets must count it.
    const earlier = 'an earlier attempt\n';
    stepLogs.append('flood', earlier);

    api = createSocketApi(backend, { lagBytes: 64 * 1024, maxBufferedBytes: 256 * 1024 * 1024 });
    const wss = new WebSocketServer({ noServer: true });
    server = createServer();
    server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => api!.attach(ws)));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;

    // What crosses the wire, in order, to check that a withheld stream gets no log frames.
    const wire: string[] = [];
    const gapsFrom: number[] = [];
    const client = createWsClient({
      url: `ws://127.0.0.1:${port}`,
      createSocket: (url) => {
        raw = new WebSocket(url);
        raw.on('message', (data) => {
          const frame = JSON.parse(String(data)) as { event?: LabEvent; gap?: { from: number }; lost?: unknown };
          if (frame.gap) {
            wire.push('gap');
            gapsFrom.push(frame.gap.from);
          }
          else if (frame.lost) wire.push('lost');
          else if (frame.event?.type === 'log') wire.push('log');
        });
        const send = raw.send.bind(raw);
        raw.send = ((text: string) => {
          if (text.startsWith('{"resume"')) wire.push('resume');
          send(text);
        }) as typeof raw.send;
        return raw as unknown as SocketLike;
      },
    });
    const lab = createLab(client);
    let shown = '';
    const offShown = lab.logs.subscribe((stream, text) => {
      if (stream === 'flood') shown += text;
    });
    stop = () => {
      offShown();
      lab.dispose();
      client.close();
    };
    await new Promise<void>((resolve) => client.onConnection((state) => state === 'open' && resolve()));

    // Lines of varied length with two- to four-byte characters, so any byte slip shows.
    let written = '';
    const write = (text: string) => {
      stepLogs.append('flood', text);
      coalescer.push('flood', 'stdout', text);
      written += text;
    };
    const burst = (from: number, count: number) => {
      let text = '';
      for (let i = from; i < from + count; i++) text += `line ${i} ${'é✓🙂'.repeat(i % 7)}${'.'.repeat(i % 53)}\n`;
      write(text);
    };
    const tcp = (raw as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    tcp.pause();
    let line = 0;
    // Paused long enough to fill the kernel's buffers and the host's lag budget many times over.
    for (let round = 0; round < pausedRounds; round++, line += 2000) {
      burst(line, 2000);
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    tcp.resume();
    // More output while the page reads its way back, so it resumes into a moving stream.
    for (let round = 0; round < resumedRounds; round++, line += 2000) {
      burst(line, 2000);
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    coalescer.flush();
    // Done when the page has as much as was written, or stops changing (a hole after rotation).
    for (let waited = 0, last = -1, still = 0; shown.length < written.length && still < 25 && waited < 20_000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      still = shown.length === last ? still + 1 : 0;
      last = shown.length;
    }
    // The first byte the log still holds (a read from 0 starts there) and the whole stream's bytes.
    const heldFrom = stepLogs.read('flood', 0, 1).offset;
    return { shown, written, wire, gapsFrom, heldFrom, logged: Buffer.from(earlier + written) };
  }

  it('delivers every byte once and in order although the page stopped reading', async () => {
    const { shown, written, wire } = await floodThroughGap();
    expect(wire).toContain('gap');
    expect(wire).toContain('resume');
    expect(wire).not.toContain('lost');
    // After a gap and until the page resumes, the host sends no log frames (there is one stream).
    let open = false;
    for (const kind of wire) {
      if (kind === 'gap') open = true;
      else if (kind === 'resume') open = false;
      else expect(open).toBe(false);
    }
    expect(Buffer.from(shown).equals(Buffer.from(written))).toBe(true);
    expect(shown.length).toBeGreaterThan(4 * 1024 * 1024);
  }, 30_000);

  it('shows a hole with a note, never misplaced text, when the log rotates under a gap', async () => {
    // A 1 MB cap rotates the log many times during the flood, dropping its oldest part each time.
    const { shown, written, wire } = await floodThroughGap(1024 * 1024);
    expect(wire).toContain('gap');
    const expected = new Map(written.split('\n').map((line) => [line.split(' ')[1], line]));
    let previous = -1;
    let holes = 0;
    // The page's notes are cyan: a note's colour reset starts the line after it.
    for (const line of shown.replaceAll('\x1b[0m', '').split('\n').filter(Boolean)) {
      if (line.startsWith('\x1b[36m──')) {
        holes++;
        continue;
      }
      // Every line shown is a whole line that was written, each once, in the order written.
      const number = Number(line.split(' ')[1]);
      expect(line).toBe(expected.get(String(number)));
      expect(number).toBeGreaterThan(previous);
      previous = number;
    }
    expect(holes > 0).toBe(wire.includes('lost'));
    expect(previous).toBeGreaterThan(100_000);
  }, 30_000);

  it("gives a page paused across two rotations exactly the bytes the log still holds, after one note for the bytes rotated away", async () => {
    const cap = 1024 * 1024;
    const { shown, wire, gapsFrom, heldFrom, logged } = await floodThroughGap(cap, { resumedRounds: 0 });
    // `.1` starts past byte 0 only after a second rotation; the page fell behind before that byte.
    expect(heldFrom).toBeGreaterThan(0);
    expect(logged.length).toBeGreaterThan(3 * cap);
    const place = gapsFrom[0]!;
    expect(place).toBeLessThan(heldFrom);
    expect(wire.filter((kind) => kind === 'lost')).toHaveLength(1);
    expect(gapsFrom).toEqual([place, heldFrom]);
    const before = logged.subarray(Buffer.byteLength('an earlier attempt\n'), place).toString('utf8');
    const note = `${before.endsWith('\n') ? '' : '\n'}\x1b[36m${GAP_LOST_NOTE}\x1b[0m`;
    const expected = before + note + logged.subarray(heldFrom).toString('utf8');
    expect(Buffer.from(shown).equals(Buffer.from(expected))).toBe(true);
  }, 30_000);

  it('gives a page paused across a rotation every byte, with no note, while the two files still hold its place', async () => {
    const cap = 5 * 1024 * 1024;
    const { shown, written, wire, heldFrom, logged } = await floodThroughGap(cap, { resumedRounds: 0 });
    // One rotation: `.1` holds the stream from its first byte.
    expect(logged.length).toBeGreaterThan(cap);
    expect(heldFrom).toBe(0);
    expect(wire).toContain('gap');
    expect(wire).not.toContain('lost');
    expect(Buffer.from(shown).equals(Buffer.from(written))).toBe(true);
  }, 30_000);
});
