/** The active account's audit trail: pages of events, and exports main writes. */
import { Type, type Static } from 'typebox';
import { EVENT_KINDS, EVENTS_PAGE, type EventKind, type EventPage } from '../events.js';
import { Id, channel } from './fields.js';

/** An export: where main wrote it (the name only) and how many events, or the user cancelled. */
export type ExportResult =
  { saved: true; fileName: string; count: number } | { saved: false; fileName: null; count: 0 };

/** An ISO 8601 date or date-time; main parses it again before it goes anywhere. */
const EventTime = Type.String({
  pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9:.]{2,15}(Z|[+-][0-9]{2}:[0-9]{2})?)?$',
  maxLength: 40,
});

/** One literal per value, typed as the union of the values (a mapped array would type as never). */
function literalUnion<T extends string>(values: readonly T[]) {
  return Type.Unsafe<T>(Type.Union(values.map((value) => Type.Literal(value))));
}

const EventFilterFields = {
  tokenId: Type.Optional(Id),
  kinds: Type.Optional(
    Type.Array(literalUnion<EventKind>(EVENT_KINDS), {
      minItems: 1,
      maxItems: EVENT_KINDS.length,
      uniqueItems: true,
    }),
  ),
  since: Type.Optional(EventTime),
  until: Type.Optional(EventTime),
};

const EventFilter = Type.Object(EventFilterFields, { additionalProperties: false });

export type EventFilter = Static<typeof EventFilter>;

const ListEventsPayload = Type.Object(
  {
    ...EventFilterFields,
    /** From the previous page's nextCursor (the service's base64url position). */
    cursor: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,200}$' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: EVENTS_PAGE.max })),
  },
  { additionalProperties: false },
);

export type ListEventsPayload = Static<typeof ListEventsPayload>;

export const EXPORT_FORMATS = ['csv', 'json'] as const;

export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const ExportEventsPayload = Type.Object(
  {
    format: literalUnion(EXPORT_FORMATS),
    filter: EventFilter,
  },
  { additionalProperties: false },
);

export const ACTIVITY_CHANNELS = {
  'events:list': channel<typeof ListEventsPayload, EventPage>(ListEventsPayload),
  'events:export': channel<typeof ExportEventsPayload, ExportResult>(ExportEventsPayload),
} as const;
