/**
 * Online backups (issue 9): `node out/service/server/main.js backup <file>` (what
 * `npm run server -- backup <file>` runs) copies the SQLite database with SQLite's online
 * backup while the service runs and writes; the copy is consistent, owner-only, and a
 * service started on it authenticates the tokens it holds and nothing newer.
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTokenService } from '../processes.js';
import { removeDir, send } from './service-harness.js';

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
