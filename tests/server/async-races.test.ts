/**
 * Races that the move to an asynchronous storage interface made possible, each found by
 * review and reproduced here against the stores themselves (SQLite: one connection, so a
 * read issued while another request's transaction is open waits for it, and the order of
 * what happens after is decided by the event loop, not by one synchronous step).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CredentialCache } from '../../src/server/auth/credential-cache.js';
import { TokenCredentials } from '../../src/server/features/tokens/credentials.js';
import { ApiTokenStore } from '../../src/server/features/tokens/domain.js';
import { DestinationStore } from '../../src/server/features/destinations/store.js';
import { EventStore } from '../../src/server/features/events/store.js';
import { SessionStore } from '../../src/server/features/sessions/store.js';
import { sql } from '../../src/server/storage/sql.js';
import { SqliteDatabase } from '../../src/server/storage/sqlite-database.js';
import { UserStore } from '../../src/server/features/users/store.js';
import { BACKEND, removeDir } from '../support/server/service-harness.js';

const by = { actor: { kind: 'session' as const, id: 's' }, origin: { ip: null, userAgent: null } };
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

async function stores() {
  const dir = mkdtempSync(join(tmpdir(), 'token-service-races-'));
  dirs.push(dir);
  const db = SqliteDatabase.open(join(dir, 'token-service.sqlite'));
  const events = new EventStore(db);
  const destinations = new DestinationStore(db);
  const tokens = new ApiTokenStore(db, destinations, events, new CredentialCache(100));
  const credentials = new TokenCredentials(db, tokens, events);
  const sessions = new SessionStore(db, new CredentialCache(100));
  const now = Date.parse('2026-06-01T12:00:00Z');
  const user = (await new UserStore(db).create({
    email: 'race@example.test',
    name: null,
    passwordHash: 'not-a-hash',
    now,
  }))!;
  /** Another request's transaction, open until `release()`: any write would do. */
  const holdTransaction = async () => {
    let release!: () => void;
    const held = db.transaction(() => new Promise<void>((resolve) => (release = resolve)));
    await Promise.resolve();
    return async () => {
      release();
      await held;
    };
  };
  return { db, tokens, credentials, sessions, destinations, user, now, holdTransaction };
}

// The stores are the same for both backends; the race is in SQLite's single connection.
describe.skipIf(BACKEND === 'postgres')('reads and writes racing through the storage queue', () => {
  it('a cold token read queued behind a transaction, then revoked: the revoke is never undone by the cache', async () => {
    const { db, tokens, credentials, user, now, holdTransaction } = await stores();
    const victim = await tokens.issue(
      { userId: user.id, name: 'victim', expiresAt: null, now },
      by,
    );
    const release = await holdTransaction();
    const attackerRead = credentials.findCredential(victim.secret, now);
    const revoke = tokens.revoke(user.id, victim.id, now, by);
    await release();
    await attackerRead;
    expect(await revoke).toBe(true);
    const stored = await db.get<{ revoked_at: string | null }>(
      sql('SELECT revoked_at FROM api_tokens WHERE id = ?'),
      [victim.id],
    );
    expect(stored?.revoked_at).not.toBeNull();
    const after = await credentials.findCredential(victim.secret, now + 1);
    expect(after?.revokedAt).toBe(stored?.revoked_at);
  });

  it('the same for a rotation: the old token is not cached as live afterwards', async () => {
    const { tokens, credentials, user, now, holdTransaction } = await stores();
    const old = await tokens.issue({ userId: user.id, name: 'old', expiresAt: null, now }, by);
    const release = await holdTransaction();
    const read = credentials.findCredential(old.secret, now);
    const rotation = tokens.rotate(
      { userId: user.id, id: old.id, now, maxLifetimeMs: 1e12, graceMs: 0 },
      by,
    );
    await release();
    await read;
    expect((await rotation).outcome).toBe('rotated');
    expect((await credentials.findCredential(old.secret, now + 1))?.revokedAt).not.toBeNull();
  });

  it('a cold session read queued behind a transaction, then signed out: stays signed out', async () => {
    const { sessions, user, now, holdTransaction } = await stores();
    const session = await sessions.create(user.id, now, 3_600_000);
    const release = await holdTransaction();
    const read = sessions.findCredential(session.secret, now);
    const signOut = sessions.revoke(user.id, session.id, now);
    await release();
    await read;
    expect(await signOut).toBe(true);
    expect((await sessions.findCredential(session.secret, now + 1))?.revokedAt).not.toBeNull();
  });

  it('a place recorded for a token that a rotation replaced meanwhile is refused, and the replacement keeps every place', async () => {
    const { tokens, destinations, user, now, holdTransaction } = await stores();
    const token = await tokens.issue({ userId: user.id, name: 't', expiresAt: null, now }, by);
    const release = await holdTransaction();
    const rotation = tokens.rotate(
      { userId: user.id, id: token.id, now, maxLifetimeMs: 1e12, graceMs: 0 },
      by,
    );
    const push = destinations.upsert(
      token.id,
      user.id,
      {
        provider: 'github',
        host: 'https://api.github.com',
        target: { kind: 'repository', owner: 'ada', repo: 'app' },
        name: 'CAPAWESOME_TOKEN',
      },
      now,
    );
    await release();
    const rotated = await rotation;
    expect(rotated.outcome).toBe('rotated');
    expect((await push).outcome).toBe('not_found');
    expect(await destinations.list(token.id)).toEqual([]);
  });
});
