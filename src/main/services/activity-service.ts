/**
 * The active account's audit trail: pages of events for the renderer, and exports
 * that main writes itself. The renderer never names a path: main asks the
 * SaveDialog port (Electron's save dialog in the app, a recording fake in tests and
 * the harness).
 *
 * An export streams: each page from the service is written before the next is asked
 * for, so main holds one page (at most 200 events) however long the trail is. It goes
 * to a temporary file next to the chosen one, created owner-only and exclusively, and
 * is renamed over the chosen path only once complete: a failure half-way (the service
 * gone, the disk full) leaves whatever was there before.
 *
 * Every page the service answers is checked against a closed, bounded schema before
 * anything of it goes on (to the window or into a file): the trail carries text that
 * strangers wrote (token names, User-Agents), and the service URL is whatever the user
 * typed.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { lstat, rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { basename, dirname, join } from 'node:path';
import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
import {
  AccountEvent,
  EVENTS_PAGE,
  EventActor,
  MAX_USER_AGENT_LENGTH,
  type EventPage,
} from '../../shared/events.js';
import type {
  EventFilter,
  ExportFormat,
  ExportResult,
  ListEventsPayload,
} from '../../shared/ipc-contract.js';
import { DeskError } from '../desk-error.js';
import type { SaveDialogPort } from '../ports.js';
import type { TokenDeskFor } from '../issuers/token-desk/token-desk-issuer.js';
import { ApiClientError, type EventsQueryInput } from './api-client.js';
import { exportEncoder, suggestedFileName } from './event-export.js';
import type { AccountRef, SessionService } from './session-service.js';

const Text = (maxLength: number) => Type.String({ maxLength });
const TextOrNull = (maxLength: number) => Type.Union([Text(maxLength), Type.Null()]);

/**
 * The shared event shape, closed (no field the app does not know, at any depth) and
 * bounded: each string at most what the service writes, with room to spare (token names
 * are at most 100 characters, User-Agents 200); details flat, with plain keys (never
 * `__proto__`) and short values, as every kind the service records has them.
 */
const CheckedEvent = Type.Object(
  {
    ...AccountEvent.properties,
    id: Text(100),
    at: Type.String({ format: 'date-time', maxLength: 40 }),
    tokenId: TextOrNull(100),
    tokenName: TextOrNull(1000),
    sessionId: TextOrNull(100),
    actor: Type.Object(
      { ...EventActor.properties, id: TextOrNull(100) },
      { additionalProperties: false },
    ),
    ip: TextOrNull(100),
    userAgent: TextOrNull(MAX_USER_AGENT_LENGTH),
    details: Type.Record(
      Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' }),
      Type.Union([Text(4096), Type.Number(), Type.Boolean(), Type.Null()]),
      { maxProperties: 20, additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
const CheckedEventPage = Type.Object(
  {
    events: Type.Array(CheckedEvent, { maxItems: EVENTS_PAGE.max }),
    // What events:list accepts back as `cursor`, so the window can ask for the next page.
    nextCursor: Type.Union([Type.String({ pattern: '^[A-Za-z0-9_-]{1,200}$' }), Type.Null()]),
  },
  { additionalProperties: false },
);
const eventPageCheck = Compile(CheckedEventPage);

/** Nothing of the answer goes into the message: it is exactly what is not trusted. */
function badEventPage(): DeskError {
  return new DeskError(
    'bad_response',
    'The token service answered a page of events in a form Token Desk does not understand, so none of it was used. Check that the service URL points at a Token Desk service, and try again.',
  );
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

function isFileError(error: unknown): error is NodeJS.ErrnoException & { code: string } {
  return (
    error instanceof Error &&
    'syscall' in error &&
    typeof (error as NodeJS.ErrnoException).code === 'string'
  );
}

/**
 * A file written next to the path the user chose and renamed over it only when complete.
 * The name is random, so nothing can be planted under it first (and `wx` refuses what is
 * there anyway), and the file is owner-only from its first byte: the trail says where
 * every token is used from.
 */
class PendingFile {
  private failure: Error | null = null;

  private constructor(
    readonly path: string,
    readonly temporary: string,
    private readonly stream: WriteStream,
  ) {
    stream.on('error', (error) => (this.failure ??= error));
  }

  static async create(path: string): Promise<PendingFile> {
    const name = basename(path).slice(0, 100);
    const temporary = join(dirname(path), `.${name}.${randomBytes(8).toString('hex')}.tmp`);
    // flush: the data is on disk before the rename makes it the user's file.
    const stream = createWriteStream(temporary, { flags: 'wx', mode: 0o600, flush: true });
    await once(stream, 'open');
    return new PendingFile(path, temporary, stream);
  }

  /** Settles once the chunk is in the file: main never queues a second page behind it. */
  write(chunk: string): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) =>
      this.stream.write(chunk, 'utf8', (error) => (error ? reject(error) : resolve())),
    );
  }

  /** Closes the file (Windows cannot rename an open one), then puts it in place. */
  async commit(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.stream.once('close', () => (this.failure ? reject(this.failure) : resolve()));
      this.stream.end();
    });
    await rename(this.temporary, this.path);
  }

  /** Closes and removes the temporary file; false if it could not be removed. */
  async discard(): Promise<boolean> {
    if (!this.stream.closed) {
      const closed = once(this.stream, 'close').catch(() => undefined);
      this.stream.destroy();
      await closed;
    }
    return rm(this.temporary, { force: true }).then(
      () => true,
      () => false,
    );
  }
}

export class ActivityService {
  constructor(
    private readonly deps: {
      tokenDesk: TokenDeskFor;
      sessions: SessionService;
      saveDialog: SaveDialogPort | null;
      now: () => number;
    },
  ) {}

  async list(request: ListEventsPayload): Promise<EventPage> {
    const { cursor, limit, ...filter } = request;
    return this.page({
      ...query(filter),
      ...(cursor !== undefined ? { cursor } : {}),
      ...(limit !== undefined ? { limit } : {}),
    });
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
    const encoder = exportEncoder(format, {
      account,
      filter,
      exportedAt: new Date(this.deps.now()).toISOString(),
    });
    let file: PendingFile;
    try {
      file = await PendingFile.create(path);
    } catch (error) {
      throw this.exportFailed(error, path, 'Choose a folder you can write to and export again.');
    }
    let count = 0;
    try {
      await file.write(encoder.head());
      for await (const events of this.everyPage(input, account)) {
        await file.write(encoder.page(events));
        count += events.length;
      }
      await file.write(encoder.tail(count));
      await file.commit();
    } catch (error) {
      const removed = await file.discard();
      const chosen = basename(path);
      const untouched = await lstat(path).then(
        () => `Nothing was saved: ${chosen} is as it was.`,
        () => `Nothing was saved to ${chosen}.`,
      );
      const leftover = removed
        ? ''
        : ` The unfinished file ${basename(file.temporary)} next to it could not be removed; delete it.`;
      throw this.exportFailed(
        error,
        path,
        `${untouched}${leftover} Make room on the disk or choose another folder, and export again.`,
        `${untouched}${leftover}`,
      );
    }
    return { saved: true, fileName: basename(path), count };
  }

  /**
   * The error an export ends with, in words: a file error names the file and its code;
   * an error from the service keeps its code (a lost session still signs out) and gains
   * what became of the file.
   */
  private exportFailed(error: unknown, path: string, fileAdvice: string, serviceAdvice = '') {
    if (isFileError(error))
      return new DeskError(
        'export_failed',
        `Token Desk could not write ${basename(path)} (${error.code}). ${fileAdvice}`,
      );
    if ((error instanceof DeskError || error instanceof ApiClientError) && serviceAdvice)
      return new DeskError(error.code, `${error.message} ${serviceAdvice}`);
    return error;
  }

  /** One page from the service, only if it is in the shape the app knows. */
  private async page(input: EventsQueryInput, account?: AccountRef): Promise<EventPage> {
    const page: unknown = await this.deps.tokenDesk(account).listEvents(input);
    if (!eventPageCheck.Check(page) || page.events.length > (input.limit ?? EVENTS_PAGE.default))
      throw badEventPage();
    return page;
  }

  /** Every page of the filter, in order, for the account that was active when the export began. */
  private async *everyPage(
    input: EventsQueryInput,
    account: AccountRef,
  ): AsyncGenerator<EventPage['events']> {
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (;;) {
      const page = await this.page(
        { ...input, ...(cursor !== undefined ? { cursor } : {}), limit: EVENTS_PAGE.max },
        account,
      );
      yield page.events;
      if (page.nextCursor === null) return;
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
