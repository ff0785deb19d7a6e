/**
 * The GitHub token stand-in driven by GitHub's own client, @octokit/rest: what Octokit
 * sends is accepted without a violation, and what the stand-in answers is what Octokit
 * reads from GitHub (the login, the expiry and scope headers, 401 as a RequestError,
 * 202 from credentials.revoke, and the 403 GitHub documents for an authenticated call).
 */
import { Octokit } from '@octokit/rest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GitHubContract } from '../../../support/ci-providers/github/github-contract.js';
import {
  githubTokenValue,
  startGitHubWithTokens,
  type GitHubWithTokens,
} from '../../../support/issuers/github/github-token-stand-in.js';

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

describe('the GitHub token stand-in, driven by @octokit/rest', () => {
  let stand: GitHubWithTokens;
  const octokit = (auth?: string) =>
    new Octokit({ baseUrl: stand.github.apiBaseUrl, auth, log: quiet, request: { retries: 0 } });

  beforeAll(async () => {
    stand = await startGitHubWithTokens({ contract: new GitHubContract() });
  });
  afterAll(() => stand.close());
  afterEach(() => {
    expect(stand.github.violations).toEqual([]);
  });

  it('answers users.getAuthenticated with the login, the expiry and the scopes', async () => {
    const value = stand.tokens.addToken({
      login: 'ada',
      scopes: ['repo', 'workflow'],
      expiration: '2026-03-01 12:00:00 UTC',
    });
    const response = await octokit(value).rest.users.getAuthenticated();
    expect(response.status).toBe(200);
    expect(response.data.login).toBe('ada');
    expect(response.headers['github-authentication-token-expiration']).toBe(
      '2026-03-01 12:00:00 UTC',
    );
    expect(response.headers['x-oauth-scopes']).toBe('repo, workflow');
    expect(stand.tokens.violations).toEqual([]);
  });

  it('sends no expiry header for a token without one, and no scopes for a fine-grained one', async () => {
    const value = stand.tokens.addToken({ login: 'ada', kind: 'fine-grained' });
    const response = await octokit(value).rest.users.getAuthenticated();
    expect(response.headers['github-authentication-token-expiration']).toBeUndefined();
    expect(response.headers['x-oauth-scopes']).toBeUndefined();
    expect(stand.tokens.violations).toEqual([]);
  });

  it('refuses an unknown or revoked value with 401 Bad credentials', async () => {
    const error = await octokit(githubTokenValue('classic'))
      .rest.users.getAuthenticated()
      .catch((failure: unknown) => failure);
    expect(error).toMatchObject({
      status: 401,
      response: { data: { message: 'Bad credentials' } },
    });
    expect(stand.tokens.violations).toEqual([]);
  });

  it('revokes through credentials.revoke unauthenticated (202); the value then gets 401', async () => {
    const value = stand.tokens.addToken({ login: 'ada' });
    const response = await octokit().rest.credentials.revoke({ credentials: [value] });
    expect(response.status).toBe(202);
    expect(stand.tokens.isLive(value)).toBe(false);
    const after = await octokit(value)
      .rest.users.getAuthenticated()
      .catch((failure: unknown) => failure);
    expect(after).toMatchObject({ status: 401 });
    expect(stand.tokens.violations).toEqual([]);
  });

  it('records what GitHub refuses: an authenticated revocation (403), an empty or oversized list (422)', async () => {
    const value = stand.tokens.addToken({ login: 'ada' });
    const authenticated = await octokit(value)
      .rest.credentials.revoke({ credentials: [value] })
      .catch((failure: unknown) => failure);
    expect(authenticated).toMatchObject({ status: 403 });
    expect(stand.tokens.isLive(value)).toBe(true);
    const empty = await octokit()
      .rest.credentials.revoke({ credentials: [] })
      .catch((failure: unknown) => failure);
    expect(empty).toMatchObject({ status: 422 });
    const tooMany = await octokit()
      .rest.credentials.revoke({ credentials: Array.from({ length: 1001 }, () => value) })
      .catch((failure: unknown) => failure);
    expect(tooMany).toMatchObject({ status: 422 });
    expect(stand.tokens.isLive(value)).toBe(true);
    expect(stand.tokens.violations).toEqual([
      'POST /credentials/revoke: the client sent an Authorization header',
      'POST /credentials/revoke request: /credentials must NOT have fewer than 1 items',
      'POST /credentials/revoke request: /credentials must NOT have more than 1000 items',
    ]);
    stand.tokens.violations.length = 0;
  });

  it('GitHub Enterprise Server has no credentials.revoke: 404, recorded', async () => {
    const enterprise = await startGitHubWithTokens({ enterprise: true });
    try {
      const client = new Octokit({ baseUrl: enterprise.github.apiBaseUrl, log: quiet });
      const error = await client.rest.credentials
        .revoke({ credentials: [githubTokenValue('classic')] })
        .catch((failure: unknown) => failure);
      expect(error).toMatchObject({ status: 404 });
      expect(enterprise.tokens.violations).toEqual([
        'POST /credentials/revoke: GitHub Enterprise Server has no such endpoint',
      ]);
    } finally {
      await enterprise.close();
    }
  });

  it("leaves the fake's own CI accounts their /user", async () => {
    stand.github.addAccount('ghp_ci', 'ci-bot');
    const response = await octokit('ghp_ci').rest.users.getAuthenticated();
    expect(response.data.login).toBe('ci-bot');
    expect(stand.tokens.violations).toEqual([]);
  });
});
