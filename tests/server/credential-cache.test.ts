/**
 * The in-process credential cache: digest → what authentication needs, for live
 * credentials only, bounded (LRU). Every test first makes the credential a cache hit, then
 * changes it some way the cache must not hide: revoke, bulk revoke, rotation (at once, at
 * the end of a grace, or by revoking the replacement), expiry by the clock, sign-out, and
 * session expiry. Not once may the stale entry let a request through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret } from '../../src/server/auth/secrets.js';
import {
  BACKEND,
  createToken,
  removeDir,
  signUpAndIn,
  startService,
  TestClock,
  type RunningService,
} from '../support/server/service-harness.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
let service: RunningService;
let clock: TestClock;

beforeAll(async () => {
  clock = new TestClock();
  service = await startService({
    clock,
    signUpLimit: { maxFailures: 1000, windowMs: 60_000 },
    housekeeping: { intervalMs: null },
  });
});
afterAll(async () => {
  await service.stop();
  removeDir(service.dataDir);
});

const me = (secret: string) => service.request('GET', '/v1/users/me', { token: secret });
const cached = () => service.app.credentialCaches;

/** Two requests: the first fills the cache, the second is served from it. */
async function warm(secret: string): Promise<void> {
  expect((await me(secret)).status).toBe(200);
  expect((await me(secret)).status).toBe(200);
}

describe('credential cache: nothing stale gets through', () => {
  // The cache's contents: PostgreSQL mode keeps none (see the last describe).
  it.skipIf(BACKEND === 'postgres')('caches a live token after its first use', async () => {
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session, 'cached');
    const before = cached().tokens.size;
    await warm(token.secret);
    expect(cached().tokens.size).toBe(before + 1);
  });

  it('revoke: the very next request gets 401 token_revoked', async () => {
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session, 'revoke me');
    await warm(token.secret);
    const revoked = await service.request('DELETE', `/v1/users/me/tokens/${token.id}`, {
      token: session,
    });
    expect(revoked.status).toBe(204);
    const next = await me(token.secret);
    expect(next.status).toBe(401);
    expect(next.body.code).toBe('token_revoked');
  });

  it('bulk revoke: every token in it gets 401 on the next request', async () => {
    const { session } = await signUpAndIn(service);
    const a = await createToken(service, session, 'bulk a');
    const b = await createToken(service, session, 'bulk b');
    await warm(a.secret);
    await warm(b.secret);
    const bulk = await service.request('POST', '/v1/users/me/tokens/revoke', {
      token: session,
      body: { ids: [a.id, b.id] },
    });
    expect(bulk.body.revoked).toEqual([a.id, b.id]);
    for (const secret of [a.secret, b.secret]) {
      expect((await me(secret)).body.code).toBe('token_revoked');
    }
  });

  it('rotation without a grace period: the old token is refused at once', async () => {
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session, 'rotate now');
    await warm(token.secret);
    const rotated = await service.request('POST', `/v1/users/me/tokens/${token.id}/rotate`, {
      token: session,
    });
    expect(rotated.status).toBe(201);
    const old = await me(token.secret);
    expect(old.status).toBe(401);
    expect(old.body.message).toContain('replaced by a rotation');
    await warm(rotated.body.secret);
  });

  it('rotation with a grace period: works until graceEndsAt, to the millisecond, then refused', async () => {
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session, 'rotate later');
    await warm(token.secret);
    const rotated = await service.request('POST', `/v1/users/me/tokens/${token.id}/rotate`, {
      token: session,
      body: { gracePeriodSeconds: 60 },
    });
    expect(rotated.status).toBe(201);
    await warm(token.secret); // in grace: still live, served from the cache
    clock.advance(MINUTE - 1);
    expect((await me(token.secret)).status).toBe(200);
    clock.advance(1);
    const ended = await me(token.secret);
    expect(ended.status).toBe(401);
    expect(ended.body.code).toBe('token_revoked');
  });

  it('revoking the replacement ends the predecessor’s grace at once', async () => {
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session, 'predecessor');
    const rotated = await service.request('POST', `/v1/users/me/tokens/${token.id}/rotate`, {
      token: session,
      body: { gracePeriodSeconds: 3600 },
    });
    await warm(token.secret);
    await warm(rotated.body.secret);
    await service.request('DELETE', `/v1/users/me/tokens/${rotated.body.id}`, { token: session });
    expect((await me(rotated.body.secret)).body.code).toBe('token_revoked');
    expect((await me(token.secret)).body.code).toBe('token_revoked');
  });

  it('revoking the newest of a chain refuses every cached predecessor on the next request', async () => {
    const { session } = await signUpAndIn(service);
    const rotate = async (id: string) =>
      (
        await service.request('POST', `/v1/users/me/tokens/${id}/rotate`, {
          token: session,
          body: { gracePeriodSeconds: 3600 },
        })
      ).body as { id: string; secret: string };
    const g = await createToken(service, session, 'chain-start');
    const g1 = await rotate(g.id);
    const g2 = await rotate(g1.id);
    for (const secret of [g.secret, g1.secret, g2.secret]) await warm(secret);
    await service.request('DELETE', `/v1/users/me/tokens/${g2.id}`, { token: session });
    for (const secret of [g.secret, g1.secret, g2.secret]) {
      expect((await me(secret)).body.code).toBe('token_revoked');
    }
  });

  it('a grace ended by the background sweep stays ended', async () => {
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session, 'swept');
    await service.request('POST', `/v1/users/me/tokens/${token.id}/rotate`, {
      token: session,
      body: { gracePeriodSeconds: 60 },
    });
    await warm(token.secret);
    clock.advance(2 * MINUTE);
    await service.app.housekeeping.run();
    expect((await me(token.secret)).body.code).toBe('token_revoked');
  });

  it('expiry: the clock is checked on every hit', async () => {
    const { session } = await signUpAndIn(service);
    const expiresAt = new Date(clock.now() + DAY).toISOString();
    const token = await createToken(service, session, 'expiring', expiresAt);
    await warm(token.secret);
    clock.advance(DAY - 1);
    expect((await me(token.secret)).status).toBe(200);
    clock.advance(1);
    const expired = await me(token.secret);
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('token_expired');
  });

  it('sign-out: the session is refused on the next request', async () => {
    const { session, sessionId } = await signUpAndIn(service);
    await warm(session);
    const out = await service.request('DELETE', `/v1/sessions/${sessionId}`, { token: session });
    expect(out.status).toBe(204);
    const next = await me(session);
    expect(next.status).toBe(401);
    expect(next.body.message).toContain('signed out');
  });

  it('session expiry: the clock is checked on every hit', async () => {
    const { session } = await signUpAndIn(service);
    await warm(session);
    clock.advance(30 * DAY);
    const next = await me(session);
    expect(next.status).toBe(401);
    expect(next.body.code).toBe('session_expired');
    expect(next.body.message).toContain('expired');
  });

  it('never fills with unknown, revoked or expired credentials', async () => {
    const { session } = await signUpAndIn(service);
    const dead = await createToken(service, session, 'dead');
    await service.request('DELETE', `/v1/users/me/tokens/${dead.id}`, { token: session });
    const size = { ...sizes() };
    for (let i = 0; i < 20; i++) {
      expect((await me(generateSecret('api_token'))).status).toBe(401);
    }
    expect((await me(generateSecret('session'))).status).toBe(401);
    expect((await me(dead.secret)).status).toBe(401);
    expect(sizes()).toEqual(size);
  });
});

function sizes() {
  return { tokens: cached().tokens.size, sessions: cached().sessions.size };
}

// The bound of a cache PostgreSQL mode does not keep (other instances write the database).
describe.skipIf(BACKEND === 'postgres')('credential cache bound', () => {
  it('holds at most its capacity, evicting the least recently used, and evicted tokens still work', async () => {
    const small = await startService({ credentialCacheSize: 2 });
    try {
      const { session } = await signUpAndIn(small);
      const [a, b, c] = [
        await createToken(small, session, 'a'),
        await createToken(small, session, 'b'),
        await createToken(small, session, 'c'),
      ];
      const use = (secret: string) => small.request('GET', '/v1/users/me', { token: secret });
      for (const t of [a, b, c, a, b, c, a]) expect((await use(t.secret)).status).toBe(200);
      expect(small.app.credentialCaches.tokens.size).toBe(2);
      // b was least recently used, so it was evicted; revoking it must still count.
      await small.request('DELETE', `/v1/users/me/tokens/${b.id}`, { token: session });
      expect((await use(b.secret)).status).toBe(401);
      await small.request('DELETE', `/v1/users/me/tokens/${a.id}`, { token: session });
      expect((await use(a.secret)).status).toBe(401);
      expect((await use(c.secret)).status).toBe(200);
    } finally {
      await small.stop();
      removeDir(small.dataDir);
    }
  });
});

describe.runIf(BACKEND === 'postgres')('PostgreSQL mode: no credential in memory', () => {
  it('keeps no credential after authenticated requests', async () => {
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session, 'uncached');
    await warm(token.secret);
    await warm(session);
    expect(sizes()).toEqual({ tokens: 0, sessions: 0 });
  });

  it('a revocation written into the database by another instance gets 401 on the very next request', async () => {
    const { session, sessionId } = await signUpAndIn(service);
    const token = await createToken(service, session, 'revoked elsewhere');
    await warm(token.secret);
    await warm(session);
    // Another instance's write, straight into the shared database: nothing here hears of it.
    const at = new Date(clock.now()).toISOString();
    await service.query(
      "UPDATE api_tokens SET revoked_at = ?, revoked_reason = 'revoked' WHERE id = ?",
      [at, token.id],
    );
    const next = await me(token.secret);
    expect(next.status).toBe(401);
    expect(next.body.code).toBe('token_revoked');
    await service.query('UPDATE sessions SET revoked_at = ? WHERE id = ?', [at, sessionId]);
    expect((await me(session)).status).toBe(401);
  });
});
