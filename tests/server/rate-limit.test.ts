import { describe, expect, it } from 'vitest';
import { generateSecret } from '../../src/server/auth/secrets.js';
import {
  createToken,
  signUpAndIn,
  serviceForEachTest,
  type RunningService,
} from '../support/server/service-harness.js';

let service: RunningService | undefined;
const start = serviceForEachTest();

describe('rate limiting of failures', () => {
  it('answers 429 with Retry-After to unknown credentials once a client has failed too often, until the window passes', async () => {
    service = await start({ authFailureLimit: { maxFailures: 3, windowMs: 60_000 } });
    const { session } = await signUpAndIn(service);
    const valid = await createToken(service, session);
    const unknown = generateSecret('api_token');

    // Successes do not count.
    for (let i = 0; i < 10; i++) {
      expect((await service.request('GET', '/v1/users/me', { token: valid.secret })).status).toBe(
        200,
      );
    }
    for (let i = 0; i < 3; i++) {
      expect((await service.request('GET', '/v1/users/me', { token: unknown })).status).toBe(401);
    }
    const limited = await service.request('GET', '/v1/users/me', { token: unknown });
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('too_many_requests');
    expect(limited.headers.get('retry-after')).toBe('60');
    expect(limited.body.message).toBe(
      'Too many failed authentication attempts from this address. Try again in 60 seconds.',
    );
    // A live credential is never refused because of other failures (this used to be 429).
    expect((await service.request('GET', '/v1/users/me', { token: valid.secret })).status).toBe(
      200,
    );
    expect((await service.request('GET', '/v1/health')).status).toBe(200);

    service.clock.advance(45_000);
    expect(
      (await service.request('GET', '/v1/users/me', { token: unknown })).headers.get('retry-after'),
    ).toBe('15');
    service.clock.advance(15_000);
    expect((await service.request('GET', '/v1/users/me', { token: unknown })).status).toBe(401);
  });

  it('never locks out a live session or API token sharing an address with 30+ failures (the app and CI share 127.0.0.1)', async () => {
    service = await start(); // the production limits: 30 failures a minute
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session, 'ci');
    // A stale token in one script, retried in a loop.
    const stale = generateSecret('api_token');
    const failures = [];
    for (let i = 0; i < 35; i++) {
      failures.push((await service.request('GET', '/v1/users/me', { token: stale })).status);
    }
    expect(failures.slice(0, 30)).toEqual(Array(30).fill(401));
    expect(failures.slice(30)).toEqual(Array(5).fill(429));

    // The desktop app's session and a CI token from the same address: all served.
    for (const path of ['/v1/users/me', '/v1/users/me/tokens', '/v1/organizations']) {
      expect((await service.request('GET', path, { token: session })).status, path).toBe(200);
    }
    for (const path of ['/v1/users/me', '/v1/organizations']) {
      expect((await service.request('GET', path, { token: token.secret })).status, path).toBe(200);
    }
    // Guessing is still stopped: unknown tokens (well-formed or not) get 429.
    expect((await service.request('GET', '/v1/users/me', { token: stale })).status).toBe(429);
    expect(
      (await service.request('GET', '/v1/users/me', { token: generateSecret('session') })).status,
    ).toBe(429);
    expect(
      (await service.request('GET', '/v1/users/me', { token: `${stale.slice(0, -1)}x` })).status,
    ).toBe(429);
  });

  it('answers revoked and expired credentials with their own 401 and does not count them as guesses', async () => {
    service = await start({ authFailureLimit: { maxFailures: 3, windowMs: 60_000 } });
    const { session, sessionId } = await signUpAndIn(service);
    const revoked = await createToken(service, session, 'revoked');
    await service.request('DELETE', `/v1/users/me/tokens/${revoked.id}`, { token: session });
    const expiring = await createToken(
      service,
      session,
      'expiring',
      new Date(service.clock.now() + 60_000).toISOString(),
    );
    const signedOut = await signUpAndIn(service);
    await service.request('DELETE', `/v1/sessions/${signedOut.sessionId}`, {
      token: signedOut.session,
    });
    service.clock.advance(60_000); // `expiring` is now expired

    for (let i = 0; i < 10; i++) {
      const a = await service.request('GET', '/v1/users/me', { token: revoked.secret });
      expect(a.status).toBe(401);
      expect(a.body.code).toBe('token_revoked');
      const b = await service.request('GET', '/v1/users/me', { token: expiring.secret });
      expect(b.status).toBe(401);
      expect(b.body.code).toBe('token_expired');
      const c = await service.request('GET', '/v1/users/me', { token: signedOut.session });
      expect(c.status).toBe(401);
      expect(c.body.code).toBe('session_expired');
      // No credential at all is not a guess either.
      expect((await service.request('GET', '/v1/users/me')).status).toBe(401);
    }
    // None of those 40 counted: the first unknown token is still only a 401.
    const unknown = generateSecret('api_token');
    for (let i = 0; i < 3; i++) {
      expect((await service.request('GET', '/v1/users/me', { token: unknown })).status).toBe(401);
    }
    expect((await service.request('GET', '/v1/users/me', { token: unknown })).status).toBe(429);
    // Known credentials keep their own answer while the address is over the limit.
    const stillRevoked = await service.request('GET', '/v1/users/me', { token: revoked.secret });
    expect(stillRevoked.body.code).toBe('token_revoked');
    expect(sessionId).toBeTruthy();
  });

  it('limits failed sign-ins per client, whichever accounts they target', async () => {
    service = await start({ signInFailureLimit: { maxFailures: 2, windowMs: 15 * 60_000 } });
    const { email, password } = await signUpAndIn(service);
    for (const attempt of [
      { email, password: 'wrong one!' },
      { email: 'other@example.test', password: 'wrong one!' },
    ]) {
      expect((await service.request('POST', '/v1/sessions', { body: attempt })).status).toBe(401);
    }
    const limited = await service.request('POST', '/v1/sessions', { body: { email, password } });
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('too_many_requests');
    expect(Number(limited.headers.get('retry-after'))).toBe(900);

    service.clock.advance(15 * 60_000);
    expect(
      (await service.request('POST', '/v1/sessions', { body: { email, password } })).status,
    ).toBe(201);
  });
});
