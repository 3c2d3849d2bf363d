/**
 * What the last teardown could not remove, in the engine's sentences (each says how to remove it),
 * or that it finished with nothing left. Deliberately without a close button: a cluster still
 * billing must not disappear from view because someone dismissed a message.
 */
import { useLabState } from './lab-context';

export function CleanupRemaining() {
  // The selector returns the engine's own object: a fresh `[]` per call would re-render forever.
  const cleanup = useLabState((s) => s.snapshot?.cleanup);
  const remaining = cleanup?.remaining ?? [];
  const completedAt = cleanup?.completedAt;
  const running = cleanup?.running ?? false;
  if (remaining.length > 0) {
    return (
      <section className="cleanup-remaining" aria-labelledby="cleanup-remaining-title">
        <h2 id="cleanup-remaining-title">Still there after the teardown</h2>
        <ul>
          {remaining.map((sentence) => (
            <li key={sentence}>{sentence}</li>
          ))}
        </ul>
      </section>
    );
  }
  if (completedAt && !running) {
    const at = new Date(completedAt);
    return (
      <section className="cleanup-done" aria-labelledby="cleanup-done-title">
        <h2 id="cleanup-done-title">Everything the lab created is gone</h2>
        <p>Checked against the world at {Number.isNaN(at.getTime()) ? completedAt : at.toLocaleString()}.</p>
      </section>
    );
  }
  return null;
}
