/**
 * Two real service processes (`out/service/server/main.js`, as
 * `npm run server` runs it) on one PostgreSQL database behave as one service. Runs in
 * the `postgres` Vitest project, on the throwaway cluster of tests/support/postgres-setup.ts;
 * SQLite mode is one process by design (the data-directory lock), so it has no
 * counterpart there.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { POSTGRES_MIGRATIONS } from '../../src/server/storage/postgres-schema.js';
import { startTokenService, type TokenService } from '../support/processes.js';
import {
  BACKEND,
  removeDir,
  send,
  startService,
  type RunningService,
} from '../support/server/service-harness.js';

const onPostgres = BACKEND === 'postgres';

/** A database of its own on the test cluster, so nothing else's data is in the way. */
async function freshDatabase(): Promise<string> {
  const url = new URL(inject('postgresUrl') as string);
  const name = `xi_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: url.href });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  url.pathname = `/${name}`;
  return url.href;
}

interface Token {
  id: string;
  secret: string;
}

describe.skipIf(!onPostgres)('two service instances on one PostgreSQL database', () => {
  const root = mkdtempSync(join(tmpdir(), 'token-service-instances-'));
  let databaseUrl = '';
  let a: TokenService;
  let b: TokenService;
  let session = '';
  let userId = '';
  const start = (name: string, env: Record<string, string> = {}) =>
    // Each gets a data directory of its own, to show that nothing is shared through it.
    startTokenService(join(root, name), 0, { DATABASE_URL: databaseUrl, ...env });

  beforeAll(async () => {
    databaseUrl = await freshDatabase();
    // Started at the same moment on an empty database: both migrate, one waits for the other.
    [a, b] = await Promise.all([start('a'), start('b')]);
    const email = 'instances@example.test';
    const password = 'two instances, one service';
    expect((await send(a.url, 'POST', '/v1/users', { body: { email, password } })).status).toBe(
      201,
    );
    const signIn = await send<{ token: string; user: { id: string } }>(
      b.url,
      'POST',
      '/v1/sessions',
      { body: { email, password } },
    );
    expect(signIn.status).toBe(201);
    session = signIn.body.token;
    userId = signIn.body.user.id;
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    removeDir(root);
  });

  const create = async (on: TokenService, name: string): Promise<Token> => {
    const created = await send<Token>(on.url, 'POST', '/v1/users/me/tokens', {
      token: session,
      body: { name },
    });
    expect(created.status).toBe(201);
    return created.body;
  };
  const me = (on: TokenService, secret: string) =>
    send<{ id: string; code?: string }>(on.url, 'GET', '/v1/users/me', { token: secret });

  it('migrated the empty database once, though both instances started at once', async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const versions = await client.query('SELECT version FROM token_desk_schema');
      expect(versions.rows).toEqual([{ version: POSTGRES_MIGRATIONS.length }]);
    } finally {
      await client.end();
    }
  });

  it('a session from B manages tokens on A, and a token created on A authenticates on B', async () => {
    const token = await create(a, 'made-on-a');
    expect((await me(b, token.secret)).body.id).toBe(userId);
    const listed = await send<Array<{ id: string }>>(b.url, 'GET', '/v1/users/me/tokens', {
      token: session,
    });
    expect(listed.body.map((t) => t.id)).toContain(token.id);
  });

  it('revoked on B, a token gets 401 on A on the very next request (20 times out of 20)', async () => {
    for (let round = 0; round < 20; round++) {
      const token = await create(a, `revoke-${round}`);
      // Used on A first: whatever A might remember of it, it must not outlive the revoke.
      expect((await me(a, token.secret)).status).toBe(200);
      const revoked = await send(b.url, 'DELETE', `/v1/users/me/tokens/${token.id}`, {
        token: session,
      });
      expect(revoked.status).toBe(204);
      const next = await me(a, token.secret);
      expect([round, next.status, next.body.code]).toEqual([round, 401, 'token_revoked']);
    }
  });

  it('signed out on A, a session gets 401 on B on the very next request', async () => {
    const email = 'sign-out@example.test';
    const password = 'sign out across instances';
    await send(a.url, 'POST', '/v1/users', { body: { email, password } });
    const signIn = await send<{ id: string; token: string }>(a.url, 'POST', '/v1/sessions', {
      body: { email, password },
    });
    expect((await me(b, signIn.body.token)).status).toBe(200);
    const out = await send(a.url, 'DELETE', `/v1/sessions/${signIn.body.id}`, {
      token: signIn.body.token,
    });
    expect(out.status).toBe(204);
    const next = await me(b, signIn.body.token);
    expect([next.status, next.body.code]).toEqual([401, 'session_expired']);
  });

  it('one token rotated on A and B at the same moment: one rotation, one 409, one replacement (10 races)', async () => {
    for (let round = 0; round < 10; round++) {
      const token = await create(a, `rotate-${round}`);
      const [onA, onB] = await Promise.all(
        [a, b].map((on) =>
          send<{ id: string; code?: string }>(
            on.url,
            'POST',
            `/v1/users/me/tokens/${token.id}/rotate`,
            { token: session, body: { gracePeriodSeconds: 3600 } },
          ),
        ),
      );
      const statuses = [onA!.status, onB!.status].sort((x, y) => x - y);
      expect([round, ...statuses]).toEqual([round, 201, 409]);
      const loser = onA!.status === 409 ? onA! : onB!;
      expect(loser.body.code).toBe('token_replaced');
      const list = await send<Array<{ id: string; name: string; replacedById: string | null }>>(
        b.url,
        'GET',
        '/v1/users/me/tokens',
        { token: session },
      );
      const named = list.body.filter((t) => t.name === `rotate-${round}`);
      const winner = onA!.status === 201 ? onA! : onB!;
      expect(named).toHaveLength(2);
      expect(named.find((t) => t.id === token.id)?.replacedById).toBe(winner.body.id);
      // The old token still works in its grace period, on both instances.
      expect((await me(a, token.secret)).status).toBe(200);
      expect((await me(b, token.secret)).status).toBe(200);
    }
  });

  it('bulk revokes of overlapping ids on A and B at once: each id revoked, reported and recorded once', async () => {
    for (let round = 0; round < 5; round++) {
      const tokens = await Promise.all(
        Array.from({ length: 10 }, (_, i) => create(i % 2 ? a : b, `bulk-${round}-${i}`)),
      );
      const ids = tokens.map((t) => t.id);
      // Overlapping, in opposite orders: a lock-order deadlock would show up here.
      const [onA, onB] = await Promise.all([
        send<{ revoked: string[]; notFound: string[] }>(
          a.url,
          'POST',
          '/v1/users/me/tokens/revoke',
          {
            token: session,
            body: { ids: ids.slice(0, 8) },
          },
        ),
        send<{ revoked: string[]; notFound: string[] }>(
          b.url,
          'POST',
          '/v1/users/me/tokens/revoke',
          {
            token: session,
            body: { ids: ids.slice(2).reverse() },
          },
        ),
      ]);
      expect([onA!.status, onB!.status]).toEqual([200, 200]);
      const revoked = [...onA!.body.revoked, ...onB!.body.revoked];
      expect(revoked.sort()).toEqual([...ids].sort());
      for (const [i, token] of tokens.entries()) {
        expect((await me(i % 2 ? b : a, token.secret)).status).toBe(401);
        const events = await send<{ events: Array<{ kind: string }> }>(
          a.url,
          'GET',
          `/v1/users/me/events?tokenId=${token.id}&kind=token.revoked`,
          { token: session },
        );
        expect(events.body.events).toHaveLength(1);
      }
    }
  });

  it('20 records of one place sent to A and B at once make one row', async () => {
    const token = await create(a, 'one-place');
    const place = {
      provider: 'github',
      host: 'https://api.github.com',
      target: { kind: 'repository', owner: 'ada', repo: 'app' },
      name: 'CAPAWESOME_TOKEN',
    };
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        send<{ id: string }>(
          (i % 2 ? a : b).url,
          'POST',
          `/v1/users/me/tokens/${token.id}/destinations`,
          {
            token: session,
            body: place,
          },
        ),
      ),
    );
    expect(responses.map((r) => r.status).sort((x, y) => x - y)).toEqual([
      ...Array<number>(19).fill(200),
      201,
    ]);
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    const list = await send<Array<{ id: string; destinationCount: number }>>(
      b.url,
      'GET',
      '/v1/users/me/tokens',
      { token: session },
    );
    expect(list.body.find((t) => t.id === token.id)?.destinationCount).toBe(1);
  });

  it('counts unknown bearer tokens per instance, as docs/operations.md says: A refusing an address does not make B refuse it', async () => {
    const unknown = 'ca_' + 'A'.repeat(40);
    let last = 0;
    for (let i = 0; i < 40 && last !== 429; i++) last = (await me(a, unknown)).status;
    expect(last).toBe(429);
    expect((await me(b, unknown)).status).not.toBe(429);
  });
});

describe.skipIf(!onPostgres)('sign-in and sign-up limits, counted across instances', () => {
  // Two instances of the app in this process on one schema (the same data directory),
  // each with its own in-memory limiters, as two processes would have; small windows and
  // a cheap hash keep it quick. X-Forwarded-For (trusted from loopback) picks the address.
  const limits = {
    signInFailureLimit: { maxFailures: 3, windowMs: 15 * 60_000 },
    signInAccountLimit: { maxFailures: 4, windowMs: 15 * 60_000 },
    signUpLimit: { maxFailures: 3, windowMs: 60 * 60_000 },
    trustProxy: ['127.0.0.1'],
  };
  let a: RunningService;
  let b: RunningService;
  beforeAll(async () => {
    a = await startService(limits);
    b = await startService({ ...limits, dataDir: a.dataDir, clock: a.clock });
  });
  afterAll(async () => {
    await Promise.all([a.stop(), b.stop()]);
    removeDir(a.dataDir);
  });

  const from = (address: string) => ({ 'x-forwarded-for': address });
  const signUp = (on: RunningService, email: string, address: string) =>
    on.request('POST', '/v1/users', {
      body: { email, password: 'correct horse battery' },
      headers: from(address),
    });
  const signIn = (on: RunningService, email: string, password: string, address: string) =>
    on.request<{ code?: string; message?: string }>('POST', '/v1/sessions', {
      body: { email, password },
      headers: from(address),
    });

  it('three wrong passwords from one address, spread over A and B, close that address on both', async () => {
    expect((await signUp(a, 'address@example.test', '198.51.100.1')).status).toBe(201);
    const statuses = [];
    for (const on of [a, b, a]) {
      statuses.push((await signIn(on, 'address@example.test', 'wrong', '203.0.113.7')).status);
    }
    expect(statuses).toEqual([401, 401, 401]);
    for (const on of [b, a]) {
      const refused = await signIn(
        on,
        'address@example.test',
        'correct horse battery',
        '203.0.113.7',
      );
      expect([refused.status, refused.body.code]).toEqual([429, 'too_many_requests']);
      expect(refused.body.message).toContain('from this address');
    }
    // Another address is not affected.
    expect(
      (await signIn(b, 'address@example.test', 'correct horse battery', '203.0.113.8')).status,
    ).toBe(201);
  });

  it('four wrong passwords for one account from four addresses, over A and B, close the account to strangers on both', async () => {
    expect((await signUp(b, 'account@example.test', '198.51.100.2')).status).toBe(201);
    for (const [i, on] of [a, b, a, b].entries()) {
      expect((await signIn(on, 'account@example.test', 'wrong', `192.0.2.${10 + i}`)).status).toBe(
        401,
      );
    }
    for (const on of [a, b]) {
      const refused = await signIn(
        on,
        'account@example.test',
        'correct horse battery',
        '192.0.2.99',
      );
      expect(refused.status).toBe(429);
      expect(refused.body.message).toContain('for this account');
    }
  });

  it('a right password gives its attempt back on the shared count too', async () => {
    expect((await signUp(a, 'give-back@example.test', '198.51.100.3')).status).toBe(201);
    // Two wrong, then right ones alternating instances: the right ones never use up the window.
    for (const on of [a, b]) {
      expect((await signIn(on, 'give-back@example.test', 'wrong', '203.0.113.20')).status).toBe(
        401,
      );
    }
    for (const on of [b, a, b, a]) {
      expect(
        (await signIn(on, 'give-back@example.test', 'correct horse battery', '203.0.113.20'))
          .status,
      ).toBe(201);
    }
  });

  it('three sign-ups from one address, over A and B, are all that address gets', async () => {
    const statuses = [];
    for (const [i, on] of [b, a, b, a].entries()) {
      statuses.push((await signUp(on, `signup-${i}@example.test`, '203.0.113.30')).status);
    }
    expect(statuses).toEqual([201, 201, 201, 429]);
  });

  it('once the shared count refuses an address, the other instance refuses it too, without a write per attempt', async () => {
    const address = '203.0.113.40';
    for (const on of [a, b, a]) {
      expect(
        (await signIn(on, `flood-${Math.random()}@example.test`, 'wrong', address)).status,
      ).toBe(401);
    }
    const rows = async () =>
      (await a.query<{ n: number }>('SELECT count(*) AS n FROM attempt_windows'))[0]!.n;
    const windows = async () =>
      (
        await a.query<{ w: string }>(
          "SELECT string_agg(scope || key_digest || ends_at || attempts, ',' ORDER BY scope, key_digest) AS w FROM attempt_windows",
        )
      )[0]!.w;
    const before = await rows();
    const snapshot = await windows();
    // B has counted none of them itself; 50 refused sign-ins with 50 new emails follow.
    const statuses: number[] = [];
    for (let i = 0; i < 50; i++) {
      statuses.push((await signIn(b, `flood-${i}@example.test`, 'wrong', address)).status);
    }
    expect(new Set(statuses)).toEqual(new Set([429]));
    expect(await rows()).toBe(before);
    expect(await windows()).toBe(snapshot);
  });

  it('keeps no email address in the shared count, only digests', async () => {
    const rows = await a.query<{ key_digest: string }>('SELECT key_digest FROM attempt_windows');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.key_digest).toMatch(/^[0-9a-f]{64}$/);
  });
});
