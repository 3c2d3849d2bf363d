import { describe, expect, it } from 'vitest';
import { ALL_STREAM, LogBook } from './log-book';

describe('LogBook', () => {
  it('keeps one history per stream and an interleaved "All" with a header per change of speaker', () => {
    const book = new LogBook();
    expect(book.append('k3d-cluster', 'stdout', 'created\n', 'k3d cluster')).toBe(true);
    expect(book.append('k3d-cluster', 'stderr', 'warn\n', 'k3d cluster')).toBe(false);
    expect(book.append('flux-bootstrap', 'info', 'hello\n', 'Bootstrap Flux')).toBe(true);
    expect(book.history('k3d-cluster')).toBe('created\nwarn\n');
    expect(book.history('flux-bootstrap')).toBe('\x1b[36mhello\n\x1b[0m');
    const all = book.history(ALL_STREAM);
    expect(all.indexOf('k3d cluster')).toBeLessThan(all.indexOf('created'));
    expect(all.match(/── k3d cluster ──/g)).toHaveLength(1);
    expect(all.indexOf('Bootstrap Flux')).toBeGreaterThan(all.indexOf('warn'));
  });

  it('starts a header on a new line when the previous speaker stopped mid-line', () => {
    const book = new LogBook();
    book.append('a', 'stdout', 'partial', 'A');
    book.append('b', 'stdout', 'x\n', 'B');
    expect(book.history(ALL_STREAM)).toContain('partial\n\x1b[2m── B ──');
  });

  it('tells subscribers about each stream and "All", and stops after unsubscribe', () => {
    const book = new LogBook();
    const seen: string[] = [];
    const off = book.subscribe((stream) => seen.push(stream));
    book.append('a', 'stdout', 'x\n');
    off();
    book.append('a', 'stdout', 'y\n');
    expect(seen).toEqual(['a', ALL_STREAM]);
  });

  it('seeds an empty stream with earlier history, but never over live output', () => {
    const book = new LogBook();
    const seen: string[] = [];
    book.subscribe((stream, text) => seen.push(`${stream}:${text}`));
    expect(book.seed('docker', 'earlier\n')).toBe(true);
    expect(book.history('docker')).toBe('earlier\n');
    expect(seen).toEqual(['docker:earlier\n']);
    book.append('tools', 'stdout', 'live\n');
    expect(book.seed('tools', 'old\n')).toBe(false);
    expect(book.history('tools')).toBe('live\n');
    expect(book.history(ALL_STREAM)).not.toContain('earlier');
  });
});
