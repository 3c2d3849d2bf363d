/** Hands the Lab (store, logs, api) to every component without threading it through props. */
import { createContext, useContext } from 'react';
import type { Lab, LabState } from '../store';
import { useLab } from '../store';

export const LabContext = createContext<Lab | null>(null);

export function useLabContext(): Lab {
  const lab = useContext(LabContext);
  if (!lab) throw new Error('LabContext is missing: render components inside <LabContext.Provider>');
  return lab;
}

export function useLabState<T>(selector: (state: LabState) => T): T {
  return useLab(useLabContext(), selector);
}
