/**
 * Online backups: `node out/service/server/main.js backup <file>` (what
 * `npm run server -- backup <file>` runs) copies the SQLite database with SQLite's online
 * backup while the service runs and writes; the copy is consistent, owner-only, and a
 * service started on it authenticates the tokens it holds and nothing newer.
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BackupError, backupDatabase } from '../../src/server/backup.js';
import { startTokenService } from '../support/processes.js';
import { removeDir, send } from '../support/server/service-harness.js';

const ENTRY = 'out/service/server/main.js';
const root = mkdtempSync(join(tmpdir(), 'token-service-backup-'));
afterAll(() => removeDir(root));

function backup(dataDir: string, file: string) {
  const child = spawn(process.execPath, [ENTRY, 'backup', file], {
    env: { ...process.env, TOKEN_DESK_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stdout, stderr })),
  );
}

describe('backup', () => {
  it('copies the database while the service runs and writes; a restored copy authenticates its tokens', async () => {
    const dataDir = join(root, 'live');
    const service = await startTokenService(dataDir);
    const file = join(root, 'copies', 'token-service-backup.sqlite');
    mkdirSync(join(root, 'copies'));
    let later: string;
    try {
      const body = { email: 'backup@example.test', password: 'backup password 1' };
      await send(service.url, 'POST', '/v1/users', { body });
      const session = (await send<{ token: string }>(service.url, 'POST', '/v1/sessions', { body }))
        .body.token;
      const create = async (name: string) =>
        (
          await send<{ id: string; secret: string }>(service.url, 'POST', '/v1/users/me/tokens', {
            token: session,
            body: { name },
          })
        ).body;
      const kept = await create('kept');
      const revoked = await create('revoked');
      await send(service.url, 'DELETE', `/v1/users/me/tokens/${revoked.id}`, { token: session });
      expect((await send(service.url, 'GET', '/v1/users/me', { token: kept.secret })).status).toBe(
        200,
      );

      // Writes keep coming while the backup runs.
      let writing = true;
      const writer = (async () => {
        for (let i = 0; writing; i++) await create(`during-${i}`);
      })();
      const result = await backup(dataDir, file);
      writing = false;
      await writer;
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(file);
      later = (await create('after the backup')).secret;

      expect(statSync(file).mode & 0o777).toBe(0o600);
      const copy = new Database(file, { readonly: true });
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(copy.pragma('foreign_key_check')).toEqual([]);
      copy.close();

      // Refuses to overwrite an existing file.
      const again = await backup(dataDir, file);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('already exists');

      // Restore: the copy becomes the database of a fresh data directory.
      const restoredDir = join(root, 'restored');
      mkdirSync(restoredDir, { mode: 0o700 });
      copyFileSync(file, join(restoredDir, 'token-service.sqlite'));
      const restored = await startTokenService(restoredDir);
      try {
        const me = await send<{ email: string }>(restored.url, 'GET', '/v1/users/me', {
          token: kept.secret,
        });
        expect(me.status).toBe(200);
        expect(me.body.email).toBe('backup@example.test');
        const dead = await send<{ code: string }>(restored.url, 'GET', '/v1/users/me', {
          token: revoked.secret,
        });
        expect(dead.body.code).toBe('token_revoked');
        const newer = await send<{ code: string }>(restored.url, 'GET', '/v1/users/me', {
          token: later,
        });
        expect(newer.status).toBe(401);
        expect(newer.body.code).toBe('invalid_token');
      } finally {
        await restored.stop();
      }
    } finally {
      await service.stop();
    }
  });

  it('says what is wrong when there is no database to back up', async () => {
    const empty = join(root, 'empty');
    mkdirSync(empty);
    const result = await backup(empty, join(root, 'nothing.sqlite'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('There is no token service database');
    expect(result.stderr).toContain('TOKEN_DESK_DATA_DIR');
    expect(existsSync(join(root, 'nothing.sqlite'))).toBe(false);
  });

  it('asks for a file name', async () => {
    const child = spawn(process.execPath, [ENTRY, 'backup'], {
      env: { ...process.env, TOKEN_DESK_DATA_DIR: join(root, 'live') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('Usage: npm run server -- backup <file>');
  });
});

/** A SQLite database of about `pages` 4 KB pages, so a backup takes many steps. */
function largeDatabase(dir: string, pages: number): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'token-service.sqlite');
  const db = new Database(file);
  db.exec('CREATE TABLE filler (data BLOB)');
  const insert = db.prepare('INSERT INTO filler VALUES (randomblob(3500))');
  db.transaction(() => {
    for (let i = 0; i < pages; i++) insert.run();
  })();
  db.close();
  return file;
}

/** Every entry under `dir`, with its mode, following nothing. */
function entriesUnder(dir: string): { path: string; mode: number; kind: string }[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((name) => {
    const stat = lstatSync(join(dir, name));
    const kind = stat.isSymbolicLink() ? 'link' : stat.isDirectory() ? 'dir' : 'file';
    return { path: name, mode: stat.mode & 0o777, kind };
  });
}

describe('backup files are never readable by others, nor written through a planted name', () => {
  it('is owner-only from its first byte: nothing under the target directory is readable by others while the copy is written', async () => {
    const source = largeDatabase(join(root, 'large'), 1500);
    const copies = join(root, 'private-copies');
    mkdirSync(copies);
    // The usual umask, under which a new file is readable by everyone.
    const umask = process.umask(0o022);
    const seen: { path: string; mode: number; kind: string }[] = [];
    let steps = 0;
    try {
      const result = await backupDatabase(source, join(copies, 'copy.sqlite'), {
        onProgress: () => {
          steps++;
          seen.push(...entriesUnder(copies));
        },
      });
      expect(result.pages).toBeGreaterThan(1500);
    } finally {
      process.umask(umask);
    }
    expect(steps).toBeGreaterThan(5);
    // The partial copy was there while it was written, and never readable by others.
    expect(seen.filter((entry) => entry.kind === 'file').length).toBeGreaterThan(0);
    for (const entry of seen) {
      expect(entry.kind, entry.path).not.toBe('link');
      expect(entry.mode & 0o077, `${entry.path} ${entry.mode.toString(8)}`).toBe(0);
    }
    // Only the finished copy remains, owner-only.
    expect(entriesUnder(copies)).toEqual([{ path: 'copy.sqlite', mode: 0o600, kind: 'file' }]);
    const copy = new Database(join(copies, 'copy.sqlite'), { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    copy.close();
  });

  it('writes through no name planted beforehand (the old predictable partial name) and leaves it alone', async () => {
    const source = largeDatabase(join(root, 'planted-source'), 50);
    const copies = join(root, 'planted');
    const attacker = join(root, 'attacker');
    mkdirSync(copies);
    mkdirSync(attacker);
    // The name the backup used to write to: .<name>.<pid>.partial next to the target.
    const oldName = (name: string) => join(copies, `.${name}.${process.pid}.partial`);
    symlinkSync(join(attacker, 'stolen.sqlite'), oldName('a.sqlite'));
    writeFileSync(join(attacker, 'victim.sqlite'), '');
    symlinkSync(join(attacker, 'victim.sqlite'), oldName('b.sqlite'));
    writeFileSync(oldName('c.sqlite'), 'planted');

    for (const name of ['a.sqlite', 'b.sqlite', 'c.sqlite']) {
      await backupDatabase(source, join(copies, name));
      const stat = lstatSync(join(copies, name));
      expect(stat.isFile() && !stat.isSymbolicLink(), name).toBe(true);
      expect(stat.mode & 0o777).toBe(0o600);
    }
    expect(existsSync(join(attacker, 'stolen.sqlite'))).toBe(false);
    expect(readFileSync(join(attacker, 'victim.sqlite'), 'utf8')).toBe('');
    expect(readFileSync(oldName('c.sqlite'), 'utf8')).toBe('planted');
    expect(lstatSync(oldName('a.sqlite')).isSymbolicLink()).toBe(true);
    expect(lstatSync(oldName('b.sqlite')).isSymbolicLink()).toBe(true);
  });

  it('never replaces a file or link that appears at the target name while the copy is written', async () => {
    const source = largeDatabase(join(root, 'race-source'), 1500);
    const copies = join(root, 'race');
    const attacker = join(root, 'race-attacker');
    mkdirSync(copies);
    mkdirSync(attacker);
    const plant = (target: string, how: 'file' | 'link') =>
      backupDatabase(source, target, {
        onProgress: () => {
          if (existsSync(target) || lstatExists(target)) return;
          if (how === 'file') writeFileSync(target, 'not yours');
          else symlinkSync(join(attacker, 'stolen.sqlite'), target);
        },
      });
    await expect(plant(join(copies, 'file.sqlite'), 'file')).rejects.toThrow(BackupError);
    await expect(plant(join(copies, 'file.sqlite.2'), 'link')).rejects.toThrow(/already exists/);
    expect(readFileSync(join(copies, 'file.sqlite'), 'utf8')).toBe('not yours');
    expect(lstatSync(join(copies, 'file.sqlite.2')).isSymbolicLink()).toBe(true);
    expect(existsSync(join(attacker, 'stolen.sqlite'))).toBe(false);
    // Nothing of the copies is left behind.
    expect(
      entriesUnder(copies)
        .map((entry) => entry.path)
        .sort(),
    ).toEqual(['file.sqlite', 'file.sqlite.2']);
  });
});

function lstatExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
