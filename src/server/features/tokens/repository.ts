/**
 * Rows in, rows out: one function per statement of queries.ts, run on whatever `q` it is
 * given (the database, or the transaction the domain opened). No rules here: what a
 * result means, and which statements share a transaction, is decided by the callers.
 */
import type { ApiToken } from '../../../shared/api-schemas.js';
import type { Queryable } from '../../storage/sql.js';
import type { UserColumns } from '../users/store.js';
import * as Q from './queries.js';

export interface CredentialRow extends UserColumns {
  id: string;
  expires_at: string | null;
  last_used_at: string | null;
  last_used_ip: string | null;
  revoked_at: string | null;
  grace_ends_at: string | null;
}

export interface EndedGraceRow {
  id: string;
  user_id: string;
  grace_ends_at: string;
  replaced_by_id: string | null;
}

export interface ActiveRow {
  name: string;
  created_at: string;
  expires_at: string | null;
  grace_ends_at: string | null;
}

export interface RevocationRow {
  name: string;
  revoked_reason: 'revoked' | 'rotated' | null;
  replacement_prefix: string | null;
}

/** A last use as written: time, address, User-Agent, then the token's id. */
export type LastUse = readonly [at: string, address: string, userAgent: string | null, id: string];

export const insert = (
  q: Queryable,
  row: readonly [
    id: string,
    userId: string,
    name: string,
    prefix: string,
    digest: Buffer,
    createdAt: string,
    expiresAt: string | null,
  ],
) => q.run(Q.INSERT, row);

/** SQLite answers one row holding the JSON array; PostgreSQL the rows, named as ApiToken. */
export async function listJson(q: Queryable, userId: string, at: string): Promise<string> {
  const params = [userId, at];
  if (q.dialect === 'postgres') return JSON.stringify(await q.all(Q.LIST, params));
  return (await q.get<{ list: string }>(Q.LIST, params))?.list ?? '[]';
}

export const live = (q: Queryable, id: string, userId: string, at: string) =>
  q.get<{ grace_ends_at: string | null }>(Q.LIVE, [id, userId, at]);

export const usage = (q: Queryable, id: string, userId: string, at: string) =>
  q.get<ApiToken & { addresses_beyond_limit: number }>(Q.USAGE, [id, userId, at]);

export const addresses = (q: Queryable, id: string, limit: number) =>
  q.all<{ address: string; firstSeenAt: string }>(Q.ADDRESSES, [id, limit]);

/** PostgreSQL only: locks the asked tokens' rows and their predecessors', in id order. */
export const lockChains = (q: Queryable, userId: string, ids: readonly string[]) =>
  q.all(Q.LOCK_CHAINS, [userId, JSON.stringify(ids), userId, userId]);

export const revokeOwned = (
  q: Queryable,
  at: string,
  reason: 'revoked' | 'rotated',
  id: string,
  userId: string,
) => q.run(Q.REVOKE_OWNED, [at, reason, id, userId, at]);

export const predecessorsInGrace = (q: Queryable, id: string, userId: string) =>
  q.all<{ id: string }>(Q.PREDECESSORS_IN_GRACE, [id, userId, userId]);

export const endGraceNow = (q: Queryable, at: string, id: string) =>
  q.run(Q.END_GRACE_NOW, [at, at, id]);

/** Graces ended by `at`: every account's, or only `userId`'s. */
export const endedGraces = (q: Queryable, at: string, userId?: string) =>
  q.all<EndedGraceRow>(
    userId === undefined ? Q.ENDED_GRACES : Q.ENDED_GRACES_OF_USER,
    userId === undefined ? [at] : [userId, at],
  );

export const endGrace = (q: Queryable, id: string) => q.run(Q.END_GRACE, [id]);

export const revocation = (q: Queryable, id: string) => q.get<RevocationRow>(Q.REVOCATION, [id]);

export const activeOwned = (q: Queryable, id: string, userId: string) =>
  q.get<ActiveRow>(Q.ACTIVE_OWNED, [id, userId]);

export const markReplaced = (q: Queryable, replacementId: string, id: string) =>
  q.run(Q.MARK_REPLACED, [replacementId, id]);

export const startGrace = (q: Queryable, replacementId: string, graceEndsAt: string, id: string) =>
  q.run(Q.START_GRACE, [replacementId, graceEndsAt, id]);

export const credential = (q: Queryable, digest: Buffer) =>
  q.get<CredentialRow>(Q.CREDENTIAL, [digest]);

export const touch = (q: Queryable, use: LastUse) => q.run(Q.TOUCH, use);

export const touchFirst = (q: Queryable, use: LastUse) => q.run(Q.TOUCH_FIRST, use);

/** Only if no last use was written after `notAfter`. */
export const touchIfDue = (q: Queryable, use: LastUse, notAfter: string) =>
  q.run(Q.TOUCH_IF_DUE, [...use, notAfter]);

export const seenAddress = (q: Queryable, id: string, address: string) =>
  q.get(Q.SEEN_ADDRESS, [id, address]);

export const takeAddressRoom = (q: Queryable, id: string, limit: number) =>
  q.run(Q.TAKE_ADDRESS_ROOM, [id, limit]);

export const giveBackAddressRoom = (q: Queryable, id: string) =>
  q.run(Q.GIVE_BACK_ADDRESS_ROOM, [id]);

export const addAddress = (q: Queryable, id: string, address: string, at: string) =>
  q.run(Q.ADD_ADDRESS, [id, address, at]);

export const countBeyondLimit = (q: Queryable, id: string, address: string) =>
  q.run(Q.COUNT_BEYOND_LIMIT, [id, id, address]);

/** One of the hour's new-address events, the hour starting after `hourAgo`; undefined if none is left. */
export const takeAddressEvent = (
  q: Queryable,
  id: string,
  hourAgo: string,
  at: string,
  perHour: number,
) =>
  q.get<{ address_events: number; address_events_since: string }>(Q.TAKE_ADDRESS_EVENT, [
    hourAgo,
    at,
    hourAgo,
    id,
    hourAgo,
    perHour,
  ]);

export const issuedTokens = (q: Queryable, userId: string) =>
  q.get<{ issued_tokens: number }>(Q.ISSUED_TOKENS, [userId]);

export const countLive = (q: Queryable, userId: string, at: string) =>
  q.get<{ n: number }>(Q.COUNT_LIVE, [userId, at, at]);

export const refusedAt = (q: Queryable, id: string) =>
  q.get<{ refused_event_at: string | null }>(Q.REFUSED_AT, [id]);

/** Only if no refusal was recorded after `notAfter`. */
export const markRefused = (q: Queryable, at: string, id: string, notAfter: string) =>
  q.run(Q.MARK_REFUSED, [at, id, notAfter]);

export const expiredPending = (q: Queryable, at: string, batch: number) =>
  q.all<{ id: string; user_id: string; expires_at: string }>(Q.EXPIRED_PENDING, [at, batch]);

export const markExpired = (q: Queryable, id: string) => q.run(Q.MARK_EXPIRED, [id]);
