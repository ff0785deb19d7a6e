/**
 * The one storage interface the stores are written against, with two implementations:
 * SQLite (sqlite-database.ts, the embedded default) and PostgreSQL (postgres-database.ts,
 * several instances on one database). Which one runs is decided in one place,
 * `openStorage` (open-storage.ts).
 *
 * A statement is written once, with `?` placeholders; where the dialects differ it is
 * written twice (`dialects(sqlite, postgres)`). Everything is asynchronous because
 * PostgreSQL is; the SQLite implementation runs synchronously underneath and answers
 * with settled promises.
 */
export type Dialect = 'sqlite' | 'postgres';

/** What a statement can be given: text, numbers, NULL, and digests as bytes. */
export type Param = string | number | null | Buffer;

/** One statement, as each dialect spells it (PostgreSQL with `$n` placeholders). */
export interface Statement {
  readonly sqlite: string;
  readonly postgres: string;
}

/** `?` → `$1, $2, …`, outside string literals (none of our statements quote a `?`). */
function numbered(text: string): string {
  let n = 0;
  let quoted = false;
  let out = '';
  for (const char of text) {
    if (char === "'") quoted = !quoted;
    out += char === '?' && !quoted ? `$${++n}` : char;
  }
  return out;
}

/** A statement both dialects spell the same way. */
export function sql(text: string): Statement {
  return { sqlite: text, postgres: numbered(text) };
}

/** A statement each dialect spells its own way (both with `?` placeholders). */
export function dialects(sqlite: string, postgres: string): Statement {
  return { sqlite, postgres: numbered(postgres) };
}

export interface Queryable {
  readonly dialect: Dialect;
  /** The first row, or undefined. */
  get<T>(statement: Statement, params?: readonly Param[]): Promise<T | undefined>;
  all<T>(statement: Statement, params?: readonly Param[]): Promise<T[]>;
  /** Runs a write; resolves with the number of rows it changed. */
  run(statement: Statement, params?: readonly Param[]): Promise<number>;
  /**
   * Runs `work` in one transaction: committed if it resolves, rolled back if it throws.
   * SQLite takes the write lock up front (BEGIN IMMEDIATE), so transactions run one at a
   * time; PostgreSQL runs them concurrently at READ COMMITTED, and statements that must
   * see a settled row take its lock (`FOR UPDATE`) or re-check it in their WHERE clause.
   * Inside a transaction, `transaction` joins the one already open.
   */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
}

export interface Database extends Queryable {
  /**
   * Resolves if the database answers a trivial query within `timeoutMs` (readiness);
   * rejects with DatabaseUnavailableError (availability.ts) otherwise.
   */
  check(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** A unique constraint refused the write (an email already registered, say). */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  // SQLite's extended code, PostgreSQL's SQLSTATE.
  return error.code === 'SQLITE_CONSTRAINT_UNIQUE' || error.code === '23505';
}
