/**
 * The account's events as a file: CSV (RFC 4180) or JSON, encoded a page at a time.
 * Pure functions; the ActivityService fetches the pages and writes the file.
 *
 * Event fields come from the service and, through token names and User-Agents,
 * from whoever named a token or sent a request: a CSV cell that starts with
 * = + - @, a tab or a carriage return would run as a formula in Excel, LibreOffice
 * or Google Sheets (OWASP "CSV injection"), so such a cell gets a leading '.
 */
import type { AccountEvent } from '../../shared/events.js';
import type { EventFilter, ExportFormat } from '../../shared/ipc-contract.js';

export const CSV_COLUMNS = [
  'at',
  'kind',
  'tokenName',
  'tokenId',
  'actorKind',
  'actorId',
  'ip',
  'userAgent',
  'sessionId',
  'details',
  'id',
] as const;

const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV field: formula-neutralised, then quoted when RFC 4180 needs it. */
export function csvField(value: string | null): string {
  if (value === null) return '';
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function csvRow(event: AccountEvent): string {
  const cells: Record<(typeof CSV_COLUMNS)[number], string | null> = {
    at: event.at,
    kind: event.kind,
    tokenName: event.tokenName,
    tokenId: event.tokenId,
    actorKind: event.actor.kind,
    actorId: event.actor.id,
    ip: event.ip,
    userAgent: event.userAgent,
    sessionId: event.sessionId,
    details: Object.keys(event.details).length === 0 ? null : JSON.stringify(event.details),
    id: event.id,
  };
  return CSV_COLUMNS.map((column) => csvField(cells[column])).join(',');
}

export interface ExportContext {
  account: { serviceUrl: string; email: string };
  filter: EventFilter;
  exportedAt: string;
}

/**
 * An export as text in pieces, so main can write each page of events as it arrives and
 * never hold more than one: `head`, then `page` for each page in order, then `tail`.
 */
export interface ExportEncoder {
  head(): string;
  page(events: readonly AccountEvent[]): string;
  tail(count: number): string;
}

/** RFC 4180: a header row, CRLF line ends (after the last record too). */
function csvEncoder(): ExportEncoder {
  return {
    head: () => `${CSV_COLUMNS.join(',')}\r\n`,
    page: (events) => events.map((event) => `${csvRow(event)}\r\n`).join(''),
    tail: () => '',
  };
}

const INDENT = '  ';

/**
 * The document `JSON.stringify({...context, events, count}, null, 2)` would write, byte
 * for byte, written incrementally: the events array one page at a time, and the count
 * (known only at the end) after it.
 */
function jsonEncoder(context: ExportContext): ExportEncoder {
  let written = 0;
  // A value one level down in the document: every line after its first indented once more.
  const indented = (value: unknown) =>
    JSON.stringify(value, null, INDENT).replaceAll('\n', `\n${INDENT}`);
  return {
    head: () => {
      const fields = Object.entries(context).map(
        ([key, value]) => `${INDENT}${JSON.stringify(key)}: ${indented(value)},\n`,
      );
      return `{\n${fields.join('')}${INDENT}"events": [`;
    },
    // One stringify and one re-indent per page: per event, it took twice as long.
    page: (events) => {
      if (events.length === 0) return '';
      const items = JSON.stringify(events, null, INDENT).slice(1, -2);
      const text = `${written === 0 ? '' : ','}${items.replaceAll('\n', `\n${INDENT}`)}`;
      written += events.length;
      return text;
    },
    tail: (count) => `${written === 0 ? '' : `\n${INDENT}`}],\n${INDENT}"count": ${count}\n}\n`,
  };
}

export function exportEncoder(format: ExportFormat, context: ExportContext): ExportEncoder {
  return format === 'csv' ? csvEncoder() : jsonEncoder(context);
}

/** A file name to suggest: `token-desk-events-2026-11-28.csv`. */
export function suggestedFileName(format: ExportFormat, now: number): string {
  return `token-desk-events-${new Date(now).toISOString().slice(0, 10)}.${format}`;
}
