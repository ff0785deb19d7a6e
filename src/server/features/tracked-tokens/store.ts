/**
 * Other vendors' tokens an account tracks, and where each was pushed. Rows in and out,
 * one transaction per change with its event inside it. Never a token: the vendor's id
 * for it, its name and expiry only. Places are kept exactly as token_destinations keeps
 * our own tokens' (canonical target JSON, one row per place).
 *
 * Every change first takes the account's row (PostgreSQL: FOR NO KEY UPDATE, which
 * inserts elsewhere that only reference the account do not wait for), so concurrent
 * changes of one account, from any instance, take turns: two PUTs of the same token
 * make one record, and no two requests pass a limit together. SQLite's BEGIN IMMEDIATE
 * already serializes them. Lock order: account, then tracked token, then place rows.
 */
import { randomUUID } from 'node:crypto';
import {
  MAX_DESTINATIONS_PER_TOKEN,
  type Destination,
  type DestinationInput,
  type DestinationTarget,
} from '../../../shared/ci-destinations.js';
import {
  MAX_TRACKED_PLACES_PER_USER,
  MAX_TRACKED_TOKENS_PER_USER,
  type TrackedToken,
  type TrackedTokenChange,
  type TrackedTokenFilter,
  type TrackedTokenInput,
} from '../../../shared/tracked-tokens.js';
import { dialects, sql, type Param, type Queryable, type Statement } from '../../storage/sql.js';
import { toTimestamp } from '../../storage/timestamps.js';
import { canonicalTarget, insertPlace, orPlaceConflict } from '../destinations/store.js';

interface TrackedRow {
  id: string;
  vendor: TrackedToken['vendor'];
  host: string;
  external_id: string;
  name: string;
  expires_at: string | null;
  expiry_checked_at: string | null;
  created_at: string;
  updated_at: string;
}

/** A tracked token's row with one of its places (all null when it has none). */
interface JoinedRow extends TrackedRow {
  d_id: string | null;
  d_provider: Destination['provider'] | null;
  d_host: string | null;
  d_target: string | null;
  d_name: string | null;
  d_first_pushed_at: string | null;
  d_last_pushed_at: string | null;
}

interface PlaceRow {
  id: string;
  provider: Destination['provider'];
  host: string;
  target: string;
  name: string;
  first_pushed_at: string;
  last_pushed_at: string;
}

/** Records an event in the same transaction as the change it describes. */
export type RecordTracked = (token: TrackedToken, tx: Queryable) => Promise<void>;
export type RecordPlace = (place: Destination, token: TrackedToken, tx: Queryable) => Promise<void>;

export type TrackResult =
  { outcome: 'created' | 'updated'; token: TrackedToken } | { outcome: 'too_many' };

export type ChangeResult =
  { outcome: 'updated'; token: TrackedToken } | { outcome: 'not_found' } | { outcome: 'exists' };

export type PlaceResult =
  | { outcome: 'created' | 'updated'; destination: Destination }
  | { outcome: 'not_found' }
  | { outcome: 'too_many' }
  | { outcome: 'too_many_for_account' }
  | { outcome: 'conflict' };

const TOKEN_COLUMNS =
  't.id, t.vendor, t.host, t.external_id, t.name, t.expires_at, t.expiry_checked_at, t.created_at, t.updated_at';
const PLACE_COLUMNS = 'id, provider, host, target, name, first_pushed_at, last_pushed_at';

/**
 * The account's tracked tokens with their places, in one statement (one snapshot): oldest
 * token first, each one's places oldest first; insertion order breaks ties.
 */
function joined(where: string): Statement {
  const select = (order: string) =>
    `SELECT ${TOKEN_COLUMNS}, d.id AS d_id, d.provider AS d_provider, d.host AS d_host,
            d.target AS d_target, d.name AS d_name, d.first_pushed_at AS d_first_pushed_at,
            d.last_pushed_at AS d_last_pushed_at
       FROM tracked_tokens t
       LEFT JOIN tracked_token_destinations d ON d.tracked_token_id = t.id
      WHERE t.user_id = ?${where}
      ORDER BY ${order}`;
  return dialects(
    select('t.created_at, t.rowid, d.first_pushed_at, d.rowid'),
    select('t.created_at, t.seq, d.first_pushed_at, d.seq'),
  );
}
const LIST = {
  all: joined(''),
  vendor: joined(' AND t.vendor = ?'),
  host: joined(' AND t.host = ?'),
  both: joined(' AND t.vendor = ? AND t.host = ?'),
  one: joined(' AND t.id = ?'),
};

const LOCK_ACCOUNT = dialects(
  'SELECT id FROM users WHERE id = ?',
  'SELECT id FROM users WHERE id = ? FOR NO KEY UPDATE',
);
const FIND_IDENTITY = sql(
  `SELECT id FROM tracked_tokens
    WHERE user_id = ? AND vendor = ? AND host = ? AND external_id = ?`,
);
const FIND_OWN = sql(
  `SELECT ${TOKEN_COLUMNS} FROM tracked_tokens t WHERE t.id = ? AND t.user_id = ?`,
);
const COUNT_TOKENS = sql('SELECT count(*) AS n FROM tracked_tokens WHERE user_id = ?');
const INSERT_TOKEN = sql(
  `INSERT INTO tracked_tokens
     (id, user_id, vendor, host, external_id, name, expires_at, expiry_checked_at,
      created_at, updated_at)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
const UPDATE_TOKEN = sql(
  `UPDATE tracked_tokens
      SET external_id = ?, name = ?, expires_at = ?, expiry_checked_at = ?, updated_at = ?
    WHERE id = ?`,
);
const DELETE_TOKEN = sql('DELETE FROM tracked_tokens WHERE id = ? AND user_id = ?');

const FIND_PLACE = sql(
  `SELECT ${PLACE_COLUMNS} FROM tracked_token_destinations
    WHERE tracked_token_id = ? AND provider = ? AND host = ? AND target = ? AND name = ?`,
);
// The larger of the two: a clock step backwards never makes a place look pushed earlier.
const TOUCH_PLACE = dialects(
  'UPDATE tracked_token_destinations SET last_pushed_at = max(last_pushed_at, ?) WHERE id = ?',
  'UPDATE tracked_token_destinations SET last_pushed_at = greatest(last_pushed_at, ?) WHERE id = ?',
);
const COUNT_PLACES = sql(
  'SELECT count(*) AS n FROM tracked_token_destinations WHERE tracked_token_id = ?',
);
const COUNT_ACCOUNT_PLACES = sql(
  `SELECT count(*) AS n FROM tracked_token_destinations d
     JOIN tracked_tokens t ON t.id = d.tracked_token_id
    WHERE t.user_id = ?`,
);
const INSERT_PLACE = sql(
  `INSERT INTO tracked_token_destinations
     (id, tracked_token_id, provider, host, target, name, first_pushed_at, last_pushed_at)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
);
const REMOVE_PLACE = sql(
  `DELETE FROM tracked_token_destinations WHERE id = ? AND tracked_token_id = ?
   RETURNING ${PLACE_COLUMNS}`,
);

function toPlace(row: PlaceRow): Destination {
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

function toTracked(row: TrackedRow, places: Destination[]): TrackedToken {
  return {
    id: row.id,
    vendor: row.vendor,
    host: row.host,
    externalId: row.external_id,
    name: row.name,
    expiresAt: row.expires_at,
    expiryCheckedAt: row.expiry_checked_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    places,
  };
}

/** Joined rows (in order) folded into tokens, each with its places in order. */
function fold(rows: readonly JoinedRow[]): TrackedToken[] {
  const tokens: TrackedToken[] = [];
  let current: TrackedToken | undefined;
  for (const row of rows) {
    if (current?.id !== row.id) {
      current = toTracked(row, []);
      tokens.push(current);
    }
    if (row.d_id !== null) {
      current.places.push(
        toPlace({
          id: row.d_id,
          provider: row.d_provider as Destination['provider'],
          host: row.d_host as string,
          target: row.d_target as string,
          name: row.d_name as string,
          first_pushed_at: row.d_first_pushed_at as string,
          last_pushed_at: row.d_last_pushed_at as string,
        }),
      );
    }
  }
  return tokens;
}

export class TrackedTokenStore {
  constructor(private readonly db: Queryable) {}

  /** The account's tracked tokens with their places, oldest first. */
  async list(userId: string, filter: TrackedTokenFilter = {}): Promise<TrackedToken[]> {
    const { vendor, host } = filter;
    const [statement, params]: [Statement, Param[]] =
      vendor !== undefined && host !== undefined
        ? [LIST.both, [userId, vendor, host]]
        : vendor !== undefined
          ? [LIST.vendor, [userId, vendor]]
          : host !== undefined
            ? [LIST.host, [userId, host]]
            : [LIST.all, [userId]];
    return fold(await this.db.all<JoinedRow>(statement, params));
  }

  private async one(userId: string, id: string, q: Queryable): Promise<TrackedToken | undefined> {
    return fold(await q.all<JoinedRow>(LIST.one, [userId, id]))[0];
  }

  /**
   * Records a token (already checked and canonical) by (vendor, host, externalId): a new
   * record, or the existing one with its name and whichever of its expiry fields were
   * given. `onCreated` records the event of a new one in the same transaction.
   */
  track(
    userId: string,
    input: TrackedTokenInput,
    now: number,
    onCreated?: RecordTracked,
  ): Promise<TrackResult> {
    const at = toTimestamp(now);
    return this.db.transaction(async (tx): Promise<TrackResult> => {
      await tx.get(LOCK_ACCOUNT, [userId]);
      const found = await tx.get<{ id: string }>(FIND_IDENTITY, [
        userId,
        input.vendor,
        input.host,
        input.externalId,
      ]);
      if (found) {
        const token = await this.change(userId, found.id, input, at, tx);
        return { outcome: 'updated', token: token as TrackedToken };
      }
      const count = (await tx.get<{ n: number }>(COUNT_TOKENS, [userId]))?.n ?? 0;
      if (count >= MAX_TRACKED_TOKENS_PER_USER) return { outcome: 'too_many' };
      const id = randomUUID();
      await tx.run(INSERT_TOKEN, [
        id,
        userId,
        input.vendor,
        input.host,
        input.externalId,
        input.name,
        input.expiresAt ?? null,
        input.expiryCheckedAt ?? null,
        at,
        at,
      ]);
      const token = toTracked(
        {
          id,
          vendor: input.vendor,
          host: input.host,
          external_id: input.externalId,
          name: input.name,
          expires_at: input.expiresAt ?? null,
          expiry_checked_at: input.expiryCheckedAt ?? null,
          created_at: at,
          updated_at: at,
        },
        [],
      );
      await onCreated?.(token, tx);
      return { outcome: 'created', token };
    });
  }

  /**
   * Changes one of the account's tracked tokens; its places stay with it (a rotation at
   * the vendor gives the token a new id, and the places follow). `exists` when another
   * record of the account already has the new (vendor, host, externalId).
   */
  update(
    userId: string,
    id: string,
    change: TrackedTokenChange,
    now: number,
  ): Promise<ChangeResult> {
    const at = toTimestamp(now);
    return this.db.transaction(async (tx): Promise<ChangeResult> => {
      await tx.get(LOCK_ACCOUNT, [userId]);
      const row = await tx.get<TrackedRow>(FIND_OWN, [id, userId]);
      if (!row) return { outcome: 'not_found' };
      if (change.externalId !== undefined && change.externalId !== row.external_id) {
        const taken = await tx.get<{ id: string }>(FIND_IDENTITY, [
          userId,
          row.vendor,
          row.host,
          change.externalId,
        ]);
        if (taken) return { outcome: 'exists' };
      }
      const token = await this.change(userId, id, change, at, tx);
      return token ? { outcome: 'updated', token } : { outcome: 'not_found' };
    });
  }

  /** Writes the given fields (updatedAt only when one differs) and reads the record back. */
  private async change(
    userId: string,
    id: string,
    change: TrackedTokenChange,
    at: string,
    tx: Queryable,
  ): Promise<TrackedToken | undefined> {
    const row = await tx.get<TrackedRow>(FIND_OWN, [id, userId]);
    if (!row) return undefined;
    const next = {
      external_id: change.externalId ?? row.external_id,
      name: change.name ?? row.name,
      expires_at: change.expiresAt === undefined ? row.expires_at : change.expiresAt,
      expiry_checked_at:
        change.expiryCheckedAt === undefined ? row.expiry_checked_at : change.expiryCheckedAt,
    };
    const changed = (Object.keys(next) as (keyof typeof next)[]).some(
      (key) => next[key] !== row[key],
    );
    if (changed) {
      await tx.run(UPDATE_TOKEN, [
        next.external_id,
        next.name,
        next.expires_at,
        next.expiry_checked_at,
        at,
        id,
      ]);
    }
    return this.one(userId, id, tx);
  }

  /** Forgets one of the account's tracked tokens and its places; null if it has none such. */
  remove(userId: string, id: string, onRemoved?: RecordTracked): Promise<TrackedToken | null> {
    return this.db.transaction(async (tx) => {
      await tx.get(LOCK_ACCOUNT, [userId]);
      const token = await this.one(userId, id, tx);
      if (!token) return null;
      // Its places go with it (ON DELETE CASCADE).
      await tx.run(DELETE_TOKEN, [id, userId]);
      await onRemoved?.(token, tx);
      return token;
    });
  }

  /**
   * Records a push of one of the account's tracked tokens to `input` (already checked and
   * canonical): a new place, or the same place with lastPushedAt moved to now. At most
   * MAX_DESTINATIONS_PER_TOKEN places a token, MAX_TRACKED_PLACES_PER_USER an account.
   */
  addPlace(
    userId: string,
    id: string,
    input: DestinationInput,
    now: number,
    onCreated?: RecordPlace,
  ): Promise<PlaceResult> {
    const target = canonicalTarget(input.target);
    const at = toTimestamp(now);
    const place = [id, input.provider, input.host, target, input.name];
    return orPlaceConflict(
      this.db.transaction(async (tx): Promise<PlaceResult> => {
        await tx.get(LOCK_ACCOUNT, [userId]);
        const row = await tx.get<TrackedRow>(FIND_OWN, [id, userId]);
        if (!row) return { outcome: 'not_found' };
        const existing = await tx.get<PlaceRow>(FIND_PLACE, place);
        if (existing) {
          await tx.run(TOUCH_PLACE, [at, existing.id]);
          const updated = (await tx.get<PlaceRow>(FIND_PLACE, place)) as PlaceRow;
          return { outcome: 'updated', destination: toPlace(updated) };
        }
        const count = (await tx.get<{ n: number }>(COUNT_PLACES, [id]))?.n ?? 0;
        if (count >= MAX_DESTINATIONS_PER_TOKEN) return { outcome: 'too_many' };
        const total = (await tx.get<{ n: number }>(COUNT_ACCOUNT_PLACES, [userId]))?.n ?? 0;
        if (total >= MAX_TRACKED_PLACES_PER_USER) return { outcome: 'too_many_for_account' };
        const placeId = randomUUID();
        await insertPlace(tx, INSERT_PLACE, [
          placeId,
          id,
          input.provider,
          input.host,
          target,
          input.name,
          at,
          at,
        ]);
        const destination: Destination = {
          id: placeId,
          ...input,
          target: JSON.parse(target) as DestinationTarget,
          firstPushedAt: at,
          lastPushedAt: at,
        };
        await onCreated?.(destination, toTracked(row, []), tx);
        return { outcome: 'created', destination };
      }),
    );
  }

  /**
   * Forgets one place of one of the account's tracked tokens and returns it: null if the
   * token has none such, `not_found` if the account has no such tracked token.
   */
  removePlace(
    userId: string,
    id: string,
    destinationId: string,
    onRemoved?: RecordPlace,
  ): Promise<Destination | null | 'not_found'> {
    return this.db.transaction(async (tx) => {
      await tx.get(LOCK_ACCOUNT, [userId]);
      const row = await tx.get<TrackedRow>(FIND_OWN, [id, userId]);
      if (!row) return 'not_found';
      const removed = await tx.get<PlaceRow>(REMOVE_PLACE, [destinationId, id]);
      if (!removed) return null;
      const destination = toPlace(removed);
      await onRemoved?.(destination, toTracked(row, []), tx);
      return destination;
    });
  }
}
