/**
 * The active account's audit trail: pages of events for the renderer, and exports
 * that main writes itself. The renderer never names a path: main asks the
 * SaveDialog port (Electron's save dialog in the app, a recording fake in tests and
 * the harness), fetches every matching page, and only then writes the file, so a
 * failure half-way leaves nothing behind.
 */
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { EVENTS_PAGE, type AccountEvent, type EventPage } from '../../shared/events.js';
import type {
  EventFilter,
  ExportFormat,
  ExportResult,
  ListEventsPayload,
} from '../../shared/ipc-contract.js';
import { DeskError } from '../desk-error.js';
import { ApiClientError, type ApiClient, type EventsQueryInput } from './api-client.js';
import { exportText, suggestedFileName } from './event-export.js';
import type { SessionService } from './session-service.js';

/** Asks the user where to save a file; null when they cancel. */
export interface SaveDialogPort {
  askSavePath(request: {
    title: string;
    defaultFileName: string;
    format: ExportFormat;
  }): Promise<string | null>;
}

function checkedTime(value: string | undefined, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (Number.isNaN(Date.parse(value)))
    throw new DeskError('invalid_input', `The "${field}" date is not a real date: ${value}.`);
  return value;
}

function query(filter: EventFilter): EventsQueryInput {
  const since = checkedTime(filter.since, 'from');
  const until = checkedTime(filter.until, 'to');
  if (since && until && Date.parse(since) > Date.parse(until))
    throw new DeskError('invalid_input', 'The "from" date is after the "to" date.');
  return {
    ...(filter.tokenId !== undefined ? { tokenId: filter.tokenId } : {}),
    ...(filter.kinds !== undefined ? { kinds: filter.kinds } : {}),
    ...(since !== undefined ? { since } : {}),
    ...(until !== undefined ? { until } : {}),
  };
}

export class ActivityService {
  constructor(
    private readonly deps: {
      api: ApiClient;
      sessions: SessionService;
      saveDialog: SaveDialogPort | null;
      now: () => number;
    },
  ) {}

  async list(request: ListEventsPayload): Promise<EventPage> {
    const { cursor, limit, ...filter } = request;
    const input: EventsQueryInput = {
      ...query(filter),
      ...(cursor !== undefined ? { cursor } : {}),
      ...(limit !== undefined ? { limit } : {}),
    };
    return this.deps.sessions.withSession((active) =>
      this.deps.api.listEvents(active.serviceUrl, active.token, input),
    );
  }

  async export(format: ExportFormat, filter: EventFilter): Promise<ExportResult> {
    const input = query(filter);
    const account = this.deps.sessions.owner();
    const { saveDialog } = this.deps;
    if (!saveDialog)
      throw new DeskError('export_unavailable', 'Saving files is not available in this window.');
    const path = await saveDialog.askSavePath({
      title: format === 'csv' ? 'Export events as CSV' : 'Export events as JSON',
      defaultFileName: suggestedFileName(format, this.deps.now()),
      format,
    });
    if (!path) return { saved: false, fileName: null, count: 0 };
    const events = await this.everyPage(input, account);
    const text = exportText(format, events, {
      account,
      filter,
      exportedAt: new Date(this.deps.now()).toISOString(),
    });
    try {
      await writeFile(path, text, 'utf8');
    } catch (error) {
      const reason = error instanceof Error && 'code' in error ? ` (${String(error.code)})` : '';
      throw new DeskError(
        'export_failed',
        `Token Desk could not write ${basename(path)}${reason}. Choose a folder you can write to and export again.`,
      );
    }
    return { saved: true, fileName: basename(path), count: events.length };
  }

  /** Every page of the filter, for the account that was active when the export began. */
  private async everyPage(
    input: EventsQueryInput,
    account: { serviceUrl: string; email: string },
  ): Promise<AccountEvent[]> {
    const events: AccountEvent[] = [];
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (;;) {
      const page = await this.deps.sessions.withSession(
        (active) =>
          this.deps.api.listEvents(active.serviceUrl, active.token, {
            ...input,
            ...(cursor !== undefined ? { cursor } : {}),
            limit: EVENTS_PAGE.max,
          }),
        account,
      );
      events.push(...page.events);
      if (page.nextCursor === null) return events;
      // A service that hands back a cursor twice would loop forever.
      if (seen.has(page.nextCursor))
        throw new ApiClientError(
          'bad_response',
          'The service sent the same page twice while exporting. Try the export again.',
        );
      seen.add(page.nextCursor);
      cursor = page.nextCursor;
    }
  }
}
