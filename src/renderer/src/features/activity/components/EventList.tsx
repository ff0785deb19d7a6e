import { useCallback, useEffect, useState } from 'react';
import type { AccountEvent, EventKind } from '../../../../../shared/events';
import type { EventFilter } from '../../../../../shared/ipc-contract';
import { call, desk, messageOf } from '../../../lib/bridge';
import { formatAbsolute } from '../../../lib/format';
import { Banner } from '../../../components/Banner';

export const EVENT_LABELS: Record<EventKind, string> = {
  'token.created': 'Token created',
  'token.first_used': 'First used',
  'token.used_from_new_address': 'Used from a new address',
  'token.rotated': 'Rotated',
  'token.revoked': 'Revoked',
  'token.expired': 'Expired',
  'token.refused': 'Refused (revoked or expired)',
  'destination.added': 'Sent to CI',
  'destination.removed': 'CI place forgotten',
  'session.signed_in': 'Signed in',
  'session.signed_out': 'Signed out',
  'session.sign_in_failed': 'Sign-in failed',
};

const PAGE = 25;

function actorWords(event: AccountEvent): string {
  if (event.actor.kind === 'session') return 'by the app (a session)';
  if (event.actor.kind === 'api_token') return 'by an API token';
  return 'by the service';
}

function detailWords(event: AccountEvent): string | null {
  const d = event.details;
  if (event.kind === 'token.revoked' && typeof d.reason === 'string')
    return d.reason === 'rotated'
      ? 'replaced by a rotation'
      : d.reason === 'grace_ended'
        ? 'its grace period ended'
        : d.bulk
          ? 'in a bulk revoke'
          : null;
  if (event.kind === 'token.refused' && typeof d.reason === 'string') return `it was ${d.reason}`;
  if (event.kind.startsWith('destination.') && typeof d.name === 'string')
    return `${d.name}${typeof d.provider === 'string' ? ` (${d.provider})` : ''}`;
  return null;
}

/** The account's events (or one token's), newest first, a page at a time. */
export function EventList({
  filter,
  label,
  showToken = true,
}: {
  filter: EventFilter;
  label: string;
  showToken?: boolean;
}) {
  const [events, setEvents] = useState<AccountEvent[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const key = JSON.stringify(filter);

  const fetchPage = useCallback(
    (from: string | null) =>
      call(
        desk().eventsList({
          ...(JSON.parse(key) as EventFilter),
          limit: PAGE,
          ...(from ? { cursor: from } : {}),
        }),
      ),
    [key],
  );

  useEffect(() => {
    let current = true;
    fetchPage(null).then(
      (page) => {
        if (!current) return;
        setEvents(page.events);
        setCursor(page.nextCursor);
        setError(null);
      },
      (failure: unknown) => current && setError(messageOf(failure)),
    );
    return () => {
      current = false;
    };
  }, [fetchPage]);

  async function loadOlder(from: string) {
    setBusy(true);
    try {
      const page = await fetchPage(from);
      setEvents((before) => [...(before ?? []), ...page.events]);
      setCursor(page.nextCursor);
      setError(null);
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="events">
      {error && <Banner tone="error">{error}</Banner>}
      {events === null && !error && <p className="muted">Loading…</p>}
      {events && events.length === 0 && <p className="muted">Nothing recorded here yet.</p>}
      {events && events.length > 0 && (
        <ol className="event-list" aria-label={label}>
          {events.map((event) => {
            const detail = detailWords(event);
            return (
              <li key={event.id} className={`event event-${event.kind.replace('.', '-')}`}>
                <span className="event-time" title={event.at}>
                  {formatAbsolute(event.at)}
                </span>
                <span className="event-what">
                  <strong>{EVENT_LABELS[event.kind] ?? event.kind}</strong>
                  {showToken && event.tokenName && <> · {event.tokenName}</>}
                  {detail && <span className="muted"> ({detail})</span>}
                </span>
                <span className="event-where muted">
                  {actorWords(event)}
                  {event.ip && ` · from ${event.ip}`}
                  {event.userAgent && (
                    <span className="event-client" title={event.userAgent}>
                      {' '}
                      · {event.userAgent}
                    </span>
                  )}
                </span>
              </li>
            );
          })}
        </ol>
      )}
      {cursor && (
        <button
          type="button"
          className="secondary small load-more"
          disabled={busy}
          onClick={() => void loadOlder(cursor)}
        >
          {busy ? 'Loading…' : 'Load older events'}
        </button>
      )}
    </div>
  );
}
