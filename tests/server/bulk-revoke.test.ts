/**
 * Bulk revoke: `POST /v1/users/me/tokens/revoke` with 1 to 100 distinct ids,
 * one transaction; yours and live are revoked, everything else is notFound (one answer
 * for not yours, missing and already revoked). 20 clients at once over real HTTP with
 * overlapping ids: each id revoked, and reported, exactly once.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  BACKEND,
  createToken,
  removeDir,
  schemaFor,
  signUpAndIn,
  startService,
  type RunningService,
} from '../support/server/service-harness.js';

let service: RunningService;

beforeAll(async () => {
  service = await startService({
    signUpLimit: { maxFailures: 1000, windowMs: 60_000 },
    housekeeping: { intervalMs: null },
  });
});
afterAll(async () => {
  await service.stop();
  removeDir(service.dataDir);
});

const bulk = (session: string, body: unknown) =>
  service.request<{ revoked: string[]; notFound: string[]; code?: string }>(
    'POST',
    '/v1/users/me/tokens/revoke',
    {
      token: session,
      body,
    },
  );
const liveIds = async (session: string) =>
  (
    (await service.request('GET', '/v1/users/me/tokens', { token: session })).body as Array<{
      id: string;
    }>
  ).map((token) => token.id);
const revokedEvents = async (session: string) =>
  (
    await service.request('GET', '/v1/users/me/events?kind=token.revoked&limit=200', {
      token: session,
    })
  ).body.events as Array<{ tokenId: string; actor: unknown; details: unknown }>;

describe('bulk revoke', () => {
  it('revokes yours and live; not yours, missing and already revoked are all notFound', async () => {
    const me = await signUpAndIn(service);
    const other = await signUpAndIn(service);
    const [a, b, c] = [
      await createToken(service, me.session, 'a'),
      await createToken(service, me.session, 'b'),
      await createToken(service, me.session, 'c'),
    ];
    const theirs = await createToken(service, other.session, 'theirs');
    await service.request('DELETE', `/v1/users/me/tokens/${b.id}`, { token: me.session });

    const response = await bulk(me.session, {
      ids: [a.id, theirs.id, 'no-such-token', b.id, c.id],
    });
    expect(response.status, response.text).toBe(200);
    expect(response.body).toEqual({
      revoked: [a.id, c.id],
      notFound: [theirs.id, 'no-such-token', b.id],
    });
    expect(await liveIds(me.session)).toEqual([]);
    expect(await liveIds(other.session)).toEqual([theirs.id]);
    expect((await service.request('GET', '/v1/users/me', { token: a.secret })).status).toBe(401);
    expect((await service.request('GET', '/v1/users/me', { token: theirs.secret })).status).toBe(
      200,
    );
    const events = await revokedEvents(me.session);
    expect(events.map((e) => [e.tokenId, e.actor, e.details])).toEqual([
      [c.id, { kind: 'session', id: me.sessionId }, { reason: 'revoked', bulk: true }],
      [a.id, { kind: 'session', id: me.sessionId }, { reason: 'revoked', bulk: true }],
      [b.id, { kind: 'session', id: me.sessionId }, { reason: 'revoked' }],
    ]);
    expect(await revokedEvents(other.session)).toEqual([]);
  });

  it('a token in its grace period is live: revoking it ends the grace; an ended grace is notFound', async () => {
    const { session } = await signUpAndIn(service);
    const [running, ended] = [
      await createToken(service, session, 'running'),
      await createToken(service, session, 'ended'),
    ];
    const rotate = (id: string, seconds: number) =>
      service.request('POST', `/v1/users/me/tokens/${id}/rotate`, {
        token: session,
        body: { gracePeriodSeconds: seconds },
      });
    const endedRotation = await rotate(ended.id, 60);
    service.clock.advance(30_000);
    const runningRotation = await rotate(running.id, 3600);
    service.clock.advance(30_000); // the first grace has just ended
    const response = await bulk(session, { ids: [running.id, ended.id] });
    expect(response.body).toEqual({ revoked: [running.id], notFound: [ended.id] });
    expect((await service.request('GET', '/v1/users/me', { token: running.secret })).status).toBe(
      401,
    );
    expect((await liveIds(session)).sort()).toEqual(
      [runningRotation.body.id, endedRotation.body.id].sort(),
    );
  });

  it.each([
    ['the replacement first', (h: string, h1: string) => [h1, h]],
    ['the token in grace first', (h: string, h1: string) => [h, h1]],
  ])(
    'a token in grace and its replacement, %s: both reported revoked, with the same events',
    async (_label, order) => {
      // Once, revoking H1 first ended H's grace, and H was then reported notFound.
      const { session, sessionId } = await signUpAndIn(service);
      const h = await createToken(service, session, 'h');
      const rotated = await service.request('POST', `/v1/users/me/tokens/${h.id}/rotate`, {
        token: session,
        body: { gracePeriodSeconds: 3600 },
      });
      const h1 = rotated.body as { id: string; secret: string };
      const ids = order(h.id, h1.id);
      const response = await bulk(session, { ids });
      expect(response.status, response.text).toBe(200);
      expect(response.body).toEqual({ revoked: ids, notFound: [] });
      for (const secret of [h.secret, h1.secret]) {
        expect((await service.request('GET', '/v1/users/me', { token: secret })).status).toBe(401);
      }
      expect(await liveIds(session)).toEqual([]);
      const events = await revokedEvents(session);
      expect(events.map((e) => [e.tokenId, e.actor, e.details]).reverse()).toEqual(
        ids.map((id) => [
          id,
          { kind: 'session', id: sessionId },
          { reason: 'revoked', bulk: true },
        ]),
      );
    },
  );

  it('is session-only: an API token gets 403 and revokes nothing', async () => {
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session);
    const response = await bulk(token.secret, { ids: [token.id] });
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('session_required');
    expect(await liveIds(session)).toEqual([token.id]);
  });

  it('all or nothing: a failure on the third id leaves the first two live', async () => {
    const { session } = await signUpAndIn(service);
    const tokens = [];
    for (const name of ['one', 'two', 'three', 'four']) {
      tokens.push(await createToken(service, session, name));
    }
    const ids = tokens.map((token) => token.id);
    // A trigger that fails the third update, as a full disk or a crash mid-way would. The
    // service revokes in the order asked (it only locks rows in id order first), so the
    // third id is the third update, after two that must be rolled back.
    const dropTrigger = await failUpdatesOf(ids[2]!);
    try {
      const response = await bulk(session, { ids });
      expect(response.status).toBe(500);
      expect(response.body.code).toBe('internal_error');
      expect((await liveIds(session)).sort()).toEqual([...ids].sort());
      expect(await revokedEvents(session)).toEqual([]);
    } finally {
      await dropTrigger();
    }
    expect((await bulk(session, { ids })).body.revoked).toEqual(ids);
  });

  it('20 clients at once with overlapping ids: each id revoked and reported exactly once', async () => {
    const { email, password, session } = await signUpAndIn(service);
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push((await createToken(service, session, `t${i}`)).id);
    const sessions: string[] = [];
    for (let i = 0; i < 20; i++) {
      const signed = await service.request('POST', '/v1/sessions', { body: { email, password } });
      sessions.push(signed.body.token as string);
    }
    // Client i asks for a window of 12 ids starting at 2i (mod 40): every id by 6 clients.
    const asked = sessions.map((_, i) =>
      Array.from({ length: 12 }, (_, k) => ids[(2 * i + k) % ids.length] as string),
    );
    const responses = await Promise.all(
      sessions.map((client, i) => bulk(client, { ids: asked[i] })),
    );
    const revoked: string[] = [];
    for (const [i, response] of responses.entries()) {
      expect(response.status).toBe(200);
      expect([...response.body.revoked, ...response.body.notFound].sort()).toEqual(
        [...(asked[i] as string[])].sort(),
      );
      revoked.push(...response.body.revoked);
    }
    expect(revoked.sort()).toEqual([...ids].sort());
    expect(await liveIds(session)).toEqual([]);
    const events = await revokedEvents(session);
    expect(events.map((e) => e.tokenId).sort()).toEqual([...ids].sort());
  });
});

describe.skipIf(BACKEND !== 'postgres')('PostgreSQL row locks', () => {
  /**
   * Holds a lock on `tokenId`'s row in a transaction of its own, sends `request`, and
   * resolves with 'answered' if the request completes while the lock is held, or
   * 'blocked' as soon as PostgreSQL shows a backend waiting for this lock. Which comes
   * first is decided by the database, not by a timer.
   */
  async function whileLocked(
    tokenId: string,
    request: () => Promise<unknown>,
  ): Promise<'answered' | 'blocked'> {
    const holder = new pg.Client({
      connectionString: inject('postgresUrl'),
      options: `-c search_path=${schemaFor(service.dataDir)}`,
    });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM api_tokens WHERE id = $1 FOR UPDATE', [tokenId]);
      const pid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!
        .pid;
      let settled = false;
      const answered = request().then(() => 'answered' as const);
      void answered.finally(() => (settled = true));
      const blocked = (async () => {
        while (!settled) {
          const { rows } = await holder.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))',
            [pid],
          );
          if ((rows[0]?.n ?? 0) > 0) return 'blocked' as const;
          await sleep(5);
        }
        return 'answered' as const;
      })();
      const outcome = await Promise.race([answered, blocked]);
      await holder.query('ROLLBACK');
      await answered;
      return outcome;
    } finally {
      await holder.end();
    }
  }

  it("a bulk revoke naming another account's token does not wait for that token's row lock", async () => {
    const victim = await signUpAndIn(service);
    const attacker = await signUpAndIn(service);
    const target = await createToken(service, victim.session, 'victim');
    let response: Awaited<ReturnType<typeof bulk>> | undefined;
    const outcome = await whileLocked(target.id, async () => {
      response = await bulk(attacker.session, { ids: [target.id] });
    });
    expect(outcome).toBe('answered');
    expect(response?.body).toEqual({ revoked: [], notFound: [target.id] });
  });

  it("a revoke does not touch another account's token whose grace has ended", async () => {
    // Writing down ended graces was done for every account inside each user's revoke.
    const victim = await signUpAndIn(service);
    const attacker = await signUpAndIn(service);
    const old = await createToken(service, victim.session, 'victim-old');
    await service.request('POST', `/v1/users/me/tokens/${old.id}/rotate`, {
      token: victim.session,
      body: { gracePeriodSeconds: 60 },
    });
    service.clock.advance(61_000);
    const mine = await createToken(service, attacker.session, 'mine');
    const outcome = await whileLocked(old.id, () => bulk(attacker.session, { ids: [mine.id] }));
    expect(outcome).toBe('answered');
  });
});

/**
 * Makes every update of the token's revoked_at fail inside the database, in the
 * backend's own trigger language; resolves with the function that removes the trigger.
 */
async function failUpdatesOf(id: string): Promise<() => Promise<void>> {
  if (BACKEND === 'sqlite') {
    const db = new Database(service.databaseFile);
    db.exec(`CREATE TRIGGER fail_third BEFORE UPDATE OF revoked_at ON api_tokens
             WHEN NEW.id = '${id}' BEGIN SELECT RAISE(ABORT, 'simulated failure'); END`);
    return async () => {
      db.exec('DROP TRIGGER fail_third');
      db.close();
    };
  }
  await service.query(`CREATE FUNCTION fail_third() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'simulated failure'; END $$`);
  await service.query(`CREATE TRIGGER fail_third BEFORE UPDATE OF revoked_at ON api_tokens
    FOR EACH ROW WHEN (NEW.id = '${id}') EXECUTE FUNCTION fail_third()`);
  return async () => {
    await service.query('DROP TRIGGER fail_third ON api_tokens');
    await service.query('DROP FUNCTION fail_third()');
  };
}

describe('bad bodies: 400 with a sentence, nothing revoked', () => {
  const hundredOne = Array.from({ length: 101 }, (_, i) => `id-${i}`);
  it.each([
    ['no ids field', {}, /Send \{"ids": \[\.\.\.\]\} with 1 to 100 token ids/],
    ['ids not an array', { ids: 'abc' }, /Send \{"ids"/],
    ['ids null', { ids: null }, /Send \{"ids"/],
    ['a body that is an array', ['abc'], /Send \{"ids"/],
    ['0 ids', { ids: [] }, /ids is empty/],
    ['101 ids', { ids: hundredOne }, /ids lists 101 tokens; at most 100/],
    [
      'a duplicate',
      { ids: ['VICTIM', 'x', 'VICTIM'] },
      /ids lists "[0-9a-f-]{36}" more than once; list each token once/,
    ],
    ['a number', { ids: ['VICTIM', 42] }, /ids\[1\] must be a token id/],
    ['null', { ids: [null] }, /ids\[0\] must be a token id/],
    ['an object', { ids: [{ id: 'VICTIM' }] }, /ids\[0\] must be a token id/],
    ['an empty string', { ids: [''] }, /ids\[0\] must be a token id/],
    ['a 101-character id', { ids: ['x'.repeat(101)] }, /ids\[0\] is longer than any token id/],
    ['an unknown field', { ids: ['VICTIM'], all: true }, /"all" is not recognised/],
  ])('%s', async (_label, body, message) => {
    const { session } = await signUpAndIn(service);
    const victim = await createToken(service, session, 'victim');
    const text = JSON.stringify(body).replaceAll('VICTIM', victim.id);
    const response = await service.request('POST', '/v1/users/me/tokens/revoke', {
      token: session,
      rawBody: text,
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status, response.text).toBe(400);
    expect(response.body).toMatchObject({ statusCode: 400, code: 'invalid_request' });
    expect(response.body.message).toMatch(message);
    expect(await liveIds(session)).toEqual([victim.id]);
  });

  it('no body at all', async () => {
    const { session } = await signUpAndIn(service);
    const response = await service.request('POST', '/v1/users/me/tokens/revoke', {
      token: session,
    });
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/Send \{"ids": \[\.\.\.\]\} with 1 to 100 token ids/);
  });
});
