import { randomUUID } from 'node:crypto';
import type { User } from '../../shared/api-schemas.js';
import { CredentialCache } from '../auth/credential-cache.js';
import { digestKey, digestSecret, generateSecret } from '../auth/secrets.js';
import type { Db } from './database.js';
import { toTimestamp } from './timestamps.js';
import { USER_COLUMNS, userFrom, type UserColumns } from './users.js';

export interface SessionCredential {
  id: string;
  user: User;
  expiresAt: string;
  revokedAt: string | null;
}

interface CredentialRow extends UserColumns {
  id: string;
  expires_at: string;
  revoked_at: string | null;
}

export class SessionStore {
  private readonly insert;
  private readonly credential;
  private readonly revokeOwned;

  constructor(
    db: Db,
    /** Live sessions by digest; sign-out invalidates, expiry is checked on every hit. */
    readonly cache: CredentialCache<SessionCredential> = new CredentialCache(),
  ) {
    this.insert = db.prepare<[string, string, Buffer, string, string]>(
      'INSERT INTO sessions (id, user_id, token_digest, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
    );
    this.credential = db.prepare<[Buffer], CredentialRow>(
      `SELECT s.id, s.expires_at, s.revoked_at, ${USER_COLUMNS}
       FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_digest = ?`,
    );
    this.revokeOwned = db.prepare<[string, string, string]>(
      'UPDATE sessions SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL',
    );
  }

  create(
    userId: string,
    now: number,
    lifetimeMs: number,
  ): { id: string; secret: string; expiresAt: string } {
    const id = randomUUID();
    const secret = generateSecret('session');
    const expiresAt = toTimestamp(now + lifetimeMs);
    this.insert.run(id, userId, digestSecret(secret), toTimestamp(now), expiresAt);
    return { id, secret, expiresAt };
  }

  /** The session behind `secret`, from the cache or read and cached if live at `now`. */
  findCredential(secret: string, now: number): SessionCredential | null {
    const key = digestKey(secret);
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const row = this.credential.get(Buffer.from(key, 'base64'));
    if (!row) return null;
    const session: SessionCredential = {
      id: row.id,
      user: userFrom(row),
      expiresAt: row.expires_at,
      revokedAt: row.revoked_at,
    };
    if (session.revokedAt === null && Date.parse(session.expiresAt) > now) {
      this.cache.set(key, session);
    }
    return session;
  }

  revoke(userId: string, id: string, now: number): boolean {
    this.cache.invalidate(id);
    return this.revokeOwned.run(toTimestamp(now), id, userId).changes === 1;
  }
}
