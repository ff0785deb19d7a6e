import { randomUUID } from 'node:crypto';
import type { IssuedApiToken, User } from '../../shared/api-schemas.js';
import { digestSecret, displayPrefix, generateSecret } from '../auth/secrets.js';
import type { Db } from './database.js';
import { toTimestamp, toTimestampOrNull } from './timestamps.js';

/** What authentication needs to know about the token behind a digest, and its owner. */
export interface TokenCredential {
  id: string;
  user: User;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

// Positional, not named: the credential lookup runs on every API request, and
// raw rows skip building an object per row (about 1 µs of ~4).
type CredentialRow = [
  id: string,
  expiresAt: string | null,
  lastUsedAt: string | null,
  revokedAt: string | null,
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

export class ApiTokenStore {
  private readonly insert;
  private readonly listJson;
  private readonly activeOwned;
  private readonly revokeOwned;
  private readonly markReplaced;
  private readonly credential;
  private readonly touch;
  private readonly revocation;

  constructor(private readonly db: Db) {
    this.insert = db.prepare<[string, string, string, string, Buffer, string, string | null]>(
      `INSERT INTO api_tokens (id, user_id, name, prefix, token_digest, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    // Serialized to JSON by SQLite from the covering index: with 10,000 tokens this
    // is several times faster than building 10,000 objects and stringifying them.
    this.listJson = db
      .prepare<[string], string>(
        `SELECT json_group_array(json_object(
           'id', id, 'name', name, 'prefix', prefix,
           'createdAt', created_at, 'expiresAt', expires_at, 'lastUsedAt', last_used_at))
         FROM (SELECT id, name, prefix, created_at, expires_at, last_used_at FROM api_tokens
               WHERE user_id = ? AND revoked_at IS NULL ORDER BY created_at DESC, id DESC)`,
      )
      .pluck();
    this.activeOwned = db.prepare<
      [string, string],
      { name: string; created_at: string; expires_at: string | null }
    >(
      'SELECT name, created_at, expires_at FROM api_tokens WHERE id = ? AND user_id = ? AND revoked_at IS NULL',
    );
    this.revokeOwned = db.prepare<[string, Revocation['reason'], string, string]>(
      `UPDATE api_tokens SET revoked_at = ?, revoked_reason = ?
       WHERE id = ? AND user_id = ? AND revoked_at IS NULL`,
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
        `SELECT t.id, t.expires_at, t.last_used_at, t.revoked_at, u.id, u.email, u.name, u.created_at
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

  /** The user's live (unrevoked) tokens, newest first, as a JSON array of `ApiToken`. */
  listForUserAsJson(userId: string): string {
    return this.listJson.get(userId) ?? '[]';
  }

  /** Revokes one of the user's live tokens; false if it is not theirs or already revoked. */
  revoke(userId: string, id: string, now: number): boolean {
    return this.revokeOwned.run(toTimestamp(now), 'revoked', id, userId).changes === 1;
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
   * counted from now, capped at `maxLifetimeMs`) and revokes the original, atomically.
   * Null if the token is not the user's or already revoked.
   */
  rotate(userId: string, id: string, now: number, maxLifetimeMs: number): IssuedApiToken | null {
    return this.db.transaction(() => {
      const old = this.activeOwned.get(id, userId);
      if (!old) return null;
      const lifetime =
        old.expires_at === null ? null : Date.parse(old.expires_at) - Date.parse(old.created_at);
      const expiresAt = lifetime === null ? null : now + Math.min(lifetime, maxLifetimeMs);
      const issued = this.issue({ userId, name: old.name, expiresAt, now });
      this.revokeOwned.run(toTimestamp(now), 'rotated', id, userId);
      this.markReplaced.run(issued.id, id);
      return issued;
    })();
  }

  findCredential(secret: string): TokenCredential | null {
    const row = this.credential.get(digestSecret(secret));
    if (!row) return null;
    const [id, expiresAt, lastUsedAt, revokedAt, userId, email, name, createdAt] = row;
    return { id, user: { id: userId, email, name, createdAt }, expiresAt, lastUsedAt, revokedAt };
  }

  recordUse(id: string, now: number): void {
    this.touch.run(toTimestamp(now), id);
  }
}
