/**
 * The account's events as a file: CSV (RFC 4180) or JSON. Pure functions; the
 * ActivityService fetches the pages and writes the file.
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

/** RFC 4180: a header row, CRLF line ends (after the last record too). */
export function eventsToCsv(events: readonly AccountEvent[]): string {
  return [CSV_COLUMNS.join(','), ...events.map(csvRow)].map((line) => `${line}\r\n`).join('');
}

export interface ExportContext {
  account: { serviceUrl: string; email: string };
  filter: EventFilter;
  exportedAt: string;
}

export function eventsToJson(events: readonly AccountEvent[], context: ExportContext): string {
  return `${JSON.stringify({ ...context, count: events.length, events }, null, 2)}\n`;
}

export function exportText(
  format: ExportFormat,
  events: readonly AccountEvent[],
  context: ExportContext,
): string {
  return format === 'csv' ? eventsToCsv(events) : eventsToJson(events, context);
}

/** A file name to suggest: `token-desk-events-2026-11-28.csv`. */
export function suggestedFileName(format: ExportFormat, now: number): string {
  return `token-desk-events-${new Date(now).toISOString().slice(0, 10)}.${format}`;
}
