import { useState } from 'react';
import type { RevealedToken, RotationState } from '../../../../../shared/ipc-contract';
import { call, desk, messageOf } from '../../../lib/bridge';
import { formatAbsolute } from '../../../lib/format';
import { Banner } from '../../../components/Banner';

interface Props {
  rotation: RotationState;
  onChange: (next: RotationState) => void;
  /** Finish rotated again: a new secret to show once. */
  onRevealed: (revealed: RevealedToken, rotation: RotationState) => void;
  /** A heading level for where it sits: in the reveal dialog, or in the list's banner area. */
  headingLevel?: 3 | 2;
}

const STATUS_WORDS = { pending: 'Not updated yet', updated: 'Updated', failed: 'Failed' } as const;

/** "Rotate and update N places": each place's push, and what to do when one failed. */
export function RotationPanel({ rotation, onChange, onRevealed, headingLevel = 3 }: Props) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirmRevoke, setConfirmRevoke] = useState(false);
  const total = rotation.destinations.length;
  const updated = rotation.destinations.filter((d) => d.status === 'updated').length;
  const failed = rotation.destinations.filter((d) => d.status === 'failed');
  const Heading = headingLevel === 2 ? 'h2' : 'h3';

  async function act(label: string, work: () => Promise<void>) {
    setBusy(label);
    setError(null);
    try {
      await work();
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(null);
    }
  }

  const retry = () =>
    act('retry', async () => {
      const report = await call(desk().rotationsRetry({ rotationId: rotation.id }));
      onChange(report.rotation);
    });
  const finish = () =>
    act('finish', async () => {
      const report = await call(desk().rotationsFinish({ rotationId: rotation.id }));
      if (report.revealed) onRevealed(report.revealed, report.rotation);
      else onChange(report.rotation);
    });
  const revokeOld = () =>
    act('revoke', async () => {
      onChange(await call(desk().rotationsRevokeOld({ rotationId: rotation.id })));
      setConfirmRevoke(false);
    });

  const until = rotation.graceEndsAt ? formatAbsolute(rotation.graceEndsAt) : null;
  let summary: string;
  if (rotation.finished && !rotation.oldRevoked)
    summary = `No place is recorded for it yet, so the old secret keeps working until ${until ?? 'its grace period ends'} in case something Token Desk does not know still uses it.`;
  else if (rotation.finished)
    summary =
      total === 0
        ? 'The old token is revoked.'
        : updated === total
          ? `${total === 1 ? 'The place has' : `All ${total} places have`} the new token; the old one is revoked.`
          : 'The old token is revoked.';
  else if (failed.length > 0)
    summary = `${updated} of ${total} places updated; ${failed.length} failed.`;
  else summary = `${updated} of ${total} places updated.`;

  return (
    <section
      className="rotation"
      aria-label={`Rotation of ${rotation.tokenName}`}
      data-rotation-id={rotation.id}
    >
      <Heading className="rotation-title">
        {rotation.finished
          ? 'Places updated'
          : headingLevel === 2
            ? `The rotation of “${rotation.tokenName}” is not finished`
            : `Updating the places of “${rotation.tokenName}”`}
      </Heading>
      <p className="rotation-summary" role="status">
        {summary}
      </p>
      {rotation.problem && <Banner tone="error">{rotation.problem.message}</Banner>}
      {error && <Banner tone="error">{error}</Banner>}
      {total > 0 && (
        <ul className="rotation-places">
          {rotation.destinations.map((place) => (
            <li key={place.destinationId} className={`rotation-place place-${place.status}`}>
              <span className="place-status">{STATUS_WORDS[place.status]}</span>
              <span className="place-label" title={place.label}>
                {place.label}
              </span>
              {place.error && <span className="place-error">{place.error.message}</span>}
            </li>
          ))}
        </ul>
      )}
      {!rotation.finished && (
        <>
          <p className="rotation-grace">
            {until
              ? `The old token keeps working until ${until}, so no pipeline breaks meanwhile; then it stops.`
              : rotation.oldTokenIds.length > 0
                ? // A new token made beside the old one (npm, a GitLab project token, Cloudflare): no grace to run out.
                  'The old token keeps working until every place has the new one, or until you revoke it.'
                : 'The old token has already stopped working.'}
            {!rotation.secretAvailable &&
              ' Token Desk no longer holds the new secret: Finish issues another and updates every place.'}
          </p>
          <div className="rotation-actions">
            {rotation.secretAvailable ? (
              <button
                type="button"
                className="primary small"
                disabled={busy !== null}
                onClick={() => void retry()}
              >
                {busy === 'retry' ? 'Retrying…' : 'Retry'}
              </button>
            ) : (
              <button
                type="button"
                className="primary small"
                disabled={busy !== null}
                onClick={() => void finish()}
              >
                {busy === 'finish' ? 'Finishing…' : 'Finish'}
              </button>
            )}
            {rotation.oldTokenIds.length > 0 &&
              (confirmRevoke ? (
                <span className="rotation-confirm" role="alert">
                  <span>
                    {failed.length > 0
                      ? `${failed.length === 1 ? 'The place that failed' : `The ${failed.length} places that failed`} will get 401 errors.`
                      : 'Places not updated yet will get 401 errors.'}
                  </span>
                  <button
                    type="button"
                    className="secondary small"
                    onClick={() => setConfirmRevoke(false)}
                    autoFocus
                  >
                    Keep it
                  </button>
                  <button
                    type="button"
                    className="danger small"
                    disabled={busy !== null}
                    onClick={() => void revokeOld()}
                  >
                    {busy === 'revoke' ? 'Revoking…' : 'Revoke it now'}
                  </button>
                </span>
              ) : (
                <button
                  type="button"
                  className="secondary small danger-quiet"
                  disabled={busy !== null}
                  onClick={() => setConfirmRevoke(true)}
                >
                  Revoke the old token now anyway
                </button>
              ))}
          </div>
        </>
      )}
    </section>
  );
}
