import { randomUUID } from 'node:crypto';
import type { User } from '../../../shared/api-schemas.js';
import { dialects, isUniqueViolation, sql, type Queryable } from '../../storage/sql.js';
import { toTimestamp } from '../../storage/timestamps.js';

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

const INSERT = sql(
  'INSERT INTO users (id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)',
);
// SQLite compares with the column's NOCASE collation; PostgreSQL through lower(email),
// which its unique index covers.
const BY_EMAIL = dialects(
  `SELECT ${USER_COLUMNS}, u.password_hash FROM users u WHERE u.email = ?`,
  `SELECT ${USER_COLUMNS}, u.password_hash FROM users u WHERE lower(u.email) = lower(?)`,
);
const INSERT_ORGANIZATION = sql(
  'INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?)',
);
const INSERT_MEMBER = sql(
  'INSERT INTO organization_members (organization_id, user_id, role) VALUES (?, ?, ?)',
);

export class UserStore {
  constructor(private readonly db: Queryable) {}

  /**
   * Creates the account and its personal organization in one transaction.
   * Returns null when the email is already registered.
   */
  async create(input: {
    email: string;
    name: string | null;
    passwordHash: string;
    now: number;
  }): Promise<User | null> {
    const user: User = {
      id: randomUUID(),
      email: input.email,
      name: input.name,
      createdAt: toTimestamp(input.now),
    };
    try {
      await this.db.transaction(async (tx) => {
        await tx.run(INSERT, [user.id, user.email, user.name, input.passwordHash, user.createdAt]);
        const organizationId = randomUUID();
        await tx.run(INSERT_ORGANIZATION, [
          organizationId,
          `${input.name ?? input.email}'s organization`,
          user.createdAt,
        ]);
        await tx.run(INSERT_MEMBER, [organizationId, user.id, 'owner']);
      });
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
    return user;
  }

  async findByEmail(email: string): Promise<UserWithPassword | null> {
    const row = await this.db.get<UserColumns & { password_hash: string }>(BY_EMAIL, [email]);
    return row ? { user: userFrom(row), passwordHash: row.password_hash } : null;
  }
}
