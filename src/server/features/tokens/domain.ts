/**
 * The rules of an API token's life, each operation one transaction: issuing (within the
 * account's live-token limit), rotating (the replacement inherits name, expiry policy
 * and destinations; the old token is revoked now or when its grace ends), revoking (one
 * or many, with every predecessor still in grace), ending graces and recording expiries
 * (the sweep). Every change records its event in the same transaction and invalidates
 * the credential cache for the tokens it touches.
 */
import { randomUUID } from 'node:crypto';
import type { IssuedApiToken, TokenUsage } from '../../../shared/api-schemas.js';
import { CredentialCache } from '../../auth/credential-cache.js';
import { digestSecret, displayPrefix, generateSecret } from '../../auth/secrets.js';
import type { Queryable } from '../../storage/sql.js';
import { toTimestamp, toTimestampOrNull } from '../../storage/timestamps.js';
import type { DestinationStore } from '../destinations/store.js';
import { NO_ORIGIN, SERVICE_ACTOR, type EventStore } from '../events/store.js';
import {
  ADDRESSES_PER_TOKEN,
  LIVE_TOKENS_PER_ACCOUNT,
  LiveTokenLimitReached,
  type Actor,
  type BulkRevocation,
  type LiveToken,
  type Rotation,
  type TokenCredential,
} from './model.js';
import * as rows from './repository.js';

export class ApiTokenStore {
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
  async endGraces(now: number, q: Queryable, userId?: string): Promise<number> {
    const ended = await rows.endedGraces(q, toTimestamp(now), userId);
    for (const row of ended) {
      this.cache.invalidate(row.id);
      if ((await rows.endGrace(q, row.id)) !== 1) continue;
      await this.events.record(
        {
          userId: row.user_id,
          kind: 'token.revoked',
          at: now,
          tokenId: row.id,
          actor: SERVICE_ACTOR,
          origin: NO_ORIGIN,
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
      const expired = await rows.expiredPending(tx, at, batch);
      for (const row of expired) {
        if ((await rows.markExpired(tx, row.id)) !== 1) continue;
        await this.events.record(
          {
            userId: row.user_id,
            kind: 'token.expired',
            at: now,
            tokenId: row.id,
            actor: SERVICE_ACTOR,
            origin: NO_ORIGIN,
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
    const issued = await rows.issuedTokens(tx, userId);
    if (Number(issued?.issued_tokens ?? 0) <= LIVE_TOKENS_PER_ACCOUNT) return;
    const at = toTimestamp(now);
    const live = await rows.countLive(tx, userId, at);
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
    await rows.insert(tx, [
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
    return rows.listJson(this.db, userId, toTimestamp(now));
  }

  /** One of the user's live tokens (as listed), or null: not theirs, revoked, grace over. */
  async findLive(userId: string, id: string, now: number): Promise<LiveToken | null> {
    const row = await rows.live(this.db, id, userId, toTimestamp(now));
    return row ? { graceEndsAt: row.grace_ends_at } : null;
  }

  /**
   * One of the user's live tokens as listed, with the addresses it was used from (newest
   * first) and how many more there were past the limit; null if not theirs or not live.
   */
  async usage(userId: string, id: string, now: number): Promise<TokenUsage | null> {
    const row = await rows.usage(this.db, id, userId, toTimestamp(now));
    if (!row) return null;
    const { addresses_beyond_limit: beyond, ...token } = row;
    const addresses = await rows.addresses(this.db, id, ADDRESSES_PER_TOKEN);
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
        await rows.lockChains(tx, userId, unique);
      }
      // Every asked id first, in the order asked (the events are recorded in it), so a
      // token in grace listed after its replacement is revoked as asked, not ended with it.
      for (const id of unique) {
        // Invalidated before the write, whatever its outcome: a miss is only a read.
        this.cache.invalidate(id);
        if ((await rows.revokeOwned(tx, at, 'revoked', id, userId)) !== 1) continue;
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
        const predecessors = await rows.predecessorsInGrace(tx, id, userId);
        for (const { id: predecessor } of predecessors) {
          this.cache.invalidate(predecessor);
          if ((await rows.endGraceNow(tx, at, predecessor)) !== 1) continue;
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
      const old = await rows.activeOwned(tx, id, userId);
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
        await rows.revokeOwned(tx, at, 'rotated', id, userId);
        await rows.markReplaced(tx, issued.id, id);
        await record('token.rotated', { replacementId: issued.id, graceEndsAt: null });
        await record('token.revoked', { reason: 'rotated', replacementId: issued.id });
        return { outcome: 'rotated', issued, previous: { id, graceEndsAt: null } };
      }
      const graceEndsAt = toTimestamp(graceEnds);
      await rows.startGrace(tx, issued.id, graceEndsAt, id);
      await record('token.rotated', { replacementId: issued.id, graceEndsAt });
      return { outcome: 'rotated', issued, previous: { id, graceEndsAt } };
    });
    return rotation.catch((error: unknown) => {
      if (error instanceof LiveTokenLimitReached) return { outcome: 'limit', limit: error.limit };
      throw error;
    });
  }
}
