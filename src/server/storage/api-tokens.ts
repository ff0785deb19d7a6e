import { randomUUID } from 'node:crypto';
import type { IssuedApiToken, User } from '../../shared/api-schemas.js';
import { CredentialCache } from '../auth/credential-cache.js';
import { digestKey, digestSecret, displayPrefix, generateSecret } from '../auth/secrets.js';
import type { Db } from './database.js';
import type { DestinationStore } from './destinations.js';
import { cleanUserAgent, SERVICE_ACTOR, type EventOrigin, type EventStore } from './events.js';
import type { EventActor } from '../../shared/events.js';
import { REFUSED_EVENT_INTERVAL_MS } from '../../shared/events.js';
import { toTimestamp, toTimestampOrNull } from './timestamps.js';

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

// Positional, not named: the credential lookup runs on every API request, and
// raw rows skip building an object per row (about 1 µs of ~4).
type CredentialRow = [
  id: string,
  expiresAt: string | null,
  lastUsedAt: string | null,
  lastUsedIp: string | null,
  revokedAt: string | null,
  graceEndsAt: string | null,
  userId: string,
  email: string,
  name: string | null,
  createdAt: string,
];

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
  | { outcome: 'replaced'; graceEndsAt: string };

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

export class ApiTokenStore {
  private readonly insert;
  private readonly listJson;
  private readonly activeOwned;
  private readonly revokeOwned;
  private readonly predecessorsInGrace;
  private readonly endGraceNow;
  private readonly markReplaced;
  private readonly credential;
  private readonly touch;
  private readonly revocation;
  private readonly live;
  private readonly startGrace;
  private readonly endGrace;
  private readonly endedGraces;
  private readonly touchFirst;
  private readonly seenAddress;
  private readonly addAddress;
  private readonly refusedAt;
  private readonly markRefused;
  private readonly expiredPending;
  private readonly markExpired;

  constructor(
    private readonly db: Db,
    private readonly destinations: DestinationStore,
    private readonly events: EventStore,
    /** Live credentials by digest; every write below that can end a token invalidates it. */
    readonly cache: CredentialCache<TokenCredential> = new CredentialCache(),
  ) {
    this.insert = db.prepare<[string, string, string, string, Buffer, string, string | null]>(
      `INSERT INTO api_tokens (id, user_id, name, prefix, token_digest, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    // Serialized to JSON by SQLite from the covering index: with 10,000 tokens this
    // is several times faster than building 10,000 objects and stringifying them. A
    // token whose grace period has ended counts as revoked (the sweep may not have
    // written revoked_at yet). destination_count is kept by triggers (schema v4).
    this.listJson = db
      .prepare<[string, string], string>(
        `SELECT json_group_array(json_object(
           'id', id, 'name', name, 'prefix', prefix,
           'createdAt', created_at, 'expiresAt', expires_at, 'lastUsedAt', last_used_at,
           'lastUsedIp', last_used_ip, 'lastUsedUserAgent', last_used_user_agent,
           'destinationCount', destination_count,
           'replacedById', replaced_by_id, 'graceEndsAt', grace_ends_at))
         FROM (SELECT id, name, prefix, created_at, expires_at, last_used_at,
                      last_used_ip, last_used_user_agent,
                      replaced_by_id, grace_ends_at, destination_count
               FROM api_tokens
               WHERE user_id = ? AND revoked_at IS NULL
                 AND (grace_ends_at IS NULL OR grace_ends_at > ?)
               ORDER BY created_at DESC, id DESC)`,
      )
      .pluck();
    this.activeOwned = db.prepare<
      [string, string],
      { name: string; created_at: string; expires_at: string | null; grace_ends_at: string | null }
    >(
      `SELECT name, created_at, expires_at, grace_ends_at FROM api_tokens
       WHERE id = ? AND user_id = ? AND revoked_at IS NULL`,
    );
    this.live = db.prepare<[string, string, string], { grace_ends_at: string | null }>(
      `SELECT grace_ends_at FROM api_tokens
       WHERE id = ? AND user_id = ? AND revoked_at IS NULL
         AND (grace_ends_at IS NULL OR grace_ends_at > ?)`,
    );
    // A token already replaced (grace running) keeps 'rotated' as its reason when it is
    // revoked early; one whose grace has ended is already revoked, so it is not found.
    this.revokeOwned = db.prepare<[string, Revocation['reason'], string, string, string]>(
      `UPDATE api_tokens SET revoked_at = ?, revoked_reason = coalesce(revoked_reason, ?)
       WHERE id = ? AND user_id = ? AND revoked_at IS NULL
         AND (grace_ends_at IS NULL OR grace_ends_at > ?)`,
    );
    this.startGrace = db.prepare<[string, string, string]>(
      `UPDATE api_tokens SET replaced_by_id = ?, grace_ends_at = ?, revoked_reason = 'rotated'
       WHERE id = ?`,
    );
    // Writes down what the grace check already enforces, so ended grace tokens leave
    // the token list's index. Housekeeping only: nothing depends on it having run.
    // Each ended grace is written down with its token.revoked event (actor: the service).
    this.endedGraces = db.prepare<
      [string],
      { id: string; user_id: string; grace_ends_at: string; replaced_by_id: string | null }
    >(
      `SELECT id, user_id, grace_ends_at, replaced_by_id FROM api_tokens
       WHERE revoked_at IS NULL AND grace_ends_at IS NOT NULL AND grace_ends_at <= ?`,
    );
    // A replacement revoked while its predecessor is still in grace takes that grace
    // with it: otherwise revoking "the token" would leave the old (perhaps leaked) one
    // working for up to a week.
    this.predecessorsInGrace = db
      .prepare<[string, string], string>(
        `SELECT id FROM api_tokens WHERE replaced_by_id = ? AND user_id = ?
           AND revoked_at IS NULL AND grace_ends_at IS NOT NULL`,
      )
      .pluck();
    this.endGraceNow = db.prepare<[string, string, string]>(
      // 'revoked', not 'rotated': its 401 must not send people to a replacement that is gone.
      `UPDATE api_tokens SET revoked_at = ?, grace_ends_at = ?, revoked_reason = 'revoked'
       WHERE id = ? AND revoked_at IS NULL`,
    );
    this.endGrace = db.prepare<[string]>(
      'UPDATE api_tokens SET revoked_at = grace_ends_at WHERE id = ? AND revoked_at IS NULL',
    );
    // Only on the way to a 401, never on the authentication hot path.
    this.revocation = db.prepare<
      [string],
      {
        name: string;
        revoked_reason: Revocation['reason'] | null;
        replacement_prefix: string | null;
      }
    >(
      `SELECT t.name, t.revoked_reason, r.prefix AS replacement_prefix
       FROM api_tokens t LEFT JOIN api_tokens r ON r.id = t.replaced_by_id WHERE t.id = ?`,
    );
    this.markReplaced = db.prepare<[string, string]>(
      'UPDATE api_tokens SET replaced_by_id = ? WHERE id = ?',
    );
    this.credential = db
      .prepare<[Buffer], CredentialRow>(
        `SELECT t.id, t.expires_at, t.last_used_at, t.last_used_ip, t.revoked_at, t.grace_ends_at,
                u.id, u.email, u.name, u.created_at
         FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_digest = ?`,
      )
      .raw(true);
    this.touch = db.prepare<[string, string, string | null, string]>(
      'UPDATE api_tokens SET last_used_at = ?, last_used_ip = ?, last_used_user_agent = ? WHERE id = ?',
    );
    // Only the first writer of a first use records token.first_used.
    this.touchFirst = db.prepare<[string, string, string | null, string]>(
      `UPDATE api_tokens SET last_used_at = ?, last_used_ip = ?, last_used_user_agent = ?
       WHERE id = ? AND last_used_at IS NULL`,
    );
    this.seenAddress = db
      .prepare<[string, string], number>(
        'SELECT 1 FROM token_addresses WHERE token_id = ? AND address = ?',
      )
      .pluck();
    this.addAddress = db.prepare<[string, string, string]>(
      'INSERT OR IGNORE INTO token_addresses (token_id, address, first_seen_at) VALUES (?, ?, ?)',
    );
    this.refusedAt = db
      .prepare<[string], string | null>('SELECT refused_event_at FROM api_tokens WHERE id = ?')
      .pluck();
    this.markRefused = db.prepare<[string, string, string]>(
      `UPDATE api_tokens SET refused_event_at = ?
       WHERE id = ? AND (refused_event_at IS NULL OR refused_event_at <= ?)`,
    );
    this.expiredPending = db.prepare<
      [string, number],
      { id: string; user_id: string; expires_at: string }
    >(
      `SELECT id, user_id, expires_at FROM api_tokens
       WHERE revoked_at IS NULL AND expires_at IS NOT NULL AND expiry_recorded = 0
         AND expires_at <= ?
       ORDER BY expires_at LIMIT ?`,
    );
    this.markExpired = db.prepare<[string]>(
      'UPDATE api_tokens SET expiry_recorded = 1 WHERE id = ?',
    );
  }

  /**
   * Revokes every token whose grace period has ended, each with its token.revoked event
   * (actor: the service, at the time the sweep notices). The authentication check does
   * not depend on this having run; it keeps the list's index small and the trail whole.
   */
  endGraces(now: number): number {
    const at = toTimestamp(now);
    const ended = this.endedGraces.all(at);
    for (const row of ended) {
      this.cache.invalidate(row.id);
      if (this.endGrace.run(row.id).changes !== 1) continue;
      this.events.record({
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
      });
    }
    return ended.length;
  }

  /** The background sweep's token work: ended graces, then up to `batch` expiries. */
  sweep(now: number, batch: number): { gracesEnded: number; expired: number } {
    const at = toTimestamp(now);
    return this.db
      .transaction(() => {
        const gracesEnded = this.endGraces(now);
        const expired = this.expiredPending.all(at, batch);
        for (const row of expired) {
          this.markExpired.run(row.id);
          this.events.record({
            userId: row.user_id,
            kind: 'token.expired',
            at: now,
            tokenId: row.id,
            actor: SERVICE_ACTOR,
            origin: { ip: null, userAgent: null },
            details: { expiresAt: row.expires_at },
          });
        }
        return { gracesEnded, expired: expired.length };
      })
      .immediate();
  }

  issue(
    input: {
      userId: string;
      name: string;
      expiresAt: number | null;
      now: number;
      rotatedFrom?: string;
    },
    by: Actor,
  ): IssuedApiToken {
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
    this.insert.run(
      token.id,
      input.userId,
      token.name,
      token.prefix,
      digestSecret(secret),
      token.createdAt,
      token.expiresAt,
    );
    this.events.record({
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
    });
    return token;
  }

  /**
   * The user's live tokens (unrevoked, and not past a grace period), newest first, as a
   * JSON array of `ApiToken`.
   */
  listForUserAsJson(userId: string, now: number): string {
    return this.listJson.get(userId, toTimestamp(now)) ?? '[]';
  }

  /** One of the user's live tokens (as listed), or null: not theirs, revoked, grace over. */
  findLive(userId: string, id: string, now: number): LiveToken | null {
    const row = this.live.get(id, userId, toTimestamp(now));
    return row ? { graceEndsAt: row.grace_ends_at } : null;
  }

  /** Revokes one of the user's live tokens; false if it is not theirs or already revoked. */
  revoke(userId: string, id: string, now: number, by: Actor): boolean {
    return this.revokeMany(userId, [id], now, by, false).revoked.length === 1;
  }

  /**
   * Revokes those of `ids` that are the user's and live (a token in its grace period
   * counts, and its grace ends), in one immediate transaction: concurrent callers
   * queue for the write lock, so each id is revoked, and reported, exactly once.
   */
  revokeMany(userId: string, ids: readonly string[], now: number, by: Actor, bulk = true) {
    const at = toTimestamp(now);
    return this.db
      .transaction((): BulkRevocation => {
        this.endGraces(now);
        const result: BulkRevocation = { revoked: [], notFound: [] };
        for (const id of ids) {
          // Invalidated before the write, whatever its outcome: a miss is only a read.
          this.cache.invalidate(id);
          if (this.revokeOwned.run(at, 'revoked', id, userId, at).changes !== 1) {
            result.notFound.push(id);
            continue;
          }
          result.revoked.push(id);
          this.events.record({
            userId,
            kind: 'token.revoked',
            at: now,
            tokenId: id,
            ...by,
            details: bulk ? { reason: 'revoked', bulk: true } : { reason: 'revoked' },
          });
          for (const predecessor of this.predecessorsInGrace.all(id, userId)) {
            this.cache.invalidate(predecessor);
            if (this.endGraceNow.run(at, at, predecessor).changes !== 1) continue;
            this.events.record({
              userId,
              kind: 'token.revoked',
              at: now,
              tokenId: predecessor,
              ...by,
              details: { reason: 'grace_ended' },
            });
          }
        }
        return result;
      })
      .immediate();
  }

  /** Why a revoked token was revoked (null if there is no such token). */
  revocationOf(id: string): Revocation | null {
    const row = this.revocation.get(id);
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
   * grace running) cannot be rotated again: its replacement can.
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
  ): Rotation {
    const { userId, id, now } = input;
    const at = toTimestamp(now);
    return this.db
      .transaction((): Rotation => {
        this.endGraces(now);
        const old = this.activeOwned.get(id, userId);
        if (!old) return { outcome: 'not_found' };
        if (old.grace_ends_at !== null)
          return { outcome: 'replaced', graceEndsAt: old.grace_ends_at };
        const lifetime =
          old.expires_at === null ? null : Date.parse(old.expires_at) - Date.parse(old.created_at);
        const expiresAt = lifetime === null ? null : now + Math.min(lifetime, input.maxLifetimeMs);
        const issued = this.issue({ userId, name: old.name, expiresAt, now, rotatedFrom: id }, by);
        issued.destinationCount = this.destinations.copy(id, issued.id);
        let graceEnds = input.graceMs > 0 ? now + input.graceMs : null;
        if (graceEnds !== null && old.expires_at !== null) {
          graceEnds = Math.min(graceEnds, Date.parse(old.expires_at));
        }
        const record = (kind: 'token.rotated' | 'token.revoked', details: object) =>
          this.events.record({
            userId,
            kind,
            at: now,
            tokenId: id,
            tokenName: old.name,
            ...by,
            details: { ...details },
          });
        // Revoked now or given a grace end: either way its cached row is out of date.
        this.cache.invalidate(id);
        if (graceEnds === null || graceEnds <= now) {
          this.revokeOwned.run(at, 'rotated', id, userId, at);
          this.markReplaced.run(issued.id, id);
          record('token.rotated', { replacementId: issued.id, graceEndsAt: null });
          record('token.revoked', { reason: 'rotated', replacementId: issued.id });
          return { outcome: 'rotated', issued, previous: { id, graceEndsAt: null } };
        }
        const graceEndsAt = toTimestamp(graceEnds);
        this.startGrace.run(issued.id, graceEndsAt, id);
        record('token.rotated', { replacementId: issued.id, graceEndsAt });
        return { outcome: 'rotated', issued, previous: { id, graceEndsAt } };
      })
      .immediate();
  }

  /**
   * The credential behind `secret`: from the cache, or read by digest and cached if it is
   * live at `now` (unknown, revoked, ended or expired ones are never cached). The caller
   * still checks revocation, grace and expiry against its clock on every call.
   */
  findCredential(secret: string, now: number): TokenCredential | null {
    const key = digestKey(secret);
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const row = this.credential.get(Buffer.from(key, 'base64'));
    if (!row) return null;
    const [
      id,
      expiresAt,
      lastUsedAt,
      lastUsedIp,
      revokedAt,
      graceEndsAt,
      userId,
      email,
      name,
      createdAt,
    ] = row;
    const credential: TokenCredential = {
      id,
      user: { id: userId, email, name, createdAt },
      expiresAt,
      lastUsedAt,
      lastUsedIp,
      revokedAt,
      graceEndsAt,
    };
    const live =
      revokedAt === null &&
      (graceEndsAt === null || Date.parse(graceEndsAt) > now) &&
      (expiresAt === null || Date.parse(expiresAt) > now);
    if (live) this.cache.set(key, credential);
    return credential;
  }

  /**
   * Called only when the once-a-minute write is due or the address differs from the
   * last one recorded. Writes last use (time, address, client) and the address into the
   * token's set of seen addresses, with token.first_used or token.used_from_new_address.
   * An address already seen, between writes, costs one indexed read and nothing else.
   */
  recordUse(
    token: TokenCredential,
    now: number,
    address: string,
    rawUserAgent: string | undefined,
    due: boolean,
  ): void {
    const newAddress = this.seenAddress.get(token.id, address) === undefined;
    if (!due && !newAddress) return;
    const at = toTimestamp(now);
    const userAgent = cleanUserAgent(rawUserAgent);
    const by: Actor = {
      actor: { kind: 'api_token', id: token.id },
      origin: { ip: address, userAgent },
    };
    this.db.transaction(() => {
      let first = false;
      if (token.lastUsedAt === null) {
        first = this.touchFirst.run(at, address, userAgent, token.id).changes === 1;
      }
      if (!first) this.touch.run(at, address, userAgent, token.id);
      const added = newAddress && this.addAddress.run(token.id, address, at).changes === 1;
      if (first) {
        this.events.record({
          userId: token.user.id,
          kind: 'token.first_used',
          at: now,
          tokenId: token.id,
          ...by,
        });
      } else if (added) {
        this.events.record({
          userId: token.user.id,
          kind: 'token.used_from_new_address',
          at: now,
          tokenId: token.id,
          ...by,
        });
      }
    })();
    // The cached credential is this object: keep it equal to the row just written, so the
    // once-a-minute rule and the last-address comparison hold for cache hits too.
    token.lastUsedAt = at;
    token.lastUsedIp = address;
  }

  /**
   * token.refused for a revoked or expired token, at most once per token per
   * REFUSED_EVENT_INTERVAL_MS, so a dead token in a busy pipeline cannot flood the trail.
   * On the way to a 401 only; a read decides, so most refusals write nothing.
   */
  recordRefusal(
    token: TokenCredential,
    reason: 'revoked' | 'expired',
    now: number,
    origin: EventOrigin,
  ): void {
    const last = this.refusedAt.get(token.id);
    if (last && now - Date.parse(last) < REFUSED_EVENT_INTERVAL_MS) return;
    const at = toTimestamp(now);
    this.db
      .transaction(() => {
        // A grace that has just ended gets its token.revoked before the refusal.
        if (token.revokedAt === null) this.endGraces(now);
        const window = toTimestamp(now - REFUSED_EVENT_INTERVAL_MS);
        if (this.markRefused.run(at, token.id, window).changes !== 1) return;
        this.events.record({
          userId: token.user.id,
          kind: 'token.refused',
          at: now,
          tokenId: token.id,
          actor: { kind: 'api_token', id: token.id },
          origin,
          details: { reason },
        });
      })
      .immediate();
  }
}
