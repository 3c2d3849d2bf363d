import type { ServerResponse } from 'node:http';
import { statusOf } from './errors.js';
import { storageKey } from './registry.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import type { HistoryEntry, MemoryStore } from './store.js';
import { toTable } from './table.js';
import { KubeError, type KubeObject, type ServedType } from './types.js';

export interface WatchRequest {
  type: ServedType;
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  sendInitialEvents: boolean;
  allowBookmarks: boolean;
  timeoutSeconds?: number;
  asTable: boolean;
}

/** Default stream lifetime when the client sets no `timeoutSeconds` (the real server picks 30-60 min). */
const DEFAULT_TIMEOUT_SECONDS = 1800;

/**
 * Serves one watch stream: headers flushed at once, one JSON event per line (chunked), initial
 * state (streaming list with the `k8s.io/initial-events-end` BOOKMARK, or synthetic ADDED events
 * when no resourceVersion is given), history replay from a resourceVersion, ERROR 410 Expired when
 * that is too old, then live events until `timeoutSeconds`, client disconnect or server close.
 */
export function serveWatch(store: MemoryStore, w: WatchRequest, res: ServerResponse, onEnd: (stop: () => void) => () => void): void {
  const key = storageKey(w.type);
  const labels = parseLabelSelector(w.labelSelector);
  const fields = parseFieldSelector(w.fieldSelector);
  const matches = (o: KubeObject): boolean =>
    (!w.namespace || !w.type.namespaced || o.metadata.namespace === w.namespace) && labels(o.metadata.labels) && fields(o);
  const present = (o: KubeObject): KubeObject | Record<string, unknown> => {
    const shown = { ...o, apiVersion: w.type.group ? `${w.type.group}/${w.type.version}` : w.type.version };
    return w.asTable ? toTable(w.type, [shown], String(o.metadata.resourceVersion ?? '')) : shown;
  };

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  const send = (type: string, object: unknown): void => {
    if (!res.writableEnded) res.write(`${JSON.stringify({ type, object })}\n`);
  };

  let finished = false;
  let unsubscribe: () => void = () => undefined;
  let timer: NodeJS.Timeout | undefined;
  let unregister: () => void = () => undefined;
  const stop = (): void => {
    if (finished) return;
    finished = true;
    unsubscribe();
    unregister();
    if (timer) clearTimeout(timer);
    if (!res.writableEnded) res.end();
  };
  unregister = onEnd(stop);
  res.on('close', stop);

  const rv = w.resourceVersion;
  let backlog: HistoryEntry[] = [];
  const initial: KubeObject[] = [];
  if (w.sendInitialEvents || !rv || rv === '0') initial.push(...store.listByType(w.type).filter(matches));
  else {
    try {
      backlog = store.changesSince(Number(rv)).filter((h) => h.key === key);
    } catch (error) {
      if (error instanceof KubeError) send('ERROR', statusOf(error));
      stop();
      return;
    }
  }
  for (const o of initial) send('ADDED', present(o));
  if (w.sendInitialEvents) {
    send('BOOKMARK', {
      kind: w.type.kind,
      apiVersion: w.type.group ? `${w.type.group}/${w.type.version}` : w.type.version,
      metadata: { resourceVersion: String(store.resourceVersion), annotations: { 'k8s.io/initial-events-end': 'true' } },
    });
  }
  // As the real server does, an object entering a selector's view is ADDED and one leaving it DELETED.
  const deliver = (h: HistoryEntry): void => {
    const now = matches(h.event.object);
    const before = h.event.type === 'MODIFIED' && h.previous ? matches(h.previous) : now;
    if (now && !before) send('ADDED', present(h.event.object));
    else if (!now && before) send('DELETED', present(h.event.object));
    else if (now) send(h.event.type, present(h.event.object));
  };
  for (const h of backlog) deliver(h);
  unsubscribe = store.subscribe((_event, entry) => {
    if (entry.key === key) deliver(entry);
  });
  timer = setTimeout(stop, (w.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000);
}
