import { randomUUID } from 'node:crypto';
import type { User } from '../../../shared/api-schemas.js';
import { CredentialCache } from '../../auth/credential-cache.js';
import { digestKey, digestSecret, generateSecret } from '../../auth/secrets.js';
import { sql, type Queryable } from '../../storage/sql.js';
import { toTimestamp } from '../../storage/timestamps.js';
import { USER_COLUMNS, userFrom, type UserColumns } from '../users/store.js';

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

const INSERT = sql(
  'INSERT INTO sessions (id, user_id, token_digest, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
);
const CREDENTIAL = sql(
  `SELECT s.id, s.expires_at, s.revoked_at, ${USER_COLUMNS}
   FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_digest = ?`,
);
const REVOKE_OWNED = sql(
  'UPDATE sessions SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL',
);

export class SessionStore {
  constructor(
    private readonly db: Queryable,
    /** Live sessions by digest; sign-out invalidates, expiry is checked on every hit. */
    readonly cache: CredentialCache<SessionCredential> = new CredentialCache(),
  ) {}

  async create(
    userId: string,
    now: number,
    lifetimeMs: number,
  ): Promise<{ id: string; secret: string; expiresAt: string }> {
    const id = randomUUID();
    const secret = generateSecret('session');
    const expiresAt = toTimestamp(now + lifetimeMs);
    await this.db.run(INSERT, [id, userId, digestSecret(secret), toTimestamp(now), expiresAt]);
    return { id, secret, expiresAt };
  }

  /**
   * The session behind `secret`: straight from the cache on a hit (no promise, the hot
   * path), else read and cached if live at `now`.
   */
  findCredential(
    secret: string,
    now: number,
  ): SessionCredential | null | Promise<SessionCredential | null> {
    const key = digestKey(secret);
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    return this.read(key, now);
  }

  private async read(key: string, now: number): Promise<SessionCredential | null> {
    const version = this.cache.version;
    const row = await this.db.get<CredentialRow>(CREDENTIAL, [Buffer.from(key, 'base64')]);
    if (!row) return null;
    const session: SessionCredential = {
      id: row.id,
      user: userFrom(row),
      expiresAt: row.expires_at,
      revokedAt: row.revoked_at,
    };
    if (session.revokedAt === null && Date.parse(session.expiresAt) > now) {
      this.cache.set(key, session, version);
    }
    return session;
  }

  async revoke(userId: string, id: string, now: number): Promise<boolean> {
    this.cache.invalidate(id);
    const changed = await this.db.run(REVOKE_OWNED, [toTimestamp(now), id, userId]);
    return changed === 1;
  }
}
