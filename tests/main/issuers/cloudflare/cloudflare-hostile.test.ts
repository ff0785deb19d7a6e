/**
 * A Cloudflare (or something at its address) that misbehaves, and a page that sends
 * what it should not: each is an error in words naming Cloudflare and its host, with
 * the connection's token cut out, nothing retried and nothing half-done unreported.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cloudflareFetch } from '../../../../src/main/issuers/cloudflare/cloudflare-transport.js';
import {
  PERMISSION_GROUPS as PG,
  startFakeCloudflare,
  type FakeCloudflare,
} from '../../../support/issuers/cloudflare/fake-cloudflare.js';
import { containsPieceOf, issuerFor, outbound } from './support.js';

let fake: FakeCloudflare;
let credential: string;
let ownId: string;
let host: string;

beforeEach(async () => {
  fake = await startFakeCloudflare();
  ({ value: credential, tokenId: ownId } = fake.addUser('ada@example.test', [
    PG.apiTokensWrite.id,
  ]));
  host = fake.apiBase;
});
afterEach(async () => {
  expect(fake.offContract).toEqual([]);
  await fake.close();
});

const issuer = () => issuerFor(host, credential);
const seedDeploy = () =>
  fake.seed(
    { kind: 'user', id: [...fake.tokens.values()][0]?.owner.id ?? '' },
    {
      name: 'deploy',
      policies: [
        {
          id: 'f267e341f3dd4697bd3b9f71dd96247f',
          effect: 'allow',
          resources: { 'com.cloudflare.api.account.zone.*': '*' },
          permission_groups: [{ id: PG.dnsWrite.id, name: 'DNS Write' }],
        },
      ],
    },
  );
const calls = (method: string, pathEnd: string) =>
  fake.requests.filter((entry) => entry.method === method && entry.path.endsWith(pathEnd)).length;
const createOptions = {
  permissionGroupIds: [PG.dnsWrite.id],
  resources: [{ kind: 'all-zones' }],
};

describe('a hostile Cloudflare answer', () => {
  it('a page above the cap is refused in words, and not read to the end', async () => {
    const made = issuer();
    await made.list(); // learns its own token id first
    fake.failNext({ method: 'GET', pathPart: '/user/tokens' }, { kind: 'huge' });
    await expect(made.list()).rejects.toMatchObject({
      code: 'issuer_invalid_response',
      message: expect.stringMatching(/^Cloudflare at 127\.0\.0\.1:\d+ answered more than 4 MB/),
    });
  });

  it('endless pages (total_count that lies) stop at 40 pages of 50, in words', async () => {
    fake.endlessPages = { totalCount: 1_000_000 };
    await expect(issuer().list()).rejects.toMatchObject({
      code: 'issuer_invalid_response',
      message: expect.stringContaining('kept sending pages past 2000 tokens'),
    });
    expect(calls('GET', '/user/tokens')).toBe(40);
  });

  it('malformed JSON and a success without a result are not taken for answers', async () => {
    fake.failNext({ method: 'GET', pathPart: '/user/tokens' }, { kind: 'malformed' });
    await expect(issuer().list()).rejects.toMatchObject({
      code: 'issuer_invalid_response',
      message: expect.stringContaining('not a successful Cloudflare API answer'),
    });
    const listing = issuer();
    await listing.list(); // learns its own token id first
    fake.failNext({ method: 'GET', pathPart: '/user/tokens' }, { kind: 'no-result' });
    await expect(listing.list()).rejects.toMatchObject({
      code: 'issuer_invalid_response',
      message: expect.stringContaining('without a valid page of tokens'),
    });
    const { id } = seedDeploy();
    fake.failNext({ method: 'GET', pathPart: `/user/tokens/${id}` }, { kind: 'no-result' });
    await expect(listing.get(id)).rejects.toMatchObject({
      code: 'issuer_invalid_response',
      message: expect.stringContaining('answered with a token Token Desk cannot read'),
    });
  });

  it('a redirect is refused: nothing reaches the other host, not the token either', async () => {
    const seen: string[] = [];
    const elsewhere = createServer((request, response) => {
      seen.push(`${request.method} ${request.url} ${request.headers.authorization ?? ''}`);
      response.end('{}');
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    const port = (elsewhere.address() as AddressInfo).port;
    try {
      fake.failNext(
        { method: 'GET', pathPart: '/user/tokens/verify' },
        { kind: 'redirect', location: `http://127.0.0.1:${port}/steal` },
      );
      const error = await issuer()
        .list()
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({
        code: 'issuer_invalid_response',
        message: expect.stringContaining(`redirect to http://127.0.0.1:${port}`),
      });
      expect(seen).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => elsewhere.close(() => resolve()));
    }
  });

  it('an error echoing the credential and the request reaches the page without either', async () => {
    const made = issuer();
    await made.list();
    fake.failNext({ method: 'POST', pathPart: '/user/tokens' }, { kind: 'echo-credential' });
    const error = (await made
      .create({ name: 'deploy', expiresAt: null, options: createOptions })
      .catch((caught: unknown) => caught)) as Error & { code: string };
    expect(error.code).toBe('issuer_refused');
    expect(error.message).toMatch(
      /^Cloudflare refused to create the token \(Cloudflare said: “Invalid request: Bearer /,
    );
    expect(containsPieceOf(error.message, credential)).toBe(false);
    expect(error.message).toContain('[redacted]');
  });

  it('a roll that answers without a value says the old value has likely stopped', async () => {
    const { id, value: old } = seedDeploy();
    fake.failNext({ method: 'PUT', pathPart: '/value' }, { kind: 'no-value' });
    await expect(issuer().rotate(id, { style: 'at-once' })).rejects.toMatchObject({
      code: 'issuer_no_value',
      message: expect.stringContaining('Cloudflare says it rolled “deploy” but sent no new value'),
    });
    expect(fake.accepts(old)).toBe(false);
  });

  it('a roll whose answer is lost is not retried, and says what may have happened', async () => {
    const { id } = seedDeploy();
    fake.failNext({ method: 'PUT', pathPart: '/value' }, { kind: 'drop-after' });
    await expect(issuer().rotate(id, { style: 'at-once' })).rejects.toMatchObject({
      code: 'issuer_outcome_unknown',
      message: expect.stringContaining('does not roll it again by itself'),
    });
    expect(calls('PUT', `/user/tokens/${id}/value`)).toBe(1);
  });

  it('a create without a value deletes the useless token again and says so', async () => {
    const before = fake.tokens.size;
    fake.failNext({ method: 'POST', pathPart: '/user/tokens' }, { kind: 'no-value' });
    await expect(
      issuer().create({ name: 'deploy', expiresAt: null, options: createOptions }),
    ).rejects.toMatchObject({
      code: 'issuer_no_value',
      message: expect.stringContaining(
        'Token Desk deleted that token again: nothing was left behind',
      ),
    });
    expect(fake.tokens.size).toBe(before);
    expect(calls('POST', '/user/tokens')).toBe(1);
  });

  it('a create without a value whose clean-up fails names the token to delete', async () => {
    fake.failNext({ method: 'POST', pathPart: '/user/tokens' }, { kind: 'no-value' });
    fake.failNext({ method: 'DELETE', pathPart: '/user/tokens/' }, { kind: 'status', status: 500 });
    await expect(
      issuer().create({ name: 'deploy', expiresAt: null, options: createOptions }),
    ).rejects.toMatchObject({
      code: 'issuer_no_value',
      message: expect.stringContaining("Delete “deploy” in Cloudflare's dashboard"),
    });
    expect([...fake.tokens.values()].map((token) => token.name)).toContain('deploy');
  });

  it('a create whose answer is lost is not repeated', async () => {
    fake.failNext({ method: 'POST', pathPart: '/user/tokens' }, { kind: 'drop-after' });
    await expect(
      issuer().create({ name: 'deploy', expiresAt: null, options: createOptions }),
    ).rejects.toMatchObject({
      code: 'issuer_outcome_unknown',
      message: expect.stringContaining('Refresh the list before trying again'),
    });
    expect(calls('POST', '/user/tokens')).toBe(1);
  });

  it('names made to look like other tokens show what they hide, capped', async () => {
    const owner = { kind: 'user' as const, id: [...fake.tokens.values()][0]?.owner.id ?? '' };
    fake.seed(owner, { name: 'ci-github' });
    fake.seed(owner, { name: 'ci-\u200bgithub' });
    fake.seed(owner, { name: '\u202ebuhtig-ic' });
    fake.seed(owner, { name: 'ci-github\n(admin)' });
    fake.seed(owner, { name: `ci-github${'\u{E0061}'.repeat(3)}` });
    fake.seed(owner, { name: 'x'.repeat(5000) });
    const names = (await issuer().list()).map((token) => token.name);
    expect(names.filter((name) => name === 'ci-github')).toHaveLength(1);
    expect(names).toContain('ci-\ufffdgithub');
    expect(names).toContain('\ufffdbuhtig-ic');
    expect(names).toContain('ci-github\ufffd(admin)');
    // A run of hidden characters shows as one mark, as for every vendor (shared/unseen-text.ts).
    expect(names).toContain('ci-github\ufffd');
    fake.seed(owner, { name: 'Acme\uFE0F Corp' });
    expect((await issuer().list()).map((token) => token.name)).toContain('Acme\ufffd Corp');
    expect(names.every((name) => [...name].length <= 100)).toBe(true);
  });

  it.each([
    [
      401,
      'issuer_bad_credential',
      /refused the connection's API token .*Connect the Cloudflare account again/,
    ],
    [
      403,
      'issuer_missing_permission',
      /did not allow Token Desk to list your API tokens .*API Tokens Write/,
    ],
    [429, 'issuer_rate_limited', /rate-limiting this account.*Try again after \d\d:\d\d:\d\d UTC/],
    [503, 'issuer_unreachable', /answered 503 when Token Desk tried to list your API tokens/],
  ])('HTTP %i on the list is said in words, once', async (status, code, words) => {
    const made = issuer();
    await made.list();
    const before = calls('GET', '/user/tokens');
    fake.failNext(
      { method: 'GET', pathPart: '/user/tokens' },
      {
        kind: 'status',
        status,
        retryAfter: '30',
        message: status === 401 ? 'Invalid API Token' : 'no',
      },
    );
    await expect(made.list()).rejects.toMatchObject({
      code,
      message: expect.stringMatching(words),
    });
    expect(calls('GET', '/user/tokens')).toBe(before + 1);
  });

  it('a token that is gone is token_not_found', async () => {
    await expect(issuer().get('0123456789abcdef0123456789abcdef')).rejects.toMatchObject({
      code: 'token_not_found',
    });
  });
});

describe('hostile input from the page', () => {
  it('ids that are not Cloudflare token ids never reach a URL', async () => {
    const made = issuer();
    for (const id of ['../../user', 'a/b', '%2e%2e', 'x'.repeat(33), '']) {
      await expect(made.get(id)).rejects.toMatchObject({ code: 'token_not_found' });
      await expect(made.revoke(id)).rejects.toMatchObject({ code: 'token_not_found' });
      await expect(made.rotate(id)).rejects.toMatchObject({ code: 'token_not_found' });
    }
    expect(
      fake.requests.every((entry) => /^\/client\/v4\/user\/tokens\/verify$/.test(entry.path)),
    ).toBe(true);
  });

  it('create options are checked before anything is sent, unknown ones refused by name', async () => {
    const made = issuer();
    const refused = [
      [
        { ...createOptions, admin: true },
        'Token Desk does not know the Cloudflare option “admin”.',
      ],
      [
        { ...createOptions, permissionGroupIds: ['DNS Write'] },
        '“DNS Write” is not a Cloudflare permission group id',
      ],
      [
        { ...createOptions, resources: [{ kind: 'zone', id: 'example.com' }] },
        'needs a Cloudflare id',
      ],
      [{ ...createOptions, resources: [{ kind: 'everything' }] }, 'resource kind “everything”'],
      [
        { ...createOptions, allowedAddresses: ['10.0.0.0/33'] },
        '“10.0.0.0/33” in the allowed addresses is not a CIDR range',
      ],
      [
        { ...createOptions, deniedAddresses: ['::1'] },
        '“::1” in the denied addresses is not a CIDR range',
      ],
      [null, 'Choose the permissions and resources'],
    ] as const;
    for (const [options, words] of refused)
      await expect(made.create({ name: 'deploy', expiresAt: null, options })).rejects.toMatchObject(
        {
          code: 'invalid_request',
          message: expect.stringContaining(words),
        },
      );
    await expect(
      made.create({ name: 'ci-\u200bgithub', expiresAt: null, options: createOptions }),
    ).rejects.toMatchObject({ code: 'invalid_name' });
    await expect(
      made.create({ name: 'deploy', expiresAt: '2001-01-01T00:00:00Z', options: createOptions }),
    ).rejects.toMatchObject({ code: 'invalid_expiry' });
    expect(calls('POST', '/user/tokens')).toBe(0);
  });

  it('the connection’s own token is neither rotated nor deleted from here', async () => {
    const made = issuer();
    await expect(made.revoke(ownId)).rejects.toMatchObject({ code: 'own_credential' });
    await expect(made.rotate(ownId, { style: 'at-once' })).rejects.toMatchObject({
      code: 'own_credential',
    });
    const { id } = seedDeploy();
    await expect(made.revokeMany([id, ownId])).rejects.toMatchObject({ code: 'own_credential' });
    expect(fake.tokens.has(id)).toBe(true);
    expect(fake.accepts(credential)).toBe(true);
    const own = (await made.list()).find((token) => token.id === ownId);
    expect(own?.facts).toMatchObject({ rotation: 'none', canRevoke: false });
  });

  it('the transport refuses a URL outside the API base before sending anything', async () => {
    let sent = 0;
    const counting: typeof fetch = (input, init) => {
      sent++;
      return outbound(input, init);
    };
    const guarded = cloudflareFetch(counting, new URL(`${fake.apiBase}/`));
    await expect(guarded('http://127.0.0.1:1/client/v4/user/tokens')).rejects.toMatchObject({
      reason: 'foreign-host',
    });
    await expect(guarded(`${fake.url}/elsewhere`)).rejects.toMatchObject({
      reason: 'foreign-host',
    });
    expect(sent).toBe(0);
  });
});
