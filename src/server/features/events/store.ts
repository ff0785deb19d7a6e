/**
 * The account's append-only audit trail. Rows are only ever inserted, and
 * deleted by retention pruning; nothing updates one. No field ever holds a secret:
 * callers pass ids, names and addresses, and the User-Agent goes through
 * cleanUserAgent, which also blanks anything shaped like a token.
 */
import { randomUUID } from 'node:crypto';
import {
  MAX_USER_AGENT_LENGTH,
  type AccountEvent,
  type EventActor,
  type EventKind,
} from '../../../shared/events.js';
import { dialects, sql, type Queryable, type Statement } from '../../storage/sql.js';
import { toTimestamp } from '../../storage/timestamps.js';

/** What a request contributes to an event: where it came from. */
export interface EventOrigin {
  ip: string | null;
  userAgent: string | null;
}

export const NO_ORIGIN: EventOrigin = { ip: null, userAgent: null };
export const SERVICE_ACTOR: EventActor = { kind: 'service', id: null };

export interface NewEvent {
  userId: string;
  kind: EventKind;
  at: number;
  tokenId?: string | null;
  /** Looked up from tokenId when left out. */
  tokenName?: string | null;
  sessionId?: string | null;
  actor: EventActor;
  origin: EventOrigin;
  details?: Record<string, unknown>;
}

export interface EventFilter {
  userId: string;
  tokenId?: string;
  kinds?: readonly EventKind[];
  /** Inclusive bounds, as stored timestamps. */
  since?: string;
  until?: string;
  /** The last item of the previous page. */
  after?: EventPosition;
  limit: number;
}

export interface EventPosition {
  at: string;
  seq: number;
}

interface EventRow {
  seq: number;
  id: string;
  kind: EventKind;
  at: string;
  token_id: string | null;
  token_name: string | null;
  session_id: string | null;
  actor_kind: EventActor['kind'];
  actor_id: string | null;
  ip: string | null;
  user_agent: string | null;
  details: string;
}

// Control (Cc), format (Cf: bidi overrides, zero-width characters, BOM), line and
// paragraph separators, private-use and lone surrogates: nothing a person should see.
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}]+/gu;
// A token or session secret pasted into a User-Agent (the shape, not the checksum).
const SECRET_SHAPED = /\b(ca|ses)_[0-9A-Za-z]{16,}/g;

/** The User-Agent as recorded: printable, single-spaced, no secrets, at most 200 characters. */
export function cleanUserAgent(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const cleaned = raw
    .replace(UNPRINTABLE, ' ')
    .replace(SECRET_SHAPED, '$1_[redacted]')
    .replace(/\s+/g, ' ')
    .trim();
  if (cleaned === '') return null;
  // By code points, so a character outside the BMP is never cut in half.
  const points = Array.from(cleaned);
  return points.length <= MAX_USER_AGENT_LENGTH
    ? cleaned
    : points.slice(0, MAX_USER_AGENT_LENGTH).join('').trimEnd();
}

export function toAccountEvent(row: EventRow): AccountEvent {
  return {
    id: row.id,
    kind: row.kind,
    at: row.at,
    tokenId: row.token_id,
    tokenName: row.token_name,
    sessionId: row.session_id,
    actor: { kind: row.actor_kind, id: row.actor_id },
    ip: row.ip,
    userAgent: row.user_agent,
    details: JSON.parse(row.details) as Record<string, unknown>,
  };
}

const COLUMNS =
  'seq, id, kind, at, token_id, token_name, session_id, actor_kind, actor_id, ip, user_agent, details';

const INSERT = sql(
  `INSERT INTO events (id, user_id, kind, at, token_id, token_name, session_id,
                       actor_kind, actor_id, ip, user_agent, details)
   VALUES (?, ?, ?, ?, ?, coalesce(?, (SELECT name FROM api_tokens WHERE id = ?)),
           ?, ?, ?, ?, ?, ?)`,
);
const PRUNE_BATCH = sql(
  `DELETE FROM events WHERE seq IN
     (SELECT seq FROM events WHERE at < ? ORDER BY at LIMIT ?)`,
);

type EventIndex = 'events_by_user' | 'events_by_user_token' | 'events_by_user_kind';

export class EventStore {
  /** One statement per filter shape (a handful), built once. */
  private readonly pages = new Map<string, Statement>();

  constructor(private readonly db: Queryable) {}

  /** Records one event; inside a transaction when given one (`q`). */
  async record(event: NewEvent, q: Queryable = this.db): Promise<void> {
    const tokenId = event.tokenId ?? null;
    await q.run(INSERT, [
      randomUUID(),
      event.userId,
      event.kind,
      toTimestamp(event.at),
      tokenId,
      event.tokenName ?? null,
      tokenId,
      event.sessionId ?? null,
      event.actor.kind,
      event.actor.id,
      event.origin.ip,
      event.origin.userAgent,
      JSON.stringify(event.details ?? {}),
    ]);
  }

  /**
   * One page, newest first by (at, seq): a cursor is a position, not an offset, so
   * events added meanwhile never shift what the next page holds. Returns one row more
   * than asked when there is a next page.
   */
  async page(filter: EventFilter): Promise<{ events: AccountEvent[]; last: EventPosition | null }> {
    const rows =
      filter.kinds !== undefined && filter.tokenId === undefined
        ? await this.byKinds(filter, filter.kinds)
        : await this.rows(
            filter,
            filter.kinds,
            filter.tokenId === undefined ? 'events_by_user' : 'events_by_user_token',
          );
    const more = rows.length > filter.limit;
    const kept = more ? rows.slice(0, filter.limit) : rows;
    const tail = kept[kept.length - 1];
    return {
      events: kept.map(toAccountEvent),
      last: more && tail ? { at: tail.at, seq: tail.seq } : null,
    };
  }

  /**
   * Kinds without a token: each kind's own newest limit + 1 through events_by_user_kind,
   * merged. A single IN (...) would either scan the account or sort every match.
   */
  private async byKinds(filter: EventFilter, kinds: readonly EventKind[]): Promise<EventRow[]> {
    const perKind = await Promise.all(
      kinds.map((kind) => this.rows(filter, [kind], 'events_by_user_kind')),
    );
    const merged = perKind.flat();
    if (kinds.length > 1) {
      merged.sort((a, b) => (a.at === b.at ? b.seq - a.seq : a.at < b.at ? 1 : -1));
    }
    return merged.slice(0, filter.limit + 1);
  }

  /**
   * Up to limit + 1 rows, newest first. SQLite is told the index (its planner guessed
   * wrong for rare kinds); PostgreSQL's planner picks it from statistics.
   */
  private rows(
    filter: EventFilter,
    kinds: readonly EventKind[] | undefined,
    index: EventIndex,
  ): Promise<EventRow[]> {
    const clauses = ['user_id = ?'];
    const params: Array<string | number> = [filter.userId];
    if (filter.tokenId !== undefined) {
      clauses.push('token_id = ?');
      params.push(filter.tokenId);
    }
    if (kinds !== undefined) {
      clauses.push(
        kinds.length === 1 ? 'kind = ?' : `kind IN (${kinds.map(() => '?').join(', ')})`,
      );
      params.push(...kinds);
    }
    if (filter.since !== undefined) {
      clauses.push('at >= ?');
      params.push(filter.since);
    }
    if (filter.until !== undefined) {
      clauses.push('at <= ?');
      params.push(filter.until);
    }
    if (filter.after !== undefined) {
      clauses.push('(at, seq) < (?, ?)');
      params.push(filter.after.at, filter.after.seq);
    }
    const where = `WHERE ${clauses.join(' AND ')} ORDER BY at DESC, seq DESC LIMIT ?`;
    const key = `${index} ${where}`;
    let statement = this.pages.get(key);
    if (!statement) {
      statement = dialects(
        `SELECT ${COLUMNS} FROM events INDEXED BY ${index} ${where}`,
        `SELECT ${COLUMNS} FROM events ${where}`,
      );
      this.pages.set(key, statement);
    }
    return this.db.all<EventRow>(statement, [...params, filter.limit + 1]);
  }

  /** Deletes at most `batch` events older than `before`; returns how many. */
  pruneOlderThan(before: number, batch: number): Promise<number> {
    return this.db.run(PRUNE_BATCH, [toTimestamp(before), batch]);
  }
}
