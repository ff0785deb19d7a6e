/**
 * One stolen API token cannot flood the audit trail or the disk.
 * Addresses are keyed as the limiter keys them (an IPv6 /64 is one address); a token
 * remembers its first 100, counts the rest without a row or an event each, and records at
 * most 10 token.used_from_new_address events an hour. Every figure is a row count in the
 * database the service writes, on both backends; on PostgreSQL, two instances flooding
 * one token at once hold the same caps (conditional SQL, not per-process counts).
 */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { digestSecret, generateSecret } from '../../src/server/auth/secrets.js';
import { POSTGRES_MIGRATIONS } from '../../src/server/storage/postgres-schema.js';
import type { AccountEvent } from '../../src/shared/events.js';
import {
  BACKEND,
  createToken,
  pipeline,
  postgresTablesText,
  prepareStorage,
  removeDir,
  schemaFor,
  signUpAndIn,
  sqliteAtVersion,
  startService,
  type RunningService,
} from '../support/server/service-harness.js';

const HOUR = 60 * 60 * 1000;
let service: RunningService;

beforeAll(async () => {
  service = await startService({
    signUpLimit: { maxFailures: 1000, windowMs: 60_000 },
    // X-Forwarded-For from loopback is believed, so the test chooses the client address.
    trustProxy: ['127.0.0.1'],
    housekeeping: { intervalMs: null },
  });
});
afterAll(async () => {
  await service.stop();
  removeDir(service.dataDir);
});

/** 3,000 distinct IPv4 addresses in 198.18.0.0/15 (set aside for benchmarks). */
const ipv4 = (i: number) => `198.18.${Math.floor(i / 256)}.${i % 256}`;

/** `addresses.length` requests with one token, each from its address, 100 per connection. */
async function flood(
  running: RunningService,
  secret: string,
  addresses: readonly string[],
): Promise<number[]> {
  const statuses: number[] = [];
  for (let start = 0; start < addresses.length; start += 100) {
    const responses = await pipeline(
      running.baseUrl,
      addresses.slice(start, start + 100).map((address) => ({
        method: 'GET',
        path: '/v1/users/me',
        headers: {
          authorization: `Bearer ${secret}`,
          'x-forwarded-for': address,
          'user-agent': 'stolen/1.0',
        },
      })),
    );
    statuses.push(...responses.map((response) => response.status));
  }
  return statuses;
}

/** What the database holds for one token: address rows and events by kind. */
async function written(running: RunningService, tokenId: string) {
  const [rows] = await running.query<{ n: number }>(
    'SELECT count(*) AS n FROM token_addresses WHERE token_id = ?',
    [tokenId],
  );
  const kinds = await running.query<{ kind: string; n: number }>(
    'SELECT kind, count(*) AS n FROM events WHERE token_id = ? GROUP BY kind ORDER BY kind',
    [tokenId],
  );
  return {
    addressRows: Number(rows?.n),
    events: Object.fromEntries(kinds.map((row) => [row.kind, Number(row.n)])),
  };
}

async function usage(running: RunningService, session: string, tokenId: string) {
  const response = await running.request('GET', `/v1/users/me/tokens/${tokenId}`, {
    token: session,
  });
  expect(response.status, response.text).toBe(200);
  return response.body as {
    id: string;
    addresses: Array<{ address: string; firstSeenAt: string }>;
    addressLimit: number;
    addressesBeyondLimit: number;
  };
}

describe('one token used from thousands of addresses', () => {
  it('3,000 requests from 3,000 addresses: 100 address rows, 10 new-address events, the other 2,900 counted', async ({
    annotate,
  }) => {
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session, 'stolen');
    const addresses = Array.from({ length: 3000 }, (_, i) => ipv4(i));

    const statuses = await flood(service, token.secret, addresses);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);

    const after = await written(service, token.id);
    await annotate(
      `${BACKEND}: 3,000 requests from 3,000 addresses wrote ${after.addressRows} token_addresses rows and events ${JSON.stringify(after.events)}`,
    );
    expect(after).toEqual({
      addressRows: 100,
      events: {
        'token.created': 1,
        'token.first_used': 1,
        'token.used_from_new_address': 10,
      },
    });
    const details = await usage(service, session, token.id);
    expect(details.addressLimit).toBe(100);
    expect(details.addressesBeyondLimit).toBe(2900);
    expect(details.addresses).toHaveLength(100);
    expect(new Set(details.addresses.map((a) => a.address))).toEqual(
      new Set(addresses.slice(0, 100)),
    );

    // The account's own events are not buried: token.created is on the first page.
    const page = await service.request('GET', '/v1/users/me/events', { token: session });
    const kinds = (page.body.events as AccountEvent[]).map((event) => event.kind);
    expect(kinds).toContain('token.created');
    expect(kinds.filter((kind) => kind === 'token.used_from_new_address')).toHaveLength(10);
    // The tenth says that the rest of the hour goes unrecorded, and until when.
    const said = (page.body.events as AccountEvent[]).filter(
      (event) => event.kind === 'token.used_from_new_address' && Object.keys(event.details).length,
    );
    expect(said.map((event) => event.details)).toEqual([
      {
        newAddressEventsPerHour: 10,
        resumesAt: new Date(service.clock.now() + HOUR).toISOString(),
      },
    ]);
    // The last use is still shown where it came from (requests in flight together may
    // finish in any order).
    const listed = await service.request('GET', '/v1/users/me/tokens', { token: session });
    expect(addresses).toContain(listed.body[0].lastUsedIp);
  }, 120_000);

  it('new-address events resume the next hour, up to 10 again; past 100 addresses none are added', async () => {
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session, 'busy');
    const newAddressEvents = async () =>
      (await written(service, token.id)).events['token.used_from_new_address'] ?? 0;
    await flood(
      service,
      token.secret,
      Array.from({ length: 30 }, (_, i) => `203.0.113.${i + 1}`),
    );
    expect(await newAddressEvents()).toBe(10);
    service.clock.advance(HOUR - 1);
    await flood(service, token.secret, ['203.0.113.100']);
    expect(await newAddressEvents()).toBe(10);
    service.clock.advance(1);
    await flood(
      service,
      token.secret,
      Array.from({ length: 30 }, (_, i) => `203.0.113.${i + 101}`),
    );
    expect(await newAddressEvents()).toBe(20);
    // 61 addresses so far; 39 more fill the set, 2 more go past it.
    service.clock.advance(HOUR);
    await flood(
      service,
      token.secret,
      Array.from({ length: 41 }, (_, i) => `192.0.2.${i + 1}`),
    );
    expect(await written(service, token.id)).toMatchObject({ addressRows: 100 });
    expect(await newAddressEvents()).toBe(30);
    expect((await usage(service, session, token.id)).addressesBeyondLimit).toBe(2);
    service.clock.advance(HOUR);
    await flood(service, token.secret, ['192.0.2.200']);
    expect(await newAddressEvents()).toBe(30);
    expect((await usage(service, session, token.id)).addressesBeyondLimit).toBe(3);
  });

  it('an IPv6 /64 is one address, however many addresses in it are used', async () => {
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session, 'v6');
    const inOne64 = Array.from({ length: 200 }, (_, i) => `2001:db8:1:2::${(i + 1).toString(16)}`);
    const statuses = await flood(service, token.secret, [
      ...inOne64,
      '2001:db8:1:2:ffff:ffff:ffff:ffff',
      '2001:db8:1:3::1', // the next /64
      '2001:0db8:0001:0003:0000:0000:0000:0002', // the same /64, spelled out
    ]);
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(await written(service, token.id)).toEqual({
      addressRows: 2,
      events: { 'token.created': 1, 'token.first_used': 1, 'token.used_from_new_address': 1 },
    });
    expect(
      (await usage(service, session, token.id)).addresses.map((a) => a.address).sort(),
    ).toEqual(['2001:db8:1:2::/64', '2001:db8:1:3::/64']);
  });

  it('an address seen before costs no write, past the limit too: each address beyond it is counted once', async () => {
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session, 'steady');
    const remembered = Array.from({ length: 100 }, (_, i) => `203.0.113.${i + 1}`);
    await flood(service, token.secret, remembered);
    // Two addresses beyond the limit, each seen for the first time: counted once each.
    await flood(service, token.secret, ['192.0.2.1', '192.0.2.2']);
    expect((await usage(service, session, token.id)).addressesBeyondLimit).toBe(2);

    // Then, within the minute, alternating between known addresses on both sides of the
    // limit: every request differs from the last one, and nothing is written.
    const again = Array.from({ length: 40 }, (_, i) =>
      i % 2 === 0 ? `192.0.2.${(i % 4) / 2 + 1}` : `203.0.113.${i + 1}`,
    );
    const check = await unchanged(service);
    expect((await flood(service, token.secret, again)).every((status) => status === 200)).toBe(
      true,
    );
    await check();
    expect((await usage(service, session, token.id)).addressesBeyondLimit).toBe(2);
  });

  it('usage details are session-only, and another account gets the same 404 as a missing token', async () => {
    const me = await signUpAndIn(service);
    const other = await signUpAndIn(service);
    const token = await createToken(service, me.session, 'mine');
    const byToken = await service.request('GET', `/v1/users/me/tokens/${token.id}`, {
      token: token.secret,
    });
    expect(byToken.status).toBe(403);
    expect(byToken.body.code).toBe('session_required');
    for (const id of [token.id, 'no-such-token']) {
      const response = await service.request('GET', `/v1/users/me/tokens/${id}`, {
        token: other.session,
      });
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('token_not_found');
    }
    // The token as listed, with its usage details (the refused request above used it).
    const listed = await service.request('GET', '/v1/users/me/tokens', { token: me.session });
    expect(await usage(service, me.session, token.id)).toEqual({
      ...listed.body[0],
      addresses: [{ address: '127.0.0.1', firstSeenAt: listed.body[0].lastUsedAt }],
      addressLimit: 100,
      addressesBeyondLimit: 0,
    });
    await service.request('DELETE', `/v1/users/me/tokens/${token.id}`, { token: me.session });
    const revoked = await service.request('GET', `/v1/users/me/tokens/${token.id}`, {
      token: me.session,
    });
    expect(revoked.status).toBe(404);
  });
});

/**
 * Resolves with a check that nothing was written meanwhile: SQLite's data_version (moves
 * when another connection commits), or every row of the PostgreSQL schema as text.
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

describe.skipIf(BACKEND !== 'postgres')('two instances on one database', () => {
  it('flooding one token through both at once holds the same caps', async () => {
    const other = await startService({
      dataDir: service.dataDir,
      clock: service.clock,
      trustProxy: ['127.0.0.1'],
      housekeeping: { intervalMs: null },
    });
    try {
      const { session } = await signUpAndIn(service);
      const token = await createToken(service, session, 'two-instances');
      const addresses = Array.from({ length: 1000 }, (_, i) => ipv4(i));
      // Interleaved: each instance takes every other hundred, both at once.
      const [a, b] = await Promise.all([
        flood(
          service,
          token.secret,
          addresses.filter((_, i) => Math.floor(i / 100) % 2 === 0),
        ),
        flood(
          other,
          token.secret,
          addresses.filter((_, i) => Math.floor(i / 100) % 2 === 1),
        ),
      ]);
      expect([...a, ...b].every((status) => status === 200)).toBe(true);
      expect(await written(service, token.id)).toEqual({
        addressRows: 100,
        events: {
          'token.created': 1,
          'token.first_used': 1,
          'token.used_from_new_address': 10,
        },
      });
      expect((await usage(other, session, token.id)).addressesBeyondLimit).toBe(900);
    } finally {
      await other.stop();
    }
  }, 120_000);
});

describe('upgrading a database an earlier flood filled', () => {
  // 150 addresses remembered for one token before the limit existed, 3 for another.
  const addresses = Array.from({ length: 150 }, (_, i) => ({
    address: ipv4(i),
    at: new Date(Date.parse('2026-05-01T00:00:00Z') + i * 1000).toISOString(),
  }));
  const secret = generateSecret('api_token');

  async function expectUpgraded(upgraded: RunningService): Promise<void> {
    expect(
      await upgraded.query(
        `SELECT id, address_count, addresses_beyond_limit FROM api_tokens ORDER BY id`,
      ),
    ).toEqual([
      { id: 'flooded', address_count: 100, addresses_beyond_limit: 50 },
      { id: 'quiet', address_count: 3, addresses_beyond_limit: 0 },
    ]);
    // The first 100 stay.
    const kept = await upgraded.query<{ address: string }>(
      "SELECT address FROM token_addresses WHERE token_id = 'flooded' ORDER BY first_seen_at",
    );
    expect(kept.map((row) => row.address)).toEqual(addresses.slice(0, 100).map((a) => a.address));
    // And the token, full, counts a new address without a row.
    const used = await flood(upgraded, secret, ['192.0.2.77']);
    expect(used).toEqual([200]);
    expect(
      await upgraded.query(
        "SELECT address_count, addresses_beyond_limit FROM api_tokens WHERE id = 'flooded'",
      ),
    ).toEqual([{ address_count: 100, addresses_beyond_limit: 51 }]);
  }

  const rows = (insert: (text: string, params: unknown[]) => unknown) => {
    insert(
      `INSERT INTO api_tokens (id, user_id, name, prefix, token_digest, created_at)
       VALUES ('flooded', 'u1', 'flooded', 'ca_xxxx', ?, '2026-05-01T00:00:00.000Z'),
              ('quiet', 'u1', 'quiet', 'ca_yyyy', ?, '2026-05-01T00:00:00.000Z')`,
      [digestSecret(secret), digestSecret(generateSecret('api_token'))],
    );
    for (const { address, at } of addresses) {
      insert('INSERT INTO token_addresses VALUES (?, ?, ?)', ['flooded', address, at]);
    }
    for (const address of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
      insert('INSERT INTO token_addresses VALUES (?, ?, ?)', [
        'quiet',
        address,
        '2026-05-01T00:00:00.000Z',
      ]);
    }
  };

  it.skipIf(BACKEND !== 'sqlite')(
    'SQLite version 6: cut to the first 100 addresses per token, the rest counted',
    async () => {
      const { dataDir, db } = sqliteAtVersion(6, 'old@example.test', '2026-05-01T00:00:00.000Z');
      rows((text, params) => db.prepare(text).run(...(params as never[])));
      db.close();
      const upgraded = await startService({ dataDir, trustProxy: ['127.0.0.1'] });
      try {
        await expectUpgraded(upgraded);
      } finally {
        await upgraded.stop();
        removeDir(dataDir);
      }
    },
  );

  it.skipIf(BACKEND !== 'postgres')(
    'PostgreSQL version 1: cut to the first 100 addresses per token, the rest counted',
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'token-service-pg-v1-'));
      await prepareStorage(dataDir);
      const client = new pg.Client({
        connectionString: inject('postgresUrl'),
        options: `-c search_path=${schemaFor(dataDir)}`,
      });
      await client.connect();
      try {
        await client.query(POSTGRES_MIGRATIONS[0] as string);
        await client.query('CREATE TABLE token_desk_schema (version integer NOT NULL)');
        await client.query('INSERT INTO token_desk_schema VALUES (1)');
        await client.query(
          "INSERT INTO users VALUES ('u1', 'old@example.test', null, 'x', '2026-05-01T00:00:00.000Z')",
        );
        const pending: Array<Promise<unknown>> = [];
        rows((text, params) => {
          let n = 0;
          pending.push(
            client.query(
              text.replace(/\?/g, () => `$${++n}`),
              params,
            ),
          );
        });
        await Promise.all(pending);
      } finally {
        await client.end();
      }
      const upgraded = await startService({ dataDir, trustProxy: ['127.0.0.1'] });
      try {
        expect(await upgraded.query('SELECT version FROM token_desk_schema')).toEqual([
          { version: POSTGRES_MIGRATIONS.length },
        ]);
        await expectUpgraded(upgraded);
      } finally {
        await upgraded.stop();
        removeDir(dataDir);
      }
    },
  );
});
