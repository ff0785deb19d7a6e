import { useMemo, useState } from 'react';
import { EVENT_KINDS, type EventKind } from '../../../../../shared/events';
import type { EventFilter, ExportFormat } from '../../../../../shared/ipc-contract';
import { call, desk, messageOf } from '../../../lib/bridge';
import { Banner } from '../../../components/Banner';
import { useScreen } from '../../../lib/use-screen';
import { EVENT_LABELS } from '../event-words';
import { EventList } from './EventList';

/** A local calendar day as the start (or end) of that day, in ISO 8601 with its offset. */
function dayBound(date: string, end: boolean): string {
  const [y, m, d] = date.split('-').map(Number);
  const at = end
    ? new Date(y as number, (m as number) - 1, d, 23, 59, 59, 999)
    : new Date(y as number, (m as number) - 1, d);
  return at.toISOString();
}

/** The account's audit trail: filter by kind and dates, export what is shown as CSV or JSON. */
export function ActivityScreen() {
  const heading = useScreen('Activity');
  const [kind, setKind] = useState<EventKind | ''>('');
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [exporting, setExporting] = useState<ExportFormat | null>(null);

  const rangeError =
    since && until && since > until ? 'The “from” day is after the “to” day.' : null;
  const filter = useMemo<EventFilter>(
    () => ({
      ...(kind ? { kinds: [kind] } : {}),
      ...(since && !rangeError ? { since: dayBound(since, false) } : {}),
      ...(until && !rangeError ? { until: dayBound(until, true) } : {}),
    }),
    [kind, since, until, rangeError],
  );

  async function exportAs(format: ExportFormat) {
    setExporting(format);
    setNotice(null);
    setError(null);
    try {
      const result = await call(desk().eventsExport({ format, filter }));
      setNotice(
        result.saved
          ? `Saved ${result.count.toLocaleString()} ${result.count === 1 ? 'event' : 'events'} to ${result.fileName}.`
          : 'Export cancelled; nothing was saved.',
      );
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setExporting(null);
    }
  }

  return (
    <main className="page">
      <header className="toolbar">
        <h1 ref={heading} tabIndex={-1}>
          Activity
        </h1>
        <div className="toolbar-actions toolbar-end">
          <button
            type="button"
            className="secondary"
            disabled={exporting !== null || !!rangeError}
            onClick={() => void exportAs('csv')}
          >
            {exporting === 'csv' ? 'Exporting…' : 'Export CSV'}
          </button>
          <button
            type="button"
            className="secondary"
            disabled={exporting !== null || !!rangeError}
            onClick={() => void exportAs('json')}
          >
            {exporting === 'json' ? 'Exporting…' : 'Export JSON'}
          </button>
        </div>
      </header>
      <div className="activity-filters" role="group" aria-label="Filters">
        <div>
          <label htmlFor="activity-kind">What</label>
          <select
            id="activity-kind"
            value={kind}
            onChange={(e) => setKind(e.target.value as EventKind | '')}
          >
            <option value="">Everything</option>
            {EVENT_KINDS.map((k) => (
              <option key={k} value={k}>
                {EVENT_LABELS[k]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="activity-since">From</label>
          <input
            id="activity-since"
            type="date"
            value={since}
            onChange={(e) => setSince(e.target.value)}
            aria-invalid={rangeError ? true : undefined}
            aria-describedby={rangeError ? 'activity-range-error' : undefined}
          />
          {rangeError && (
            <p id="activity-range-error" className="field-error" role="alert">
              {rangeError}
            </p>
          )}
        </div>
        <div>
          <label htmlFor="activity-until">To</label>
          <input
            id="activity-until"
            type="date"
            value={until}
            onChange={(e) => setUntil(e.target.value)}
            aria-invalid={rangeError ? true : undefined}
          />
        </div>
      </div>
      {error && <Banner tone="error">{error}</Banner>}
      {notice && <Banner tone="info">{notice}</Banner>}
      <section className="card activity" aria-label="Events">
        <EventList filter={filter} label="Account activity" />
      </section>
    </main>
  );
}
