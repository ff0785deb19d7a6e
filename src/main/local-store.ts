/**
 * What main keeps on this computer besides preferences (SettingsService has those),
 * on electron-store in the app and on `conf` in tests: one typed collection per key,
 * each owned by one service (composeDesk hands it to that service alone). Entries
 * are checked against a closed schema when written and when read back: one that
 * fails (hand-edited, older format) is dropped, not trusted, and a secret cannot
 * ride along. Never holds a secret. The keys are the files' keys: renaming one
 * loses what people saved.
 */
import { VendorSchema } from '../shared/vendors.js';
import { Type, type Static, type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { ProviderSchema } from '../shared/ci-providers/registry.js';
import { DestinationTarget } from '../shared/ci-destinations.js';
import { ID_PATTERN, TOKEN_ID_PATTERN } from '../shared/ipc-channels.js';
import { EMAIL_MAX_LENGTH, URL_MAX_LENGTH } from '../shared/limits.js';
import type { KeyValueStore } from './ports.js';

const Id = Type.String({ pattern: ID_PATTERN, maxLength: 100 });
const TokenId = Type.String({ pattern: TOKEN_ID_PATTERN, maxLength: 256 });
const ServiceUrl = Type.String({ minLength: 1, maxLength: URL_MAX_LENGTH });
const Email = Type.String({ minLength: 1, maxLength: EMAIL_MAX_LENGTH });
const Host = Type.String({ minLength: 1, maxLength: URL_MAX_LENGTH });

/** The Token Desk account (service + email) a record belongs to. */
export const RecordOwner = Type.Object(
  { serviceUrl: ServiceUrl, email: Email },
  { additionalProperties: false },
);
export type RecordOwner = Static<typeof RecordOwner>;

/** An account signed in on this computer (who and where, never the session): the account menu. */
export const KnownAccountRecord = Type.Object(
  {
    serviceUrl: ServiceUrl,
    email: Email,
    name: Type.Union([Type.String({ maxLength: 1000 }), Type.Null()]),
  },
  { additionalProperties: false },
);
export type KnownAccountRecord = Static<typeof KnownAccountRecord>;

/** The active account, so the next launch opens on it. */
export type LastAccount = RecordOwner;

/** An expiry reminder already shown: once per token per threshold, per account. */
export const ShownReminderRecord = Type.Object(
  {
    serviceUrl: ServiceUrl,
    email: Email,
    tokenId: Type.String({ minLength: 1, maxLength: 256 }),
    threshold: Type.Union([Type.Literal('7d'), Type.Literal('1d'), Type.Literal('expired')]),
  },
  { additionalProperties: false },
);
export type ShownReminderRecord = Static<typeof ShownReminderRecord>;

/** A GitHub, GitLab, npm or Cloudflare account (who, where; the credential is in the keychain). */
export const ProviderAccountRecord = Type.Object(
  {
    id: Id,
    provider: VendorSchema,
    host: Host,
    login: Type.String({ minLength: 1, maxLength: 1000 }),
    owner: RecordOwner,
    /**
     * Connected without an access token (GitHub, to track tokens only): nothing in the
     * keychain, no CI secrets stored through it.
     */
    tokenless: Type.Optional(Type.Literal(true)),
  },
  { additionalProperties: false },
);
export type ProviderAccountRecord = Static<typeof ProviderAccountRecord>;

/** A provider host the person confirmed in a native dialog before its first account was saved. */
export const ConfirmedHostRecord = Type.Object(
  { provider: VendorSchema, host: Host },
  { additionalProperties: false },
);
export type ConfirmedHostRecord = Static<typeof ConfirmedHostRecord>;

const ErrorWords = Type.Object(
  {
    code: Type.String({ maxLength: 100 }),
    message: Type.String({ maxLength: 1000 }),
  },
  { additionalProperties: false },
);

export const RotationDestinationRecord = Type.Object(
  {
    destinationId: Id,
    provider: ProviderSchema,
    host: Host,
    target: DestinationTarget,
    name: Type.String({ minLength: 1, maxLength: 255 }),
    status: Type.Union([Type.Literal('pending'), Type.Literal('updated'), Type.Literal('failed')]),
    error: Type.Union([ErrorWords, Type.Null()]),
  },
  { additionalProperties: false },
);
export type RotationDestinationRecord = Static<typeof RotationDestinationRecord>;

/** A rotation whose pushes are not all done (ids and statuses, never a secret). */
export const PendingRotationRecord = Type.Object(
  {
    id: Id,
    owner: RecordOwner,
    /** The issuer among the owner's connections; absent: the owner's own Token Desk account (files written before other vendors). */
    connectionId: Type.Optional(Id),
    tokenName: Type.String({ maxLength: 1000 }),
    newTokenId: TokenId,
    oldTokenIds: Type.Array(TokenId, { maxItems: 20 }),
    graceEndsAt: Type.Union([Type.String({ maxLength: 64 }), Type.Null()]),
    destinations: Type.Array(RotationDestinationRecord, { maxItems: 100 }),
  },
  { additionalProperties: false },
);
export type PendingRotationRecord = Static<typeof PendingRotationRecord>;

export interface WindowBounds {
  x: number;
  y: number;
  width: number;
  height: number;
  maximized: boolean;
}

/** A list under one key: entries that fail the schema are dropped on read and refused on write. */
export interface ListCollection<T> {
  read(): T[];
  write(entries: readonly T[]): void;
}

/** One value under one key, or none. */
export interface ValueCollection<T> {
  read(): T | null;
  write(value: T | null): void;
}

function list<S extends TSchema>(
  store: KeyValueStore,
  key: string,
  schema: S,
): ListCollection<Static<S>> {
  const check = Compile(schema);
  return {
    read() {
      const value = store.get(key);
      return Array.isArray(value)
        ? value.filter((entry): entry is Static<S> => check.Check(entry))
        : [];
    },
    write(entries) {
      // The schemas allow no extra properties: whatever a caller passes, nothing else is written.
      if (!entries.every((entry) => check.Check(entry)))
        throw new Error(`refusing to save ${key} that do not match their schema`);
      if (entries.length === 0) store.delete(key);
      else store.set(key, entries);
    },
  };
}

function value<T>(
  store: KeyValueStore,
  key: string,
  parse: (raw: unknown) => T | null,
): ValueCollection<T> {
  return {
    read: () => parse(store.get(key)),
    write(entry) {
      if (entry === null) store.delete(key);
      else store.set(key, entry);
    },
  };
}

function lastAccount(raw: unknown): LastAccount | null {
  const entry = raw as Partial<LastAccount> | undefined;
  return typeof entry?.serviceUrl === 'string' && typeof entry.email === 'string'
    ? { serviceUrl: entry.serviceUrl, email: entry.email }
    : null;
}

function windowBounds(raw: unknown): WindowBounds | null {
  const entry = raw as Partial<WindowBounds> | undefined;
  const numbers = [entry?.x, entry?.y, entry?.width, entry?.height];
  if (!entry || !numbers.every((n) => typeof n === 'number' && Number.isFinite(n))) return null;
  return entry as WindowBounds;
}

/** Every collection, each under the key today's and earlier versions wrote. */
export function openLocalStore(store: KeyValueStore) {
  return {
    /** Sessions: every account signed in on this computer, in the order they were added. */
    knownAccounts: list(store, 'knownAccounts', KnownAccountRecord),
    /** Sessions: the active account. */
    lastAccount: value(store, 'lastAccount', lastAccount),
    /** Reminders: the ones already shown, so a restart does not show them again. */
    shownReminders: list(store, 'shownReminders', ShownReminderRecord),
    /** Connections: GitHub and GitLab accounts. */
    providerAccounts: list(store, 'providerAccounts', ProviderAccountRecord),
    /** Connections: hosts the person confirmed (GitHub Enterprise, self-managed GitLab). */
    confirmedHosts: list(store, 'confirmedProviderHosts', ConfirmedHostRecord),
    /** Rotations: the unfinished ones, so the next launch can offer to finish them. */
    pendingRotations: list(store, 'pendingRotations', PendingRotationRecord),
    /** The window: where it was, so it opens there again. */
    windowBounds: value(store, 'windowBounds', windowBounds),
  };
}

export type LocalStore = ReturnType<typeof openLocalStore>;
