/**
 * The Cloudflare issuer against the stand-in, through main's real outbound layer:
 * connecting an account, the list in words, create from a permission set, both
 * rotations (create-then-delete keeps the old value working until main deletes it;
 * roll stops it at once), revoke one and many, and account-owned tokens.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyCloudflareConnection } from '../../../../src/main/issuers/cloudflare/cloudflare-connection.js';
import {
  PERMISSION_GROUPS as PG,
  startFakeCloudflare,
  type FakeCloudflare,
} from '../../../support/issuers/cloudflare/fake-cloudflare.js';
import { issuerFor, outbound } from './support.js';

const ZONE = 'eb78d65290b24279ba6f44721b3ea3c4';
let fake: FakeCloudflare;

beforeEach(async () => {
  fake = await startFakeCloudflare();
});
afterEach(async () => {
  expect(fake.offContract).toEqual([]);
  await fake.close();
});

const future = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

describe('connecting a Cloudflare account', () => {
  it('checks the token and says whose it is: the email where it may read it, else its name', async () => {
    const { value, tokenId } = fake.addUser('ada@example.test', [
      PG.apiTokensWrite.id,
      PG.userDetailsRead.id,
    ]);
    await expect(
      verifyCloudflareConnection({ address: `${fake.apiBase}/`, token: value }, outbound),
    ).resolves.toEqual({
      host: fake.apiBase,
      login: 'ada@example.test',
      tokenId,
      accountId: null,
      expiresAt: null,
    });
    const { value: plain } = fake.addUser('bob@example.test', [PG.apiTokensWrite.id]);
    await expect(
      verifyCloudflareConnection({ address: fake.apiBase, token: plain }, outbound),
    ).resolves.toMatchObject({ login: 'bob@example.test token maker' });
  });

  it('an account address connects that account’s tokens', async () => {
    const { accountId, value, tokenId } = fake.addAccount([PG.accountTokensWrite.id]);
    await expect(
      verifyCloudflareConnection(
        { address: `${fake.apiBase}/accounts/${accountId}`, token: value },
        outbound,
      ),
    ).resolves.toEqual({
      host: `${fake.apiBase}/accounts/${accountId}`,
      login: `account token maker · account ${accountId.slice(0, 8)}…`,
      tokenId,
      accountId,
      expiresAt: null,
    });
  });

  it('refuses, in words, a token that is not live or may not list tokens, and a bad address', async () => {
    const { value: dnsOnly } = fake.addUser('ada@example.test', [PG.dnsRead.id]);
    await expect(
      verifyCloudflareConnection({ address: fake.apiBase, token: dnsOnly }, outbound),
    ).rejects.toMatchObject({
      code: 'issuer_missing_permission',
      message: expect.stringContaining('API Tokens Read and Write'),
    });
    const { value, tokenId } = fake.addUser('bob@example.test', [PG.apiTokensWrite.id]);
    const stored = fake.tokens.get(tokenId);
    if (stored) stored.status = 'disabled';
    await expect(
      verifyCloudflareConnection({ address: fake.apiBase, token: value }, outbound),
    ).rejects.toMatchObject({ code: 'issuer_bad_credential' });
    await expect(
      verifyCloudflareConnection(
        { address: fake.apiBase, token: 'cfut_nope1234567890abcdefghij' },
        outbound,
      ),
    ).rejects.toMatchObject({
      code: 'issuer_bad_credential',
      message: expect.not.stringContaining('cfut_nope'),
    });
    for (const address of [
      'http://api.cloudflare.example/client/v4',
      'https://u:p@api.cloudflare.com/client/v4',
      'https://api.cloudflare.com/client/v4?x=1',
    ])
      await expect(
        verifyCloudflareConnection({ address, token: value }, outbound),
      ).rejects.toMatchObject({
        code: 'invalid_request',
      });
    await expect(
      verifyCloudflareConnection({ address: fake.apiBase, token: 'two words' }, outbound),
    ).rejects.toMatchObject({ code: 'invalid_request' });
  });
});

describe('the Cloudflare issuer', () => {
  let credential: string;
  let userId: string;
  beforeEach(() => {
    ({ value: credential, userId } = fake.addUser('ada@example.test', [PG.apiTokensWrite.id]));
  });

  it('lists every token over pages, with permissions, conditions, status and dates in words', async () => {
    const used = new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    fake.seed(
      { kind: 'user', id: userId },
      {
        name: 'dns deploy',
        last_used_on: used,
        expires_on: '2031-01-01T00:00:00Z',
        condition: { request_ip: { in: ['192.0.2.0/24'], not_in: ['192.0.2.7/32'] } },
        policies: [
          {
            id: 'f267e341f3dd4697bd3b9f71dd96247f',
            effect: 'allow',
            resources: { [`com.cloudflare.api.account.zone.${ZONE}`]: '*' },
            permission_groups: [
              { id: PG.dnsWrite.id, name: 'DNS Write' },
              { id: PG.zoneRead.id, name: 'Zone Read' },
            ],
          },
          {
            id: 'a267e341f3dd4697bd3b9f71dd96247f',
            effect: 'deny',
            resources: {
              'com.cloudflare.api.account.0123456789abcdef0123456789abcdef': {
                'com.cloudflare.api.account.zone.*': '*',
              },
            },
            permission_groups: [{ id: PG.dnsWrite.id, name: 'DNS Write' }],
          },
        ],
      },
    );
    fake.seed({ kind: 'user', id: userId }, { name: 'old', status: 'expired' });
    fake.seed({ kind: 'user', id: userId }, { name: 'paused', status: 'disabled' });
    for (let i = 0; i < 60; i++) fake.seed({ kind: 'user', id: userId }, { name: `filler ${i}` });

    const tokens = await issuerFor(fake.apiBase, credential).list();
    expect(tokens).toHaveLength(64);
    expect(new Set(tokens.map((token) => token.id)).size).toBe(64);
    expect(fake.requests.filter((entry) => entry.path.endsWith('/user/tokens'))).toHaveLength(2);
    const deploy = tokens.find((token) => token.name === 'dns deploy');
    expect(deploy).toMatchObject({
      prefix: '',
      expiresAt: '2031-01-01T00:00:00.000Z',
      lastUsedAt: new Date(used).toISOString(),
      lastUsedIp: null,
      destinationCount: 0,
      facts: {
        source: { kind: 'cloudflare', variant: 'user', label: 'Cloudflare' },
        scopes: [
          'DNS Write, Zone Read · zone eb78d652…',
          'Denied: DNS Write · all zones in account 01234567…',
          'Only from 192.0.2.0/24',
          'Never from 192.0.2.7/32',
        ],
        rotation: 'create-then-delete',
        canRevoke: true,
        status: 'active',
      },
    });
    expect(tokens.find((token) => token.name === 'old')?.facts?.status).toBe('expired');
    expect(tokens.find((token) => token.name === 'paused')?.facts?.status).toBe('disabled');
  });

  it('creates a token from a permission set, expiry and address conditions; its value works', async () => {
    const issuer = issuerFor(fake.apiBase, credential);
    const expiresAt = future(30);
    const issued = await issuer.create({
      name: '  ci deploy ',
      expiresAt,
      options: {
        permissionGroupIds: [PG.dnsWrite.id, PG.workersWrite.id],
        resources: [
          { kind: 'zone', id: ZONE },
          { kind: 'zones-in-account', accountId: '0123456789abcdef0123456789abcdef' },
          { kind: 'account', id: '0123456789abcdef0123456789abcdef' },
        ],
        allowedAddresses: ['192.0.2.0/24', '2001:db8::/32'],
      },
    });
    expect(issued.secret).toMatch(/^cfut_/);
    expect(fake.accepts(issued.secret)).toBe(true);
    const stored = fake.tokens.get(issued.id);
    expect(stored).toMatchObject({
      name: 'ci deploy',
      expires_on: expiresAt.replace(/\.\d{3}Z$/, 'Z'),
      condition: { request_ip: { in: ['192.0.2.0/24', '2001:db8::/32'] } },
    });
    // Flat and nested resources go in a policy each, as Cloudflare documents them.
    expect(stored?.policies.map((policy) => policy.resources)).toEqual([
      {
        [`com.cloudflare.api.account.zone.${ZONE}`]: '*',
        'com.cloudflare.api.account.0123456789abcdef0123456789abcdef': '*',
      },
      {
        'com.cloudflare.api.account.0123456789abcdef0123456789abcdef': {
          'com.cloudflare.api.account.zone.*': '*',
        },
      },
    ]);
    expect(issued.facts?.scopes[0]).toBe(
      'DNS Write, Workers Scripts Write · zone eb78d652…, account 01234567…',
    );
    await expect(issuer.get(issued.id)).resolves.toMatchObject({ name: 'ci deploy' });
  });

  it('rotates create-then-delete: same permissions, conditions and expiry; the old value works until deleted', async () => {
    const issuer = issuerFor(fake.apiBase, credential);
    const old = await issuer.create({
      name: 'deploy',
      expiresAt: future(10),
      options: {
        permissionGroupIds: [PG.dnsWrite.id],
        resources: [{ kind: 'all-zones' }],
        deniedAddresses: ['198.51.100.0/24'],
      },
    });
    const rotated = await issuer.rotate(old.id);
    expect(rotated.id).not.toBe(old.id);
    expect(rotated.previous).toEqual({ id: old.id, graceEndsAt: null, revokeAfterPush: true });
    expect(fake.accepts(old.secret)).toBe(true);
    expect(fake.accepts(rotated.secret)).toBe(true);
    const [before, after] = [fake.tokens.get(old.id), fake.tokens.get(rotated.id)];
    expect(after?.expires_on).toBe(before?.expires_on);
    expect(after?.condition).toEqual(before?.condition);
    expect(after?.policies.map(({ id: _id, ...policy }) => policy)).toEqual(
      before?.policies.map(({ id: _id, ...policy }) => policy),
    );
    await issuer.revoke(old.id);
    expect(fake.accepts(old.secret)).toBe(false);
    // A new expiry, when the rotation asks for one.
    const again = await issuer.rotate(rotated.id, { expiresAt: future(60) });
    expect(Date.parse(fake.tokens.get(again.id)?.expires_on ?? '')).toBeGreaterThan(
      Date.parse(after?.expires_on ?? ''),
    );
  });

  it('rotates at once by rolling, when chosen per call or per issuer: the old value stops there and then', async () => {
    const issuer = issuerFor(fake.apiBase, credential);
    const made = await issuer.create({
      name: 'deploy',
      expiresAt: null,
      options: { permissionGroupIds: [PG.dnsRead.id], resources: [{ kind: 'all-zones' }] },
    });
    const rolled = await issuer.rotate(made.id, { style: 'at-once' });
    expect(rolled).toMatchObject({ id: made.id, previous: { id: made.id, graceEndsAt: null } });
    expect(rolled.previous?.revokeAfterPush).toBeUndefined();
    expect(fake.accepts(made.secret)).toBe(false);
    expect(fake.accepts(rolled.secret)).toBe(true);

    const rolling = issuerFor(fake.apiBase, credential, { rotation: 'at-once' });
    expect((await rolling.get(made.id)).facts?.rotation).toBe('at-once');
    const again = await rolling.rotate(made.id);
    expect(fake.accepts(rolled.secret)).toBe(false);
    expect(fake.accepts(again.secret)).toBe(true);
    expect(fake.requests.filter((entry) => entry.path.endsWith('/value'))).toHaveLength(2);

    // A roll keeps the token's expiry: one asked with it (or with a connection that rolls
    // by default) is refused before Cloudflare hears of it, never dropped unsaid.
    const sent = fake.requests.length;
    for (const [by, options] of [
      [issuer, { style: 'at-once', expiresAt: future(30) }],
      [rolling, { expiresAt: future(30) }],
      [rolling, { expiresAt: null }],
    ] as const)
      await expect(by.rotate(made.id, options)).rejects.toMatchObject({
        code: 'invalid_rotation',
        message: expect.stringContaining('rolls the value'),
      });
    // Nor does a new token take the expiry away: "never" is not a rotation's to choose.
    await expect(
      issuer.rotate(made.id, { style: 'create-then-delete', expiresAt: null }),
    ).rejects.toMatchObject({ code: 'invalid_expiry' });
    expect(fake.requests.slice(sent).filter((entry) => entry.method !== 'GET')).toEqual([]);
    expect(fake.accepts(again.secret)).toBe(true);
  });

  it('revokes one at a time, telling apart the tokens it no longer holds', async () => {
    const issuer = issuerFor(fake.apiBase, credential);
    const a = fake.seed({ kind: 'user', id: userId }, { name: 'a' });
    const b = fake.seed({ kind: 'user', id: userId }, { name: 'b' });
    const gone = '0123456789abcdef0123456789abcdef';
    await expect(issuer.revokeMany([a.id, gone, b.id, 'not/an/id'])).resolves.toEqual({
      revoked: [a.id, b.id],
      notFound: [gone, 'not/an/id'],
    });
    expect(fake.tokens.has(a.id) || fake.tokens.has(b.id)).toBe(false);
    await expect(issuer.revoke(a.id)).rejects.toMatchObject({ code: 'token_not_found' });
  });

  it('a failure part-way through a bulk revoke says how many went', async () => {
    const issuer = issuerFor(fake.apiBase, credential);
    const a = fake.seed({ kind: 'user', id: userId }, { name: 'a' });
    const b = fake.seed({ kind: 'user', id: userId }, { name: 'b' });
    fake.failNext({ method: 'DELETE', pathPart: b.id }, { kind: 'status', status: 503 });
    await expect(issuer.revokeMany([a.id, b.id])).rejects.toMatchObject({
      code: 'issuer_unreachable',
      message: expect.stringMatching(/^Cloudflare deleted 1 of the 2 tokens, then stopped: /),
    });
  });

  it('lists the permission groups for the create form', async () => {
    const groups = await issuerFor(fake.apiBase, credential).permissionGroups();
    expect(groups).toContainEqual({
      id: PG.dnsWrite.id,
      name: 'DNS Write',
      scopes: ['com.cloudflare.api.account.zone'],
    });
  });

  it('acts on an account’s own tokens when the connection names the account', async () => {
    const { accountId, value } = fake.addAccount([PG.accountTokensWrite.id]);
    const issuer = issuerFor(`${fake.apiBase}/accounts/${accountId}`, value);
    const made = await issuer.create({
      name: 'workers',
      expiresAt: null,
      options: {
        permissionGroupIds: [PG.workersWrite.id],
        resources: [{ kind: 'account', id: accountId }],
      },
    });
    expect(made.secret).toMatch(/^cfat_/);
    expect(made.facts?.source).toEqual({
      kind: 'cloudflare',
      variant: 'account',
      label: `Cloudflare account · ${accountId.slice(0, 8)}…`,
    });
    const rolled = await issuer.rotate(made.id, { style: 'at-once' });
    expect(fake.accepts(made.secret)).toBe(false);
    expect((await issuer.list()).map((token) => token.name)).toEqual([
      'account token maker',
      'workers',
    ]);
    await issuer.revoke(made.id);
    expect(fake.accepts(rolled.secret)).toBe(false);
    expect(
      fake.requests.every((entry) =>
        entry.path.startsWith(`/client/v4/accounts/${accountId}/tokens`),
      ),
    ).toBe(true);
  });

  it('reads the credential from the keychain on every call, so a new one is used at once', async () => {
    let current = credential;
    const issuer = issuerFor(fake.apiBase, () => current);
    await issuer.list();
    current = 'cfut_replacedreplacedreplacedreplaced1234';
    await expect(issuer.list()).rejects.toMatchObject({ code: 'issuer_bad_credential' });
  });
});
