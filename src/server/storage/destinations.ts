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
} from '../../shared/ci-destinations.js';
import type { Db } from './database.js';
import { toTimestamp } from './timestamps.js';

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
  { outcome: 'created' | 'updated'; destination: Destination } | { outcome: 'too_many' };

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

export class DestinationStore {
  private readonly byToken;
  private readonly findPlace;
  private readonly touch;
  private readonly count;
  private readonly insert;
  private readonly removeOne;
  private readonly copyRow;

  constructor(private readonly db: Db) {
    // Oldest first; rowid breaks ties in the order rows were recorded (and copied).
    this.byToken = db.prepare<[string], DestinationRow>(
      `SELECT ${COLUMNS} FROM token_destinations WHERE token_id = ? ORDER BY first_pushed_at, rowid`,
    );
    this.findPlace = db.prepare<[string, string, string, string, string], DestinationRow>(
      `SELECT ${COLUMNS} FROM token_destinations
       WHERE token_id = ? AND provider = ? AND host = ? AND target = ? AND name = ?`,
    );
    // max(): a clock step backwards never makes a place look pushed earlier than it was.
    this.touch = db.prepare<[string, string]>(
      'UPDATE token_destinations SET last_pushed_at = max(last_pushed_at, ?) WHERE id = ?',
    );
    this.count = db
      .prepare<[string], number>('SELECT count(*) FROM token_destinations WHERE token_id = ?')
      .pluck();
    this.insert = db.prepare<[string, string, string, string, string, string, string, string]>(
      `INSERT INTO token_destinations
         (id, token_id, provider, host, target, name, first_pushed_at, last_pushed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.removeOne = db.prepare<[string, string], DestinationRow>(
      `DELETE FROM token_destinations WHERE id = ? AND token_id = ? RETURNING ${COLUMNS}`,
    );
    this.copyRow = this.insert;
  }

  /** The token's destinations, oldest first. The caller checks the token is the user's. */
  list(tokenId: string): Destination[] {
    return this.byToken.all(tokenId).map(toDestination);
  }

  countFor(tokenId: string): number {
    return this.count.get(tokenId) ?? 0;
  }

  /**
   * Records a push to `input` (already checked and canonical): a new row, or the same
   * place's row with lastPushedAt moved to now. One immediate transaction, so two
   * processes sharing the file cannot both insert, nor pass the limit together.
   */
  upsert(tokenId: string, input: DestinationInput, now: number): UpsertResult {
    const target = canonicalTarget(input.target);
    const at = toTimestamp(now);
    return this.db
      .transaction((): UpsertResult => {
        const existing = this.findPlace.get(
          tokenId,
          input.provider,
          input.host,
          target,
          input.name,
        );
        if (existing) {
          this.touch.run(at, existing.id);
          const updated = this.findPlace.get(
            tokenId,
            input.provider,
            input.host,
            target,
            input.name,
          ) as DestinationRow;
          return { outcome: 'updated', destination: toDestination(updated) };
        }
        if ((this.count.get(tokenId) ?? 0) >= MAX_DESTINATIONS_PER_TOKEN) {
          return { outcome: 'too_many' };
        }
        const id = randomUUID();
        this.insert.run(id, tokenId, input.provider, input.host, target, input.name, at, at);
        return {
          outcome: 'created',
          destination: {
            id,
            ...input,
            target: JSON.parse(target),
            firstPushedAt: at,
            lastPushedAt: at,
          },
        };
      })
      .immediate();
  }

  /** Removes one destination of the token and returns it; null if the token has none such. */
  remove(tokenId: string, destinationId: string): Destination | null {
    const row = this.removeOne.get(destinationId, tokenId);
    return row ? toDestination(row) : null;
  }

  /**
   * Gives `toTokenId` the same places as `fromTokenId`, with the same push times (the
   * replacement of a rotation). Call inside the rotation's transaction. Returns how many.
   */
  copy(fromTokenId: string, toTokenId: string): number {
    const rows = this.byToken.all(fromTokenId);
    for (const row of rows) {
      this.copyRow.run(
        randomUUID(),
        toTokenId,
        row.provider,
        row.host,
        row.target,
        row.name,
        row.first_pushed_at,
        row.last_pushed_at,
      );
    }
    return rows.length;
  }
}
