/**
 * When the database cannot do what a request asked: PostgreSQL unreachable or not
 * answering in time, a disk that is full or refuses writes. Both storage implementations
 * raise DatabaseUnavailableError instead of their driver's error, so the service answers
 * 503 (507 for a full disk) with words and `Retry-After` rather than 500, and says in its
 * log once that the database is unavailable and once that it is back (Availability),
 * never a stack per request.
 */

/** What went wrong, in the terms the answer and the log use. */
export type DatabaseFailure =
  /** Refused, dropped or ended connections: PostgreSQL restarting, failing over, gone. */
  | 'unreachable'
  /** No answer within the bound (a stalled network, a lock held for minutes). */
  | 'timeout'
  /** No space left for the write. */
  | 'full'
  /** The database file or directory cannot be written. */
  | 'read_only'
  /** The disk refused the write (an I/O error, a file size limit). */
  | 'io_error';

/**
 * Whether the change a request asked for may have been made: `not_applied` when it
 * certainly was not (the failure came before a commit was asked for, or the database
 * said it rolled back), `unknown` when the connection was lost with the commit (or a
 * single write) sent and its answer missing.
 */
export type WriteOutcome = 'not_applied' | 'unknown';

export class DatabaseUnavailableError extends Error {
  constructor(
    readonly failure: DatabaseFailure,
    readonly outcome: WriteOutcome,
    /** The driver's own words (no URL, no password), for the log. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`database ${failure.replace('_', ' ')}: ${reason}`, options);
    this.name = 'DatabaseUnavailableError';
  }
}

/** What the service is told when the database stops answering and when it is back. */
export interface AvailabilityListener {
  unavailable(failure: DatabaseFailure, reason: string): void;
  available(downForMs: number, refused: number): void;
}

const SILENT: AvailabilityListener = { unavailable: () => undefined, available: () => undefined };

/**
 * Operations in a row that must succeed before an outage is reported over, so that
 * lock contention (statements that time out now and then) reads as one outage, not many.
 */
export const RECOVERY_SUCCESSES = 3;

/**
 * Whether the database is answering, as the last operations saw it: the first failure of
 * an outage is reported, and its end once RECOVERY_SUCCESSES operations in a row have
 * succeeded; everything between is counted.
 *
 * Not every success says the outage is over. When connections were lost, only one made
 * since the outage began does: during a fast shutdown a connection PostgreSQL has not yet
 * ended still answers between the first refusals and the last (measured with `npm run
 * chaos:postgres`), which would otherwise read as two outages. And a read that succeeds
 * ends an outage of reachability but not one of space: with a full disk, reads still work
 * and only successful writes say it is over.
 */
export class Availability {
  private down: {
    since: number;
    failure: DatabaseFailure;
    /** Some connection was lost: only connections made since count towards the end. */
    connectionsLost: boolean;
    refused: number;
    successes: number;
  } | null = null;
  private began = 0;
  /** Whether the outage that ended last took connections with it. */
  private lastLostConnections = false;

  constructor(
    private readonly listener: AvailabilityListener = SILENT,
    private readonly now: () => number = Date.now,
  ) {}

  get reachable(): boolean {
    return this.down === null;
  }

  /** How many outages have begun: a connection made now remembers it (see `succeeded`). */
  get outages(): number {
    return this.began;
  }

  /**
   * `connectionLost`: the failure took its connection with it (dropped, ended, given up on).
   * `connectedDuring`: as for `succeeded`, the outage current when that connection was made.
   */
  failed(
    error: DatabaseUnavailableError,
    connectionLost = false,
    connectedDuring = this.began,
  ): void {
    if (!this.down && connectionLost && this.lastLostConnections && connectedDuring < this.began) {
      // A connection the last outage already took, found dead only now (a busy process
      // notices an idle connection's end late): the tail of that outage, not a new one.
      return;
    }
    if (this.down) {
      this.down.refused += 1;
      this.down.successes = 0;
      this.down.connectionsLost ||= connectionLost;
      return;
    }
    this.began += 1;
    this.down = {
      since: this.now(),
      failure: error.failure,
      connectionsLost: connectionLost,
      refused: 1,
      successes: 0,
    };
    this.listener.unavailable(error.failure, error.reason);
  }

  /**
   * Called after every successful operation (a property read while nothing is wrong).
   * `connectedDuring`: the outage whose number (`outages`) was current when the
   * connection it ran on was made; omitted where there are no connections (SQLite).
   */
  succeeded(write: boolean, connectedDuring = this.began): void {
    const down = this.down;
    if (down === null) return;
    if (!write && down.failure !== 'unreachable' && down.failure !== 'timeout') return;
    if (down.connectionsLost && connectedDuring !== this.began) return;
    if (++down.successes < RECOVERY_SUCCESSES) return;
    this.down = null;
    this.lastLostConnections = down.connectionsLost;
    this.listener.available(this.now() - down.since, down.refused);
  }
}
