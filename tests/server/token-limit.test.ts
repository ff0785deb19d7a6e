/**
 * At most 10,000 live API tokens per account: creating one more
 * answers 409 `too_many_tokens` with a sentence that names the limit and the way out, and
 * writes nothing. Accounts are filled up to it with rows written straight into the
 * database (as the API would write them), and the tokens a test acts on through the API. A rotation without a grace period replaces a token, so it is never
 * refused; one with a grace period keeps both working for a while, so it needs room for
 * one more. Revoked and expired tokens, and graces that have ended, do not count. On
 * PostgreSQL, creations racing on several connections still stop at the limit.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BACKEND,
  createToken,
  removeDir,
  signUpAndIn,
  startService,
  type RunningService,
} from '../support/server/service-harness.js';

const LIMIT = 10_000;
const DAY = 24 * 60 * 60 * 1000;
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

const LIMIT_MESSAGE =
  "Your account already has 10,000 live API tokens, the most it can have. Revoke tokens you no longer use (Token Desk's Needs attention view lists the unused ones), then try again.";

const create = (session: string, name: string, expiresAt?: string) =>
  service.request('POST', '/v1/users/me/tokens', {
    token: session,
    body: expiresAt === undefined ? { name } : { name, expiresAt },
  });
const rotate = (session: string, id: string, gracePeriodSeconds?: number) =>
  service.request('POST', `/v1/users/me/tokens/${id}/rotate`, {
    token: session,
    ...(gracePeriodSeconds === undefined ? {} : { body: { gracePeriodSeconds } }),
  });
const rowCount = async (userId: string) =>
  Number(
    (
      await service.query<{ n: number }>('SELECT count(*) AS n FROM api_tokens WHERE user_id = ?', [
        userId,
      ])
    )[0]?.n,
  );

/** Writes `count` live tokens without expiry for the account, as the API would. */
async function seed(userId: string, count: number): Promise<void> {
  const batch = randomUUID();
  const at = new Date(service.clock.now()).toISOString();
  await service.query(
    BACKEND === 'sqlite'
      ? `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
         INSERT INTO api_tokens (id, user_id, name, prefix, token_digest, created_at)
         SELECT ? || '-' || i, ?, 'seeded-' || i, 'ca_seed', randomblob(32), ? FROM n
         RETURNING 1`
      : `INSERT INTO api_tokens (id, user_id, name, prefix, token_digest, created_at)
         SELECT ? || '-' || i, ?, 'seeded-' || i, 'ca_seed',
                decode(md5(random()::text || i::text), 'hex'), ?
         FROM generate_series(1, ?::int) AS i
         RETURNING 1`,
    BACKEND === 'sqlite' ? [count, batch, userId, at] : [batch, userId, at, count],
  );
}

/** Creates `count` tokens through the API; returns their ids. */
async function fill(session: string, count: number, expiresAt?: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const response = await create(session, `t${i}`, expiresAt);
    expect(response.status, response.text).toBe(201);
    ids.push(response.body.id as string);
  }
  return ids;
}

describe('live API tokens per account', () => {
  it('the 10,001st is refused with 409 too_many_tokens and nothing written; revoking one makes room', async () => {
    const { session, user } = await signUpAndIn(service);
    const ids = await fill(session, 2);
    await seed(user.id, LIMIT - 2);
    const events = await service.query('SELECT id FROM events WHERE user_id = ?', [user.id]);

    const refused = await create(session, 'one-too-many');
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({
      statusCode: 409,
      code: 'too_many_tokens',
      error: 'Conflict',
      message: LIMIT_MESSAGE,
    });
    expect(await rowCount(user.id)).toBe(LIMIT);
    expect(await service.query('SELECT id FROM events WHERE user_id = ?', [user.id])).toEqual(
      events,
    );

    expect(
      (await service.request('DELETE', `/v1/users/me/tokens/${ids[0]}`, { token: session })).status,
    ).toBe(204);
    expect((await create(session, 'fits-again')).status).toBe(201);
    expect((await create(session, 'over-again')).status).toBe(409);
  }, 120_000);

  it('expired tokens, revoked tokens and ended graces do not count', async () => {
    const { session, user } = await signUpAndIn(service);
    await fill(session, 1, new Date(service.clock.now() + DAY).toISOString());
    const [graced, spare] = await fill(session, 2);
    await seed(user.id, LIMIT - 3);
    expect((await create(session, 'full')).status).toBe(409);

    service.clock.advance(DAY); // the short-lived token has expired
    expect((await create(session, 'in-place-of-expired')).status).toBe(201);
    expect((await create(session, 'full-again')).status).toBe(409);

    // Room for a rotation with a grace period; once the grace ends, the old token no
    // longer counts.
    await service.request('DELETE', `/v1/users/me/tokens/${spare}`, { token: session });
    expect((await rotate(session, graced!, 60)).status).toBe(201);
    expect((await create(session, 'during-grace')).status).toBe(409);
    service.clock.advance(60_000);
    expect((await create(session, 'after-grace')).status).toBe(201);
  }, 120_000);

  it('at the limit, a rotation without a grace period replaces (201); with one it needs room (409)', async () => {
    const { session, user } = await signUpAndIn(service);
    const [first] = await fill(session, 1);
    await seed(user.id, LIMIT - 1);
    const replaced = await rotate(session, first!);
    expect(replaced.status, replaced.text).toBe(201);
    expect(replaced.body.previous).toEqual({ id: first, graceEndsAt: null });

    const withGrace = await rotate(session, replaced.body.id as string, 3600);
    expect(withGrace.status).toBe(409);
    expect(withGrace.body).toMatchObject({ code: 'too_many_tokens' });
    expect(withGrace.body.message).toBe(
      'Your account already has 10,000 live API tokens, the most it can have, and a rotation with a grace period keeps the old token working beside its replacement until the grace ends. Rotate without a grace period, or revoke tokens you no longer use, then try again.',
    );
    // Nothing changed: the token was not replaced, no token was added.
    expect(await rowCount(user.id)).toBe(LIMIT + 1);
    const live = (await service.request('GET', '/v1/users/me/tokens', { token: session }))
      .body as Array<{ id: string; replacedById: string | null }>;
    expect(live).toHaveLength(LIMIT);
    expect(live.find((token) => token.id === replaced.body.id)?.replacedById).toBeNull();
  }, 120_000);

  it('twelve creations at once with room for one: exactly one is created', async () => {
    const { session, user } = await signUpAndIn(service);
    await seed(user.id, LIMIT - 1);
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) => create(session, `race-${i}`)),
    );
    expect(responses.map((response) => response.status).sort()).toEqual([
      201,
      ...Array<number>(11).fill(409),
    ]);
    expect(await rowCount(user.id)).toBe(LIMIT);
  }, 120_000);

  it('an account below the limit is not affected by another at it', async () => {
    const full = await signUpAndIn(service);
    const other = await signUpAndIn(service);
    await seed(full.user.id, LIMIT);
    expect((await create(full.session, 'no')).status).toBe(409);
    expect((await createToken(service, other.session, 'yes')).id).toBeDefined();
  }, 120_000);

  it('documents the 409 on creation and rotation in OpenAPI', async () => {
    const spec = (await service.request('GET', '/v1/openapi.json')).body;
    for (const operation of [
      spec.paths['/v1/users/me/tokens'].post,
      spec.paths['/v1/users/me/tokens/{id}/rotate'].post,
    ]) {
      expect(operation.responses['409'], operation.summary).toBeDefined();
      expect(operation.description, operation.summary).toMatch(/too_many_tokens/);
      expect(operation.description, operation.summary).toMatch(/10,000/);
    }
  });
});
