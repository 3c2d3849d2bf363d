import { describe, expect, it } from 'vitest';
import { missedOutput } from './catch-up';

const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `line ${from + i} of the output\n`).join('');

describe('missedOutput', () => {
  it('continues exactly after what the window already has', () => {
    expect(missedOutput(lines(0, 100), lines(50, 130))).toEqual({ kind: 'continue', text: lines(100, 130) });
  });

  it('adds nothing when the window is up to date', () => {
    expect(missedOutput(lines(0, 100), lines(60, 100))).toEqual({ kind: 'none' });
    expect(missedOutput(lines(0, 100), '')).toEqual({ kind: 'none' });
  });

  it('falls back to the whole tail when the window missed more than the tail holds', () => {
    expect(missedOutput(lines(0, 100), lines(5000, 5100))).toEqual({ kind: 'tail', text: lines(5000, 5100) });
  });

  it('does not guess where repetitive output joins', () => {
    const block = 'waiting for the rollout\n'.repeat(20);
    expect(missedOutput(block, block + block)).toEqual({ kind: 'tail', text: block + block });
  });

  it('shows the tail for a window that has nothing yet', () => {
    expect(missedOutput('', lines(0, 3))).toEqual({ kind: 'tail', text: lines(0, 3) });
  });
});
