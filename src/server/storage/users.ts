import { randomUUID } from 'node:crypto';
import type { User } from '../../shared/api-schemas.js';
import type { Db } from './database.js';
import { toTimestamp } from './timestamps.js';

/** The columns that make a `User`, for queries that join `users u` to something else. */
export const USER_COLUMNS =
  'u.id AS user_id, u.email AS user_email, u.name AS user_name, u.created_at AS user_created_at';

export interface UserColumns {
  user_id: string;
  user_email: string;
  user_name: string | null;
  user_created_at: string;
}

export function userFrom(row: UserColumns): User {
  return {
    id: row.user_id,
    email: row.user_email,
    name: row.user_name,
    createdAt: row.user_created_at,
  };
}

export interface UserWithPassword {
  user: User;
  passwordHash: string;
}

export class UserStore {
  private readonly insert;
  private readonly byEmail;
  private readonly insertOrganization;
  private readonly insertMember;

  constructor(private readonly db: Db) {
    this.insert = db.prepare<[string, string, string | null, string, string]>(
      'INSERT INTO users (id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    this.byEmail = db.prepare<[string], UserColumns & { password_hash: string }>(
      `SELECT ${USER_COLUMNS}, u.password_hash FROM users u WHERE u.email = ?`,
    );
    this.insertOrganization = db.prepare<[string, string, string]>(
      'INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?)',
    );
    this.insertMember = db.prepare<[string, string, string]>(
      'INSERT INTO organization_members (organization_id, user_id, role) VALUES (?, ?, ?)',
    );
  }

  /**
   * Creates the account and its personal organization in one transaction.
   * Returns null when the email is already registered.
   */
  create(input: {
    email: string;
    name: string | null;
    passwordHash: string;
    now: number;
  }): User | null {
    const user: User = {
      id: randomUUID(),
      email: input.email,
      name: input.name,
      createdAt: toTimestamp(input.now),
    };
    try {
      this.db.transaction(() => {
        this.insert.run(user.id, user.email, user.name, input.passwordHash, user.createdAt);
        const organizationId = randomUUID();
        this.insertOrganization.run(
          organizationId,
          `${input.name ?? input.email}'s organization`,
          user.createdAt,
        );
        this.insertMember.run(organizationId, user.id, 'owner');
      })();
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
    return user;
  }

  findByEmail(email: string): UserWithPassword | null {
    const row = this.byEmail.get(email);
    return row ? { user: userFrom(row), passwordHash: row.password_hash } : null;
  }
}

function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    error.code === 'SQLITE_CONSTRAINT_UNIQUE'
  );
}
