/**
 * Every bad input a client can send gets a 4xx with a stable code and a readable
 * message, and leaves the service answering with nothing lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checksumOf, generateSecret } from '../../src/server/auth/secrets.js';
import {
  createToken,
  removeDir,
  signUpAndIn,
  startService,
  type RequestOptions,
  type RunningService,
} from '../support/server/service-harness.js';

const DAY = 24 * 60 * 60 * 1000;
let service: RunningService;
let session: string;
let email: string;
let organizationId: string;
let tokenListBefore: string;
let secret: string;

beforeAll(async () => {
  service = await startService();
  const account = await signUpAndIn(service);
  session = account.session;
  email = account.email;
  secret = (await createToken(service, session, 'existing')).secret;
  // Use the token once so its lastUsedAt is set; the frozen clock keeps it from changing.
  await service.request('GET', '/v1/users/me', { token: secret });
  organizationId = (await service.request('GET', '/v1/organizations', { token: session })).body[0]
    .id;
  tokenListBefore = (await service.request('GET', '/v1/users/me/tokens', { token: session })).text;
});
afterAll(async () => {
  await service.stop();
  removeDir(service.dataDir);
});

type Case = [
  description: string,
  method: string,
  path: string,
  request: () => RequestOptions,
  status: number,
  code: string,
];

const withSession =
  (init: RequestOptions = {}) =>
  () => ({ token: session, ...init });
const tokenBody = (body: unknown) => withSession({ body });
const futureDays = (days: number) => new Date(service.clock.now() + days * DAY).toISOString();
const badChecksum = () => {
  const good = generateSecret('api_token');
  const last = good.at(-1) === 'a' ? 'b' : 'a';
  return good.slice(0, -1) + last;
};
const unknownButWellFormed = () => {
  const random = 'A'.repeat(30);
  return `ca_${random}${checksumOf(random)}`;
};

const cases: Case[] = [
  // Sign-up
  [
    'sign-up without an email',
    'POST',
    '/v1/users',
    () => ({ body: { password: 'long enough' } }),
    400,
    'invalid_request',
  ],
  [
    'sign-up with a malformed email',
    'POST',
    '/v1/users',
    () => ({ body: { email: 'not-an-email', password: 'long enough' } }),
    400,
    'invalid_request',
  ],
  [
    'sign-up with a 7-character password',
    'POST',
    '/v1/users',
    () => ({ body: { email: 'x@example.test', password: '1234567' } }),
    400,
    'invalid_request',
  ],
  [
    'sign-up with a 1,025-character password',
    'POST',
    '/v1/users',
    () => ({ body: { email: 'x@example.test', password: 'p'.repeat(1025) } }),
    400,
    'invalid_request',
  ],
  [
    'sign-up with an unknown field',
    'POST',
    '/v1/users',
    () => ({ body: { email: 'x@example.test', password: 'long enough', admin: true } }),
    400,
    'invalid_request',
  ],
  [
    'sign-up with a numeric name',
    'POST',
    '/v1/users',
    () => ({ body: { email: 'x@example.test', password: 'long enough', name: 42 } }),
    400,
    'invalid_request',
  ],
  [
    'sign-up with a blank name',
    'POST',
    '/v1/users',
    () => ({ body: { email: 'x@example.test', password: 'long enough', name: '   ' } }),
    400,
    'invalid_name',
  ],
  [
    'sign-up with a control character in the name',
    'POST',
    '/v1/users',
    () => ({ body: { email: 'x@example.test', password: 'long enough', name: 'a\u0007b' } }),
    400,
    'invalid_name',
  ],
  [
    'sign-up with an unpaired surrogate in the password (raw JSON escape)',
    'POST',
    '/v1/users',
    () => ({
      rawBody: '{"email":"x@example.test","password":"long enough\\ud800"}',
      headers: { 'content-type': 'application/json' },
    }),
    400,
    'invalid_request',
  ],
  [
    'sign-up with an email already taken (any case)',
    'POST',
    '/v1/users',
    () => ({ body: { email: email.toUpperCase(), password: 'long enough' } }),
    409,
    'email_taken',
  ],
  ['a JSON array as the body', 'POST', '/v1/users', () => ({ body: [] }), 400, 'invalid_request'],
  [
    'JSON null as the body',
    'POST',
    '/v1/users',
    () => ({ rawBody: 'null', headers: { 'content-type': 'application/json' } }),
    400,
    'invalid_request',
  ],
  [
    'a body that is not JSON',
    'POST',
    '/v1/users',
    () => ({ rawBody: '{"email":', headers: { 'content-type': 'application/json' } }),
    400,
    'invalid_json',
  ],
  [
    'an empty JSON body',
    'POST',
    '/v1/users',
    () => ({ rawBody: '', headers: { 'content-type': 'application/json' } }),
    400,
    'invalid_json',
  ],
  [
    'a text/plain body',
    'POST',
    '/v1/users',
    () => ({ rawBody: 'email=x', headers: { 'content-type': 'text/plain' } }),
    415,
    'unsupported_media_type',
  ],
  [
    'a body over 64 KB',
    'POST',
    '/v1/users',
    () => ({ body: { email: 'x@example.test', password: 'p'.repeat(70_000) } }),
    413,
    'payload_too_large',
  ],
  [
    'a prototype-poisoning body',
    'POST',
    '/v1/users',
    () => ({
      rawBody: '{"email":"x@example.test","password":"long enough","__proto__":{"admin":true}}',
      headers: { 'content-type': 'application/json' },
    }),
    400,
    'invalid_json',
  ],
  // Sign-in
  [
    'sign-in with the wrong password',
    'POST',
    '/v1/sessions',
    () => ({ body: { email, password: 'wrong password' } }),
    401,
    'invalid_credentials',
  ],
  [
    'sign-in with an unknown email',
    'POST',
    '/v1/sessions',
    () => ({ body: { email: 'nobody@example.test', password: 'whatever1' } }),
    401,
    'invalid_credentials',
  ],
  [
    'sign-in without a password',
    'POST',
    '/v1/sessions',
    () => ({ body: { email } }),
    400,
    'invalid_request',
  ],
  // Authentication
  ['no Authorization header', 'GET', '/v1/users/me/tokens', () => ({}), 401, 'unauthorized'],
  [
    'a Basic Authorization header',
    'GET',
    '/v1/users/me/tokens',
    () => ({ headers: { authorization: 'Basic dXNlcjpwYXNz' } }),
    401,
    'unauthorized',
  ],
  [
    'a token with a wrong checksum',
    'GET',
    '/v1/users/me',
    () => ({ token: badChecksum() }),
    401,
    'invalid_token',
  ],
  [
    'a truncated token',
    'GET',
    '/v1/users/me',
    () => ({ token: secret.slice(0, -1) }),
    401,
    'invalid_token',
  ],
  [
    'a well-formed token the service never issued',
    'GET',
    '/v1/users/me',
    () => ({ token: unknownButWellFormed() }),
    401,
    'invalid_token',
  ],
  [
    'an unauthenticated request with an invalid body',
    'POST',
    '/v1/users/me/tokens',
    () => ({ body: { nope: 1 } }),
    401,
    'unauthorized',
  ],
  // Creating tokens
  ['a token without a name', 'POST', '/v1/users/me/tokens', tokenBody({}), 400, 'invalid_request'],
  [
    'a token with an empty name',
    'POST',
    '/v1/users/me/tokens',
    tokenBody({ name: '' }),
    400,
    'invalid_name',
  ],
  [
    'a token with a blank name',
    'POST',
    '/v1/users/me/tokens',
    tokenBody({ name: ' \t ' }),
    400,
    'invalid_name',
  ],
  [
    'a token with a 101-character name',
    'POST',
    '/v1/users/me/tokens',
    tokenBody({ name: 'n'.repeat(101) }),
    400,
    'invalid_name',
  ],
  [
    'a token name with a line break',
    'POST',
    '/v1/users/me/tokens',
    tokenBody({ name: 'ci\nprod' }),
    400,
    'invalid_name',
  ],
  [
    'a token name with a bidi override',
    'POST',
    '/v1/users/me/tokens',
    tokenBody({ name: 'ci\u202Eduorp' }),
    400,
    'invalid_name',
  ],
  [
    'a numeric token name',
    'POST',
    '/v1/users/me/tokens',
    tokenBody({ name: 7 }),
    400,
    'invalid_request',
  ],
  [
    'an expiry in the past',
    'POST',
    '/v1/users/me/tokens',
    () => ({ token: session, body: { name: 'x', expiresAt: futureDays(-1) } }),
    400,
    'invalid_expiry',
  ],
  [
    'an expiry of right now',
    'POST',
    '/v1/users/me/tokens',
    () => ({ token: session, body: { name: 'x', expiresAt: futureDays(0) } }),
    400,
    'invalid_expiry',
  ],
  [
    'an expiry beyond 366 days',
    'POST',
    '/v1/users/me/tokens',
    () => ({ token: session, body: { name: 'x', expiresAt: futureDays(367) } }),
    400,
    'invalid_expiry',
  ],
  [
    'an expiry that is not a date',
    'POST',
    '/v1/users/me/tokens',
    tokenBody({ name: 'x', expiresAt: 'next tuesday' }),
    400,
    'invalid_request',
  ],
  [
    'a numeric expiry',
    'POST',
    '/v1/users/me/tokens',
    tokenBody({ name: 'x', expiresAt: 1_900_000_000 }),
    400,
    'invalid_request',
  ],
  [
    'an unknown field on a token',
    'POST',
    '/v1/users/me/tokens',
    tokenBody({ name: 'x', scopes: ['all'] }),
    400,
    'invalid_request',
  ],
  // Revoking and rotating
  [
    'revoking a token id that does not exist',
    'DELETE',
    '/v1/users/me/tokens/00000000-0000-4000-8000-000000000000',
    withSession(),
    404,
    'token_not_found',
  ],
  [
    'revoking with an absurdly long id',
    'DELETE',
    `/v1/users/me/tokens/${'x'.repeat(500)}`,
    withSession(),
    414,
    'invalid_request',
  ],
  [
    'rotating a token id that does not exist',
    'POST',
    '/v1/users/me/tokens/nope/rotate',
    withSession(),
    404,
    'token_not_found',
  ],
  [
    'rotating with a negative grace period',
    'POST',
    '/v1/users/me/tokens/nope/rotate',
    tokenBody({ gracePeriodSeconds: -1 }),
    400,
    'invalid_grace_period',
  ],
  [
    'recording a destination with a secret in it',
    'POST',
    '/v1/users/me/tokens/nope/destinations',
    tokenBody({ provider: 'github', host: 'https://api.github.com', secret: 'x' }),
    400,
    'invalid_destination',
  ],
  [
    'listing the destinations of a token that does not exist',
    'GET',
    '/v1/users/me/tokens/nope/destinations',
    withSession(),
    404,
    'token_not_found',
  ],
  [
    'signing out a session that is not yours',
    'DELETE',
    '/v1/sessions/nope',
    withSession(),
    404,
    'session_not_found',
  ],
  // Organizations and apps
  [
    'listing apps without an organization',
    'GET',
    '/v1/apps',
    withSession(),
    400,
    'invalid_request',
  ],
  [
    'listing apps with limit=0',
    'GET',
    '/v1/apps?organizationId=x&limit=0',
    withSession(),
    400,
    'invalid_request',
  ],
  [
    'listing organizations with limit=abc',
    'GET',
    '/v1/organizations?limit=abc',
    withSession(),
    400,
    'invalid_request',
  ],
  [
    'listing organizations with an unknown parameter',
    'GET',
    '/v1/organizations?sort=name',
    withSession(),
    400,
    'invalid_request',
  ],
  [
    'an organization that does not exist',
    'GET',
    '/v1/organizations/nope',
    withSession(),
    404,
    'organization_not_found',
  ],
  [
    'creating an app in an unknown organization',
    'POST',
    '/v1/apps',
    tokenBody({ organizationId: 'nope', name: 'App' }),
    404,
    'organization_not_found',
  ],
  [
    'creating an app without a name',
    'POST',
    '/v1/apps',
    () => ({ token: session, body: { organizationId } }),
    400,
    'invalid_request',
  ],
  // Routing
  [
    'a URL with broken percent-encoding',
    'GET',
    '/v1/organizations/%E0%A4%A',
    withSession(),
    400,
    'invalid_request',
  ],
  ['an unknown route', 'GET', '/v1/nothing-here', () => ({}), 404, 'route_not_found'],
  [
    'an unsupported method',
    'PUT',
    '/v1/users/me/tokens',
    withSession({ body: {} }),
    404,
    'route_not_found',
  ],
];

describe('bad input', () => {
  it('covers at least 30 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases)('%s (%s %s)', async (_description, method, path, request, status, code) => {
    const response = await service.request(method, path, request());
    expect(response.status).toBe(status);
    expect(response.body).toMatchObject({ statusCode: status, code });
    expect(typeof response.body.message).toBe('string');
    expect(response.body.message.length).toBeGreaterThan(10);
    expect(response.body.message).not.toMatch(/FST_|ajv|undefined/);

    expect((await service.request('GET', '/v1/health')).status).toBe(200);
    const tokens = await service.request('GET', '/v1/users/me/tokens', { token: session });
    expect(tokens.text).toBe(tokenListBefore);
    expect((await service.request('GET', '/v1/users/me', { token: secret })).status).toBe(200);
  });

  it('accepts a name of exactly 100 characters, trimmed', async () => {
    const name = 'é'.repeat(100);
    const created = await service.request('POST', '/v1/users/me/tokens', {
      token: session,
      body: { name: ` ${name} ` },
    });
    expect(created.status).toBe(201);
    expect(created.body.name).toBe(name);
    await service.request('DELETE', `/v1/users/me/tokens/${created.body.id}`, { token: session });
  });

  it('names the field that is wrong', async () => {
    const response = await service.request('POST', '/v1/users/me/tokens', {
      token: session,
      body: { name: 'x', scopes: [] },
    });
    expect(response.body.message).toBe('The field "scopes" is not recognised.');
    const long = await service.request('POST', '/v1/users/me/tokens', {
      token: session,
      body: { name: 'n'.repeat(101) },
    });
    expect(long.body.message).toBe('Name must be at most 100 characters (it has 101).');
  });
});

// PostgreSQL's text cannot hold NUL (SQLite's can): such a value must be refused as bad
// input on both, never reach a query and come back as 500 from one backend only.
const nulCases: Case[] = [
  [
    'a NUL in the sign-in email',
    'POST',
    '/v1/sessions',
    () => ({ body: { email: 'a\u0000b@example.test', password: 'whatever it is' } }),
    400,
    'invalid_request',
  ],
  [
    'a control character in the sign-in email',
    'POST',
    '/v1/sessions',
    () => ({ body: { email: 'a\u001bb@example.test', password: 'whatever it is' } }),
    400,
    'invalid_request',
  ],
  [
    'a NUL among bulk revoke ids',
    'POST',
    '/v1/users/me/tokens/revoke',
    withSession({ body: { ids: ['\u0000'] } }),
    400,
    'invalid_request',
  ],
  [
    'a NUL in a token id in the path',
    'DELETE',
    '/v1/users/me/tokens/a%00b',
    withSession(),
    400,
    'invalid_request',
  ],
  [
    'a NUL in a destinations path',
    'GET',
    '/v1/users/me/tokens/%00/destinations',
    withSession(),
    400,
    'invalid_request',
  ],
  [
    'a NUL in the events tokenId filter',
    'GET',
    '/v1/users/me/events?tokenId=%00',
    withSession(),
    400,
    'invalid_request',
  ],
];

describe('NUL and control characters never reach a query', () => {
  it.each(nulCases)('%s (%s %s)', async (_description, method, path, request, status, code) => {
    const response = await service.request(method, path, request());
    expect([response.status, response.body.code]).toEqual([status, code]);
    expect(response.body.message).toMatch(/control character|NUL/);
    expect(service.logs.join('\n')).not.toMatch(/"level":50/);
    expect((await service.request('GET', '/v1/users/me', { token: secret })).status).toBe(200);
  });
});

describe('with sign-up switched off', () => {
  it('refuses new accounts with 403 signup_disabled but still signs existing ones in', async () => {
    const closed = await startService({ signupEnabled: false });
    try {
      const response = await closed.request('POST', '/v1/users', {
        body: { email: 'new@example.test', password: 'long enough' },
      });
      expect(response.status).toBe(403);
      expect(response.body.code).toBe('signup_disabled');
      expect((await closed.request('GET', '/v1/health')).status).toBe(200);
    } finally {
      await closed.stop();
      removeDir(closed.dataDir);
    }
  });
});
