import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { getLabClient } from './api';
import { createLab } from './store';
import { App } from './components/App';
import { ErrorBoundary } from './components/ErrorBoundary';
import { LabContext } from './components/lab-context';
import './styles.css';

const lab = createLab(getLabClient());
const container = document.getElementById('root');
if (!container) throw new Error('index.html lacks the #root element');

createRoot(container).render(
  <StrictMode>
    <ErrorBoundary>
      <LabContext.Provider value={lab}>
        <App />
      </LabContext.Provider>
    </ErrorBoundary>
  </StrictMode>,
);
