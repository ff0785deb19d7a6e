/**
 * One service per data directory, like PostgreSQL's postmaster.pid: the credential
 * cache is exact only if this process makes every write.
 *
 * The lock itself is the operating system's: an exclusive SQLite transaction held open
 * on `token-service.lock` (an fcntl lock), which the kernel releases when the process
 * ends however it ends, so a crash never leaves a lock behind and two services starting
 * at once cannot both take over a stale one. `token-service.pid` only describes the
 * holder (PID, address, start time) for the refusal message; it is never trusted as a
 * lock.
 */
import Database from 'better-sqlite3';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'token-service.lock';
export const PID_FILE = 'token-service.pid';

export class DataDirLockedError extends Error {}

export interface DataDirLock {
  /** Records the address the service listens on, for a refused second service to name. */
  setAddress(url: string): void;
  /** Releases the lock and removes the pid file (also done by the OS at exit). */
  release(): void;
}

export function lockDataDir(dataDir: string): DataDirLock {
  const lockPath = join(dataDir, LOCK_FILE);
  const pidPath = join(dataDir, PID_FILE);
  const db = new Database(lockPath);
  chmodSync(lockPath, 0o600);
  try {
    db.pragma('busy_timeout = 0');
    db.pragma('locking_mode = EXCLUSIVE');
    // Never committed: the exclusive lock lasts as long as this connection.
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
    throw new DataDirLockedError(refusal(dataDir, pidPath));
  }
  const startedAt = new Date().toISOString();
  const write = (address: string) =>
    writeFileSync(pidPath, `${process.pid}\n${address}\n${startedAt}\n${dataDir}\n`, {
      mode: 0o600,
    });
  write('(not listening yet)');
  let held = true;
  return {
    setAddress: (url) => write(url),
    release: () => {
      if (!held) return;
      held = false;
      rmSync(pidPath, { force: true });
      db.close();
    },
  };
}

function refusal(dataDir: string, pidPath: string): string {
  let holder = 'its details are not written yet';
  try {
    const [pid, address, startedAt] = readFileSync(pidPath, 'utf8').split('\n');
    holder = `PID ${pid}, listening on ${address}, started ${startedAt}`;
  } catch {
    // Written just after the lock is taken; a starter can look in between.
  }
  return (
    `Another token service (${holder}) is using the data directory ${dataDir}. ` +
    'Stop it first, or set TOKEN_DESK_DATA_DIR to another directory.'
  );
}
