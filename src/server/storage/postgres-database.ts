/**
 * The storage interface (sql.ts) over a PostgreSQL connection pool (node-postgres), for
 * several service instances on one database. Statements run as named prepared
 * statements; transactions run at READ COMMITTED, and those that must see a settled row
 * lock it (`FOR UPDATE`) or re-check it in their WHERE clause, so concurrent requests to
 * different instances serialize where they must and nowhere else.
 *
 * The database going away is an event, never the end of the process: every connection
 * has an error listener from the moment it exists (node-postgres emits `error` on a
 * checked-out connection the server drops, and an unheard `error` ends the process),
 * connection and statement timeouts bound how long anything waits for a database that
 * stalls, and every failure of that kind leaves as DatabaseUnavailableError saying
 * whether the change may have been made (availability.ts).
 *
 * node-postgres rather than porsager's `postgres`: under sustained load with more
 * requests in flight than connections, the latter's connection queues keep every
 * dequeued slot until they drain, and its `remove` (an indexOf over them) grew to 23 % of
 * the service's CPU within a minute (`npm run bench:server`, 2026-11-28).
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import {
  Availability,
  DatabaseUnavailableError,
  type DatabaseFailure,
  type WriteOutcome,
} from './availability.js';
import { migratePostgres } from './postgres-schema.js';
import type { Database, Param, Queryable, Statement } from './sql.js';

/** How long anything waits for the database; see docs/operations.md ("When the database is unavailable"). */
export interface DatabaseTimeouts {
  /** For a free connection when every one in the pool is busy. */
  acquireMs: number;
  /** For a new connection: connected and signed in. */
  connectMs: number;
  /**
   * A statement, on the server (statement_timeout): cancelled and rolled back there, with
   * the connection kept. Lock waits count, so a lock held for minutes ends here too.
   */
  statementMs: number;
  /**
   * A statement's answer, on this side: for a database that stopped answering altogether
   * (a network partition), where the server's own timeout cannot help. A little longer
   * than `statementMs`, so an ordinary slow statement is ended by the server first.
   */
  answerMs: number;
  /** PostgreSQL ends a transaction left idle this long (a service cut off mid-transaction). */
  idleInTransactionMs: number;
}

export const DEFAULT_TIMEOUTS: DatabaseTimeouts = {
  acquireMs: 5_000,
  connectMs: 5_000,
  statementMs: 5_000,
  answerMs: 6_000,
  idleInTransactionMs: 30_000,
};

export interface PostgresOptions {
  /** postgres://user:password@host:port/database (libpq's URL form). */
  url: string;
  /** Connections in this instance's pool. */
  poolSize?: number;
  /** A schema to keep the tables in instead of `public` (tests: one per service). */
  schema?: string;
  /** Shorter bounds for tests; production keeps the defaults. */
  timeouts?: Partial<DatabaseTimeouts>;
}

export const DEFAULT_POOL_SIZE = 10;

// A deadlock or serialization failure is PostgreSQL asking for the transaction again;
// every transaction here re-reads what it decides on, so running it again is safe.
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 3;

// Counts and sequence numbers are int8, which node-postgres returns as strings; every one
// of ours fits a double. Everything else as node-postgres parses it (text stays text: the
// stores keep JSON as text and parse it where they read it).
const INT8 = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

/** Prepared once per connection under a name derived from its text. */
const prepared = new WeakMap<Statement, { name: string; read: boolean }>();
function preparedAs(statement: Statement): { name: string; read: boolean } {
  let found = prepared.get(statement);
  if (found === undefined) {
    found = {
      name: `td_${createHash('sha256').update(statement.postgres).digest('hex').slice(0, 32)}`,
      // A plain SELECT changes nothing, so its outcome is never in doubt.
      read:
        /^\s*SELECT\b/i.test(statement.postgres) && !/\bFOR\s+UPDATE\b/i.test(statement.postgres),
    };
    prepared.set(statement, found);
  }
  return found;
}

function query(client: pg.ClientBase, statement: Statement, params: readonly Param[]) {
  return client.query({
    name: preparedAs(statement).name,
    text: statement.postgres,
    values: [...params],
  });
}

// What node's sockets say when the database is not there or goes away.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * Whether `error` says the database is unavailable (and how), rather than that a
 * statement was wrong: null for a unique violation, a deadlock, a bug.
 */
export function failureOf(error: unknown): DatabaseFailure | null {
  if (error instanceof DatabaseUnavailableError) return error.failure;
  if (!(error instanceof Error)) return null;
  const code = (error as { code?: unknown }).code;
  if (error instanceof pg.DatabaseError) {
    // The server's own SQLSTATE.
    if (code === '57014' || code === '55P03') return 'timeout'; // statement or lock timeout
    if (code === '53100') return 'full'; // disk_full
    if (code === '25006') return 'read_only'; // a standby, say after a failover
    if (code === '58030') return 'io_error';
    if (typeof code === 'string' && /^(08|57P|53)/.test(code)) return 'unreachable';
    return null;
  }
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return 'unreachable';
  // node-postgres's own words, which carry no code.
  if (/timeout|timed out/i.test(error.message)) return 'timeout';
  if (/Connection terminated|not queryable|Connection ended/i.test(error.message)) {
    return 'unreachable';
  }
  return null;
}

/**
 * Whether the connection can no longer be trusted: dropped, ended by the server (a FATAL
 * error), or given up on while a statement may still be running on it. The server's
 * ordinary errors leave it usable.
 */
function connectionLost(error: unknown): boolean {
  if (error instanceof pg.DatabaseError) {
    return error.severity === 'FATAL' || error.severity === 'PANIC';
  }
  return failureOf(error) !== null;
}

/**
 * Whether the connection was lost with the statement sent and its answer missing; not when
 * node-postgres refused to send it on a connection already broken.
 */
function lostAfterSending(error: unknown): boolean {
  return connectionLost(error) && !/not queryable/.test(reasonOf(error));
}

/** The driver's words for the log: never a URL (a password), only what went wrong. */
function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && !error.message.includes(code)
    ? `${error.message} (${code})`
    : error.message;
}

export class PostgresDatabase implements Database {
  readonly dialect = 'postgres' as const;
  private readonly outside: Queryable;
  private probe: Promise<void> | null = null;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly availability: Availability,
  ) {
    this.outside = {
      dialect: 'postgres',
      get: async <T>(statement: Statement, params: readonly Param[] = []) =>
        (await this.execute(statement, params)).rows[0] as T | undefined,
      all: async <T>(statement: Statement, params: readonly Param[] = []) =>
        (await this.execute(statement, params)).rows as T[],
      run: async (statement, params = []) => (await this.execute(statement, params)).rowCount ?? 0,
      transaction: (work) => this.transaction(work),
    };
  }

  /** Connects, and brings the schema up to date (one instance at a time). */
  static async open(
    options: PostgresOptions,
    availability = new Availability(),
  ): Promise<PostgresDatabase> {
    const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    const connection: pg.ClientConfig = {
      connectionString: options.url,
      application_name: 'token-desk',
      types,
      // Notices a dead peer on an idle connection (a partition) instead of never.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      connectionTimeoutMillis: timeouts.connectMs,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    };
    // Migrations get a connection of their own without the statement bounds: a large
    // table's migration, or waiting for another instance's, may take longer than a request.
    await migrate(connection);
    const pool = new pg.Pool({
      ...connection,
      max: options.poolSize ?? DEFAULT_POOL_SIZE,
      // The pool's own timeout bounds the wait for a free connection; each connection
      // keeps connectMs for connecting (boundedClient).
      connectionTimeoutMillis: timeouts.acquireMs,
      Client: boundedClient(timeouts.connectMs),
      statement_timeout: timeouts.statementMs,
      query_timeout: timeouts.answerMs,
      idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
    });
    // node-postgres emits `error` on a connection the server drops, also while it is
    // checked out (in a transaction, say), and an `error` nobody listens to ends the
    // process. So every connection has a listener from its first moment; the pool's own
    // listener covers only idle ones, which it then discards. The request that was using
    // the connection learns of the failure from its statement.
    pool.on('connect', (client) => {
      client.on('error', ignore);
      connectedDuring.set(client, availability.outages);
    });
    pool.on('error', ignore);
    return new PostgresDatabase(pool, availability);
  }

  /** A success on `client`, for the availability tracker (nothing to do while all is well). */
  private succeeded(client: pg.ClientBase, write: boolean): void {
    if (this.availability.reachable) return;
    this.availability.succeeded(write, connectedDuring.get(client));
  }

  get<T>(statement: Statement, params?: readonly Param[]): Promise<T | undefined> {
    return this.outside.get<T>(statement, params);
  }

  all<T>(statement: Statement, params?: readonly Param[]): Promise<T[]> {
    return this.outside.all<T>(statement, params);
  }

  run(statement: Statement, params?: readonly Param[]): Promise<number> {
    return this.outside.run(statement, params);
  }

  /** A connection from the pool; a failure to get one is an outage in which nothing was sent. */
  private async checkout(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (error) {
      throw this.unavailable(error, 'not_applied');
    }
  }

  /**
   * `error` as DatabaseUnavailableError (reported to the availability tracker) when it is
   * one, else as it is.
   */
  private unavailable(error: unknown, outcome: WriteOutcome, client?: pg.ClientBase): unknown {
    if (error instanceof DatabaseUnavailableError) {
      this.availability.failed(error);
      return error;
    }
    const failure = failureOf(error);
    if (failure === null) return error;
    const unavailable = new DatabaseUnavailableError(failure, outcome, reasonOf(error), {
      cause: error,
    });
    // A wait for a free connection that ran out lost none: the pool's are all busy.
    this.availability.failed(
      unavailable,
      connectionLost(error) && !POOL_WAIT.test(reasonOf(error)),
      client && connectedDuring.get(client),
    );
    return unavailable;
  }

  /** One statement on its own (autocommit). */
  private async execute(statement: Statement, params: readonly Param[]): Promise<pg.QueryResult> {
    const client = await this.checkout();
    let result: pg.QueryResult;
    try {
      result = await query(client, statement, params);
    } catch (error) {
      const lost = connectionLost(error);
      client.release(lost);
      // A write sent on a connection that was then lost may have been applied; the
      // server's own error, or a connection that broke before it was used, says it was not.
      throw this.unavailable(
        error,
        lostAfterSending(error) && !preparedAs(statement).read ? 'unknown' : 'not_applied',
        client,
      );
    }
    this.succeeded(client, !preparedAs(statement).read);
    client.release();
    return result;
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(work);
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (attempt >= MAX_ATTEMPTS || typeof code !== 'string' || !RETRYABLE.has(code)) {
          throw error;
        }
      }
    }
  }

  private async once<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.checkout();
    let committing = false;
    try {
      await client.query('BEGIN');
      const inside: Queryable = {
        dialect: 'postgres',
        get: async <T>(statement: Statement, params: readonly Param[] = []) =>
          (await query(client, statement, params)).rows[0] as T | undefined,
        all: async <T>(statement: Statement, params: readonly Param[] = []) =>
          (await query(client, statement, params)).rows as T[],
        run: async (statement, params = []) =>
          (await query(client, statement, params)).rowCount ?? 0,
        transaction: (nested) => nested(inside),
      };
      const value = await work(inside);
      committing = true;
      await client.query('COMMIT');
      this.succeeded(client, true);
      client.release();
      return value;
    } catch (error) {
      const lost = connectionLost(error);
      if (lost) {
        // Closing it is the rollback: PostgreSQL never commits what it was not asked to.
        client.release(true);
      } else {
        await rollBack(client);
      }
      // Only a COMMIT whose answer was lost leaves the outcome open; the server's own
      // error to it (a serialization failure, say) means it rolled back.
      throw this.unavailable(
        error,
        committing && lostAfterSending(error) ? 'unknown' : 'not_applied',
        client,
      );
    }
  }

  /**
   * Resolves if the database answers a trivial query within `timeoutMs` (readiness);
   * concurrent checks share one query, so a load balancer's probes never pile up.
   */
  check(timeoutMs: number): Promise<void> {
    this.probe ??= this.execute(SELECT_ONE, [])
      .then(() => undefined)
      .finally(() => {
        this.probe = null;
      });
    return within(this.probe, timeoutMs, () =>
      this.unavailable(
        new DatabaseUnavailableError('timeout', 'not_applied', `no answer within ${timeoutMs} ms`),
        'not_applied',
      ),
    );
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

const SELECT_ONE: Statement = { sqlite: 'SELECT 1', postgres: 'SELECT 1' };

/** node-postgres's words when the wait for a free connection in the pool ran out. */
const POOL_WAIT = /timeout exceeded when trying to connect/;

/** The outage (Availability.outages) that was current when each connection was made. */
const connectedDuring = new WeakMap<pg.ClientBase, number>();

const ignore = () => undefined;

async function rollBack(client: pg.PoolClient): Promise<void> {
  try {
    await client.query('ROLLBACK');
    client.release();
  } catch (error) {
    // The connection is unusable (it is what failed): the pool must not reuse it.
    client.release(error as Error);
  }
}

/** `promise`, or `late()`'s error after `ms`. */
function within(promise: Promise<void>, ms: number, late: () => unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(late()), ms);
    promise.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * node-postgres's pool gives its connections the pool's options, where one timeout means
 * both the wait for a free connection and connecting: this client keeps its own.
 */
function boundedClient(connectMs: number): new () => pg.ClientBase {
  return class extends pg.Client {
    constructor(config?: pg.ClientConfig) {
      super({ ...config, connectionTimeoutMillis: connectMs });
    }
  };
}

/** Runs the migrations on a connection of their own, closed afterwards. */
async function migrate(connection: pg.ClientConfig): Promise<void> {
  const client = new pg.Client(connection);
  client.on('error', ignore);
  try {
    await client.connect();
    await migratePostgres(client);
  } finally {
    await client.end().catch(ignore);
  }
}
