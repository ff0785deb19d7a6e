/**
 * `npm run server -- backup <file>`: a consistent copy of the service's SQLite database,
 * taken with SQLite's online backup API while the service keeps running (it copies pages
 * in steps and restarts if a write lands in between, so the copy is one committed state).
 * It does not take the data-directory lock: it only reads, as any SQLite reader may.
 */
import Database from 'better-sqlite3';
import { chmodSync, existsSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

export class BackupError extends Error {}

export async function backupDatabase(
  databaseFile: string,
  target: string,
): Promise<{ file: string; pages: number }> {
  const file = resolve(target);
  if (!existsSync(databaseFile)) {
    throw new BackupError(
      `There is no token service database at ${databaseFile}. Set TOKEN_DESK_DATA_DIR to the data directory the service uses.`,
    );
  }
  if (existsSync(file)) {
    throw new BackupError(
      `${file} already exists; a backup never overwrites a file. Choose a new file name.`,
    );
  }
  // Written under a temporary name and renamed, so the name never holds half a copy.
  const partial = join(dirname(file), `.${basename(file)}.${process.pid}.partial`);
  const source = new Database(databaseFile, { fileMustExist: true });
  try {
    source.pragma('busy_timeout = 5000');
    const { totalPages } = await source.backup(partial);
    chmodSync(partial, 0o600);
    const copy = new Database(partial, { fileMustExist: true });
    try {
      const check = copy.pragma('integrity_check', { simple: true });
      if (check !== 'ok') throw new BackupError(`The copy failed its integrity check: ${check}`);
    } finally {
      copy.close();
    }
    renameSync(partial, file);
    return { file, pages: totalPages };
  } finally {
    source.close();
    for (const leftover of [partial, `${partial}-wal`, `${partial}-shm`]) {
      rmSync(leftover, { force: true });
    }
  }
}
