import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { DeskToken, DestinationView } from '../../../../../shared/ipc-contract';
import { call, desk, messageOf } from '../../../lib/bridge';
import { Banner } from '../../../components/Banner';
import { providerSpec } from '../../../../../shared/ci-providers/registry';
import { formatAbsolute, formatRelative, placesLabel } from '../../../lib/format';
import { expiryLabel, lastUseKnown, tokenExpiryState } from '../health';
import { canRotate, rotationInWords } from '../sources';

export interface TokenDetailsProps {
  token: DeskToken;
  now: number;
  onSend: () => void;
  onRotate: () => void;
  onRevoke: () => void;
  /** A place was forgotten: the list's count changes. */
  onChanged: () => void;
  onFailure: (error: unknown) => string;
  /** The token's events, page by page (the activity feature's list, composed by the app). */
  history: ReactNode;
}

/**
 * What can be done to a token from its details: Send to CI… and Rotate while it is not
 * being replaced, and Revoke…, set apart in red words (it asks before it revokes). In a
 * dialog's footer Revoke… leads, far from Close; in the pane, small buttons under the
 * name, it comes last, after the everyday actions.
 */
export function TokenDetailsActions({
  token,
  onSend,
  onRotate,
  onRevoke,
  form,
}: Pick<TokenDetailsProps, 'token' | 'onSend' | 'onRotate' | 'onRevoke'> & {
  form: 'footer' | 'pane';
}) {
  const size = form === 'pane' ? ' small' : '';
  const revoke = token.facts.canRevoke && (
    <button
      type="button"
      className={`secondary danger-quiet${size} ${form === 'pane' ? 'apart-end' : 'footer-apart'}`}
      onClick={onRevoke}
    >
      Revoke…
    </button>
  );
  return (
    <>
      {form === 'footer' && revoke}
      {!token.replacedById && canRotate(token) && (
        <>
          <button type="button" className={`secondary${size}`} onClick={onSend}>
            Send to CI…
          </button>
          <button type="button" className={`secondary${size}`} onClick={onRotate}>
            {token.destinationCount > 0
              ? `Rotate and update ${token.destinationCount === 1 ? '1 place' : `${token.destinationCount} places`}`
              : 'Rotate'}
          </button>
        </>
      )}
      {form === 'pane' && revoke}
    </>
  );
}

/**
 * A token's details: what the list shows, in full, where it is used, and its history.
 * Shown in the side pane of a wide window and in a dialog in a narrow one. Each place
 * shows its settings page on the provider as text, and "Open settings page" asks main
 * to open it in the browser (the window itself opens no other page; main builds the
 * URL from the recorded place, never from what the page sends).
 *
 * The window mounts it anew for each token (a `key`), so one token's places never show
 * under another's name while the next ones load.
 */
export function TokenDetailsContent({
  token,
  now,
  onChanged,
  onFailure,
  history,
}: Pick<TokenDetailsProps, 'token' | 'now' | 'onChanged' | 'onFailure' | 'history'>) {
  const [places, setPlaces] = useState<DestinationView[] | null>(null);
  const { facts } = token;
  const expiry = tokenExpiryState(token, now);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    () =>
      call(
        desk().destinationsList({ tokenId: token.id, connectionId: token.issuer.connectionId }),
      ).then(
        (list) => {
          setPlaces(list);
          setError(null);
        },
        (failure: unknown) => setError(onFailure(failure)),
      ),
    [token.id, token.issuer.connectionId, onFailure],
  );
  useEffect(() => {
    void load();
  }, [load]);

  async function openSettings(place: DestinationView) {
    try {
      await call(
        desk().destinationsOpenSettings({
          tokenId: token.id,
          destinationId: place.id,
          connectionId: token.issuer.connectionId,
        }),
      );
    } catch (failure) {
      setError(messageOf(failure));
    }
  }

  async function forget(place: DestinationView) {
    try {
      await call(
        desk().destinationsRemove({
          tokenId: token.id,
          destinationId: place.id,
          connectionId: token.issuer.connectionId,
        }),
      );
      onChanged();
      await load();
    } catch (failure) {
      setError(messageOf(failure));
    }
  }

  return (
    <>
      <dl className="details">
        <dt>Source</dt>
        <dd>{facts.source.label}</dd>
        {facts.scopes.length > 0 && (
          <>
            <dt>{facts.source.kind === 'token-desk' ? 'Scopes' : 'Scopes and permissions'}</dt>
            <dd>
              <ul className="details-scopes">
                {facts.scopes.map((scope) => (
                  <li key={scope}>{scope}</li>
                ))}
              </ul>
            </dd>
          </>
        )}
        {facts.status === 'disabled' && (
          <>
            <dt>Status</dt>
            <dd>Disabled at its source: every request with it is refused</dd>
          </>
        )}
        <dt>Rotation</dt>
        <dd>{rotationInWords(facts.rotation)}</dd>
        {!facts.canRevoke && (
          <>
            <dt>Revoking</dt>
            <dd>Its source does not let Token Desk revoke it</dd>
          </>
        )}
        {token.prefix && (
          <>
            <dt>Prefix</dt>
            <dd>
              <code>{token.prefix}…</code>
            </dd>
          </>
        )}
        <dt>Created</dt>
        <dd>
          {formatAbsolute(token.createdAt)}{' '}
          <span className="muted">({formatRelative(token.createdAt, now)})</span>
        </dd>
        <dt>Expires</dt>
        <dd>
          {token.graceEndsAt
            ? `Replaced by a rotation; valid until ${formatAbsolute(token.graceEndsAt)}`
            : token.expiresAt
              ? `${formatAbsolute(token.expiresAt)} (${expiryLabel(token.expiresAt, now).toLowerCase()})`
              : expiry === 'unknown'
                ? facts.unknown.expiry
                : expiry === 'expired'
                  ? 'Expired (its source says so)'
                  : 'Never'}
        </dd>
        <dt>Last used</dt>
        <dd>
          {token.lastUsedAt
            ? `${formatAbsolute(token.lastUsedAt)} (${formatRelative(token.lastUsedAt, now)})`
            : lastUseKnown(token)
              ? 'Never used'
              : facts.unknown.lastUse}
        </dd>
        {token.lastUsedIp && (
          <>
            <dt>From</dt>
            <dd>{token.lastUsedIp}</dd>
          </>
        )}
        {token.lastUsedUserAgent && (
          <>
            <dt>Client</dt>
            <dd className="details-client">{token.lastUsedUserAgent}</dd>
          </>
        )}
      </dl>

      <h3>Where it is used</h3>
      {error && <Banner tone="error">{error}</Banner>}
      {places === null && !error && <p className="muted">Loading…</p>}
      {places && places.length === 0 && (
        <p className="muted">
          Not recorded anywhere. Use Send to CI… and Token Desk remembers where it went.
        </p>
      )}
      {places && places.length > 0 && (
        <>
          <p className="muted">{placesLabel(places.length)}.</p>
          <ul className="places" aria-label={`Where ${token.name} is used`}>
            {places.map((place) => (
              <li key={place.id} className="place">
                <div className="place-head">
                  <span className="place-label">
                    <strong>{providerSpec(place.provider).displayName}</strong> {place.label}
                  </span>
                  <button
                    type="button"
                    className="link-button small-link"
                    onClick={() => void forget(place)}
                    aria-label={`Forget ${place.label}`}
                  >
                    Forget
                  </button>
                </div>
                <span className="muted place-pushed">
                  Last pushed {formatRelative(place.lastPushedAt, now)} (
                  {formatAbsolute(place.lastPushedAt)})
                </span>
                <label className="place-link">
                  <span className="visually-hidden">Settings page of {place.label}</span>
                  <input
                    readOnly
                    value={place.settingsUrl}
                    onFocus={(e) => e.currentTarget.select()}
                    spellCheck={false}
                  />
                </label>
                <button
                  type="button"
                  className="secondary small place-open"
                  onClick={() => void openSettings(place)}
                  aria-label={`Open settings page of ${place.label}`}
                >
                  Open settings page
                </button>
              </li>
            ))}
          </ul>
          <p className="hint">
            Each link is its settings page on{' '}
            {places.some((p) => p.provider === 'gitlab') ? 'the provider' : 'GitHub'}: open it in
            your browser, or select it and copy it.
          </p>
        </>
      )}

      <h3>History</h3>
      {history}
    </>
  );
}

/** Said in place of the details when the token has left the list behind the window's back. */
export function TokenGoneNotice({ name }: { name: string }) {
  return (
    <Banner tone="info">
      “{name}” is no longer in the list: it was revoked or replaced by a rotation elsewhere (in
      another window, with the CLI), so there is nothing current to show.
    </Banner>
  );
}
