import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatUtc } from '../../src/server/human-time.js';
import {
  createToken,
  removeDir,
  signUpAndIn,
  startService,
  type RunningService,
} from '../support/server/service-harness.js';

const DAY = 24 * 60 * 60 * 1000;
let service: RunningService;

beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service.stop();
  removeDir(service.dataDir);
});

describe('the token lifecycle over real HTTP', () => {
  it('answers health without authentication', async () => {
    const health = await service.request('GET', '/v1/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
  });

  it('signs up, gets a personal organization, signs in and reads itself', async () => {
    const email = 'Ada@Example.test';
    const created = await service.request('POST', '/v1/users', {
      body: { email, password: 'analytical engine', name: '  Ada Lovelace ' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email: 'ada@example.test', name: 'Ada Lovelace' });
    expect(created.body).not.toHaveProperty('passwordHash');
    expect(created.text).not.toContain('analytical engine');

    const session = await service.request('POST', '/v1/sessions', {
      body: { email: 'ada@example.test', password: 'analytical engine' },
    });
    expect(session.status).toBe(201);
    expect(session.body.token).toMatch(/^ses_[0-9A-Za-z]{36}$/);
    expect(Date.parse(session.body.expiresAt) - service.clock.now()).toBe(30 * DAY);
    expect(session.body.user.id).toBe(created.body.id);

    const me = await service.request('GET', '/v1/users/me', { token: session.body.token });
    expect(me.status).toBe(200);
    expect(me.body).toEqual(created.body);

    const organizations = await service.request('GET', '/v1/organizations', {
      token: session.body.token,
    });
    expect(organizations.body).toEqual([
      { id: expect.any(String), name: "Ada Lovelace's organization" },
    ]);
  });

  it('creates a token whose secret is returned once, in the documented format', async () => {
    const { session } = await signUpAndIn(service);
    const expiresAt = new Date(service.clock.now() + 30 * DAY).toISOString();
    const created = await service.request('POST', '/v1/users/me/tokens', {
      token: session,
      body: { name: '  ci-github  ', expiresAt },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    expect(created.body).toMatchObject({ name: 'ci-github', expiresAt, lastUsedAt: null });
    expect(created.body.secret).toMatch(/^ca_[0-9A-Za-z]{36}$/);
    expect(created.body.prefix).toBe(created.body.secret.slice(0, 7));

    const list = await service.request('GET', '/v1/users/me/tokens', { token: session });
    expect(list.status).toBe(200);
    expect(list.body).toEqual([
      {
        id: created.body.id,
        name: 'ci-github',
        prefix: created.body.prefix,
        createdAt: created.body.createdAt,
        expiresAt,
        lastUsedAt: null,
        // Added later: where and by which client it was last used.
        lastUsedIp: null,
        lastUsedUserAgent: null,
        // Added later: where it lives, and whether a rotation replaced it.
        destinationCount: 0,
        replacedById: null,
        graceEndsAt: null,
      },
    ]);
    expect(list.text).not.toContain(created.body.secret);
  });

  it('authenticates with the token as a bearer and records last use at most once a minute', async () => {
    const { session, user } = await signUpAndIn(service);
    const token = await createToken(service, session);
    const lastUsed = async () =>
      (await service.request('GET', '/v1/users/me/tokens', { token: session })).body[0].lastUsedAt;

    const me = await service.request('GET', '/v1/users/me', { token: token.secret });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(user.id);
    const firstUse = new Date(service.clock.now()).toISOString();
    expect(await lastUsed()).toBe(firstUse);

    service.clock.advance(30_000);
    await service.request('GET', '/v1/users/me', { token: token.secret });
    expect(await lastUsed()).toBe(firstUse);

    service.clock.advance(30_000);
    await service.request('GET', '/v1/users/me', { token: token.secret });
    expect(await lastUsed()).toBe(new Date(service.clock.now()).toISOString());
  });

  it('lets an API token act for its owner on apps and organizations, but not manage tokens', async () => {
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session, 'automation');
    // Managing tokens needs a session; with an API token this used to be 201.
    const second = await service.request('POST', '/v1/users/me/tokens', {
      token: token.secret,
      body: { name: 'made-by-a-token' },
    });
    expect(second.status).toBe(403);
    expect(second.body.code).toBe('session_required');
    const [organization] = (
      await service.request('GET', '/v1/organizations', { token: token.secret })
    ).body;
    const one = await service.request('GET', `/v1/organizations/${organization.id}`, {
      token: token.secret,
    });
    expect(one.body).toEqual(organization);
    const app = await service.request('POST', '/v1/apps', {
      token: token.secret,
      body: { organizationId: organization.id, name: 'Mobile' },
    });
    expect(app.status).toBe(201);
    const apps = await service.request('GET', `/v1/apps?organizationId=${organization.id}`, {
      token: token.secret,
    });
    expect(apps.body).toEqual([
      { id: app.body.id, name: 'Mobile', organizationId: organization.id },
    ]);
  });

  it('revokes a token: the very next request with it gets 401 token_revoked', async () => {
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session);
    expect((await service.request('GET', '/v1/users/me', { token: token.secret })).status).toBe(
      200,
    );

    const revoked = await service.request('DELETE', `/v1/users/me/tokens/${token.id}`, {
      token: session,
    });
    expect(revoked.status).toBe(204);
    expect(revoked.text).toBe('');

    const after = await service.request('GET', '/v1/users/me', { token: token.secret });
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toBe('Bearer');
    expect(after.body).toMatchObject({ statusCode: 401, code: 'token_revoked' });
    expect(after.body.message).toMatch(/revoked.*update the secret in your CI/);

    const list = await service.request('GET', '/v1/users/me/tokens', { token: session });
    expect(list.body).toEqual([]);
    const again = await service.request('DELETE', `/v1/users/me/tokens/${token.id}`, {
      token: session,
    });
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('token_not_found');
  });

  it('rotates: a new secret under the same name and lifetime, the old one revoked', async () => {
    const { session } = await signUpAndIn(service);
    const original = await createToken(
      service,
      session,
      'deploy',
      new Date(service.clock.now() + 60 * DAY).toISOString(),
    );
    service.clock.advance(10 * DAY);

    const rotated = await service.request('POST', `/v1/users/me/tokens/${original.id}/rotate`, {
      token: session,
    });
    expect(rotated.status).toBe(201);
    expect(rotated.body.name).toBe('deploy');
    expect(rotated.body.id).not.toBe(original.id);
    expect(rotated.body.secret).not.toBe(original.secret);
    expect(Date.parse(rotated.body.expiresAt) - service.clock.now()).toBe(60 * DAY);

    expect(
      (await service.request('GET', '/v1/users/me', { token: original.secret })).body.code,
    ).toBe('token_revoked');
    expect(
      (await service.request('GET', '/v1/users/me', { token: rotated.body.secret })).status,
    ).toBe(200);
    const list = await service.request('GET', '/v1/users/me/tokens', { token: session });
    expect(list.body.map((t: { id: string }) => t.id)).toEqual([rotated.body.id]);

    const twice = await service.request('POST', `/v1/users/me/tokens/${original.id}/rotate`, {
      token: session,
    });
    expect(twice.status).toBe(404);
  });

  it('keeps "no expiry" when rotating a token that never expires', async () => {
    const { session } = await signUpAndIn(service);
    const original = await createToken(service, session, 'forever', null);
    expect(original.expiresAt).toBeNull();
    const rotated = await service.request('POST', `/v1/users/me/tokens/${original.id}/rotate`, {
      token: session,
    });
    expect(rotated.body.expiresAt).toBeNull();
  });

  it('expires tokens on time (the clock is injected, nothing sleeps)', async () => {
    const { session } = await signUpAndIn(service);
    const expiresAt = new Date(service.clock.now() + 7 * DAY).toISOString();
    const token = await createToken(service, session, 'short-lived', expiresAt);
    service.clock.advance(7 * DAY - 1);
    expect((await service.request('GET', '/v1/users/me', { token: token.secret })).status).toBe(
      200,
    );
    service.clock.advance(1);
    const expired = await service.request('GET', '/v1/users/me', { token: token.secret });
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('token_expired');
    // The date as people read it, not the ISO timestamp.
    expect(expired.body.message).toContain(formatUtc(expiresAt));
    expect(expired.body.message).not.toContain(expiresAt);
    // Still listed, so the app can show it as expired.
    const list = await service.request('GET', '/v1/users/me/tokens', { token: session });
    expect(list.body.map((t: { id: string }) => t.id)).toEqual([token.id]);
  });

  it('expires sessions after 30 days', async () => {
    const { session } = await signUpAndIn(service);
    service.clock.advance(30 * 24 * 60 * 60 * 1000);
    const response = await service.request('GET', '/v1/users/me', { token: session });
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('session_expired');
  });

  it('signs out: the session is revoked and cannot be used again', async () => {
    const { session, sessionId } = await signUpAndIn(service);
    const token = await createToken(service, session);
    const withToken = await service.request('DELETE', `/v1/sessions/${sessionId}`, {
      token: token.secret,
    });
    expect(withToken.status).toBe(403);
    expect(withToken.body.code).toBe('session_required');

    const signOut = await service.request('DELETE', `/v1/sessions/${sessionId}`, {
      token: session,
    });
    expect(signOut.status).toBe(204);
    const after = await service.request('GET', '/v1/users/me', { token: session });
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('session_expired');
    // API tokens are independent of the session that created them.
    expect((await service.request('GET', '/v1/users/me', { token: token.secret })).status).toBe(
      200,
    );
  });

  it('keeps accounts apart: another user sees the same 404 as for a missing token', async () => {
    const alice = await signUpAndIn(service);
    const bob = await signUpAndIn(service);
    const alicesToken = await createToken(service, alice.session);
    const missing = await service.request(
      'DELETE',
      '/v1/users/me/tokens/00000000-0000-4000-8000-000000000000',
      {
        token: bob.session,
      },
    );
    const foreign = await service.request('DELETE', `/v1/users/me/tokens/${alicesToken.id}`, {
      token: bob.session,
    });
    const foreignRotate = await service.request(
      'POST',
      `/v1/users/me/tokens/${alicesToken.id}/rotate`,
      {
        token: bob.session,
      },
    );
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(missing.body);
    expect(foreignRotate.body).toEqual(missing.body);
    expect(
      (await service.request('GET', '/v1/users/me', { token: alicesToken.secret })).status,
    ).toBe(200);

    const [alicesOrg] = (
      await service.request('GET', '/v1/organizations', { token: alice.session })
    ).body;
    const peek = await service.request('GET', `/v1/organizations/${alicesOrg.id}`, {
      token: bob.session,
    });
    expect(peek.status).toBe(404);
    const apps = await service.request('GET', `/v1/apps?organizationId=${alicesOrg.id}`, {
      token: bob.session,
    });
    expect(apps.status).toBe(404);
  });

  it('serves its OpenAPI description with every contract route', async () => {
    const spec = await service.request('GET', '/v1/openapi.json');
    expect(spec.status).toBe(200);
    expect(spec.body.openapi).toBe('3.1.0');
    expect(Object.keys(spec.body.paths).sort()).toEqual([
      '/v1/apps',
      '/v1/health',
      '/v1/health/ready',
      '/v1/organizations',
      '/v1/organizations/{id}',
      '/v1/sessions',
      '/v1/sessions/{id}',
      '/v1/users',
      '/v1/users/me',
      '/v1/users/me/events',
      '/v1/users/me/tokens',
      '/v1/users/me/tokens/revoke',
      '/v1/users/me/tokens/{id}',
      '/v1/users/me/tokens/{id}/destinations',
      '/v1/users/me/tokens/{id}/destinations/{destinationId}',
      '/v1/users/me/tokens/{id}/rotate',
      '/v1/users/me/tracked-tokens',
      '/v1/users/me/tracked-tokens/{id}',
      '/v1/users/me/tracked-tokens/{id}/destinations',
      '/v1/users/me/tracked-tokens/{id}/destinations/{destinationId}',
    ]);
    expect(spec.body.paths['/v1/users/me/tokens'].post.requestBody).toBeDefined();
  });
});
