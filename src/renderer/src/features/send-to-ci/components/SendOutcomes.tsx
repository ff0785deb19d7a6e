import type { SendOutcome } from '../outcomes';

/** How each send went, under the form and in the reveal dialog. */
export function SendOutcomes({ outcomes }: { outcomes: SendOutcome[] }) {
  if (outcomes.length === 0) return null;
  return (
    <ul className="send-outcomes" aria-label="Sent to CI" aria-live="polite">
      {outcomes.map((outcome) => (
        <li key={outcome.key} className={`send-outcome send-${outcome.state}`}>
          <span className="send-state">
            {outcome.state === 'sending'
              ? 'Sending'
              : outcome.state === 'failed'
                ? 'Failed'
                : 'Sent'}
          </span>
          <span className="send-message">{outcome.message}</span>
        </li>
      ))}
    </ul>
  );
}
