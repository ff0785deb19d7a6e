/**
 * The one place that decides which storage the service runs on: SQLite (one process, the
 * embedded default) or PostgreSQL (several instances on one database).
 */
import { PostgresDatabase, type PostgresOptions } from './postgres-database.js';
import type { Database } from './sql.js';
import { SqliteDatabase } from './sqlite-database.js';

export type StorageOptions =
  | { kind: 'sqlite'; /** Created (with its schema) if missing. */ file: string }
  | ({ kind: 'postgres' } & PostgresOptions);

export async function openStorage(options: StorageOptions): Promise<Database> {
  return options.kind === 'sqlite'
    ? SqliteDatabase.open(options.file)
    : PostgresDatabase.open(options);
}
