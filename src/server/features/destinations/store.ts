/**
 * Where each token was sent: provider, host, target, secret or variable name, and
 * when it was first and last pushed there. Never a secret. One row per place: the
 * target is stored as canonical JSON so the unique index recognises the same place
 * however a client ordered its keys.
 */
import { randomUUID } from 'node:crypto';
import {
  MAX_DESTINATIONS_PER_TOKEN,
  type Destination,
  type DestinationInput,
  type DestinationTarget,
} from '../../../shared/ci-destinations.js';
import {
  dialects,
  isUniqueViolation,
  sql,
  type Param,
  type Queryable,
  type Statement,
} from '../../storage/sql.js';
import { toTimestamp } from '../../storage/timestamps.js';

interface DestinationRow {
  id: string;
  provider: Destination['provider'];
  host: string;
  target: string;
  name: string;
  first_pushed_at: string;
  last_pushed_at: string;
}

export type UpsertResult =
  | { outcome: 'created' | 'updated'; destination: Destination }
  | { outcome: 'too_many' }
  | { outcome: 'not_found' }
  | { outcome: 'conflict' }
  | { outcome: 'replaced'; graceEndsAt: string };

/** Records an event in the same transaction as the change it describes. */
export type RecordIn = (destination: Destination, tx: Queryable) => Promise<void>;

/** The target as JSON with its keys in one fixed order per kind. */
export function canonicalTarget(target: DestinationTarget): string {
  switch (target.kind) {
    case 'repository':
      return JSON.stringify({ kind: target.kind, owner: target.owner, repo: target.repo });
    case 'environment':
      return JSON.stringify({
        kind: target.kind,
        owner: target.owner,
        repo: target.repo,
        environment: target.environment,
      });
    case 'organization':
      return JSON.stringify({ kind: target.kind, org: target.org, visibility: target.visibility });
    case 'project':
    case 'group':
      return JSON.stringify({
        kind: target.kind,
        path: target.path,
        environmentScope: target.environmentScope,
      });
  }
}

function toDestination(row: DestinationRow): Destination {
  return {
    id: row.id,
    provider: row.provider,
    host: row.host,
    target: JSON.parse(row.target) as DestinationTarget,
    name: row.name,
    firstPushedAt: row.first_pushed_at,
    lastPushedAt: row.last_pushed_at,
  };
}

const COLUMNS = 'id, provider, host, target, name, first_pushed_at, last_pushed_at';

/**
 * A place's insert that its unique index refused although no row has the same columns:
 * on PostgreSQL the index keys host and target by md5 (schema 4), so two different places
 * of one token whose digests collide cannot both be kept. Thrown out of the transaction
 * (which rolls back) and answered as the `conflict` outcome.
 */
class PlaceIndexConflict extends Error {}

/** Inserts a place (token_destinations or tracked_token_destinations) inside `tx`. */
export async function insertPlace(
  tx: Queryable,
  statement: Statement,
  params: readonly Param[],
): Promise<void> {
  try {
    await tx.run(statement, params);
  } catch (error) {
    if (isUniqueViolation(error)) throw new PlaceIndexConflict();
    throw error;
  }
}

/** A place transaction's answer, with an index conflict as the `conflict` outcome. */
export async function orPlaceConflict<T>(work: Promise<T>): Promise<T | { outcome: 'conflict' }> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof PlaceIndexConflict) return { outcome: 'conflict' };
    throw error;
  }
}

// Oldest first; the insertion order breaks ties (rows were recorded, or copied, in it).
const BY_TOKEN = dialects(
  `SELECT ${COLUMNS} FROM token_destinations WHERE token_id = ? ORDER BY first_pushed_at, rowid`,
  `SELECT ${COLUMNS} FROM token_destinations WHERE token_id = ? ORDER BY first_pushed_at, seq`,
);
const FIND_PLACE = sql(
  `SELECT ${COLUMNS} FROM token_destinations
   WHERE token_id = ? AND provider = ? AND host = ? AND target = ? AND name = ?`,
);
// The larger of the two: a clock step backwards never makes a place look pushed earlier.
const TOUCH = dialects(
  'UPDATE token_destinations SET last_pushed_at = max(last_pushed_at, ?) WHERE id = ?',
  'UPDATE token_destinations SET last_pushed_at = greatest(last_pushed_at, ?) WHERE id = ?',
);
const COUNT = sql('SELECT count(*) AS n FROM token_destinations WHERE token_id = ?');
// The token, live and the user's, read inside the change's transaction (a rotation or a
// revoke may have committed since the route looked). PostgreSQL also locks its row:
// concurrent changes to one token's places (from any instance) take turns, always token
// row first, then destination rows. SQLite's BEGIN IMMEDIATE already serializes them.
const LIVE_TOKEN = dialects(
  `SELECT grace_ends_at FROM api_tokens
   WHERE id = ? AND user_id = ? AND revoked_at IS NULL
     AND (grace_ends_at IS NULL OR grace_ends_at > ?)`,
  `SELECT grace_ends_at FROM api_tokens
   WHERE id = ? AND user_id = ? AND revoked_at IS NULL
     AND (grace_ends_at IS NULL OR grace_ends_at > ?) FOR UPDATE`,
);
const INSERT = sql(
  `INSERT INTO token_destinations
     (id, token_id, provider, host, target, name, first_pushed_at, last_pushed_at)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
);
const REMOVE_ONE = sql(
  `DELETE FROM token_destinations WHERE id = ? AND token_id = ? RETURNING ${COLUMNS}`,
);

export class DestinationStore {
  constructor(private readonly db: Queryable) {}

  /** The token's destinations, oldest first. The caller checks the token is the user's. */
  async list(tokenId: string): Promise<Destination[]> {
    return (await this.db.all<DestinationRow>(BY_TOKEN, [tokenId])).map(toDestination);
  }

  async countFor(tokenId: string, q: Queryable = this.db): Promise<number> {
    return (await q.get<{ n: number }>(COUNT, [tokenId]))?.n ?? 0;
  }

  /**
   * Records a push to `input` (already checked and canonical) for the user's live token:
   * a new row, or the same place's row with lastPushedAt moved to now. One transaction
   * that holds the token's row, so concurrent pushes (from any process) cannot both
   * insert nor pass the limit together, and a token that a rotation replaced (or a revoke
   * ended) meanwhile is not given a place its replacement would lack. `onCreated` records
   * the event in the same transaction.
   */
  upsert(
    tokenId: string,
    userId: string,
    input: DestinationInput,
    now: number,
    onCreated?: RecordIn,
  ): Promise<UpsertResult> {
    const target = canonicalTarget(input.target);
    const at = toTimestamp(now);
    const place = [tokenId, input.provider, input.host, target, input.name];
    return orPlaceConflict(
      this.db.transaction(async (tx): Promise<UpsertResult> => {
        const token = await tx.get<{ grace_ends_at: string | null }>(LIVE_TOKEN, [
          tokenId,
          userId,
          at,
        ]);
        if (!token) return { outcome: 'not_found' };
        if (token.grace_ends_at !== null) {
          return { outcome: 'replaced', graceEndsAt: token.grace_ends_at };
        }
        const existing = await tx.get<DestinationRow>(FIND_PLACE, place);
        if (existing) {
          await tx.run(TOUCH, [at, existing.id]);
          const updated = (await tx.get<DestinationRow>(FIND_PLACE, place)) as DestinationRow;
          return { outcome: 'updated', destination: toDestination(updated) };
        }
        if ((await this.countFor(tokenId, tx)) >= MAX_DESTINATIONS_PER_TOKEN) {
          return { outcome: 'too_many' };
        }
        const id = randomUUID();
        await insertPlace(tx, INSERT, [
          id,
          tokenId,
          input.provider,
          input.host,
          target,
          input.name,
          at,
          at,
        ]);
        const destination: Destination = {
          id,
          ...input,
          target: JSON.parse(target) as DestinationTarget,
          firstPushedAt: at,
          lastPushedAt: at,
        };
        await onCreated?.(destination, tx);
        return { outcome: 'created', destination };
      }),
    );
  }

  /**
   * Removes one destination of the user's live token and returns it: null if the token
   * has none such, `not_found` if the token is not (or no longer) live. Token row first,
   * as in `upsert`, so the two cannot deadlock; `onRemoved` records the event with it.
   */
  remove(
    tokenId: string,
    userId: string,
    destinationId: string,
    now: number,
    onRemoved?: RecordIn,
  ): Promise<Destination | null | 'not_found'> {
    return this.db.transaction(async (tx) => {
      if (!(await tx.get(LIVE_TOKEN, [tokenId, userId, toTimestamp(now)]))) return 'not_found';
      const row = await tx.get<DestinationRow>(REMOVE_ONE, [destinationId, tokenId]);
      if (!row) return null;
      const destination = toDestination(row);
      await onRemoved?.(destination, tx);
      return destination;
    });
  }

  /**
   * Gives `toTokenId` the same places as `fromTokenId`, with the same push times (the
   * replacement of a rotation), inside the rotation's transaction `q`. Returns how many.
   */
  async copy(fromTokenId: string, toTokenId: string, q: Queryable): Promise<number> {
    const rows = await q.all<DestinationRow>(BY_TOKEN, [fromTokenId]);
    for (const row of rows) {
      await q.run(INSERT, [
        randomUUID(),
        toTokenId,
        row.provider,
        row.host,
        row.target,
        row.name,
        row.first_pushed_at,
        row.last_pushed_at,
      ]);
    }
    return rows.length;
  }
}
