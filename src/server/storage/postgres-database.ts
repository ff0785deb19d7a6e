/**
 * The storage interface (sql.ts) over a PostgreSQL connection pool (porsager's
 * `postgres`), for several service instances on one database. Statements run as named
 * prepared statements; transactions run at READ COMMITTED, and those that must see a
 * settled row lock it (`FOR UPDATE`) or re-check it in their WHERE clause, so concurrent
 * requests to different instances serialize where they must and nowhere else.
 */
import postgres from 'postgres';
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

type Sql = postgres.Sql;
type Executor = Pick<Sql, 'unsafe'>;

function queryable(executor: Executor, transaction: Queryable['transaction']): Queryable {
  const rows = async <T>(statement: Statement, params: readonly Param[]) =>
    (await executor.unsafe(statement.postgres, params as Param[], {
      prepare: true,
    })) as unknown as T[] & { count: number };
  return {
    dialect: 'postgres',
    get: async <T>(statement: Statement, params: readonly Param[] = []) =>
      (await rows<T>(statement, params))[0],
    all: async <T>(statement: Statement, params: readonly Param[] = []) =>
      Array.from(await rows<T>(statement, params)),
    run: async (statement, params = []) => (await rows(statement, params)).count,
    transaction,
  };
}

export class PostgresDatabase implements Database {
  readonly dialect = 'postgres' as const;
  private readonly outside: Queryable;

  private constructor(private readonly pool: Sql) {
    this.outside = queryable(pool, (work) => this.transaction(work));
  }

  /** Connects, and brings the schema up to date (one instance at a time). */
  static async open(options: PostgresOptions): Promise<PostgresDatabase> {
    const pool = postgres(options.url, {
      max: options.poolSize ?? DEFAULT_POOL_SIZE,
      // Counts and sequence numbers are int8; every one of ours fits a double.
      types: {
        bigint: {
          to: 20,
          from: [20],
          serialize: (value: number) => String(value),
          parse: (value: string) => Number(value),
        },
      },
      // Text stays text: the stores keep JSON as text and parse it where they read it.
      transform: { undefined: null },
      connection: {
        application_name: 'token-desk',
        ...(options.schema ? { search_path: options.schema } : {}),
      },
      onnotice: () => undefined,
      connect_timeout: 10,
    });
    try {
      await migratePostgres(pool);
    } catch (error) {
      await pool.end({ timeout: 1 });
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
        return (await this.pool.begin((tx) => {
          const inside: Queryable = queryable(tx, (nested) => nested(inside));
          return work(inside);
        })) as T;
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (attempt >= MAX_ATTEMPTS || typeof code !== 'string' || !RETRYABLE.has(code)) {
          throw error;
        }
      }
    }
  }

  async close(): Promise<void> {
    await this.pool.end({ timeout: 5 });
  }
}
