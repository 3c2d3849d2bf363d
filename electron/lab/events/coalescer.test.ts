import { describe, expect, it } from 'vitest';
import { createLogCoalescer, type LogEvent } from './coalescer';

describe('log coalescer window size', () => {
  it('closes a window early once it holds the maximum, keeping every chunk in order', () => {
    const events: LogEvent[] = [];
    const coalescer = createLogCoalescer((event) => events.push(event), 60_000, 10);
    coalescer.push('flood', 'stdout', 'abcd');
    coalescer.push('flood', 'stdout', 'efgh');
    expect(events).toEqual([]);
    coalescer.push('flood', 'stdout', 'ijkl');
    expect(events.map((e) => e.data)).toEqual(['abcdefghijkl']);
    coalescer.push('flood', 'stderr', 'mn');
    coalescer.close();
    expect(events.map((e) => [e.source, e.data])).toEqual([
      ['stdout', 'abcdefghijkl'],
      ['stderr', 'mn'],
    ]);
  });

  it('sends a mixed window as one event per run of a source, all at once when full', () => {
    const events: LogEvent[] = [];
    const coalescer = createLogCoalescer((event) => events.push(event), 60_000, 6);
    coalescer.push('flood', 'stdout', 'ab');
    coalescer.push('flood', 'info', 'cd');
    coalescer.push('flood', 'stdout', 'ef');
    expect(events.map((e) => [e.source, e.data])).toEqual([
      ['stdout', 'ab'],
      ['info', 'cd'],
      ['stdout', 'ef'],
    ]);
    coalescer.close();
  });
});
