/** The window: header on top, steps on the left, the selected step's card, the terminal below. */
import { Header } from './Header';
import { StepNav } from './StepNav';
import { StepCard } from './StepCard';
import { Terminal } from './Terminal';
import { useEffect } from 'react';
import { allSteps } from '../store';
import { trackStats, wantsStats, type LabStats } from '../lib/lab-stats';
import { useLabContext, useLabState } from './lab-context';

declare global {
  interface Window {
    /** Output counters for `npm run bench:ui`; present only with `?stats=1` (see lib/lab-stats). */
    __labStats?: LabStats;
  }
}

export function App() {
  const { logs } = useLabContext();
  const loadError = useLabState((s) => s.loadError);
  const hasSnapshot = useLabState((s) => s.snapshot !== null);
  const runningTitle = useLabState((s) => allSteps(s.snapshot).find((st) => s.snapshot?.steps[st.id]?.status === 'running')?.title);

  // The window title says what is running, for someone who switched to another window meanwhile.
  useEffect(() => {
    document.title = runningTitle ? `${runningTitle} (running) · GitOps Lab` : 'GitOps Lab';
  }, [runningTitle]);

  useEffect(() => {
    if (!wantsStats(window.location.search)) return;
    const { stats, stop } = trackStats(logs, () => performance.now());
    window.__labStats = stats;
    return () => {
      stop();
      delete window.__labStats;
    };
  }, [logs]);
  return (
    <div className="app">
      <Header />
      {loadError && !hasSnapshot ? (
        <div role="alert" className="load-error">
          <h2>The lab could not be read</h2>
          <p>{loadError}</p>
        </div>
      ) : null}
      <div className="body">
        <StepNav />
        <StepCard />
      </div>
      <Terminal />
    </div>
  );
}
