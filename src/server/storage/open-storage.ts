/**
 * The one place that decides which storage the service runs on: SQLite (one process, the
 * embedded default) or PostgreSQL (several instances on one database).
 */
import { Availability } from './availability.js';
import { PostgresDatabase, type PostgresOptions } from './postgres-database.js';
import type { Database } from './sql.js';
import { SqliteDatabase } from './sqlite-database.js';

export type StorageOptions =
  | { kind: 'sqlite'; /** Created (with its schema) if missing. */ file: string }
  | ({ kind: 'postgres' } & PostgresOptions);

/** `availability` hears of outages and recoveries (the service logs them); none by default. */
export async function openStorage(
  options: StorageOptions,
  availability = new Availability(),
): Promise<Database> {
  return options.kind === 'sqlite'
    ? SqliteDatabase.open(options.file, availability)
    : PostgresDatabase.open(options, availability);
}
