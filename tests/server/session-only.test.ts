/**
 * Managing tokens needs a session: a leaked CI token must not be able to mint a
 * replacement that outlives its own revocation, rotate other tokens and receive their
 * secrets, revoke them, or list them. Reading stays open to API tokens. And every
 * response that carries a secret says `Cache-Control: no-store`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createToken,
  removeDir,
  signUpAndIn,
  startService,
  type RunningService,
} from '../support/server/service-harness.js';

let service: RunningService;
let session: string;
let apiToken: string;
let other: { id: string; secret: string };

beforeAll(async () => {
  service = await startService();
  session = (await signUpAndIn(service)).session;
  apiToken = (await createToken(service, session, 'ci-leaked')).secret;
  other = await createToken(service, session, 'ci-other');
  // Use both once, so their lastUsedAt is set (the clock is frozen) and lists compare equal.
  for (const token of [apiToken, other.secret]) {
    await service.request('GET', '/v1/users/me', { token });
  }
});
afterAll(async () => {
  await service.stop();
  removeDir(service.dataDir);
});

const SESSION_REQUIRED =
  'Managing API tokens needs a session: sign in with your email and password (the Token Desk app does this). An API token can read your account, organizations and apps, but cannot list, create, rotate or revoke tokens.';

describe('token management with an API token', () => {
  it.each([
    ['create a token', 'POST', '/v1/users/me/tokens', { name: 'minted', expiresAt: null }],
    ['create a token, with a body that is not even valid', 'POST', '/v1/users/me/tokens', { x: 1 }],
    ['list tokens', 'GET', '/v1/users/me/tokens', undefined],
    ['rotate another token', 'POST', () => `/v1/users/me/tokens/${other.id}/rotate`, undefined],
    ['revoke another token', 'DELETE', () => `/v1/users/me/tokens/${other.id}`, undefined],
  ] as const)('cannot %s: 403 session_required', async (_, method, path, body) => {
    const before = (await service.request('GET', '/v1/users/me/tokens', { token: session })).text;
    const response = await service.request(method, typeof path === 'function' ? path() : path, {
      token: apiToken,
      ...(body === undefined ? {} : { body }),
    });
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ statusCode: 403, code: 'session_required' });
    expect(response.body.message).toBe(SESSION_REQUIRED);
    expect(response.text).not.toMatch(/ca_[0-9A-Za-z]{36}/);
    // Nothing changed: same tokens, and the one it went after still works.
    expect((await service.request('GET', '/v1/users/me/tokens', { token: session })).text).toBe(
      before,
    );
    expect((await service.request('GET', '/v1/users/me', { token: other.secret })).status).toBe(
      200,
    );
  });

  it('can still read the account, organizations and apps, and create an app', async () => {
    expect((await service.request('GET', '/v1/users/me', { token: apiToken })).status).toBe(200);
    const organizations = await service.request('GET', '/v1/organizations', { token: apiToken });
    expect(organizations.status).toBe(200);
    const organizationId = organizations.body[0].id as string;
    expect(
      (await service.request('GET', `/v1/organizations/${organizationId}`, { token: apiToken }))
        .status,
    ).toBe(200);
    const app = await service.request('POST', '/v1/apps', {
      token: apiToken,
      body: { organizationId, name: 'Mobile' },
    });
    expect(app.status).toBe(201);
    expect(
      (
        await service.request('GET', `/v1/apps?organizationId=${organizationId}`, {
          token: apiToken,
        })
      ).status,
    ).toBe(200);
  });

  it('documents the rule in the OpenAPI description: 403 on the token routes only', async () => {
    const spec = (await service.request('GET', '/v1/openapi.json')).body;
    const managed = [
      spec.paths['/v1/users/me/tokens'].get,
      spec.paths['/v1/users/me/tokens'].post,
      spec.paths['/v1/users/me/tokens/{id}'].delete,
      spec.paths['/v1/users/me/tokens/{id}/rotate'].post,
    ];
    for (const operation of managed) {
      expect(operation.responses['403'], operation.summary).toBeDefined();
      expect(operation.description, operation.summary).toMatch(/session token \(`ses_…`/);
      expect(operation.description, operation.summary).toMatch(/session_required/);
    }
    for (const operation of [
      spec.paths['/v1/users/me'].get,
      spec.paths['/v1/organizations'].get,
      spec.paths['/v1/apps'].get,
    ]) {
      expect(operation.responses['403'], operation.summary).toBeUndefined();
      expect(operation.description, operation.summary).toMatch(/session or an API token/);
    }
    expect(spec.info.description).toMatch(/Managing tokens needs a session/);
  });
});

describe('Cache-Control: no-store on every response that carries a secret', () => {
  it('on sign-in (a session token)', async () => {
    const account = await signUpAndIn(service);
    const response = await service.request('POST', '/v1/sessions', {
      body: { email: account.email, password: account.password },
    });
    expect(response.status).toBe(201);
    expect(response.body.token).toMatch(/^ses_/);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('on token creation', async () => {
    const response = await service.request('POST', '/v1/users/me/tokens', {
      token: session,
      body: { name: 'no-store-create' },
    });
    expect(response.status).toBe(201);
    expect(response.body.secret).toMatch(/^ca_/);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('on rotation', async () => {
    const token = await createToken(service, session, 'no-store-rotate');
    const response = await service.request('POST', `/v1/users/me/tokens/${token.id}/rotate`, {
      token: session,
    });
    expect(response.status).toBe(201);
    expect(response.body.secret).toMatch(/^ca_/);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});
