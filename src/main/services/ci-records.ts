/**
 * What main saves in settings about CI hand-off: provider accounts (who and where,
 * never the credential) and unfinished rotations (ids and push statuses, never a
 * secret). Both are checked against these schemas when written and when read back,
 * and the schemas allow no extra properties, so a secret cannot ride along.
 */
import { EMAIL_MAX_LENGTH, URL_MAX_LENGTH } from '../../shared/limits.js';
import { Type, type Static } from 'typebox';
import { ID_PATTERN } from '../../shared/ipc-contract.js';
import { DestinationTarget } from '../../shared/ci-destinations.js';

const Id = Type.String({ pattern: ID_PATTERN, maxLength: 100 });
const Provider = Type.Union([Type.Literal('github'), Type.Literal('gitlab')]);

/** The Token Desk account (service + email) a record belongs to. */
export const RecordOwner = Type.Object(
  {
    serviceUrl: Type.String({ minLength: 1, maxLength: URL_MAX_LENGTH }),
    email: Type.String({ minLength: 1, maxLength: EMAIL_MAX_LENGTH }),
  },
  { additionalProperties: false },
);
export type RecordOwner = Static<typeof RecordOwner>;

export const ProviderAccountRecord = Type.Object(
  {
    id: Id,
    provider: Provider,
    host: Type.String({ minLength: 1, maxLength: URL_MAX_LENGTH }),
    login: Type.String({ minLength: 1, maxLength: 1000 }),
    owner: RecordOwner,
  },
  { additionalProperties: false },
);
export type ProviderAccountRecord = Static<typeof ProviderAccountRecord>;

const ErrorWords = Type.Object(
  {
    code: Type.String({ maxLength: 100 }),
    message: Type.String({ maxLength: 1000 }),
  },
  { additionalProperties: false },
);

/** A provider host the person confirmed in a native dialog before its first account was saved. */
export const ConfirmedHostRecord = Type.Object(
  { provider: Provider, host: Type.String({ minLength: 1, maxLength: URL_MAX_LENGTH }) },
  { additionalProperties: false },
);
export type ConfirmedHostRecord = Static<typeof ConfirmedHostRecord>;

export const RotationDestinationRecord = Type.Object(
  {
    destinationId: Id,
    provider: Provider,
    host: Type.String({ minLength: 1, maxLength: URL_MAX_LENGTH }),
    target: DestinationTarget,
    name: Type.String({ minLength: 1, maxLength: 255 }),
    status: Type.Union([Type.Literal('pending'), Type.Literal('updated'), Type.Literal('failed')]),
    error: Type.Union([ErrorWords, Type.Null()]),
  },
  { additionalProperties: false },
);
export type RotationDestinationRecord = Static<typeof RotationDestinationRecord>;

export const PendingRotationRecord = Type.Object(
  {
    id: Id,
    owner: RecordOwner,
    tokenName: Type.String({ maxLength: 1000 }),
    newTokenId: Id,
    oldTokenIds: Type.Array(Id, { maxItems: 20 }),
    graceEndsAt: Type.Union([Type.String({ maxLength: 64 }), Type.Null()]),
    destinations: Type.Array(RotationDestinationRecord, { maxItems: 100 }),
  },
  { additionalProperties: false },
);
export type PendingRotationRecord = Static<typeof PendingRotationRecord>;
