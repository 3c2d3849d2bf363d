/** Brings a step's output tab into view; shown only once the step has written some. */
import { useLabState } from './lab-context';

export function ShowOutputButton({ stepId }: { stepId: string }) {
  const hasOutput = useLabState((s) => s.streams.includes(stepId));
  const showStream = useLabState((s) => s.showStream);
  if (!hasOutput) return null;
  return (
    <button type="button" className="link-button" onClick={() => showStream(stepId)}>
      Show output
    </button>
  );
}
