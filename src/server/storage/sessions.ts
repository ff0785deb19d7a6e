import { randomUUID } from 'node:crypto';
import type { User } from '../../shared/api-schemas.js';
import { digestSecret, generateSecret } from '../auth/secrets.js';
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

  constructor(db: Db) {
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

  findCredential(secret: string): SessionCredential | null {
    const row = this.credential.get(digestSecret(secret));
    return row
      ? { id: row.id, user: userFrom(row), expiresAt: row.expires_at, revokedAt: row.revoked_at }
      : null;
  }

  revoke(userId: string, id: string, now: number): boolean {
    return this.revokeOwned.run(toTimestamp(now), id, userId).changes === 1;
  }
}
