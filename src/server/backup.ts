/**
 * `npm run server -- backup <file>`: a consistent copy of the service's SQLite database,
 * taken with SQLite's online backup API while the service keeps running (it copies pages
 * in steps and restarts if a write lands in between, so the copy is one committed state).
 * It does not take the data-directory lock: it only reads, as any SQLite reader may.
 *
 * The copy holds every account's password hash and every token digest, so nobody else may
 * read it at any point, nor steer where it is written:
 * - it is written in a fresh directory next to the target, made by mkdtemp (mode 0700,
 *   an unpredictable name, created atomically: a name planted beforehand is never reused),
 *   into a file created there exclusively with mode 0600 before SQLite opens it (SQLite
 *   keeps an existing file's mode, and gives its journal the same);
 * - it reaches the target name by link(2), which fails if anything (a file, a symlink)
 *   is there by then, so nothing is ever replaced or written through.
 */
import Database from 'better-sqlite3';
import {
  closeSync,
  existsSync,
  fchmodSync,
  linkSync,
  lstatSync,
  mkdtempSync,
  openSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

export class BackupError extends Error {}

// better-sqlite3's own step size: the service's writers wait for at most one step.
const PAGES_PER_STEP = 100;

export interface BackupOptions {
  /** Called between the copy's steps (tests look at the files while they are written). */
  onProgress?: (progress: { totalPages: number; remainingPages: number }) => void;
}

export async function backupDatabase(
  databaseFile: string,
  target: string,
  options: BackupOptions = {},
): Promise<{ file: string; pages: number }> {
  const file = resolve(target);
  if (!existsSync(databaseFile)) {
    throw new BackupError(
      `There is no token service database at ${databaseFile}. Set TOKEN_DESK_DATA_DIR to the data directory the service uses.`,
    );
  }
  if (occupied(file)) throw alreadyExists(file);
  let workDir: string;
  try {
    workDir = mkdtempSync(join(dirname(file), `.${basename(file)}.`));
  } catch (error) {
    throw new BackupError(
      `Cannot write next to ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}); choose a file in a directory you can write to.`,
    );
  }
  const partial = join(workDir, 'copy.sqlite');
  const source = new Database(databaseFile, { fileMustExist: true });
  try {
    // Owner-only from the first byte, whatever the umask.
    const fd = openSync(partial, 'wx', 0o600);
    try {
      fchmodSync(fd, 0o600);
    } finally {
      closeSync(fd);
    }
    source.pragma('busy_timeout = 5000');
    const { totalPages } = await source.backup(partial, {
      progress: (progress) => {
        options.onProgress?.(progress);
        return PAGES_PER_STEP;
      },
    });
    const copy = new Database(partial, { fileMustExist: true });
    try {
      const check = copy.pragma('integrity_check', { simple: true });
      if (check !== 'ok') throw new BackupError(`The copy failed its integrity check: ${check}`);
    } finally {
      copy.close();
    }
    moveIntoPlace(partial, file);
    return { file, pages: totalPages };
  } finally {
    source.close();
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** Whether anything, even a dangling symlink, has the name. */
function occupied(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function alreadyExists(file: string): BackupError {
  return new BackupError(
    `${file} already exists; a backup never overwrites a file. Choose a new file name.`,
  );
}

/** link(2) never replaces; rename only where the file system has no hard links. */
function moveIntoPlace(partial: string, file: string): void {
  try {
    linkSync(partial, file);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw alreadyExists(file);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS')
      throw error;
  }
  if (occupied(file)) throw alreadyExists(file);
  renameSync(partial, file);
}
