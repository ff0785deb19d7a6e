/**
 * checkGitHubToken and revokeGitHubCredentials against the GitHub token stand-in:
 * hostile answers first (redirects, huge and malformed bodies, echoed values, every
 * failing status, malformed expiry headers), then the documented behaviour.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  checkGitHubToken,
  GITHUB_MAX_REVOKE,
  parseGitHubExpiration,
  revokeGitHubCredentials,
} from '../../../../src/main/issuers/github/github-token-api.js';
import { GitHubContract } from '../../../support/ci-providers/github/github-contract.js';
import {
  githubTokenValue,
  startGitHubWithTokens,
  type GitHubWithTokens,
} from '../../../support/issuers/github/github-token-stand-in.js';

const contract = new GitHubContract();

/** The error a promise rejects with, for its code and message. */
async function failureOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected a failure');
}

/** Whether any piece of 8 characters of `value` is in `text`. */
function leaks(text: string, value: string): boolean {
  for (let start = 0; start + 8 <= value.length; start++)
    if (text.includes(value.slice(start, start + 8))) return true;
  return false;
}

describe('a value that is not a personal access token', () => {
  const sent: string[] = [];
  const counting: typeof fetch = (input, init) => {
    sent.push(String(input));
    return fetch(input, init);
  };

  it.each([
    ['an OAuth app token', `gho_${'a'.repeat(36)}`, 'OAuth app token (gho_)'],
    ['an installation token', `ghs_${'a'.repeat(36)}`, 'installation token (ghs_)'],
    ['a refresh token', `ghr_${'a'.repeat(76)}`, 'refresh token (ghr_)'],
    ['a GitLab token', `glpat-${'a'.repeat(20)}`, 'not a GitHub personal access token'],
    ['a header injection', `ghp_${'a'.repeat(36)}\r\nx-evil: 1`, 'not a GitHub personal'],
    ['a too short classic token', 'ghp_abc', 'not a GitHub personal'],
    ['nothing', '', 'not a GitHub personal'],
  ])('%s is refused by name before anything is sent', async (_label, value, words) => {
    const failure = await failureOf(checkGitHubToken('https://api.github.com', value, counting));
    expect(failure.code).toBe('github_not_a_token');
    expect(failure.message).toContain(words);
    if (value.length >= 8) expect(leaks(failure.message, value)).toBe(false);
    expect(sent).toEqual([]);
  });

  it('revocation refuses a list holding a non-GitHub value, or too many, before sending', async () => {
    const good = githubTokenValue('classic');
    const mixed = await failureOf(
      revokeGitHubCredentials('https://api.github.com', [good, 'hunter2-password'], counting),
    );
    expect(mixed.code).toBe('github_not_a_token');
    expect(leaks(mixed.message, good)).toBe(false);
    const many = Array.from({ length: GITHUB_MAX_REVOKE + 1 }, () => good);
    expect(
      (await failureOf(revokeGitHubCredentials('https://api.github.com', many, counting))).code,
    ).toBe('github_revoke_refused');
    expect(
      (await failureOf(revokeGitHubCredentials('https://api.github.com', [], counting))).code,
    ).toBe('github_revoke_refused');
    expect(sent).toEqual([]);
  });

  it('a value goes only over https (http only to this computer): nothing is sent otherwise', async () => {
    const value = githubTokenValue('classic');
    const plain = await failureOf(
      checkGitHubToken('http://ghe.example.com/api/v3', value, counting),
    );
    expect(plain.code).toBe('invalid_host');
    expect(leaks(plain.message, value)).toBe(false);
    expect(
      (await failureOf(revokeGitHubCredentials('http://api.github.example', [value], counting)))
        .code,
    ).toBe('invalid_host');
    expect(sent).toEqual([]);
  });

  it('GitHub Enterprise Server has no revocation API: nothing is sent, the way to do it is said', async () => {
    const failure = await failureOf(
      revokeGitHubCredentials(
        'https://ghe.example.com/api/v3',
        [githubTokenValue('classic')],
        counting,
      ),
    );
    expect(failure.code).toBe('github_revoke_unavailable');
    expect(failure.message).toContain('ghe.example.com');
    expect(sent).toEqual([]);
  });
});

describe('parseGitHubExpiration', () => {
  it.each([
    ['2026-03-01 12:00:00 UTC', '2026-03-01T12:00:00.000Z'],
    ['2023-04-26 20:23:26 +0200', '2023-04-26T18:23:26.000Z'],
    ['2025-09-05 17:55:53 +0500', '2025-09-05T12:55:53.000Z'],
    ['2026-01-01 00:30:00 -0130', '2026-01-01T02:00:00.000Z'],
  ])('reads %s as %s', (header, iso) => {
    expect(parseGitHubExpiration(header)).toBe(iso);
  });

  it.each([
    '',
    'never',
    '2026-02-30 12:00:00 UTC',
    '2026-13-01 12:00:00 UTC',
    '2026-03-01 24:00:00 UTC',
    '2026-03-01 12:00:60 UTC',
    '2026-03-01 12:00:00 PST',
    '2026-03-01 12:00:00 +2500',
    '2026-03-01T12:00:00Z',
    '2026-03-01 12:00:00 UTC trailing',
    '1970-01-01 00:00:00 UTC',
    '２０２６-03-01 12:00:00 UTC',
    '2026-03-01 12:00:00 UTC\n',
    'Sun, 01 Mar 2026 12:00:00 GMT',
  ])('refuses %j rather than guess a date', (header) => {
    expect(parseGitHubExpiration(header)).toBeNull();
  });
});

describe.each([
  { label: 'github.com', enterprise: false },
  { label: 'GitHub Enterprise Server', enterprise: true },
])('checkGitHubToken on $label', ({ enterprise }) => {
  let stand: GitHubWithTokens;
  let apiBase: string;

  beforeAll(async () => {
    stand = await startGitHubWithTokens({ enterprise, contract });
    apiBase = stand.github.apiBaseUrl;
  });
  afterAll(() => stand.close());
  afterEach(() => {
    expect(stand.tokens.violations).toEqual([]);
    expect(stand.github.violations).toEqual([]);
  });

  it('refuses a redirect, in words, without following it', async () => {
    const value = stand.tokens.addToken({ login: 'ada' });
    stand.tokens.misbehaveNext('/user', {
      kind: 'redirect',
      status: 307,
      location: `https://evil.example/steal?token=${value}`,
    });
    const before = stand.tokens.requests.length;
    const failure = await failureOf(checkGitHubToken(apiBase, value, fetch));
    expect(failure.code).toBe('github_redirect');
    expect(failure.message).toContain('redirect');
    expect(leaks(failure.message, value)).toBe(false);
    expect(failure.message).not.toContain('evil.example');
    expect(stand.tokens.requests.length - before).toBe(1);
  });

  it.each([
    { declared: true, label: 'a declared' },
    { declared: false, label: 'an undeclared (chunked)' },
  ])('stops reading $label huge answer', async ({ declared }) => {
    const value = stand.tokens.addToken({ login: 'ada' });
    stand.tokens.misbehaveNext('/user', { kind: 'huge', bytes: 20 * 1024 * 1024, declared });
    const failure = await failureOf(checkGitHubToken(apiBase, value, fetch));
    expect(failure.code).toBe('github_invalid_response');
    expect(failure.message).toContain('256 KB');
  });

  it('refuses malformed JSON and an answer without a login', async () => {
    const value = stand.tokens.addToken({ login: 'ada' });
    stand.tokens.misbehaveNext('/user', { kind: 'malformed' });
    expect((await failureOf(checkGitHubToken(apiBase, value, fetch))).code).toBe(
      'github_invalid_response',
    );
    stand.tokens.misbehaveNext('/user', { kind: 'no-login' });
    expect((await failureOf(checkGitHubToken(apiBase, value, fetch))).code).toBe(
      'github_invalid_response',
    );
  });

  it('never repeats the value GitHub echoes in an error', async () => {
    const value = stand.tokens.addToken({ login: 'ada' });
    stand.tokens.misbehaveNext('/user', { kind: 'echo', status: 400 });
    const failure = await failureOf(checkGitHubToken(apiBase, `  ${value}\n`, fetch));
    expect(failure.code).toBe('github_refused');
    expect(failure.message).toContain('Refused');
    expect(leaks(failure.message, value)).toBe(false);
  });

  it.each([
    [401, 'github_token_refused', 'not a working GitHub token'],
    [403, 'github_refused', 'answered 403'],
    [404, 'github_refused', 'answered 404'],
    [429, 'github_rate_limited', 'limiting requests'],
    [500, 'github_unreachable', 'answered 500'],
    [503, 'github_unreachable', 'answered 503'],
  ])('answers %i in words (%s)', async (status, code, words) => {
    const value = stand.tokens.addToken({ login: 'ada' });
    stand.tokens.misbehaveNext('/user', {
      kind: 'status',
      status,
      body: { message: `nope ${value}`, documentation_url: 'https://docs.github.com/rest' },
    });
    const failure = await failureOf(checkGitHubToken(apiBase, value, fetch));
    expect(failure.code).toBe(code);
    expect(failure.message).toContain(words);
    expect(failure.message).toContain(new URL(apiBase).host);
    expect(leaks(failure.message, value)).toBe(false);
  });

  it('reads a rate limit from 403 with no requests remaining', async () => {
    const value = stand.tokens.addToken({ login: 'ada' });
    stand.tokens.misbehaveNext('/user', {
      kind: 'status',
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1893456000' },
    });
    const failure = await failureOf(checkGitHubToken(apiBase, value, fetch));
    expect(failure.code).toBe('github_rate_limited');
    expect(failure.message).toContain('00:00:00 UTC');
  });

  it('a revoked or unknown value is "not a working GitHub token"', async () => {
    const failure = await failureOf(checkGitHubToken(apiBase, githubTokenValue('classic'), fetch));
    expect(failure.code).toBe('github_token_refused');
  });

  it.each(['2026-02-30 12:00:00 UTC', 'soon', '2026-03-01T12:00:00Z'])(
    'a malformed expiry header %j is "unreadable", never a wrong date',
    async (expiration) => {
      const value = stand.tokens.addToken({ login: 'ada', expiration });
      const check = await checkGitHubToken(apiBase, value, fetch);
      expect(check).toMatchObject({ login: 'ada', expiresAt: null, expiry: 'unreadable' });
    },
  );

  it('says who a classic token belongs to, its expiry and its scopes', async () => {
    const value = stand.tokens.addToken({
      login: 'ada',
      scopes: ['repo', 'workflow', 'not a scope!'],
      expiration: '2026-03-01 12:00:00 UTC',
    });
    expect(await checkGitHubToken(apiBase, value, fetch)).toEqual({
      login: 'ada',
      kind: 'classic',
      expiresAt: '2026-03-01T12:00:00.000Z',
      expiry: 'expires',
      scopes: ['repo', 'workflow'],
    });
    const request = stand.tokens.requests.at(-1);
    expect(request).toMatchObject({
      method: 'GET',
      path: '/user',
      authenticated: true,
      status: 200,
    });
  });

  it('a fine-grained token without the header does not expire, and has no scopes', async () => {
    const value = stand.tokens.addToken({ login: 'ada', kind: 'fine-grained' });
    expect(await checkGitHubToken(apiBase, value, fetch)).toEqual({
      login: 'ada',
      kind: 'fine-grained',
      expiresAt: null,
      expiry: 'never',
      scopes: null,
    });
  });

  it('an unreachable GitHub is said with its host, and a timeout with its seconds', async () => {
    const server = createServer(() => {
      // Never answers.
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const value = githubTokenValue('classic');
    const slow = await failureOf(checkGitHubToken(base, value, fetch, { timeoutMs: 300 }));
    expect(slow.code).toBe('github_unreachable');
    expect(slow.message).toContain('0.3 seconds');
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const gone = await failureOf(checkGitHubToken(base, value, fetch));
    expect(gone.code).toBe('github_unreachable');
    expect(gone.message).toContain(new URL(base).host);
  });
});

describe('revokeGitHubCredentials on github.com', () => {
  let stand: GitHubWithTokens;

  beforeAll(async () => {
    stand = await startGitHubWithTokens({ contract });
  });
  afterAll(() => stand.close());
  afterEach(() => {
    expect(stand.tokens.violations).toEqual([]);
    expect(stand.github.violations).toEqual([]);
  });

  it('sends the values unauthenticated in the documented body; GitHub stops them', async () => {
    const value = stand.tokens.addToken({ login: 'ada' });
    const other = stand.tokens.addToken({ login: 'ada', kind: 'fine-grained' });
    await revokeGitHubCredentials(stand.github.apiBaseUrl, [value, other], fetch);
    expect(stand.tokens.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/credentials/revoke',
      authenticated: false,
      credentials: [value, other],
      status: 202,
    });
    expect(stand.tokens.isLive(value)).toBe(false);
    expect(stand.tokens.isLive(other)).toBe(false);
  });

  it('takes 1,000 values in one request', async () => {
    const values = Array.from({ length: GITHUB_MAX_REVOKE }, () => githubTokenValue('classic'));
    await revokeGitHubCredentials(stand.github.apiBaseUrl, values, fetch);
    expect(stand.tokens.revoked.slice(-GITHUB_MAX_REVOKE)).toEqual(values);
  });

  it('a refusal echoing the value, a redirect and a 5xx are errors in words without it', async () => {
    const value = stand.tokens.addToken({ login: 'ada' });
    stand.tokens.misbehaveNext('/credentials/revoke', { kind: 'echo', status: 422 });
    const refused = await failureOf(
      revokeGitHubCredentials(stand.github.apiBaseUrl, [value], fetch),
    );
    expect(refused.code).toBe('github_revoke_refused');
    expect(refused.message).toContain('may still work');
    expect(leaks(refused.message, value)).toBe(false);
    stand.tokens.misbehaveNext('/credentials/revoke', {
      kind: 'redirect',
      status: 308,
      location: 'https://evil.example/',
    });
    expect(
      (await failureOf(revokeGitHubCredentials(stand.github.apiBaseUrl, [value], fetch))).code,
    ).toBe('github_redirect');
    stand.tokens.misbehaveNext('/credentials/revoke', { kind: 'status', status: 502 });
    expect(
      (await failureOf(revokeGitHubCredentials(stand.github.apiBaseUrl, [value], fetch))).code,
    ).toBe('github_unreachable');
    expect(stand.tokens.isLive(value)).toBe(true);
  });
});
