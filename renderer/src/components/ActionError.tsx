/** The refusal or failure of the last action, announced as it appears; nothing while there is none. */
export function ActionError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p className="action-error" role="alert">
      {message}
    </p>
  );
}
