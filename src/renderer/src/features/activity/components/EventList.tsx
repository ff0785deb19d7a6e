import { useCallback, useEffect, useState } from 'react';
import type { AccountEvent } from '../../../../../shared/events';
import type { EventFilter } from '../../../../../shared/ipc-contract';
import { call, desk, messageOf } from '../../../lib/bridge';
import { formatAbsolute } from '../../../lib/format';
import { Banner } from '../../../components/Banner';
import { actorWords, clientWords, detailWords, EVENT_LABELS } from '../event-words';

const PAGE = 25;

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
  /** What failed: the first page (Retry loads it again) or an older one (Retry asks for it again). */
  const [error, setError] = useState<{ message: string; older: string | null } | null>(null);
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

  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let current = true;
    fetchPage(null).then(
      (page) => {
        if (!current) return;
        setEvents(page.events);
        setCursor(page.nextCursor);
        setError(null);
      },
      (failure: unknown) => current && setError({ message: messageOf(failure), older: null }),
    );
    return () => {
      current = false;
    };
  }, [fetchPage, attempt]);

  function retry() {
    const older = error?.older;
    setError(null);
    if (older) void loadOlder(older);
    else setAttempt((n) => n + 1);
  }

  async function loadOlder(from: string) {
    setBusy(true);
    try {
      const page = await fetchPage(from);
      setEvents((before) => [...(before ?? []), ...page.events]);
      setCursor(page.nextCursor);
      setError(null);
    } catch (failure) {
      setError({ message: messageOf(failure), older: from });
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="events">
      {error && (
        <Banner
          tone="error"
          action={
            <button type="button" className="secondary" onClick={retry}>
              Retry
            </button>
          }
        >
          {error.message}
        </Banner>
      )}
      {events === null && !error && <p className="muted">Loading…</p>}
      {events && events.length === 0 && <p className="muted">Nothing recorded here yet.</p>}
      {events && events.length > 0 && (
        <ol className="event-list" aria-label={label}>
          {events.map((event) => {
            const detail = detailWords(event);
            const client = clientWords(event);
            return (
              <li key={event.id} className={`event event-${event.kind.replace('.', '-')}`}>
                <span className="event-time" title={event.at}>
                  {formatAbsolute(event.at)}
                </span>
                <span className="event-what">
                  <strong>{EVENT_LABELS[event.kind] ?? event.kind}</strong>
                  {showToken && event.tokenName && <> · {event.tokenName}</>}
                  {detail && <span className="muted"> · {detail}</span>}
                </span>
                <span className="event-where muted">
                  {actorWords(event)}
                  {event.ip && ` · from ${event.ip}`}
                  {client && (
                    <span className="event-client" title={event.userAgent ?? undefined}>
                      {' '}
                      · with {client}
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
