/**
 * A registry (or a page) that misbehaves: options the page should not send, answers
 * that are huge, malformed, redirected or paginated away, secrets echoed back, a
 * "created" without a value, and names made to look like other names. Each ends in a
 * sentence naming npm and the host, with nothing secret in it and nothing half-done
 * left unsaid.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NpmIssuer } from '../../../../src/main/issuers/npm/npm-issuer.js';
import { normalizeNpmRegistry } from '../../../../src/main/issuers/npm/npm-registry.js';
import { verifyNpmConnection } from '../../../../src/main/issuers/npm/npm-sign-in.js';
import { sessionFor, startNpm2fa, type Npm2fa } from '../../../support/issuers/npm/npm-2fa.js';
import { RecordingPrompt, npmConnection, npmContext } from '../../../support/issuers/npm/ports.js';

const PASSWORD = 'correct-horse-battery-9';
let registry: Npm2fa;
let elsewhere: Npm2fa;
let credential: string;
let prompt: RecordingPrompt;
let issuer: NpmIssuer;

beforeEach(async () => {
  registry = await startNpm2fa({ password: PASSWORD, mode: 'none' });
  elsewhere = await startNpm2fa({ password: PASSWORD, mode: 'none' });
  credential = sessionFor(registry);
  prompt = new RecordingPrompt();
  issuer = new NpmIssuer(npmConnection(registry.url), npmContext(credential, { prompt }));
});
afterEach(async () => {
  expect(registry.offContract).toEqual([]);
  expect(elsewhere.requests).toEqual([]);
  await registry.close();
  await elsewhere.close();
});

const options = (extra: Record<string, unknown> = {}) => ({
  permission: 'read-write',
  packages: [],
  allPackages: false,
  scopes: ['@ada'],
  orgs: [],
  orgsPermission: null,
  cidr: [],
  bypass2fa: false,
  ...extra,
});
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

async function failure(promise: Promise<unknown>): Promise<Error & { code: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code: string };
  }
  throw new Error('expected a failure');
}

function holdsNoSecret(message: string, ...secrets: string[]) {
  for (const secret of [credential, PASSWORD, ...secrets]) {
    expect(message).not.toContain(secret);
    expect(message).not.toContain(secret.slice(0, 12));
  }
  expect(message).not.toMatch(/npm_[A-Za-z0-9]{4,}/);
}

describe('what the page sends is checked before anything is asked or sent', () => {
  it.each([
    [options({ evil: 1 }), /“evil” is not an npm token option/],
    [options({ permission: 'admin' }), /permission/],
    [options({ cidr: ['2001:db8::/32'] }), /IPv4 ranges only; 2001:db8::\/32 is an IPv6 range/],
    [options({ cidr: ['10.0.0.0/33'] }), /not an IPv4 range/],
    [options({ cidr: ['300.1.1.1/8'] }), /not an IPv4 range/],
    [options({ packages: ['../../etc'] }), /packages/],
    [options({ bypass2fa: 'yes' }), /bypass2fa/],
    [options({ orgs: ['acme'], orgsPermission: null }), /organizations/],
    [options({ permission: 'read-only', bypass2fa: true }), /only to a token that can write/],
    [[], /must be an object/],
    ['read-write', /must be an object/],
    [null, /Choose what the npm token may do/],
    [
      JSON.parse('{"__proto__": {"x": 1}, "permission": "read-write"}'),
      /“__proto__” is not an npm token option/,
    ],
  ])('refuses %j by name', async (sent, message) => {
    const error = await failure(issuer.create({ name: 'ci', expiresAt: inDays(7), options: sent }));
    expect(error.code).toBe('invalid_options');
    expect(error.message).toMatch(message);
    expect(prompt.asked).toEqual([]);
    expect(registry.requests).toEqual([]);
  });

  it('a write token for more than 90 days is refused, naming the limit; a bad name too', async () => {
    const error = await failure(
      issuer.create({ name: 'ci', expiresAt: inDays(120), options: options() }),
    );
    expect(error.message).toMatch(/at most 90 days \(this one asks for 120\)/);
    const named = await failure(
      issuer.create({ name: 'ci\u202Egithub', expiresAt: inDays(7), options: options() }),
    );
    expect(named.code).toBe('invalid_name');
    const past = await failure(
      issuer.create({ name: 'ci', expiresAt: inDays(-1), options: options() }),
    );
    expect(past.code).toBe('invalid_expiry');
    expect(registry.requests).toEqual([]);
  });

  it('hostile registry URLs are refused before anything is sent', () => {
    for (const url of [
      'http://registry.example.com/',
      'https://ada:pw@registry.example.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'https://registry.example.com/?x=1',
      'not a url',
    ]) {
      expect(normalizeNpmRegistry(url).ok).toBe(false);
      expect(() => new NpmIssuer(npmConnection(url), npmContext(credential))).toThrow();
    }
    expect(normalizeNpmRegistry('http://127.0.0.1:4873')).toEqual({
      ok: true,
      url: 'http://127.0.0.1:4873/',
    });
    expect(normalizeNpmRegistry('https://npm.example.com/api/npm/npm-local')).toEqual({
      ok: true,
      url: 'https://npm.example.com/api/npm/npm-local/',
    });
  });
});

describe('a registry that claims success without a value', () => {
  it('create: says the token exists without a holder, and what to do', async () => {
    prompt.answer({ password: PASSWORD });
    registry.next('create', {
      status: 200,
      body: { key: 'a'.repeat(64), name: 'ci', created: new Date().toISOString() },
    });
    const error = await failure(
      issuer.create({ name: 'ci', expiresAt: inDays(7), options: options() }),
    );
    expect(error.code).toBe('npm_incomplete');
    expect(error.message).toMatch(
      /says it created “ci” but sent no value.*listed as aaaaaa.*Delete it/,
    );
    expect(error.message).toContain(new URL(registry.url).host);
    holdsNoSecret(error.message);
  });

  it('rotate: the same, and that the old token was not touched', async () => {
    const old = registry.addToken({ name: 'deploy' });
    prompt.answer({ password: PASSWORD });
    registry.next('create', { status: 200, body: {} });
    const error = await failure(issuer.rotate(old.key));
    expect(error.message).toMatch(
      /sent no value.*The old token [0-9a-f]{6} was not touched and still works/,
    );
    expect(registry.tokens.has(old.key)).toBe(true);
    // Exactly one create was sent: never retried.
    expect(registry.requests.filter((request) => request.method === 'POST')).toHaveLength(1);
  });

  it('a value without an id: refused in words, the value not in them', async () => {
    prompt.answer({ password: PASSWORD });
    registry.next('create', {
      status: 200,
      body: { token: 'npm_abcdefghijklmnopqrstuvwxyz0123456789' },
    });
    const error = await failure(
      issuer.create({ name: 'ci', expiresAt: inDays(7), options: options() }),
    );
    expect(error.message).toMatch(/did not say its id/);
    holdsNoSecret(error.message, 'npm_abcdefghijklmnopqrstuvwxyz0123456789');
  });
});

describe('answers that are too large, malformed, redirected or paginated away', () => {
  it('a huge list page is not read past the limit', async () => {
    registry.next('list', { status: 200, hugeBytes: 20 * 1024 * 1024 });
    const error = await failure(issuer.list());
    expect(error).toMatchObject({ code: 'npm_bad_response' });
    expect(error.message).toMatch(/more than 4 MB/);
  });

  it('a next page on another host is refused before the credential goes there', async () => {
    registry.pageSize = 1;
    registry.addToken({ name: 'a' });
    registry.addToken({ name: 'b' });
    registry.nextPage = () => `${elsewhere.url}-/npm/v1/tokens?page=1`;
    const error = await failure(issuer.list());
    expect(error.code).toBe('npm_foreign_host');
    expect(error.message).toContain(new URL(elsewhere.url).origin);
  });

  it('pages that never end stop after 100', async () => {
    registry.pageSize = 1;
    registry.addToken({ name: 'a' });
    registry.addToken({ name: 'b' });
    registry.nextPage = () => `${registry.url}-/npm/v1/tokens?page=0`;
    const error = await failure(issuer.list());
    expect(error.message).toMatch(/kept answering with another page of tokens after 100 pages/);
    expect(registry.requests.length).toBe(100);
  });

  it.each([
    [{ raw: '{"objects": [' }, /no list of tokens/],
    [{ body: { objects: 'everything' } }, /no list of tokens/],
    [
      { body: { objects: [{ key: 'has space', created: '2026-01-01T00:00:00Z' }] } },
      /token 1 is not a token as npm lists them/,
    ],
    [{ body: { objects: [{ key: 'abc' }] } }, /token 1 is not a token/],
    [{ body: { objects: [{ key: 'abc', created: 'yesterday-ish' }] } }, /token 1 is not a token/],
    [
      {
        body: {
          objects: [{ key: 'abc', created: '2026-01-01T00:00:00Z', name: 'x'.repeat(20_000) }],
        },
      },
      /token 1/,
    ],
    [
      {
        body: { objects: [{ key: 'abc', created: '2026-01-01T00:00:00Z', cidr_whitelist: 'all' }] },
      },
      /token 1/,
    ],
  ])('a malformed list %j is refused in words', async (answer, message) => {
    registry.next('list', { status: 200, ...answer });
    const error = await failure(issuer.list());
    expect(error.code).toBe('npm_bad_response');
    expect(error.message).toMatch(message);
    expect(error.message).toContain(`npm at ${new URL(registry.url).host}`);
  });

  it('a redirect is never followed: the credential stays home', async () => {
    registry.next('list', {
      status: 302,
      headers: { location: `${elsewhere.url}-/npm/v1/tokens` },
    });
    const error = await failure(issuer.list());
    expect(error.code).toBe('npm_redirected');
    expect(error.message).toContain(new URL(elsewhere.url).origin);
    prompt.answer({ password: PASSWORD });
    registry.next('create', {
      status: 307,
      headers: { location: `${elsewhere.url}-/npm/v1/tokens` },
    });
    const create = await failure(
      issuer.create({ name: 'ci', expiresAt: inDays(7), options: options() }),
    );
    expect(create.code).toBe('npm_redirected');
  });

  it.each([
    [401, 'npm_bad_credential'],
    [403, 'npm_forbidden'],
    [404, 'npm_not_found'],
    [429, 'npm_rate_limited'],
    [500, 'npm_unreachable'],
    [503, 'npm_unreachable'],
    [418, 'npm_refused'],
  ])('a %i on the list is %s, in words', async (status, code) => {
    registry.next('list', {
      status,
      headers: { 'retry-after': '120' },
      body: { error: `nope ${credential}` },
    });
    const error = await failure(issuer.list());
    expect(error.code).toBe(code);
    expect(error.message).toContain('npm at 127.0.0.1');
    holdsNoSecret(error.message);
  });

  it('an unreachable registry is a sentence', async () => {
    const gone = new NpmIssuer(npmConnection('http://127.0.0.1:9/'), npmContext(credential));
    const error = await failure(gone.list());
    expect(error.code).toBe('npm_unreachable');
    expect(error.message).toMatch(/could not reach npm at 127\.0\.0\.1:9/);
  });
});

describe('secrets echoed by the registry never reach a sentence', () => {
  it('the password, the credential and the one-time code echoed in a create error', async () => {
    registry.mode = 'otp';
    prompt.answer({ password: PASSWORD }).answer({ otp: registry.otp });
    registry.next('create', (request) => ({
      status: 401,
      headers: { 'www-authenticate': 'OTP' },
      body: { error: `one-time pass needed for ${JSON.stringify(request.body)}` },
    }));
    registry.next('create', (request) => ({
      status: 400,
      body: {
        error: `bad request ${JSON.stringify(request.body)} auth=${request.authorization} otp=${request.otp} also npm_ZZZZZZZZZZZZ`,
      },
    }));
    const error = await failure(
      issuer.create({ name: 'ci', expiresAt: inDays(7), options: options() }),
    );
    expect(error.code).toBe('npm_refused');
    expect(error.message).toContain('[redacted]');
    holdsNoSecret(error.message, registry.otp);
  });

  it('a short password is cut out too', async () => {
    const shortPassword = 'hunter2';
    prompt.answer({ password: shortPassword });
    registry.next('create', { status: 401, body: { error: `password hunter2 is wrong` } });
    const error = await failure(
      issuer.create({ name: 'ci', expiresAt: inDays(7), options: options() }),
    );
    expect(error.message).not.toContain(shortPassword);
  });
});

describe('names made to look like other names', () => {
  it('bidi overrides, zero-width and control characters are cleaned, long names capped', async () => {
    registry.addToken({ name: 'ci-\u202Ebuhtig' });
    registry.addToken({ name: 'ci-\u200Bgithub' });
    registry.addToken({ name: 'ci\u0000-\u001b[31mred' });
    registry.addToken({ name: 'x'.repeat(500) });
    registry.addToken({ name: '\u2066\u2069' });
    const names = (await issuer.list()).map((token) => token.name);
    expect(names[0]).toBe('ci- buhtig');
    expect(names[1]).toBe('ci- github');
    expect(names[2]).toBe('ci - [31mred');
    expect([...names[3]!].length).toBe(100);
    expect(names[4]).toMatch(/^Unnamed npm token [0-9a-f]{6}$/);
    for (const name of names) expect(name).not.toMatch(/[\p{Cc}\p{Cf}]/u);
  });
});

describe('checking a connection', () => {
  it('answers who the credential belongs to, and the registry as the issuer uses it', async () => {
    expect(await verifyNpmConnection(registry.url.slice(0, -1), credential, { fetch })).toEqual({
      login: 'ada',
      registry: registry.url,
    });
  });

  it('an expired or unknown credential: sign in again, in words', async () => {
    const error = await failure(
      verifyNpmConnection(registry.url, 'npm_notasessionatall000', { fetch }),
    );
    expect(error.code).toBe('npm_bad_credential');
    expect(error.message).toMatch(/Sign in to npm again in Settings/);
    holdsNoSecret(error.message, 'npm_notasessionatall000');
  });

  it.each([[{}], [{ username: null }]])(
    'a whoami answer %j (no one signed in) says the token is not accepted',
    async (body) => {
      registry.next('whoami', { status: 200, body });
      const error = await failure(verifyNpmConnection(registry.url, credential, { fetch }));
      expect(error.code).toBe('npm_bad_credential');
      expect(error.message).toMatch(/does not accept this token/);
    },
  );

  it.each([[{ username: 'ada\u202Eadmin' }], [{ username: '' }], [{ user: 'ada' }], ['ada']])(
    'a whoami answer %j is refused',
    async (body) => {
      registry.next('whoami', { status: 200, body });
      const error = await failure(verifyNpmConnection(registry.url, credential, { fetch }));
      expect(error.code).toBe('npm_bad_response');
    },
  );
});

describe('bulk revoke, one at a time', () => {
  it('a failure half-way says which were deleted before it; unknown ids are reported, not sent', async () => {
    const first = registry.addToken({ name: 'a' });
    const second = registry.addToken({ name: 'b' });
    const third = registry.addToken({ name: 'c' });
    registry.next('delete', { status: 204 });
    registry.next('delete', { status: 503, body: { error: 'maintenance' } });
    const error = await failure(
      issuer.revokeMany([first.key, 'unknown-key', second.key, third.key]),
    );
    expect(error.code).toBe('npm_unreachable');
    expect(error.message).toContain(`1 was deleted before it (${first.key.slice(0, 6)})`);
    const deletes = registry.requests.filter((request) => request.method === 'DELETE');
    expect(deletes.map((request) => request.path)).toEqual([
      `/-/npm/v1/tokens/token/${first.key}`,
      `/-/npm/v1/tokens/token/${second.key}`,
    ]);
  });

  it('a token gone between the list and the delete (404) is reported as not found', async () => {
    const first = registry.addToken({ name: 'a' });
    registry.next('delete', { status: 404, body: { error: 'Token not found' } });
    expect(await issuer.revokeMany([first.key, 'never-there'])).toEqual({
      revoked: [],
      notFound: [first.key, 'never-there'],
    });
  });
});
