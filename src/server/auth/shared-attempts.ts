/**
 * Attempt windows kept in the database, so that several instances on one PostgreSQL
 * database count sign-in and sign-up attempts together: ten wrong passwords per address
 * and twenty per account per window, whichever instance each guess reached.
 *
 * Each instance still counts in memory first (failure-limiter.ts: synchronous, so a
 * burst on one connection stops exactly at the limit before anything is awaited); this
 * is the second, shared count. One upsert takes an attempt atomically under the row's
 * lock and returns the window as it now stands, so instances racing for the last
 * attempt cannot both get it. Keys are stored as SHA-256 digests: the table never holds
 * an email address.
 *
 * Unknown bearer tokens stay counted per instance only (docs/operations.md): every guess
 * would otherwise be a database write an attacker controls, and a token's 178 random
 * bits make guessing one hopeless however many instances count.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import { sql, type Queryable } from '../storage/sql.js';
import { toTimestamp } from '../storage/timestamps.js';
import type { FailureLimit } from './failure-limiter.js';

export type AttemptScope = 'sign-in-address' | 'sign-in-account' | 'sign-up-address';

const TAKE = sql(
  `INSERT INTO attempt_windows (scope, key_digest, ends_at, attempts) VALUES (?, ?, ?, 1)
   ON CONFLICT (scope, key_digest) DO UPDATE SET
     attempts = CASE WHEN attempt_windows.ends_at <= ? THEN 1
                     ELSE attempt_windows.attempts + 1 END,
     ends_at  = CASE WHEN attempt_windows.ends_at <= ? THEN excluded.ends_at
                     ELSE attempt_windows.ends_at END
   RETURNING attempts, ends_at`,
);
// Only in the window it was taken in: a window that ended meanwhile owes nothing.
const GIVE_BACK = sql(
  `UPDATE attempt_windows SET attempts = attempts - 1
   WHERE scope = ? AND key_digest = ? AND ends_at = ? AND attempts > 0`,
);
const PRUNE = sql('DELETE FROM attempt_windows WHERE ends_at <= ?');

/** One attempt taken in the shared count: admitted (wait 0) or not, and how to undo it. */
export interface SharedAttempt {
  retryAfterSeconds: number;
  giveBack(): Promise<void>;
}

export class SharedAttempts {
  constructor(
    private readonly db: Queryable,
    private readonly clock: Clock,
  ) {}

  /**
   * Counts one attempt for `key`. Over the limit, the attempt is given back at once (a
   * refused request is not an attempt) and the wait until the window ends is returned.
   */
  async take(scope: AttemptScope, key: string, limit: FailureLimit): Promise<SharedAttempt> {
    const now = this.clock.now();
    const at = toTimestamp(now);
    const digest = createHash('sha256').update(key).digest('hex');
    const row = await this.db.get<{ attempts: number; ends_at: string }>(TAKE, [
      scope,
      digest,
      toTimestamp(now + limit.windowMs),
      at,
      at,
    ]);
    if (!row) throw new Error('the attempt count returned no row');
    const giveBack = async () => {
      await this.db.run(GIVE_BACK, [scope, digest, row.ends_at]);
    };
    if (row.attempts <= limit.maxFailures) return { retryAfterSeconds: 0, giveBack };
    await giveBack();
    return {
      retryAfterSeconds: Math.max(1, Math.ceil((Date.parse(row.ends_at) - now) / 1000)),
      giveBack: async () => undefined,
    };
  }

  /** Forgets windows that have ended (housekeeping). */
  prune(now: number): Promise<number> {
    return this.db.run(PRUNE, [toTimestamp(now)]);
  }
}
