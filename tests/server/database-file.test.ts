import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/server/storage/database.js';

describe('the database files', () => {
  it('are readable by their owner only, even in a directory others can read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'token-db-'));
    try {
      const file = join(dir, 'token-service.sqlite');
      const db = openDatabase(file);
      db.exec('CREATE TABLE probe (x); INSERT INTO probe VALUES (1);'); // creates the WAL
      for (const path of [file, `${file}-wal`, `${file}-shm`])
        expect(statSync(path).mode & 0o077).toBe(0);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
