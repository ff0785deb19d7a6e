import { randomUUID } from 'node:crypto';
import type { ApiToken, IssuedApiToken, TokenUsage, User } from '../../../shared/api-schemas.js';
import { clientKey } from '../../auth/client-key.js';
import { CredentialCache } from '../../auth/credential-cache.js';
import { digestKey, digestSecret, displayPrefix, generateSecret } from '../../auth/secrets.js';
import { dialects, sql, type Queryable } from '../../storage/sql.js';
import { USER_COLUMNS, userFrom } from '../users/store.js';
import type { DestinationStore } from '../destinations/store.js';
import {
  cleanUserAgent,
  SERVICE_ACTOR,
  type EventOrigin,
  type EventStore,
  type NewEvent,
} from '../events/store.js';
import type { EventActor } from '../../../shared/events.js';
import { REFUSED_EVENT_INTERVAL_MS } from '../../../shared/events.js';
import { toTimestamp, toTimestampOrNull } from '../../storage/timestamps.js';

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

interface CredentialRow {
  id: string;
  expires_at: string | null;
  last_used_at: string | null;
  last_used_ip: string | null;
  revoked_at: string | null;
  grace_ends_at: string | null;
  user_id: string;
  user_email: string;
  user_name: string | null;
  user_created_at: string;
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
const HOUR_MS = 60 * 60 * 1000;

/** Thrown by `issue` when the account already has LIVE_TOKENS_PER_ACCOUNT live tokens. */
export class LiveTokenLimitReached extends Error {
  constructor(readonly limit: number) {
    super(`The account already has ${limit} live API tokens.`);
    this.name = 'LiveTokenLimitReached';
  }
}

const INSERT = sql(
  `INSERT INTO api_tokens (id, user_id, name, prefix, token_digest, created_at, expires_at)
   VALUES (?, ?, ?, ?, ?, ?, ?)`,
);
// The list, newest first, from the covering index. A token whose grace period has ended
// counts as revoked (the sweep may not have written revoked_at yet); destination_count is
// kept by triggers.
const LIST_COLUMNS = [
  ['id', 'id'],
  ['name', 'name'],
  ['prefix', 'prefix'],
  ['createdAt', 'created_at'],
  ['expiresAt', 'expires_at'],
  ['lastUsedAt', 'last_used_at'],
  ['lastUsedIp', 'last_used_ip'],
  ['lastUsedUserAgent', 'last_used_user_agent'],
  ['destinationCount', 'destination_count'],
  ['replacedById', 'replaced_by_id'],
  ['graceEndsAt', 'grace_ends_at'],
] as const;
const LIST_FROM = `FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL
  AND (grace_ends_at IS NULL OR grace_ends_at > ?) ORDER BY created_at DESC, id DESC`;
// SQLite serializes it to JSON itself: with 10,000 tokens several times faster than
// 10,000 row objects stringified. PostgreSQL's json_build_object/json_agg took 43 ms for
// 10,000 there; rows already named and ordered as ApiToken's fields, stringified as they
// come, take 24 ms.
const LIST = dialects(
  `SELECT json_group_array(json_object(
     ${LIST_COLUMNS.map(([key, column]) => `'${key}', ${column}`).join(', ')})) AS list
   FROM (SELECT ${LIST_COLUMNS.map(([, column]) => column).join(', ')} ${LIST_FROM})`,
  `SELECT ${LIST_COLUMNS.map(([key, column]) => `${column} AS "${key}"`).join(', ')} ${LIST_FROM}`,
);
// Locks the row in PostgreSQL: two rotations of one token (on any instances) take turns,
// and the second finds it already replaced.
const ACTIVE_OWNED = dialects(
  `SELECT name, created_at, expires_at, grace_ends_at FROM api_tokens
   WHERE id = ? AND user_id = ? AND revoked_at IS NULL`,
  `SELECT name, created_at, expires_at, grace_ends_at FROM api_tokens
   WHERE id = ? AND user_id = ? AND revoked_at IS NULL FOR UPDATE`,
);
// PostgreSQL, before a revoke changes anything: the rows of the asked tokens and of every
// token they replaced (their grace ends with them), the caller's own only, locked in id
// order, so overlapping revokes (on any instances) queue instead of deadlocking. The
// owner is in every condition: naming another account's id locks nothing.
const LOCK_CHAINS = sql(
  `WITH RECURSIVE chain(id) AS (
     SELECT id FROM api_tokens
      WHERE user_id = ? AND id IN (SELECT jsonb_array_elements_text(?::jsonb))
     UNION
     SELECT t.id FROM api_tokens t JOIN chain c ON t.replaced_by_id = c.id WHERE t.user_id = ?
   )
   SELECT id FROM api_tokens WHERE user_id = ? AND id IN (SELECT id FROM chain)
   ORDER BY id FOR UPDATE`,
);
const LIVE = sql(
  `SELECT grace_ends_at FROM api_tokens
   WHERE id = ? AND user_id = ? AND revoked_at IS NULL
     AND (grace_ends_at IS NULL OR grace_ends_at > ?)`,
);
// A token already replaced (grace running) keeps 'rotated' as its reason when it is
// revoked early; one whose grace has ended is already revoked, so it is not found.
const REVOKE_OWNED = sql(
  `UPDATE api_tokens SET revoked_at = ?, revoked_reason = coalesce(revoked_reason, ?)
   WHERE id = ? AND user_id = ? AND revoked_at IS NULL
     AND (grace_ends_at IS NULL OR grace_ends_at > ?)`,
);
const START_GRACE = sql(
  `UPDATE api_tokens SET replaced_by_id = ?, grace_ends_at = ?, revoked_reason = 'rotated'
   WHERE id = ?`,
);
// Writes down what the grace check already enforces, so ended grace tokens leave the
// token list's index. Housekeeping only: nothing depends on it having run. Each ended
// grace is written down with its token.revoked event (actor: the service).
const ENDED_GRACES = sql(
  `SELECT id, user_id, grace_ends_at, replaced_by_id FROM api_tokens
   WHERE revoked_at IS NULL AND grace_ends_at IS NOT NULL AND grace_ends_at <= ?`,
);
// The same for one account, inside that account's own requests: a request never writes
// (or locks) another account's rows.
const ENDED_GRACES_OF_USER = sql(
  `SELECT id, user_id, grace_ends_at, replaced_by_id FROM api_tokens
   WHERE user_id = ? AND revoked_at IS NULL AND grace_ends_at IS NOT NULL
     AND grace_ends_at <= ?`,
);
// A revoked token takes with it the grace of every token it replaced, however far back
// the chain goes (G → G1 → G2: revoking G2 ends G1's and G's): otherwise revoking "the
// token" would leave an old (perhaps leaked) one working for up to a week. The walk goes
// through predecessors already revoked, since an older grace can outlast a newer one.
const PREDECESSORS_IN_GRACE = sql(
  `WITH RECURSIVE chain(id) AS (
     SELECT id FROM api_tokens WHERE replaced_by_id = ? AND user_id = ?
     UNION
     SELECT t.id FROM api_tokens t JOIN chain c ON t.replaced_by_id = c.id WHERE t.user_id = ?
   )
   SELECT id FROM api_tokens
    WHERE id IN (SELECT id FROM chain) AND revoked_at IS NULL AND grace_ends_at IS NOT NULL
    ORDER BY created_at DESC, id DESC`,
);
// 'revoked', not 'rotated': its 401 must not send people to a replacement that is gone.
const END_GRACE_NOW = sql(
  `UPDATE api_tokens SET revoked_at = ?, grace_ends_at = ?, revoked_reason = 'revoked'
   WHERE id = ? AND revoked_at IS NULL`,
);
const END_GRACE = sql(
  'UPDATE api_tokens SET revoked_at = grace_ends_at WHERE id = ? AND revoked_at IS NULL',
);
// Only on the way to a 401, never on the authentication hot path.
const REVOCATION = sql(
  `SELECT t.name, t.revoked_reason, r.prefix AS replacement_prefix
   FROM api_tokens t LEFT JOIN api_tokens r ON r.id = t.replaced_by_id WHERE t.id = ?`,
);
const MARK_REPLACED = sql('UPDATE api_tokens SET replaced_by_id = ? WHERE id = ?');
const CREDENTIAL = sql(
  `SELECT t.id, t.expires_at, t.last_used_at, t.last_used_ip, t.revoked_at, t.grace_ends_at,
          ${USER_COLUMNS}
   FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_digest = ?`,
);
const TOUCH = sql(
  'UPDATE api_tokens SET last_used_at = ?, last_used_ip = ?, last_used_user_agent = ? WHERE id = ?',
);
// The once-a-minute write, only if no one wrote it within the minute: requests that find
// it due at the same moment (on any instance) write it once.
const TOUCH_IF_DUE = sql(
  `UPDATE api_tokens SET last_used_at = ?, last_used_ip = ?, last_used_user_agent = ?
   WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)`,
);
// Only the first writer of a first use records token.first_used.
const TOUCH_FIRST = sql(
  `UPDATE api_tokens SET last_used_at = ?, last_used_ip = ?, last_used_user_agent = ?
   WHERE id = ? AND last_used_at IS NULL`,
);
const SEEN_ADDRESS = sql(
  'SELECT 1 AS seen FROM token_addresses WHERE token_id = ? AND address = ?',
);
// Room for one more remembered address, taken on the token's row before the address row
// is written: in PostgreSQL the row lock makes concurrent requests (on any instances)
// take turns, so the count never passes the limit.
const TAKE_ADDRESS_ROOM = sql(
  'UPDATE api_tokens SET address_count = address_count + 1 WHERE id = ? AND address_count < ?',
);
const GIVE_BACK_ADDRESS_ROOM = sql(
  'UPDATE api_tokens SET address_count = address_count - 1 WHERE id = ?',
);
const ADD_ADDRESS = sql(
  `INSERT INTO token_addresses (token_id, address, first_seen_at) VALUES (?, ?, ?)
   ON CONFLICT DO NOTHING`,
);
// Past the limit: counted, unless another request remembered it meanwhile.
const COUNT_BEYOND_LIMIT = sql(
  `UPDATE api_tokens SET addresses_beyond_limit = addresses_beyond_limit + 1
   WHERE id = ? AND NOT EXISTS
     (SELECT 1 FROM token_addresses WHERE token_id = ? AND address = ?)`,
);
// One of the hour's token.used_from_new_address events, if any is left: the hour starts
// at its first event. Conditional, so concurrent requests (on any instances) share it.
const TAKE_ADDRESS_EVENT = sql(
  `UPDATE api_tokens SET
     address_events_since = CASE WHEN address_events_since IS NULL OR address_events_since <= ?
                                 THEN ? ELSE address_events_since END,
     address_events = CASE WHEN address_events_since IS NULL OR address_events_since <= ?
                           THEN 1 ELSE address_events + 1 END
   WHERE id = ? AND (address_events_since IS NULL OR address_events_since <= ?
                     OR address_events < ?)
   RETURNING address_events, address_events_since`,
);
const USAGE = sql(
  `SELECT ${LIST_COLUMNS.map(([key, column]) => `${column} AS "${key}"`).join(', ')},
          addresses_beyond_limit
   FROM api_tokens WHERE id = ? AND user_id = ? AND revoked_at IS NULL
     AND (grace_ends_at IS NULL OR grace_ends_at > ?)`,
);
const ADDRESSES = sql(
  `SELECT address, first_seen_at AS "firstSeenAt" FROM token_addresses WHERE token_id = ?
   ORDER BY first_seen_at DESC, address LIMIT ?`,
);
// An upper bound of the account's unrevoked tokens, kept by a trigger on every insert
// (schema version 7): below the limit no token needs counting. Read after the insert, in
// PostgreSQL under the row lock the trigger's update took, so creations of one account
// (on any instances) are counted one after another.
const ISSUED_TOKENS = sql('SELECT issued_tokens FROM users WHERE id = ?');
// Live as the token list and authentication see it: unrevoked, grace not over, unexpired.
// Only for an account that has issued more than the limit: its cost grows with the
// account's unrevoked tokens (2 ms at 10,000 here).
const COUNT_LIVE = sql(
  `SELECT count(*) AS n FROM api_tokens
   WHERE user_id = ? AND revoked_at IS NULL AND (grace_ends_at IS NULL OR grace_ends_at > ?)
     AND (expires_at IS NULL OR expires_at > ?)`,
);
const REFUSED_AT = sql('SELECT refused_event_at FROM api_tokens WHERE id = ?');
const MARK_REFUSED = sql(
  `UPDATE api_tokens SET refused_event_at = ?
   WHERE id = ? AND (refused_event_at IS NULL OR refused_event_at <= ?)`,
);
const EXPIRED_PENDING = sql(
  `SELECT id, user_id, expires_at FROM api_tokens
   WHERE revoked_at IS NULL AND expires_at IS NOT NULL AND expiry_recorded = 0
     AND expires_at <= ?
   ORDER BY expires_at LIMIT ?`,
);
// Conditional, so two sweeps at once (two instances) record each expiry once.
const MARK_EXPIRED = sql(
  'UPDATE api_tokens SET expiry_recorded = 1 WHERE id = ? AND expiry_recorded = 0',
);

/** `lastUsedAt` is refreshed at most this often per token, to keep reads read-only. */
export const LAST_USED_WRITE_INTERVAL_MS = 60_000;

/**
 * Token and address pairs this process has counted past ADDRESSES_PER_TOKEN, so a client
 * beyond the limit that keeps coming back is counted once and then costs nothing (no
 * read, no write). Bounded, oldest first out; what it forgets, or another instance has not
 * seen, is counted again, so the count is an upper estimate. 20,000 keys of ~60 bytes.
 */
class CountedAddresses {
  private readonly keys = new Set<string>();
  constructor(private readonly capacity: number) {}

  has(key: string): boolean {
    return this.keys.has(key);
  }

  add(key: string): void {
    this.keys.add(key);
    if (this.keys.size > this.capacity) {
      this.keys.delete(this.keys.values().next().value as string);
    }
  }
}
const COUNTED_ADDRESSES_KEPT = 20_000;

export class ApiTokenStore {
  private readonly countedBeyondLimit = new CountedAddresses(COUNTED_ADDRESSES_KEPT);

  constructor(
    private readonly db: Queryable,
    private readonly destinations: DestinationStore,
    private readonly events: EventStore,
    /**
     * Live credentials by digest; every write below that can end a token invalidates it.
     * Capacity 0 (no cache) where other processes write too (PostgreSQL mode).
     */
    readonly cache: CredentialCache<TokenCredential> = new CredentialCache(),
  ) {}

  /**
   * Revokes every token whose grace period has ended (only `userId`'s inside a request of
   * that account), each with its token.revoked event (actor: the service, at the time
   * this notices). The authentication check does not depend on this having run; it keeps
   * the list's index small and the trail whole.
   */
  private async endGraces(now: number, q: Queryable, userId?: string): Promise<number> {
    const ended = await q.all<{
      id: string;
      user_id: string;
      grace_ends_at: string;
      replaced_by_id: string | null;
    }>(
      userId === undefined ? ENDED_GRACES : ENDED_GRACES_OF_USER,
      userId === undefined ? [toTimestamp(now)] : [userId, toTimestamp(now)],
    );
    for (const row of ended) {
      this.cache.invalidate(row.id);
      if ((await q.run(END_GRACE, [row.id])) !== 1) continue;
      await this.events.record(
        {
          userId: row.user_id,
          kind: 'token.revoked',
          at: now,
          tokenId: row.id,
          actor: SERVICE_ACTOR,
          origin: { ip: null, userAgent: null },
          details: {
            reason: 'grace_ended',
            graceEndsAt: row.grace_ends_at,
            replacementId: row.replaced_by_id,
          },
        },
        q,
      );
    }
    return ended.length;
  }

  /** The background sweep's token work: ended graces, then up to `batch` expiries. */
  sweep(now: number, batch: number): Promise<{ gracesEnded: number; expired: number }> {
    const at = toTimestamp(now);
    return this.db.transaction(async (tx) => {
      const gracesEnded = await this.endGraces(now, tx);
      const expired = await tx.all<{ id: string; user_id: string; expires_at: string }>(
        EXPIRED_PENDING,
        [at, batch],
      );
      for (const row of expired) {
        if ((await tx.run(MARK_EXPIRED, [row.id])) !== 1) continue;
        await this.events.record(
          {
            userId: row.user_id,
            kind: 'token.expired',
            at: now,
            tokenId: row.id,
            actor: SERVICE_ACTOR,
            origin: { ip: null, userAgent: null },
            details: { expiresAt: row.expires_at },
          },
          tx,
        );
      }
      return { gracesEnded, expired: expired.length };
    });
  }

  /**
   * Issues a token and records token.created, in one transaction (or the caller's `q`).
   * Throws LiveTokenLimitReached, writing nothing, if that would give the account more
   * than LIVE_TOKENS_PER_ACCOUNT live tokens.
   */
  issue(
    input: { userId: string; name: string; expiresAt: number | null; now: number },
    by: Actor,
    q: Queryable = this.db,
  ): Promise<IssuedApiToken> {
    return q.transaction(async (tx) => {
      const issued = await this.insert(input, by, tx);
      await this.refuseOverLimit(tx, input.userId, input.now);
      return issued;
    });
  }

  /**
   * Throws LiveTokenLimitReached (rolling the caller's transaction back) if the account
   * now has more than LIVE_TOKENS_PER_ACCOUNT live tokens, the one just inserted included.
   */
  private async refuseOverLimit(tx: Queryable, userId: string, now: number): Promise<void> {
    const issued = await tx.get<{ issued_tokens: number }>(ISSUED_TOKENS, [userId]);
    if (Number(issued?.issued_tokens ?? 0) <= LIVE_TOKENS_PER_ACCOUNT) return;
    const at = toTimestamp(now);
    const live = await tx.get<{ n: number }>(COUNT_LIVE, [userId, at, at]);
    if (Number(live?.n ?? 0) > LIVE_TOKENS_PER_ACCOUNT) {
      throw new LiveTokenLimitReached(LIVE_TOKENS_PER_ACCOUNT);
    }
  }

  private async insert(
    input: {
      userId: string;
      name: string;
      expiresAt: number | null;
      now: number;
      rotatedFrom?: string;
    },
    by: Actor,
    tx: Queryable,
  ): Promise<IssuedApiToken> {
    const secret = generateSecret('api_token');
    const token: IssuedApiToken = {
      id: randomUUID(),
      name: input.name,
      prefix: displayPrefix(secret),
      createdAt: toTimestamp(input.now),
      expiresAt: toTimestampOrNull(input.expiresAt),
      lastUsedAt: null,
      lastUsedIp: null,
      lastUsedUserAgent: null,
      destinationCount: 0,
      replacedById: null,
      graceEndsAt: null,
      secret,
    };
    await tx.run(INSERT, [
      token.id,
      input.userId,
      token.name,
      token.prefix,
      digestSecret(secret),
      token.createdAt,
      token.expiresAt,
    ]);
    await this.events.record(
      {
        userId: input.userId,
        kind: 'token.created',
        at: input.now,
        tokenId: token.id,
        tokenName: token.name,
        ...by,
        details:
          input.rotatedFrom === undefined
            ? { expiresAt: token.expiresAt }
            : { expiresAt: token.expiresAt, rotatedFrom: input.rotatedFrom },
      },
      tx,
    );
    return token;
  }

  /**
   * The user's live tokens (unrevoked, and not past a grace period), newest first, as a
   * JSON array of `ApiToken`.
   */
  async listForUserAsJson(userId: string, now: number): Promise<string> {
    const params = [userId, toTimestamp(now)];
    if (this.db.dialect === 'postgres') return JSON.stringify(await this.db.all(LIST, params));
    return (await this.db.get<{ list: string }>(LIST, params))?.list ?? '[]';
  }

  /** One of the user's live tokens (as listed), or null: not theirs, revoked, grace over. */
  async findLive(userId: string, id: string, now: number): Promise<LiveToken | null> {
    const row = await this.db.get<{ grace_ends_at: string | null }>(LIVE, [
      id,
      userId,
      toTimestamp(now),
    ]);
    return row ? { graceEndsAt: row.grace_ends_at } : null;
  }

  /**
   * One of the user's live tokens as listed, with the addresses it was used from (newest
   * first) and how many more there were past the limit; null if not theirs or not live.
   */
  async usage(userId: string, id: string, now: number): Promise<TokenUsage | null> {
    const row = await this.db.get<ApiToken & { addresses_beyond_limit: number }>(USAGE, [
      id,
      userId,
      toTimestamp(now),
    ]);
    if (!row) return null;
    const { addresses_beyond_limit: beyond, ...token } = row;
    const addresses = await this.db.all<{ address: string; firstSeenAt: string }>(ADDRESSES, [
      id,
      ADDRESSES_PER_TOKEN,
    ]);
    return {
      ...token,
      addresses,
      addressLimit: ADDRESSES_PER_TOKEN,
      addressesBeyondLimit: Number(beyond),
    };
  }

  /** Revokes one of the user's live tokens; false if it is not theirs or already revoked. */
  async revoke(userId: string, id: string, now: number, by: Actor): Promise<boolean> {
    return (await this.revokeMany(userId, [id], now, by, false)).revoked.length === 1;
  }

  /**
   * Revokes those of `ids` that are the user's and live (a token in its grace period
   * counts, and its grace ends), in one transaction, then ends the grace of every token
   * they replaced. Every asked id that was live when the request began is reported
   * revoked, in whatever order a rotation chain is listed. Each UPDATE re-checks
   * revoked_at under the row's write lock, so concurrent callers (on any instance)
   * revoke, and report, each id exactly once.
   */
  async revokeMany(
    userId: string,
    ids: readonly string[],
    now: number,
    by: Actor,
    bulk = true,
  ): Promise<BulkRevocation> {
    const at = toTimestamp(now);
    const unique = [...new Set(ids)];
    const revoked = new Set<string>();
    await this.db.transaction(async (tx) => {
      revoked.clear();
      await this.endGraces(now, tx, userId);
      // SQLite's BEGIN IMMEDIATE already holds the whole database.
      if (tx.dialect === 'postgres') {
        await tx.all(LOCK_CHAINS, [userId, JSON.stringify(unique), userId, userId]);
      }
      // Every asked id first, in the order asked (the events are recorded in it), so a
      // token in grace listed after its replacement is revoked as asked, not ended with it.
      for (const id of unique) {
        // Invalidated before the write, whatever its outcome: a miss is only a read.
        this.cache.invalidate(id);
        if ((await tx.run(REVOKE_OWNED, [at, 'revoked', id, userId, at])) !== 1) continue;
        revoked.add(id);
        await this.events.record(
          {
            userId,
            kind: 'token.revoked',
            at: now,
            tokenId: id,
            ...by,
            details: bulk ? { reason: 'revoked', bulk: true } : { reason: 'revoked' },
          },
          tx,
        );
      }
      for (const id of unique) {
        if (!revoked.has(id)) continue;
        const predecessors = await tx.all<{ id: string }>(PREDECESSORS_IN_GRACE, [
          id,
          userId,
          userId,
        ]);
        for (const { id: predecessor } of predecessors) {
          this.cache.invalidate(predecessor);
          if ((await tx.run(END_GRACE_NOW, [at, at, predecessor])) !== 1) continue;
          await this.events.record(
            {
              userId,
              kind: 'token.revoked',
              at: now,
              tokenId: predecessor,
              ...by,
              details: { reason: 'grace_ended' },
            },
            tx,
          );
        }
      }
    });
    const result: BulkRevocation = { revoked: [], notFound: [] };
    for (const id of unique) (revoked.has(id) ? result.revoked : result.notFound).push(id);
    return result;
  }

  /** Why a revoked token was revoked (null if there is no such token). */
  async revocationOf(id: string): Promise<Revocation | null> {
    const row = await this.db.get<{
      name: string;
      revoked_reason: Revocation['reason'] | null;
      replacement_prefix: string | null;
    }>(REVOCATION, [id]);
    if (!row) return null;
    return {
      name: row.name,
      reason: row.revoked_reason ?? 'revoked',
      replacementPrefix: row.replacement_prefix,
    };
  }

  /**
   * Issues a replacement under the same name and expiry policy (the same lifetime,
   * counted from now, capped at `maxLifetimeMs`), gives it the original's destinations,
   * and revokes the original, atomically: at once, or when `graceMs` has passed (never
   * later than the original would have expired anyway). A token already replaced (its
   * grace running) cannot be rotated again: its replacement can. Without a grace period
   * a rotation replaces one live token with another, so the account's limit never
   * refuses it; with one, both work until the grace ends, which needs room for one more.
   */
  rotate(
    input: {
      userId: string;
      id: string;
      now: number;
      maxLifetimeMs: number;
      graceMs: number;
    },
    by: Actor,
  ): Promise<Rotation> {
    const { userId, id, now } = input;
    const at = toTimestamp(now);
    const rotation = this.db.transaction(async (tx): Promise<Rotation> => {
      await this.endGraces(now, tx, userId);
      const old = await tx.get<{
        name: string;
        created_at: string;
        expires_at: string | null;
        grace_ends_at: string | null;
      }>(ACTIVE_OWNED, [id, userId]);
      if (!old) return { outcome: 'not_found' };
      if (old.grace_ends_at !== null) {
        return { outcome: 'replaced', graceEndsAt: old.grace_ends_at };
      }
      let graceEnds = input.graceMs > 0 ? now + input.graceMs : null;
      if (graceEnds !== null && old.expires_at !== null) {
        graceEnds = Math.min(graceEnds, Date.parse(old.expires_at));
      }
      const withGrace = graceEnds !== null && graceEnds > now;
      const lifetime =
        old.expires_at === null ? null : Date.parse(old.expires_at) - Date.parse(old.created_at);
      const expiresAt = lifetime === null ? null : now + Math.min(lifetime, input.maxLifetimeMs);
      const issued = await this.insert(
        { userId, name: old.name, expiresAt, now, rotatedFrom: id },
        by,
        tx,
      );
      // Both stay live until the grace ends: that needs room for one more.
      if (withGrace) await this.refuseOverLimit(tx, userId, now);
      issued.destinationCount = await this.destinations.copy(id, issued.id, tx);
      const record = (kind: 'token.rotated' | 'token.revoked', details: object) =>
        this.events.record(
          {
            userId,
            kind,
            at: now,
            tokenId: id,
            tokenName: old.name,
            ...by,
            details: { ...details },
          },
          tx,
        );
      // Revoked now or given a grace end: either way its cached row is out of date.
      this.cache.invalidate(id);
      if (graceEnds === null || !withGrace) {
        await tx.run(REVOKE_OWNED, [at, 'rotated', id, userId, at]);
        await tx.run(MARK_REPLACED, [issued.id, id]);
        await record('token.rotated', { replacementId: issued.id, graceEndsAt: null });
        await record('token.revoked', { reason: 'rotated', replacementId: issued.id });
        return { outcome: 'rotated', issued, previous: { id, graceEndsAt: null } };
      }
      const graceEndsAt = toTimestamp(graceEnds);
      await tx.run(START_GRACE, [issued.id, graceEndsAt, id]);
      await record('token.rotated', { replacementId: issued.id, graceEndsAt });
      return { outcome: 'rotated', issued, previous: { id, graceEndsAt } };
    });
    return rotation.catch((error: unknown) => {
      if (error instanceof LiveTokenLimitReached) return { outcome: 'limit', limit: error.limit };
      throw error;
    });
  }

  /**
   * The credential behind `secret`: straight from the cache on a hit (no promise: the
   * hot path), else read by digest and cached if it is live at `now` (unknown, revoked,
   * ended or expired ones are never cached). The caller still checks revocation, grace
   * and expiry against its clock on every call.
   */
  findCredential(
    secret: string,
    now: number,
  ): TokenCredential | null | Promise<TokenCredential | null> {
    const key = digestKey(secret);
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    return this.read(key, now);
  }

  private async read(key: string, now: number): Promise<TokenCredential | null> {
    const version = this.cache.version;
    const row = await this.db.get<CredentialRow>(CREDENTIAL, [Buffer.from(key, 'base64')]);
    if (!row) return null;
    const credential: TokenCredential = {
      id: row.id,
      user: userFrom(row),
      expiresAt: row.expires_at,
      lastUsedAt: row.last_used_at,
      lastUsedIp: row.last_used_ip,
      revokedAt: row.revoked_at,
      graceEndsAt: row.grace_ends_at,
    };
    const live =
      credential.revokedAt === null &&
      (credential.graceEndsAt === null || Date.parse(credential.graceEndsAt) > now) &&
      (credential.expiresAt === null || Date.parse(credential.expiresAt) > now);
    if (live) this.cache.set(key, credential, version);
    return credential;
  }

  /**
   * Called only when the once-a-minute write is due or the address is another client's
   * than the last one recorded (an IPv6 /64 is one client, as for the limiter). Writes
   * last use (time, address, client) and remembers the client in the token's set of
   * addresses, with token.first_used or token.used_from_new_address; both are bounded
   * (ADDRESSES_PER_TOKEN, NEW_ADDRESS_EVENTS_PER_HOUR), so a flood from ever new
   * addresses writes a counter, not rows. An address already seen, between writes, costs
   * one indexed read, or nothing at all once counted past the limit.
   */
  async recordUse(
    token: TokenCredential,
    now: number,
    address: string,
    rawUserAgent: string | undefined,
    due: boolean,
  ): Promise<void> {
    const at = toTimestamp(now);
    const neverUsed = token.lastUsedAt === null;
    // Claimed before anything is awaited: the cached credential is this object, so other
    // requests in flight on this process now see the write as done and do not repeat it.
    if (due) token.lastUsedAt = at;
    token.lastUsedIp = address;
    const key = clientKey(address);
    const counted = `${token.id} ${key}`;
    try {
      const fresh =
        !this.countedBeyondLimit.has(counted) &&
        (await this.db.get(SEEN_ADDRESS, [token.id, key])) === undefined;
      if (!due && !fresh) return;
      const userAgent = cleanUserAgent(rawUserAgent);
      const by: Actor = {
        actor: { kind: 'api_token', id: token.id },
        origin: { ip: address, userAgent },
      };
      const touch = [at, address, userAgent, token.id];
      await this.db.transaction(async (tx) => {
        const first = neverUsed && (await tx.run(TOUCH_FIRST, touch)) === 1;
        if (first) {
          await this.events.record(
            { userId: token.user.id, kind: 'token.first_used', at: now, tokenId: token.id, ...by },
            tx,
          );
        }
        // Or another request of this process counted it while this one waited.
        if (!fresh || this.countedBeyondLimit.has(counted)) {
          // The minute's write only if no other request (on this instance or another)
          // wrote it within the minute.
          if (!first) {
            await tx.run(TOUCH_IF_DUE, [...touch, toTimestamp(now - LAST_USED_WRITE_INTERVAL_MS)]);
          }
          return;
        }
        // A new address is always written as the last one.
        if (!first) await tx.run(TOUCH, touch);
        if ((await tx.run(TAKE_ADDRESS_ROOM, [token.id, ADDRESSES_PER_TOKEN])) !== 1) {
          if ((await tx.run(COUNT_BEYOND_LIMIT, [token.id, token.id, key])) === 1) {
            this.countedBeyondLimit.add(counted);
          }
          return;
        }
        if ((await tx.run(ADD_ADDRESS, [token.id, key, at])) !== 1) {
          // Another request remembered it meanwhile: not new after all.
          await tx.run(GIVE_BACK_ADDRESS_ROOM, [token.id]);
          return;
        }
        if (first) return;
        const hourAgo = toTimestamp(now - HOUR_MS);
        const taken = await tx.get<{ address_events: number; address_events_since: string }>(
          TAKE_ADDRESS_EVENT,
          [hourAgo, at, hourAgo, token.id, hourAgo, NEW_ADDRESS_EVENTS_PER_HOUR],
        );
        if (!taken) return;
        const event: NewEvent = {
          userId: token.user.id,
          kind: 'token.used_from_new_address',
          at: now,
          tokenId: token.id,
          ...by,
        };
        // The hour's last one says so, and when they resume.
        if (Number(taken.address_events) >= NEW_ADDRESS_EVENTS_PER_HOUR) {
          event.details = {
            newAddressEventsPerHour: NEW_ADDRESS_EVENTS_PER_HOUR,
            resumesAt: toTimestamp(Date.parse(taken.address_events_since) + HOUR_MS),
          };
        }
        await this.events.record(event, tx);
      });
    } catch (error) {
      // The claim above may now be untrue: read the row again next time.
      this.cache.invalidate(token.id);
      throw error;
    }
  }

  /**
   * token.refused for a revoked or expired token, at most once per token per
   * REFUSED_EVENT_INTERVAL_MS, so a dead token in a busy pipeline cannot flood the trail.
   * On the way to a 401 only; a read decides, so most refusals write nothing.
   */
  async recordRefusal(
    token: TokenCredential,
    reason: 'revoked' | 'expired',
    now: number,
    origin: EventOrigin,
  ): Promise<void> {
    const last = await this.db.get<{ refused_event_at: string | null }>(REFUSED_AT, [token.id]);
    const lastAt = last?.refused_event_at;
    if (lastAt && now - Date.parse(lastAt) < REFUSED_EVENT_INTERVAL_MS) return;
    const at = toTimestamp(now);
    await this.db.transaction(async (tx) => {
      // A grace that has just ended gets its token.revoked before the refusal.
      if (token.revokedAt === null) await this.endGraces(now, tx, token.user.id);
      const window = toTimestamp(now - REFUSED_EVENT_INTERVAL_MS);
      if ((await tx.run(MARK_REFUSED, [at, token.id, window])) !== 1) return;
      await this.events.record(
        {
          userId: token.user.id,
          kind: 'token.refused',
          at: now,
          tokenId: token.id,
          actor: { kind: 'api_token', id: token.id },
          origin,
          details: { reason },
        },
        tx,
      );
    });
  }
}
