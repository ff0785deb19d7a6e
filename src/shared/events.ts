/**
 * The account's audit trail: the kinds of event the token service records
 * and the shape `GET /v1/users/me/events` answers with. Shared so the app filters and
 * labels with the very same list. Never a secret in any field.
 */
import { Type, type Static } from 'typebox';

export const EVENT_KINDS = [
  'token.created',
  'token.first_used',
  'token.used_from_new_address',
  'token.rotated',
  'token.revoked',
  'token.expired',
  'token.refused',
  'destination.added',
  'destination.removed',
  'tracked_token.added',
  'tracked_token.removed',
  'session.signed_in',
  'session.signed_out',
  'session.sign_in_failed',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export function isEventKind(value: string): value is EventKind {
  return (EVENT_KINDS as readonly string[]).includes(value);
}

/** Page size bounds for the events list. */
export const EVENTS_PAGE = { default: 50, max: 200 } as const;
/** Default of TOKEN_DESK_EVENT_RETENTION_DAYS. */
export const DEFAULT_EVENT_RETENTION_DAYS = 400;
/** token.refused is recorded at most once per token in this window. */
export const REFUSED_EVENT_INTERVAL_MS = 60 * 60 * 1000;
/** The longest User-Agent kept (after control and invisible characters are removed). */
export const MAX_USER_AGENT_LENGTH = 200;

const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601 timestamp (UTC)' });
const NullableString = Type.Union([Type.String(), Type.Null()]);

export const EventActor = Type.Object({
  kind: Type.Union([Type.Literal('session'), Type.Literal('api_token'), Type.Literal('service')], {
    description:
      "Who did it: a session (the app), an API token (its own use), or the service itself (a grace period's end, an expiry, a failed sign-in)",
  }),
  id: Type.Union([Type.String(), Type.Null()], {
    description: 'The session id or token id; null for the service',
  }),
});
export type EventActor = Static<typeof EventActor>;

export const AccountEvent = Type.Object({
  id: Type.String({ description: 'Opaque identifier' }),
  // An enum of strings in JSON Schema, typed as the union of the kinds.
  kind: Type.Unsafe<EventKind>({
    type: 'string',
    enum: [...EVENT_KINDS],
    description: 'What happened',
  }),
  at: Timestamp,
  tokenId: NullableString,
  tokenName: NullableString,
  sessionId: Type.Union([Type.String(), Type.Null()], {
    description: 'The session the event is about (session.* kinds); null otherwise',
  }),
  actor: EventActor,
  ip: Type.Union([Type.String(), Type.Null()], { description: 'The client address, if any' }),
  userAgent: Type.Union([Type.String(), Type.Null()], {
    description: `The client's User-Agent, without control or invisible characters, at most ${MAX_USER_AGENT_LENGTH} characters`,
  }),
  details: Type.Record(Type.String(), Type.Unknown(), {
    description:
      "Kind-specific: token.rotated {replacementId}; token.created {expiresAt, rotatedFrom?}; token.revoked {reason: 'revoked'|'rotated'|'grace_ended', bulk?}; token.expired {expiresAt}; token.refused {reason: 'revoked'|'expired'}; destination.* {destinationId, provider, host, target, name}, and for a tracked token's place also {trackedTokenId, vendor} (tokenId null); tracked_token.* {trackedTokenId, vendor, host, name}, tracked_token.removed also {places}; otherwise {}",
  }),
});
export type AccountEvent = Static<typeof AccountEvent>;

export const EventPage = Type.Object({
  events: Type.Array(AccountEvent),
  nextCursor: Type.Union([Type.String(), Type.Null()], {
    description: 'Pass as `cursor` for the next (older) page; null on the last page',
  }),
});
export type EventPage = Static<typeof EventPage>;

export const EventsQuery = Type.Object(
  {
    tokenId: Type.Optional(Type.String({ maxLength: 100 })),
    kind: Type.Optional(
      Type.String({
        maxLength: 1000,
        description: 'One kind, or several separated by commas',
      }),
    ),
    since: Type.Optional(Type.String({ maxLength: 40, description: 'ISO 8601, inclusive' })),
    until: Type.Optional(Type.String({ maxLength: 40, description: 'ISO 8601, inclusive' })),
    cursor: Type.Optional(Type.String({ maxLength: 200, description: 'From nextCursor' })),
    limit: Type.Optional(
      Type.String({ maxLength: 10, description: `1 to ${EVENTS_PAGE.max}, default 50` }),
    ),
  },
  { additionalProperties: false },
);
export type EventsQuery = Static<typeof EventsQuery>;
