/** What the token feature's services take and give, and the limits they enforce. */
import type { IssuedApiToken, User } from '../../../shared/api-schemas.js';
import type { EventActor } from '../../../shared/events.js';
import type { EventOrigin } from '../events/store.js';

/** What authentication needs to know about the token behind a digest, and its owner. */
export interface TokenCredential {
  id: string;
  user: User;
  expiresAt: string | null;
  lastUsedAt: string | null;
  /** Written with lastUsedAt; compared with the request's address (no allocation). */
  lastUsedIp: string | null;
  revokedAt: string | null;
  /** Set while a rotation's grace period runs; from then on the token counts as revoked. */
  graceEndsAt: string | null;
}

/** Why a token stopped working, for its 401 message. */
export interface Revocation {
  name: string;
  reason: 'revoked' | 'rotated';
  /** The display prefix of the token that replaced it, if a rotation did. */
  replacementPrefix: string | null;
}

/** What a rotation did: the new token and what became of the old one. */
export type Rotation =
  | {
      outcome: 'rotated';
      issued: IssuedApiToken;
      previous: { id: string; graceEndsAt: string | null };
    }
  | { outcome: 'not_found' }
  | { outcome: 'replaced'; graceEndsAt: string }
  /** A grace period would keep one more token live than the account may have. */
  | { outcome: 'limit'; limit: number };

/** A live token of the user, and whether a rotation already replaced it (grace running). */
export interface LiveToken {
  graceEndsAt: string | null;
}

/** Who did something to a token, and from where: recorded in its event. */
export interface Actor {
  actor: EventActor;
  origin: EventOrigin;
}

/** The outcome of a bulk revoke, ids in the order asked. */
export interface BulkRevocation {
  revoked: string[];
  notFound: string[];
}

/**
 * Addresses a token remembers (keyed as the limiter keys clients: an IPv6 /64 is one).
 * Past them, a new address is only counted (addresses_beyond_limit): no row, no event, so
 * one stolen token used from a whole /48 or a botnet cannot fill the disk. 100 covers a
 * year of a CI provider's hosted runners for most tokens, and is a page of details.
 */
export const ADDRESSES_PER_TOKEN = 100;
/**
 * token.used_from_new_address events per token per hour (the hour starts at the first of
 * them); the tenth says so. A flood then adds 10 events, not thousands above the account's
 * real ones, while a token that moves to a few new runners is still reported each time.
 */
export const NEW_ADDRESS_EVENTS_PER_HOUR = 10;
/**
 * Live API tokens (not revoked, not expired, grace not over) per account. The app and the
 * benchmarks work with 10,000 in one account (the list is measured there); past that, a
 * stolen session could only mint rows.
 */
export const LIVE_TOKENS_PER_ACCOUNT = 10_000;

/** `lastUsedAt` is refreshed at most this often per token, to keep reads read-only. */
export const LAST_USED_WRITE_INTERVAL_MS = 60_000;

/** Thrown by `issue` when the account already has LIVE_TOKENS_PER_ACCOUNT live tokens. */
export class LiveTokenLimitReached extends Error {
  constructor(readonly limit: number) {
    super(`The account already has ${limit} live API tokens.`);
    this.name = 'LiveTokenLimitReached';
  }
}
