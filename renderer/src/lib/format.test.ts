import { describe, expect, it } from 'vitest';
import { elapsedMs, formatDuration, formatEstimate } from './format';

describe('format', () => {
  it('formats durations as m:ss or h:mm:ss', () => {
    expect(formatDuration(41_000)).toBe('0:41');
    expect(formatDuration(12 * 60_000 + 5_000)).toBe('12:05');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
  });

  it('shows estimates only for steps of a minute or more', () => {
    expect(formatEstimate(30)).toBeNull();
    expect(formatEstimate(600)).toBe('~10 min');
  });

  it('counts a running step up to now and a finished one up to its end', () => {
    const startedAt = '2026-01-01T00:00:00.000Z';
    const now = Date.parse(startedAt) + 5_000;
    expect(elapsedMs({ status: 'running', attempts: 1, startedAt }, now)).toBe(5_000);
    expect(elapsedMs({ status: 'succeeded', attempts: 1, startedAt, endedAt: '2026-01-01T00:00:02.000Z' }, now)).toBe(2_000);
    expect(elapsedMs({ status: 'pending', attempts: 0 }, now)).toBeNull();
  });
});
