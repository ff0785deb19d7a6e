import { randomUUID } from 'node:crypto';
import type { IssuedApiToken, User } from '../../shared/api-schemas.js';
import { digestSecret, displayPrefix, generateSecret } from '../auth/secrets.js';
import type { Db } from './database.js';
import type { DestinationStore } from './destinations.js';
import { toTimestamp, toTimestampOrNull } from './timestamps.js';

/** What authentication needs to know about the token behind a digest, and its owner. */
export interface TokenCredential {
  id: string;
  user: User;
  expiresAt: string | null;
  lastUsedAt: string | null;
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

export class ApiTokenStore {
  private readonly insert;
  private readonly listJson;
  private readonly activeOwned;
  private readonly revokeOwned;
  private readonly markReplaced;
  private readonly credential;
  private readonly touch;
  private readonly revocation;
  private readonly live;
  private readonly startGrace;
  private readonly endGrace;

  constructor(
    private readonly db: Db,
    private readonly destinations: DestinationStore,
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
           'destinationCount', destination_count,
           'replacedById', replaced_by_id, 'graceEndsAt', grace_ends_at))
         FROM (SELECT id, name, prefix, created_at, expires_at, last_used_at,
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
    this.endGrace = db.prepare<[string]>(
      `UPDATE api_tokens SET revoked_at = grace_ends_at
       WHERE revoked_at IS NULL AND grace_ends_at IS NOT NULL AND grace_ends_at <= ?`,
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
        `SELECT t.id, t.expires_at, t.last_used_at, t.revoked_at, t.grace_ends_at,
                u.id, u.email, u.name, u.created_at
         FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_digest = ?`,
      )
      .raw(true);
    this.touch = db.prepare<[string, string]>(
      'UPDATE api_tokens SET last_used_at = ? WHERE id = ?',
    );
  }

  issue(input: {
    userId: string;
    name: string;
    expiresAt: number | null;
    now: number;
  }): IssuedApiToken {
    const secret = generateSecret('api_token');
    const token: IssuedApiToken = {
      id: randomUUID(),
      name: input.name,
      prefix: displayPrefix(secret),
      createdAt: toTimestamp(input.now),
      expiresAt: toTimestampOrNull(input.expiresAt),
      lastUsedAt: null,
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
  revoke(userId: string, id: string, now: number): boolean {
    const at = toTimestamp(now);
    return this.db.transaction(() => {
      this.endGrace.run(at);
      return this.revokeOwned.run(at, 'revoked', id, userId, at).changes === 1;
    })();
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
  rotate(input: {
    userId: string;
    id: string;
    now: number;
    maxLifetimeMs: number;
    graceMs: number;
  }): Rotation {
    const { userId, id, now } = input;
    const at = toTimestamp(now);
    return this.db
      .transaction((): Rotation => {
        this.endGrace.run(at);
        const old = this.activeOwned.get(id, userId);
        if (!old) return { outcome: 'not_found' };
        if (old.grace_ends_at !== null)
          return { outcome: 'replaced', graceEndsAt: old.grace_ends_at };
        const lifetime =
          old.expires_at === null ? null : Date.parse(old.expires_at) - Date.parse(old.created_at);
        const expiresAt = lifetime === null ? null : now + Math.min(lifetime, input.maxLifetimeMs);
        const issued = this.issue({ userId, name: old.name, expiresAt, now });
        issued.destinationCount = this.destinations.copy(id, issued.id);
        let graceEnds = input.graceMs > 0 ? now + input.graceMs : null;
        if (graceEnds !== null && old.expires_at !== null) {
          graceEnds = Math.min(graceEnds, Date.parse(old.expires_at));
        }
        if (graceEnds === null || graceEnds <= now) {
          this.revokeOwned.run(at, 'rotated', id, userId, at);
          this.markReplaced.run(issued.id, id);
          return { outcome: 'rotated', issued, previous: { id, graceEndsAt: null } };
        }
        const graceEndsAt = toTimestamp(graceEnds);
        this.startGrace.run(issued.id, graceEndsAt, id);
        return { outcome: 'rotated', issued, previous: { id, graceEndsAt } };
      })
      .immediate();
  }

  findCredential(secret: string): TokenCredential | null {
    const row = this.credential.get(digestSecret(secret));
    if (!row) return null;
    const [id, expiresAt, lastUsedAt, revokedAt, graceEndsAt, userId, email, name, createdAt] = row;
    return {
      id,
      user: { id: userId, email, name, createdAt },
      expiresAt,
      lastUsedAt,
      revokedAt,
      graceEndsAt,
    };
  }

  recordUse(id: string, now: number): void {
    this.touch.run(toTimestamp(now), id);
  }
}
