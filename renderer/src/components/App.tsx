/** The window: header on top, steps on the left, the selected step's card, the terminal below. */
import { Header } from './Header';
import { StepNav } from './StepNav';
import { StepCard } from './StepCard';
import { Terminal } from './Terminal';
import { useEffect } from 'react';
import { allSteps } from '../store';
import { useLabState } from './lab-context';

export function App() {
  const loadError = useLabState((s) => s.loadError);
  const hasSnapshot = useLabState((s) => s.snapshot !== null);
  const runningTitle = useLabState((s) => allSteps(s.snapshot).find((st) => s.snapshot?.steps[st.id]?.status === 'running')?.title);

  // The window title says what is running, for someone who switched to another window meanwhile.
  useEffect(() => {
    document.title = runningTitle ? `${runningTitle} (running) · GitOps Lab` : 'GitOps Lab';
  }, [runningTitle]);
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
