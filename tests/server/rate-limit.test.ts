import { afterEach, describe, expect, it } from 'vitest';
import { generateSecret } from '../../src/server/auth/secrets.js';
import {
  createToken,
  removeDir,
  signUpAndIn,
  startService,
  type RunningService,
} from './service-harness.js';

let service: RunningService | undefined;
afterEach(async () => {
  if (service) {
    await service.stop();
    removeDir(service.dataDir);
    service = undefined;
  }
});

describe('rate limiting of failures', () => {
  it('answers 429 with Retry-After once a client has failed authentication too often, until the window passes', async () => {
    service = await startService({ authFailureLimit: { maxFailures: 3, windowMs: 60_000 } });
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
    // While limited, even a valid token is refused from that address: that is what stops guessing.
    expect((await service.request('GET', '/v1/users/me', { token: valid.secret })).status).toBe(
      429,
    );
    expect((await service.request('GET', '/v1/health')).status).toBe(200);

    service.clock.advance(45_000);
    expect(
      (await service.request('GET', '/v1/users/me', { token: unknown })).headers.get('retry-after'),
    ).toBe('15');
    service.clock.advance(15_000);
    expect((await service.request('GET', '/v1/users/me', { token: valid.secret })).status).toBe(
      200,
    );
  });

  it('limits failed sign-ins per client, whichever accounts they target', async () => {
    service = await startService({ signInFailureLimit: { maxFailures: 2, windowMs: 15 * 60_000 } });
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
