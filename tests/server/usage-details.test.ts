/**
 * Usage details: lastUsedIp and lastUsedUserAgent are written with lastUsedAt
 * under the once-a-minute rule, the User-Agent cleaned of control and invisible
 * characters (and of anything shaped like a secret) and cut to 200 characters, and a
 * new address is noticed even between writes.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanUserAgent } from '../../src/server/features/events/store.js';
import {
  BACKEND,
  createToken,
  pipeline,
  postgresTablesText,
  removeDir,
  signUpAndIn,
  startService,
  type RunningService,
} from '../support/server/service-harness.js';
import { generateSecret } from '../../src/server/auth/secrets.js';

let service: RunningService;
let proxied: RunningService;

beforeAll(async () => {
  service = await startService({
    signUpLimit: { maxFailures: 1000, windowMs: 60_000 },
    housekeeping: { intervalMs: null },
  });
  // Believes X-Forwarded-For from loopback, so tests can choose the client address.
  proxied = await startService({
    signUpLimit: { maxFailures: 1000, windowMs: 60_000 },
    trustProxy: ['127.0.0.1'],
    housekeeping: { intervalMs: null },
  });
});
afterAll(async () => {
  for (const running of [service, proxied]) {
    await running.stop();
    removeDir(running.dataDir);
  }
});

const listed = async (running: RunningService, session: string) =>
  (await running.request('GET', '/v1/users/me/tokens', { token: session })).body[0] as Record<
    string,
    unknown
  >;

const use = (running: RunningService, secret: string, headers: Record<string, string> = {}) =>
  running.request('GET', '/v1/users/me', { token: secret, headers });

describe('usage details on the token list', () => {
  it('records address and client with the first use, and again only once a minute has passed', async () => {
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session);
    expect(await listed(service, session)).toMatchObject({
      lastUsedAt: null,
      lastUsedIp: null,
      lastUsedUserAgent: null,
    });

    expect((await use(service, token.secret, { 'user-agent': 'capawesome-cli/3.1' })).status).toBe(
      200,
    );
    const first = new Date(service.clock.now()).toISOString();
    expect(await listed(service, session)).toMatchObject({
      lastUsedAt: first,
      lastUsedIp: '127.0.0.1',
      lastUsedUserAgent: 'capawesome-cli/3.1',
    });

    // Within the minute, from the same address: nothing is written, not even the new client.
    service.clock.advance(59_999);
    await use(service, token.secret, { 'user-agent': 'curl/8.5' });
    expect(await listed(service, session)).toMatchObject({
      lastUsedAt: first,
      lastUsedUserAgent: 'capawesome-cli/3.1',
    });

    service.clock.advance(1);
    await use(service, token.secret, { 'user-agent': 'curl/8.5' });
    expect(await listed(service, session)).toMatchObject({
      lastUsedAt: new Date(service.clock.now()).toISOString(),
      lastUsedIp: '127.0.0.1',
      lastUsedUserAgent: 'curl/8.5',
    });
  });

  it('writes nothing between writes for a known address (the database file does not change)', async () => {
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session);
    await use(service, token.secret, { 'user-agent': 'a' });
    if (BACKEND === 'postgres') {
      // No file to watch: every row of every table, as text, before and after.
      const before = await postgresTablesText(service.dataDir);
      const [writes] = await service.query('SELECT count(*) AS n FROM events');
      for (let i = 0; i < 20; i++) await use(service, token.secret, { 'user-agent': `b${i}` });
      expect(await postgresTablesText(service.dataDir)).toBe(before);
      expect(await service.query('SELECT count(*) AS n FROM events')).toEqual([writes]);
      return;
    }
    const db = new Database(service.databaseFile, { readonly: true });
    try {
      const changes = () => db.pragma('data_version', { simple: true });
      const before = changes();
      const writes = db.prepare('SELECT count(*) AS n FROM events').pluck().get() as number;
      for (let i = 0; i < 20; i++) await use(service, token.secret, { 'user-agent': `b${i}` });
      // data_version moves when another connection commits a write.
      expect(changes()).toBe(before);
      expect(db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(writes);
    } finally {
      db.close();
    }
  });

  it('notices a new address at once, even within the minute, and an address seen before costs no write', async () => {
    const { session } = await signUpAndIn(proxied);
    const token = await createToken(proxied, session);
    const from = (address: string) =>
      use(proxied, token.secret, { 'x-forwarded-for': address, 'user-agent': `runner ${address}` });
    await from('203.0.113.7');
    expect(await listed(proxied, session)).toMatchObject({ lastUsedIp: '203.0.113.7' });

    proxied.clock.advance(10_000);
    await from('198.51.100.20');
    expect(await listed(proxied, session)).toMatchObject({
      lastUsedIp: '198.51.100.20',
      lastUsedUserAgent: 'runner 198.51.100.20',
      lastUsedAt: new Date(proxied.clock.now()).toISOString(),
    });

    // Back to the first address within the minute: already seen, so nothing changes.
    proxied.clock.advance(10_000);
    await from('203.0.113.7');
    expect(await listed(proxied, session)).toMatchObject({ lastUsedIp: '198.51.100.20' });
  });

  it('another address in the last IPv6 /64 is the same client: between writes, nothing is written', async () => {
    // Once, each address of a /64 (2^64 of them) was a new row and a new event.
    const { session } = await signUpAndIn(proxied);
    const token = await createToken(proxied, session);
    const from = (address: string) =>
      use(proxied, token.secret, { 'x-forwarded-for': address, 'user-agent': 'v6-runner' });
    expect((await from('2001:db8:7:8::1')).status).toBe(200);
    const check = await unchanged(proxied);
    for (let i = 2; i < 40; i++)
      expect((await from(`2001:db8:7:8::${i.toString(16)}`)).status).toBe(200);
    await check();
    expect(await listed(proxied, session)).toMatchObject({ lastUsedIp: '2001:db8:7:8::1' });
  });

  it('never records a control, bidi or zero-width character, nor more than 200 characters', async () => {
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session);
    // Written to the socket as UTF-8 (fetch refuses such headers). Node reads header bytes
    // as latin1, so U+0085 (C2 85) and U+202E (E2 80 AE) arrive with C1 controls in them.
    const hostile = 'evil\u0085tool\u009b31m/1.0 \u202E' + 'x'.repeat(400);
    const [response] = await pipeline(service.baseUrl, [
      {
        method: 'GET',
        path: '/v1/users/me',
        headers: { authorization: `Bearer ${token.secret}`, 'user-agent': hostile },
      },
    ]);
    expect(response?.status).toBe(200);
    const agent = (await listed(service, session)).lastUsedUserAgent as string;
    expect(agent).toBe(
      ('evil\u00c2 tool\u00c2 31m/1.0 \u00e2 \u00ae' + 'x'.repeat(400)).slice(0, 200),
    );
    expect(agent).toHaveLength(200);
    // eslint-disable-next-line no-control-regex -- exactly what must be absent
    expect(agent).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
  });
});

/**
 * Resolves with a check that nothing was written meanwhile: every row of the PostgreSQL
 * schema as text, or SQLite's data_version on one connection (it moves when another
 * connection commits).
 */
async function unchanged(running: RunningService): Promise<() => Promise<void>> {
  if (BACKEND === 'postgres') {
    const before = await postgresTablesText(running.dataDir);
    return async () => expect(await postgresTablesText(running.dataDir)).toBe(before);
  }
  const db = new Database(running.databaseFile, { readonly: true });
  const before = db.pragma('data_version', { simple: true });
  return async () => {
    try {
      expect(db.pragma('data_version', { simple: true })).toBe(before);
    } finally {
      db.close();
    }
  };
}

describe('cleanUserAgent', () => {
  it.each([
    ['bidi override', 'tool\u202Egnp.exe', 'tool gnp.exe'],
    ['zero-width joiner and BOM', 'a\u200Db\uFEFFc', 'a b c'],
    ['line separator and tab', 'a\u2028b\tc', 'a b c'],
    ['C1 control', 'a\u0085b', 'a b'],
    ['a pasted API token', `curl ${generateSecret('api_token')}`, 'curl ca_[redacted]'],
    ['a pasted session token', `x ${generateSecret('session')}`, 'x ses_[redacted]'],
    ['only invisible characters', '\u200B\u200E ', null],
    ['an astral character at the cut', `${'a'.repeat(199)}😀z`, `${'a'.repeat(199)}😀`],
  ])('%s', (_label, raw, expected) => {
    expect(cleanUserAgent(raw)).toBe(expected);
  });

  it('absent stays null', () => {
    expect(cleanUserAgent(undefined)).toBeNull();
  });
});

/** Counts updates that change a token's last_used_at, with a trigger in either backend. */
async function countLastUsedWrites(running: RunningService): Promise<() => Promise<number>> {
  if (BACKEND === 'sqlite') {
    const db = new Database(running.databaseFile);
    db.exec('CREATE TABLE last_used_writes (n INTEGER NOT NULL)');
    db.exec('INSERT INTO last_used_writes VALUES (0)');
    db.exec(`CREATE TRIGGER count_last_used AFTER UPDATE OF last_used_at ON api_tokens
             BEGIN UPDATE last_used_writes SET n = n + 1; END`);
    db.close();
  } else {
    await running.query('CREATE TABLE last_used_writes (n INTEGER NOT NULL)');
    await running.query('INSERT INTO last_used_writes VALUES (0)');
    await running.query(`CREATE FUNCTION count_last_used() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN UPDATE last_used_writes SET n = n + 1; RETURN NEW; END $$`);
    await running.query(`CREATE TRIGGER count_last_used AFTER UPDATE OF last_used_at ON api_tokens
      FOR EACH ROW EXECUTE FUNCTION count_last_used()`);
  }
  return async () => (await running.query<{ n: number }>('SELECT n FROM last_used_writes'))[0]!.n;
}

describe('the once-a-minute write under concurrent use', () => {
  it('32 requests that find the write due at the same moment write it once', async () => {
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session, 'busy-pipeline');
    expect((await use(service, token.secret)).status).toBe(200); // the first use
    const writes = await countLastUsedWrites(service);
    for (let minute = 1; minute <= 3; minute++) {
      service.clock.advance(61_000);
      const responses = await Promise.all(
        Array.from({ length: 32 }, (_, i) =>
          use(service, token.secret, { 'user-agent': `runner-${minute}-${i}` }),
        ),
      );
      expect(responses.every((response) => response.status === 200)).toBe(true);
      expect([minute, await writes()]).toEqual([minute, minute]);
    }
    const row = (await listed(service, session)) as { lastUsedAt: string };
    expect(row.lastUsedAt).toBe(new Date(service.clock.now()).toISOString());
  });
});
