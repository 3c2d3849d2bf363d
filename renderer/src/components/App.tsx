/** The window: header on top, steps on the left, the selected step's card, the terminal below. */
import { Header } from './Header';
import { StepNav } from './StepNav';
import { StepCard } from './StepCard';
import { Terminal } from './Terminal';
import { CleanupNav } from './CleanupNav';
import { CleanupNotices } from './CleanupNotices';
import { CleanupRemaining } from './CleanupRemaining';
import { CleanupStepCard } from './CleanupStepCard';
import { LeftoversBanner } from './LeftoversBanner';
import { useEffect } from 'react';
import { stepsWithTeardown } from '../store';
import { isTeardownStep } from '../lib/cleanup';
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
  const teardownSelected = useLabState((s) => isTeardownStep(s.snapshot, s.selectedStepId));
  const runningTitle = useLabState((s) => stepsWithTeardown(s.snapshot).find((st) => s.snapshot?.steps[st.id]?.status === 'running')?.title);

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
      <CleanupNotices />
      <LeftoversBanner />
      <CleanupRemaining />
      <div className="body">
        {/* The teardown's section follows the lab's phases in the same scrolling column. */}
        <div className="nav-column">
          <StepNav />
          <CleanupNav />
        </div>
        {teardownSelected ? <CleanupStepCard /> : <StepCard />}
      </div>
      <Terminal />
    </div>
  );
}
