/**
 * The storage interface (sql.ts) over a PostgreSQL connection pool (node-postgres), for
 * several service instances on one database. Statements run as named prepared
 * statements; transactions run at READ COMMITTED, and those that must see a settled row
 * lock it (`FOR UPDATE`) or re-check it in their WHERE clause, so concurrent requests to
 * different instances serialize where they must and nowhere else.
 *
 * node-postgres rather than porsager's `postgres`: under sustained load with more
 * requests in flight than connections, the latter's connection queues keep every
 * dequeued slot until they drain, and its `remove` (an indexOf over them) grew to 23 % of
 * the service's CPU within a minute (`npm run bench:server`, 2026-11-28).
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { migratePostgres } from './postgres-schema.js';
import type { Database, Param, Queryable, Statement } from './sql.js';

export interface PostgresOptions {
  /** postgres://user:password@host:port/database (libpq's URL form). */
  url: string;
  /** Connections in this instance's pool. */
  poolSize?: number;
  /** A schema to keep the tables in instead of `public` (tests: one per service). */
  schema?: string;
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

type Client = pg.Pool | pg.PoolClient;

/** Prepared once per connection under a name derived from its text. */
const names = new WeakMap<Statement, string>();
function nameOf(statement: Statement): string {
  let name = names.get(statement);
  if (name === undefined) {
    name = `td_${createHash('sha256').update(statement.postgres).digest('hex').slice(0, 32)}`;
    names.set(statement, name);
  }
  return name;
}

function queryable(client: Client, transaction: Queryable['transaction']): Queryable {
  const result = (statement: Statement, params: readonly Param[]) =>
    client.query({ name: nameOf(statement), text: statement.postgres, values: [...params] });
  return {
    dialect: 'postgres',
    get: async <T>(statement: Statement, params: readonly Param[] = []) =>
      (await result(statement, params)).rows[0] as T | undefined,
    all: async <T>(statement: Statement, params: readonly Param[] = []) =>
      (await result(statement, params)).rows as T[],
    run: async (statement, params = []) => (await result(statement, params)).rowCount ?? 0,
    transaction,
  };
}

export class PostgresDatabase implements Database {
  readonly dialect = 'postgres' as const;
  private readonly outside: Queryable;

  private constructor(private readonly pool: pg.Pool) {
    this.outside = queryable(pool, (work) => this.transaction(work));
  }

  /** Connects, and brings the schema up to date (one instance at a time). */
  static async open(options: PostgresOptions): Promise<PostgresDatabase> {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? DEFAULT_POOL_SIZE,
      connectionTimeoutMillis: 10_000,
      application_name: 'token-desk',
      types,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    // An idle connection the server drops (a restart, a failover) is an event, not a crash;
    // the pool replaces it and the next query reconnects.
    pool.on('error', () => undefined);
    try {
      await migratePostgres(pool);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresDatabase(pool);
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
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const inside: Queryable = queryable(client, (nested) => nested(inside));
      const value = await work(inside);
      await client.query('COMMIT');
      return value;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollback) {
        // The connection is unusable (it is what failed): the pool must not reuse it.
        broken = rollback as Error;
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
