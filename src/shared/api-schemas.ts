/**
 * The token service's HTTP contract as TypeBox schemas: the service validates and
 * documents with them (they are JSON Schema), and the desktop app derives its DTO
 * types from them. No runtime dependency on Node or the DOM.
 */
import { Type, type Static } from 'typebox';
import { MAX_GRACE_PERIOD_SECONDS } from './ci-destinations.js';
import {
  EMAIL_MAX_LENGTH,
  MAX_BULK_REVOKE,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
} from './limits.js';

export { MAX_BULK_REVOKE };

const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601 timestamp (UTC)' });
const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);
const Id = Type.String({ description: 'Opaque identifier' });

export const ErrorBody = Type.Object(
  {
    statusCode: Type.Integer(),
    code: Type.String({ description: 'Stable machine-readable error code' }),
    error: Type.String(),
    message: Type.String({ description: 'What went wrong, written for people' }),
  },
  { $id: 'ErrorBody' },
);
export type ErrorBody = Static<typeof ErrorBody>;

export const User = Type.Object({
  id: Id,
  email: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
});
export type User = Static<typeof User>;

export const CreateUserBody = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: EMAIL_MAX_LENGTH }),
    password: Type.String({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH }),
    name: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export type CreateUserBody = Static<typeof CreateUserBody>;

/**
 * No control characters (C0 and DEL): never part of an email address or an id, and NUL
 * cannot even be stored in PostgreSQL, so such a value is bad input, not a lookup.
 */
export const NO_CONTROL_CHARACTERS = '^[^\\u0000-\\u001f\\u007f]*$';

export const CreateSessionBody = Type.Object(
  {
    email: Type.String({ maxLength: EMAIL_MAX_LENGTH, pattern: NO_CONTROL_CHARACTERS }),
    password: Type.String({ maxLength: PASSWORD_MAX_LENGTH }),
  },
  { additionalProperties: false },
);
export type CreateSessionBody = Static<typeof CreateSessionBody>;

export const Session = Type.Object({
  id: Id,
  token: Type.String({ description: 'Session bearer token; sent only in this response' }),
  expiresAt: Timestamp,
  user: User,
});
export type Session = Static<typeof Session>;

export const ApiToken = Type.Object({
  id: Id,
  name: Type.String(),
  prefix: Type.String({ description: 'The first characters of the secret, safe to display' }),
  createdAt: Timestamp,
  expiresAt: NullableTimestamp,
  lastUsedAt: NullableTimestamp,
  lastUsedIp: Type.Union([Type.String(), Type.Null()], {
    description: 'The address of the last use, written with lastUsedAt (at most once a minute)',
  }),
  lastUsedUserAgent: Type.Union([Type.String(), Type.Null()], {
    description:
      'The User-Agent of the last use, without control or invisible characters, at most 200 characters',
  }),
  destinationCount: Type.Integer({
    minimum: 0,
    description: 'How many places (CI secrets and variables) the token is recorded in',
  }),
  replacedById: Type.Union([Id, Type.Null()], {
    description:
      'Set while a rotation with a grace period has replaced this token and it still works: the id of its replacement',
  }),
  graceEndsAt: Type.Union([Timestamp, Type.Null()], {
    description:
      'Set with replacedById: when this replaced token stops working (it is then revoked and no longer listed)',
  }),
});
export type ApiToken = Static<typeof ApiToken>;

export const TokenUsage = Type.Object({
  ...ApiToken.properties,
  addresses: Type.Array(
    Type.Object({
      address: Type.String({
        description: 'An IPv4 address, or an IPv6 /64 (such as 2001:db8:1:2::/64) as one client',
      }),
      firstSeenAt: Timestamp,
    }),
    { description: 'The addresses the token was used from, newest first; at most addressLimit' },
  ),
  addressLimit: Type.Integer({
    minimum: 0,
    description: 'How many addresses a token remembers (100)',
  }),
  addressesBeyondLimit: Type.Integer({
    minimum: 0,
    description:
      'Further addresses that used the token once it remembered addressLimit, counted without a record or event each; several service instances or a restart may count one twice',
  }),
});
export type TokenUsage = Static<typeof TokenUsage>;

export const IssuedApiToken = Type.Object({
  ...ApiToken.properties,
  secret: Type.String({ description: 'The token itself. Sent only once, in this response.' }),
});
export type IssuedApiToken = Static<typeof IssuedApiToken>;

export const RotateTokenBody = Type.Object(
  {
    gracePeriodSeconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: MAX_GRACE_PERIOD_SECONDS,
        description: `How long the old token keeps working, in whole seconds (at most ${MAX_GRACE_PERIOD_SECONDS}, 7 days). 0 or absent: it is revoked now.`,
      }),
    ),
  },
  { additionalProperties: false },
);
export type RotateTokenBody = Static<typeof RotateTokenBody>;

export const RotatedApiToken = Type.Object({
  ...IssuedApiToken.properties,
  previous: Type.Object({
    id: Id,
    graceEndsAt: Type.Union([Timestamp, Type.Null()], {
      description:
        'When the old token stops working; null when it was revoked at once (no grace period)',
    }),
  }),
});
export type RotatedApiToken = Static<typeof RotatedApiToken>;

export const CreateTokenBody = Type.Object(
  {
    name: Type.String({ maxLength: 1000, description: 'Trimmed; 1–100 characters' }),
    expiresAt: Type.Optional(NullableTimestamp),
  },
  { additionalProperties: false },
);
export type CreateTokenBody = Static<typeof CreateTokenBody>;

export const Organization = Type.Object({ id: Id, name: Type.String() });
export type Organization = Static<typeof Organization>;

export const App = Type.Object({ id: Id, name: Type.String(), organizationId: Id });
export type App = Static<typeof App>;

export const CreateAppBody = Type.Object(
  { organizationId: Type.String({ maxLength: 100 }), name: Type.String({ maxLength: 1000 }) },
  { additionalProperties: false },
);
export type CreateAppBody = Static<typeof CreateAppBody>;

export const IdParams = Type.Object({ id: Type.String({ maxLength: 100 }) });
export const DestinationParams = Type.Object({
  id: Type.String({ maxLength: 100 }),
  destinationId: Type.String({ maxLength: 100 }),
});

/** `limit`/`offset` as the Capawesome CLI sends them (query strings are strings). */
export const PageQuery = {
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })),
  offset: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$' })),
};
export const ListOrganizationsQuery = Type.Object(PageQuery, { additionalProperties: false });
export const ListAppsQuery = Type.Object(
  { organizationId: Type.String({ maxLength: 100 }), ...PageQuery },
  { additionalProperties: false },
);

export const BulkRevokeBody = Type.Object(
  {
    ids: Type.Array(Type.String({ maxLength: 100, pattern: NO_CONTROL_CHARACTERS }), {
      minItems: 1,
      maxItems: MAX_BULK_REVOKE,
      uniqueItems: true,
    }),
  },
  { additionalProperties: false },
);
export type BulkRevokeBody = Static<typeof BulkRevokeBody>;

export const BulkRevokeResult = Type.Object({
  revoked: Type.Array(Id, { description: 'Revoked by this request' }),
  notFound: Type.Array(Id, {
    description: 'Not yours, missing, or already revoked (the same answer for each)',
  }),
});
export type BulkRevokeResult = Static<typeof BulkRevokeResult>;
