/**
 * The storage interface (sql.ts) over one better-sqlite3 connection. Statements are
 * prepared once and run synchronously; results come back as settled promises.
 *
 * One connection means one transaction at a time, and a statement run on it while a
 * transaction is open would join that transaction (and could be rolled back with it). So
 * transactions queue behind each other, and a statement issued from outside the open
 * transaction waits until it has committed or rolled back. Outside transactions nothing
 * waits: a read costs what better-sqlite3 costs.
 *
 * A disk that is full or refuses writes fails the statement or transaction as a whole
 * (SQLite's atomic commit: nothing of it is written) and leaves as DatabaseUnavailableError,
 * so the service answers 507 or 503 with words instead of 500.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { Availability, DatabaseUnavailableError, type DatabaseFailure } from './availability.js';
import type { Database, Param, Queryable, Statement } from './sql.js';
import { openDatabase } from './database.js';

type Prepared = BetterSqlite3.Statement<unknown[], unknown>;

const ignore = () => undefined;
const SELECT_ONE: Statement = { sqlite: 'SELECT 1', postgres: 'SELECT 1' };

/** SQLite's (extended) result codes that say the disk, not the statement, is at fault. */
export function sqliteFailureOf(error: unknown): DatabaseFailure | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  if (code === 'SQLITE_FULL') return 'full';
  if (code.startsWith('SQLITE_READONLY')) return 'read_only';
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN')) return 'io_error';
  return null;
}

export class SqliteDatabase implements Database {
  readonly dialect = 'sqlite' as const;
  private readonly prepared = new Map<Statement, Prepared>();
  /** Settles when the last queued transaction has finished. */
  private tail: Promise<unknown> = Promise.resolve();
  private open = false;
  /** What a transaction's work runs its statements on: straight to the connection. */
  private readonly inside: Queryable;

  constructor(
    readonly connection: BetterSqlite3.Database,
    private readonly availability = new Availability(),
  ) {
    const run = <T>(work: () => T) => Promise.resolve(work());
    this.inside = {
      dialect: 'sqlite',
      get: <T>(statement: Statement, params: readonly Param[] = []) =>
        run(() => this.statement(statement).get(...params) as T | undefined),
      all: <T>(statement: Statement, params: readonly Param[] = []) =>
        run(() => this.statement(statement).all(...params) as T[]),
      run: (statement, params = []) => run(() => this.statement(statement).run(...params).changes),
      transaction: (work) => work(this.inside),
    };
  }

  static open(file: string, availability?: Availability): SqliteDatabase {
    return new SqliteDatabase(openDatabase(file), availability);
  }

  /** The disk's refusal as DatabaseUnavailableError (reported once per outage); others as they are. */
  private failure(error: unknown): unknown {
    const failure = sqliteFailureOf(error);
    if (failure === null) return error;
    const unavailable = new DatabaseUnavailableError(
      failure,
      // SQLite rolls back a statement or transaction that could not be written.
      'not_applied',
      `${(error as Error).message} (${String((error as { code?: unknown }).code)})`,
      { cause: error },
    );
    this.availability.failed(unavailable);
    return unavailable;
  }

  private statement(statement: Statement): Prepared {
    let prepared = this.prepared.get(statement);
    if (prepared === undefined) {
      prepared = this.connection.prepare(statement.sqlite);
      this.prepared.set(statement, prepared);
    }
    return prepared;
  }

  /** Runs `work` now if no transaction is open, else once none is. */
  private outside<T>(work: () => T): Promise<T> {
    if (!this.open) {
      try {
        return Promise.resolve(work());
      } catch (error) {
        return Promise.reject(this.failure(error));
      }
    }
    return this.tail.then(() => this.outside(work));
  }

  get<T>(statement: Statement, params: readonly Param[] = []): Promise<T | undefined> {
    return this.outside(() => this.statement(statement).get(...params) as T | undefined);
  }

  all<T>(statement: Statement, params: readonly Param[] = []): Promise<T[]> {
    return this.outside(() => this.statement(statement).all(...params) as T[]);
  }

  run(statement: Statement, params: readonly Param[] = []): Promise<number> {
    return this.outside(() => {
      const changes = this.statement(statement).run(...params).changes;
      this.availability.succeeded(true);
      return changes;
    });
  }

  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const result = this.tail.then(async () => {
      // IMMEDIATE: the write lock now, so another process (a backup, say) makes us wait
      // (busy_timeout) here rather than fail halfway through.
      try {
        this.connection.exec('BEGIN IMMEDIATE');
      } catch (error) {
        throw this.failure(error);
      }
      this.open = true;
      try {
        const value = await work(this.inside);
        this.connection.exec('COMMIT');
        this.availability.succeeded(true);
        return value;
      } catch (error) {
        if (this.connection.inTransaction) this.connection.exec('ROLLBACK');
        throw this.failure(error);
      } finally {
        this.open = false;
      }
    });
    this.tail = result.then(ignore, ignore);
    return result;
  }

  check(): Promise<void> {
    return this.outside(() => {
      this.statement(SELECT_ONE).get();
    });
  }

  async close(): Promise<void> {
    await this.tail;
    this.connection.close();
  }
}
