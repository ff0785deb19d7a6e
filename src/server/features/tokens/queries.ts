/**
 * The token feature's SQL, both dialects, named by what each statement does. Read and run
 * only through repository.ts; which ones run together in a transaction is domain.ts's and
 * credentials.ts's business.
 */
import { dialects, sql } from '../../storage/sql.js';
import { USER_COLUMNS } from '../users/store.js';

export const INSERT = sql(
  `INSERT INTO api_tokens (id, user_id, name, prefix, token_digest, created_at, expires_at)
   VALUES (?, ?, ?, ?, ?, ?, ?)`,
);
// The list, newest first, from the covering index. A token whose grace period has ended
// counts as revoked (the sweep may not have written revoked_at yet); destination_count is
// kept by triggers.
const LIST_COLUMNS = [
  ['id', 'id'],
  ['name', 'name'],
  ['prefix', 'prefix'],
  ['createdAt', 'created_at'],
  ['expiresAt', 'expires_at'],
  ['lastUsedAt', 'last_used_at'],
  ['lastUsedIp', 'last_used_ip'],
  ['lastUsedUserAgent', 'last_used_user_agent'],
  ['destinationCount', 'destination_count'],
  ['replacedById', 'replaced_by_id'],
  ['graceEndsAt', 'grace_ends_at'],
] as const;
const LIST_FROM = `FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL
  AND (grace_ends_at IS NULL OR grace_ends_at > ?) ORDER BY created_at DESC, id DESC`;
// SQLite serializes it to JSON itself: with 10,000 tokens several times faster than
// 10,000 row objects stringified. PostgreSQL's json_build_object/json_agg took 43 ms for
// 10,000 there; rows already named and ordered as ApiToken's fields, stringified as they
// come, take 24 ms.
export const LIST = dialects(
  `SELECT json_group_array(json_object(
     ${LIST_COLUMNS.map(([key, column]) => `'${key}', ${column}`).join(', ')})) AS list
   FROM (SELECT ${LIST_COLUMNS.map(([, column]) => column).join(', ')} ${LIST_FROM})`,
  `SELECT ${LIST_COLUMNS.map(([key, column]) => `${column} AS "${key}"`).join(', ')} ${LIST_FROM}`,
);
// Locks the row in PostgreSQL: two rotations of one token (on any instances) take turns,
// and the second finds it already replaced.
export const ACTIVE_OWNED = dialects(
  `SELECT name, created_at, expires_at, grace_ends_at FROM api_tokens
   WHERE id = ? AND user_id = ? AND revoked_at IS NULL`,
  `SELECT name, created_at, expires_at, grace_ends_at FROM api_tokens
   WHERE id = ? AND user_id = ? AND revoked_at IS NULL FOR UPDATE`,
);
// PostgreSQL, before a revoke changes anything: the rows of the asked tokens and of every
// token they replaced (their grace ends with them), the caller's own only, locked in id
// order, so overlapping revokes (on any instances) queue instead of deadlocking. The
// owner is in every condition: naming another account's id locks nothing.
export const LOCK_CHAINS = sql(
  `WITH RECURSIVE chain(id) AS (
     SELECT id FROM api_tokens
      WHERE user_id = ? AND id IN (SELECT jsonb_array_elements_text(?::jsonb))
     UNION
     SELECT t.id FROM api_tokens t JOIN chain c ON t.replaced_by_id = c.id WHERE t.user_id = ?
   )
   SELECT id FROM api_tokens WHERE user_id = ? AND id IN (SELECT id FROM chain)
   ORDER BY id FOR UPDATE`,
);
export const LIVE = sql(
  `SELECT grace_ends_at FROM api_tokens
   WHERE id = ? AND user_id = ? AND revoked_at IS NULL
     AND (grace_ends_at IS NULL OR grace_ends_at > ?)`,
);
// A token already replaced (grace running) keeps 'rotated' as its reason when it is
// revoked early; one whose grace has ended is already revoked, so it is not found.
export const REVOKE_OWNED = sql(
  `UPDATE api_tokens SET revoked_at = ?, revoked_reason = coalesce(revoked_reason, ?)
   WHERE id = ? AND user_id = ? AND revoked_at IS NULL
     AND (grace_ends_at IS NULL OR grace_ends_at > ?)`,
);
export const START_GRACE = sql(
  `UPDATE api_tokens SET replaced_by_id = ?, grace_ends_at = ?, revoked_reason = 'rotated'
   WHERE id = ?`,
);
// Writes down what the grace check already enforces, so ended grace tokens leave the
// token list's index. Housekeeping only: nothing depends on it having run. Each ended
// grace is written down with its token.revoked event (actor: the service).
export const ENDED_GRACES = sql(
  `SELECT id, user_id, grace_ends_at, replaced_by_id FROM api_tokens
   WHERE revoked_at IS NULL AND grace_ends_at IS NOT NULL AND grace_ends_at <= ?`,
);
// The same for one account, inside that account's own requests: a request never writes
// (or locks) another account's rows.
export const ENDED_GRACES_OF_USER = sql(
  `SELECT id, user_id, grace_ends_at, replaced_by_id FROM api_tokens
   WHERE user_id = ? AND revoked_at IS NULL AND grace_ends_at IS NOT NULL
     AND grace_ends_at <= ?`,
);
// A revoked token takes with it the grace of every token it replaced, however far back
// the chain goes (G → G1 → G2: revoking G2 ends G1's and G's): otherwise revoking "the
// token" would leave an old (perhaps leaked) one working for up to a week. The walk goes
// through predecessors already revoked, since an older grace can outlast a newer one.
export const PREDECESSORS_IN_GRACE = sql(
  `WITH RECURSIVE chain(id) AS (
     SELECT id FROM api_tokens WHERE replaced_by_id = ? AND user_id = ?
     UNION
     SELECT t.id FROM api_tokens t JOIN chain c ON t.replaced_by_id = c.id WHERE t.user_id = ?
   )
   SELECT id FROM api_tokens
    WHERE id IN (SELECT id FROM chain) AND revoked_at IS NULL AND grace_ends_at IS NOT NULL
    ORDER BY created_at DESC, id DESC`,
);
// 'revoked', not 'rotated': its 401 must not send people to a replacement that is gone.
export const END_GRACE_NOW = sql(
  `UPDATE api_tokens SET revoked_at = ?, grace_ends_at = ?, revoked_reason = 'revoked'
   WHERE id = ? AND revoked_at IS NULL`,
);
export const END_GRACE = sql(
  'UPDATE api_tokens SET revoked_at = grace_ends_at WHERE id = ? AND revoked_at IS NULL',
);
// Only on the way to a 401, never on the authentication hot path.
export const REVOCATION = sql(
  `SELECT t.name, t.revoked_reason, r.prefix AS replacement_prefix
   FROM api_tokens t LEFT JOIN api_tokens r ON r.id = t.replaced_by_id WHERE t.id = ?`,
);
export const MARK_REPLACED = sql('UPDATE api_tokens SET replaced_by_id = ? WHERE id = ?');
export const CREDENTIAL = sql(
  `SELECT t.id, t.expires_at, t.last_used_at, t.last_used_ip, t.revoked_at, t.grace_ends_at,
          ${USER_COLUMNS}
   FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_digest = ?`,
);
export const TOUCH = sql(
  'UPDATE api_tokens SET last_used_at = ?, last_used_ip = ?, last_used_user_agent = ? WHERE id = ?',
);
// The once-a-minute write, only if no one wrote it within the minute: requests that find
// it due at the same moment (on any instance) write it once.
export const TOUCH_IF_DUE = sql(
  `UPDATE api_tokens SET last_used_at = ?, last_used_ip = ?, last_used_user_agent = ?
   WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)`,
);
// Only the first writer of a first use records token.first_used.
export const TOUCH_FIRST = sql(
  `UPDATE api_tokens SET last_used_at = ?, last_used_ip = ?, last_used_user_agent = ?
   WHERE id = ? AND last_used_at IS NULL`,
);
export const SEEN_ADDRESS = sql(
  'SELECT 1 AS seen FROM token_addresses WHERE token_id = ? AND address = ?',
);
// Room for one more remembered address, taken on the token's row before the address row
// is written: in PostgreSQL the row lock makes concurrent requests (on any instances)
// take turns, so the count never passes the limit.
export const TAKE_ADDRESS_ROOM = sql(
  'UPDATE api_tokens SET address_count = address_count + 1 WHERE id = ? AND address_count < ?',
);
export const GIVE_BACK_ADDRESS_ROOM = sql(
  'UPDATE api_tokens SET address_count = address_count - 1 WHERE id = ?',
);
export const ADD_ADDRESS = sql(
  `INSERT INTO token_addresses (token_id, address, first_seen_at) VALUES (?, ?, ?)
   ON CONFLICT DO NOTHING`,
);
// Past the limit: counted, unless another request remembered it meanwhile.
export const COUNT_BEYOND_LIMIT = sql(
  `UPDATE api_tokens SET addresses_beyond_limit = addresses_beyond_limit + 1
   WHERE id = ? AND NOT EXISTS
     (SELECT 1 FROM token_addresses WHERE token_id = ? AND address = ?)`,
);
// One of the hour's token.used_from_new_address events, if any is left: the hour starts
// at its first event. Conditional, so concurrent requests (on any instances) share it.
export const TAKE_ADDRESS_EVENT = sql(
  `UPDATE api_tokens SET
     address_events_since = CASE WHEN address_events_since IS NULL OR address_events_since <= ?
                                 THEN ? ELSE address_events_since END,
     address_events = CASE WHEN address_events_since IS NULL OR address_events_since <= ?
                           THEN 1 ELSE address_events + 1 END
   WHERE id = ? AND (address_events_since IS NULL OR address_events_since <= ?
                     OR address_events < ?)
   RETURNING address_events, address_events_since`,
);
export const USAGE = sql(
  `SELECT ${LIST_COLUMNS.map(([key, column]) => `${column} AS "${key}"`).join(', ')},
          addresses_beyond_limit
   FROM api_tokens WHERE id = ? AND user_id = ? AND revoked_at IS NULL
     AND (grace_ends_at IS NULL OR grace_ends_at > ?)`,
);
export const ADDRESSES = sql(
  `SELECT address, first_seen_at AS "firstSeenAt" FROM token_addresses WHERE token_id = ?
   ORDER BY first_seen_at DESC, address LIMIT ?`,
);
// An upper bound of the account's unrevoked tokens, kept by a trigger on every insert
// (schema version 7): below the limit no token needs counting. Read after the insert, in
// PostgreSQL under the row lock the trigger's update took, so creations of one account
// (on any instances) are counted one after another.
export const ISSUED_TOKENS = sql('SELECT issued_tokens FROM users WHERE id = ?');
// Live as the token list and authentication see it: unrevoked, grace not over, unexpired.
// Only for an account that has issued more than the limit: its cost grows with the
// account's unrevoked tokens (2 ms at 10,000 here).
export const COUNT_LIVE = sql(
  `SELECT count(*) AS n FROM api_tokens
   WHERE user_id = ? AND revoked_at IS NULL AND (grace_ends_at IS NULL OR grace_ends_at > ?)
     AND (expires_at IS NULL OR expires_at > ?)`,
);
export const REFUSED_AT = sql('SELECT refused_event_at FROM api_tokens WHERE id = ?');
export const MARK_REFUSED = sql(
  `UPDATE api_tokens SET refused_event_at = ?
   WHERE id = ? AND (refused_event_at IS NULL OR refused_event_at <= ?)`,
);
export const EXPIRED_PENDING = sql(
  `SELECT id, user_id, expires_at FROM api_tokens
   WHERE revoked_at IS NULL AND expires_at IS NOT NULL AND expiry_recorded = 0
     AND expires_at <= ?
   ORDER BY expires_at LIMIT ?`,
);
// Conditional, so two sweeps at once (two instances) record each expiry once.
export const MARK_EXPIRED = sql(
  'UPDATE api_tokens SET expiry_recorded = 1 WHERE id = ? AND expiry_recorded = 0',
);
