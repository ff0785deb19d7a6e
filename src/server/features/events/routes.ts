/**
 * `GET /v1/users/me/events`: the account's audit trail, newest first, with
 * filters and a cursor. Session-only: the trail says where every token is used from,
 * which a leaked CI token has no business reading.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  EVENT_KINDS,
  EVENTS_PAGE,
  EventPage,
  EventsQuery,
  isEventKind,
  type EventKind,
} from '../../../shared/events.js';
import { ApiError, describeValidationError } from '../../errors.js';
import type { Services } from '../../services.js';
import type { EventFilter, EventPosition } from './store.js';
import { toTimestamp } from '../../storage/timestamps.js';
import { principalOf, requireAuthentication } from '../../http/authenticated.js';
import { bearerSecurity, errors, SESSION_ONLY } from '../../http/schema-parts.js';

// A calendar date, optionally with a time (seconds and fraction optional) and a zone.
const ISO_8601 =
  /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;
const STORED_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const badRequest = (message: string) => new ApiError(400, 'invalid_request', message);

/** `since`/`until` as stored timestamps; a date alone means its first (since) or last (until) millisecond. */
function parseBound(raw: string, name: 'since' | 'until'): string {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(raw);
  const ms = ISO_8601.test(raw) ? Date.parse(dateOnly ? `${raw}T00:00:00Z` : raw) : NaN;
  // Date.parse rolls 2026-02-30 over to March; a round trip of the date part catches it.
  if (Number.isNaN(ms) || (dateOnly && toTimestamp(ms).slice(0, 10) !== raw)) {
    throw badRequest(
      `${name} must be an ISO 8601 date or date and time, such as 2026-11-01 or 2026-11-01T09:30:00Z; "${raw}" is not one.`,
    );
  }
  return toTimestamp(dateOnly && name === 'until' ? ms + 86_399_999 : ms);
}

function parseKinds(raw: string): EventKind[] {
  const kinds = raw.split(',').map((kind) => kind.trim());
  for (const kind of kinds) {
    if (!isEventKind(kind)) {
      throw badRequest(
        kind === ''
          ? 'kind has an empty entry; give one kind, or several separated by commas.'
          : `kind ${JSON.stringify(kind)} is not an event kind. Known kinds: ${EVENT_KINDS.join(', ')}.`,
      );
    }
  }
  return [...new Set(kinds as EventKind[])];
}

function parseLimit(raw: string): number {
  if (!/^\d{1,3}$/.test(raw) || Number(raw) < 1 || Number(raw) > EVENTS_PAGE.max) {
    throw badRequest(`limit must be a whole number from 1 to ${EVENTS_PAGE.max}, not "${raw}".`);
  }
  return Number(raw);
}

/** The cursor is the last item's (at, seq) in base64url; opaque to clients. */
export function encodeCursor(position: EventPosition): string {
  return Buffer.from(`${position.at}|${position.seq}`, 'utf8').toString('base64url');
}

function decodeCursor(raw: string): EventPosition {
  const invalid = new ApiError(
    400,
    'invalid_cursor',
    'cursor is not one this service gave out. Pass nextCursor from the previous page unchanged, or leave it out to start from the newest events.',
  );
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(raw)) throw invalid;
  const [at = '', seq = '', extra] = Buffer.from(raw, 'base64url').toString('utf8').split('|');
  if (extra !== undefined || !STORED_TIMESTAMP.test(at) || !/^[1-9]\d{0,15}$/.test(seq)) {
    throw invalid;
  }
  if (Number.isNaN(Date.parse(at)) || !Number.isSafeInteger(Number(seq))) throw invalid;
  return { at, seq: Number(seq) };
}

export const eventRoutes: FastifyPluginAsyncTypebox<Services> = async (app, services) => {
  requireAuthentication(app, services, 'session');

  app.get(
    '/v1/users/me/events',
    {
      schema: {
        tags: ['events'],
        security: bearerSecurity,
        summary: "Your account's audit trail, newest first, filtered and a page at a time",
        description:
          `${SESSION_ONLY} Filters: \`tokenId\`; \`kind\` (one, or several separated by commas: ` +
          `${EVENT_KINDS.join(', ')}); \`since\` and \`until\` (ISO 8601, inclusive; a date ` +
          'alone covers that whole UTC day). `limit` 1 to 200 (default 50). `cursor` is the ' +
          "previous page's `nextCursor`: a position, not an offset, so events added meanwhile " +
          'never repeat or skip one. Events older than TOKEN_DESK_EVENT_RETENTION_DAYS ' +
          '(default 400) are pruned. No event carries a secret.',
        querystring: EventsQuery,
        response: { 200: EventPage, ...errors(400, 401, 403, 429) },
      },
      attachValidation: true,
    },
    async (request) => {
      const invalid = request.validationError;
      if (invalid) {
        throw badRequest(
          describeValidationError(
            'querystring',
            (invalid.validation ?? []) as Parameters<typeof describeValidationError>[1],
          ),
        );
      }
      const query = request.query;
      const filter: EventFilter = {
        userId: principalOf(request).user.id,
        limit: query.limit === undefined ? EVENTS_PAGE.default : parseLimit(query.limit),
      };
      if (query.tokenId !== undefined) {
        if (query.tokenId === '') throw badRequest('tokenId is empty; leave it out or give an id.');
        filter.tokenId = query.tokenId;
      }
      if (query.kind !== undefined) filter.kinds = parseKinds(query.kind);
      if (query.since !== undefined) filter.since = parseBound(query.since, 'since');
      if (query.until !== undefined) filter.until = parseBound(query.until, 'until');
      if (filter.since !== undefined && filter.until !== undefined && filter.since > filter.until) {
        throw badRequest('since is later than until: no event can match. Swap them.');
      }
      if (query.cursor !== undefined) filter.after = decodeCursor(query.cursor);
      const page = await services.events.page(filter);
      return { events: page.events, nextCursor: page.last ? encodeCursor(page.last) : null };
    },
  );
};
