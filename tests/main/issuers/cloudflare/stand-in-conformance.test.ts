/**
 * The stand-in is faithful before anything is tested against it: Cloudflare's own
 * TypeScript SDK, pointed at it with `baseURL`, lists (auto-paginating), reads,
 * creates, updates, rolls and deletes tokens, verifies and lists permission groups,
 * for a user and for an account, and nothing it sends is off-contract.
 */
import Cloudflare, { AuthenticationError, PermissionDeniedError } from 'cloudflare';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  PERMISSION_GROUPS as PG,
  startFakeCloudflare,
  type FakeCloudflare,
} from '../../../support/issuers/cloudflare/fake-cloudflare.js';

let fake: FakeCloudflare;
beforeEach(async () => {
  fake = await startFakeCloudflare();
});
afterEach(async () => {
  expect(fake.offContract).toEqual([]);
  await fake.close();
});

const sdk = (apiToken: string) =>
  new Cloudflare({
    apiToken,
    apiKey: null,
    apiEmail: null,
    baseURL: fake.apiBase,
    maxRetries: 0,
    logLevel: 'off',
  });

describe('the Cloudflare stand-in, driven by the official cloudflare SDK', () => {
  it('user tokens: create, list over pages, get, update, roll (old value refused at once), delete', async () => {
    const { value, tokenId } = fake.addUser('ada@example.test', [PG.apiTokensWrite.id]);
    const client = sdk(value);

    const verified = await client.user.tokens.verify();
    expect(verified).toMatchObject({ id: tokenId, status: 'active' });

    const created = await client.user.tokens.create({
      name: 'ci deploy',
      policies: [
        {
          effect: 'allow',
          permission_groups: [{ id: PG.dnsWrite.id }],
          resources: { 'com.cloudflare.api.account.zone.eb78d65290b24279ba6f44721b3ea3c4': '*' },
        },
      ],
      expires_on: '2030-01-01T00:00:00Z',
      condition: { request_ip: { in: ['192.0.2.0/24'], not_in: ['192.0.2.7/32'] } },
    });
    expect(created.value).toMatch(/^cfut_[A-Za-z0-9]{40}[0-9a-f]{8}$/);
    expect(created.policies?.[0]?.permission_groups[0]).toMatchObject({ name: 'DNS Write' });
    expect(created.condition?.request_ip?.in).toEqual(['192.0.2.0/24']);

    for (let i = 0; i < 11; i++)
      await client.user.tokens.create({
        name: `filler ${i}`,
        policies: [
          {
            effect: 'allow',
            permission_groups: [{ id: PG.zoneRead.id }],
            resources: { 'com.cloudflare.api.account.zone.*': '*' },
          },
        ],
      });
    const names: string[] = [];
    for await (const token of client.user.tokens.list({ per_page: 5 }))
      names.push(token.name ?? '');
    expect(names).toHaveLength(13); // the connection token, ci deploy, 11 fillers: three pages of 5
    const firstPage = await client.user.tokens.list({ per_page: 5 });
    expect(firstPage.result_info).toMatchObject({ page: 1, per_page: 5, total_count: 13 });

    const id = created.id ?? '';
    expect(await client.user.tokens.get(id)).toMatchObject({ name: 'ci deploy', status: 'active' });
    const updated = await client.user.tokens.update(id, {
      name: 'ci deploy (renamed)',
      policies: [
        {
          effect: 'allow',
          permission_groups: [{ id: PG.dnsRead.id }],
          resources: { 'com.cloudflare.api.account.zone.*': '*' },
        },
      ],
      status: 'disabled',
    });
    expect(updated).toMatchObject({ name: 'ci deploy (renamed)', status: 'disabled' });

    const rolled = await client.user.tokens.value.update(id);
    expect(rolled).toMatch(/^cfut_/);
    expect(rolled).not.toBe(created.value);
    expect(fake.accepts(created.value ?? '')).toBe(false);

    await client.user.tokens.update(id, {
      name: 'back on',
      policies: updated.policies ?? [],
      status: 'active',
    });
    const rolledAgain = await client.user.tokens.value.update(id);
    // The value rolled away is refused at once, with Cloudflare's "Invalid API Token".
    await expect(sdk(rolled).user.tokens.verify()).rejects.toBeInstanceOf(AuthenticationError);
    expect(await sdk(rolledAgain).user.tokens.verify()).toMatchObject({ id, status: 'active' });

    await expect(client.user.tokens.delete(id)).resolves.toEqual({ id });
    await expect(client.user.tokens.get(id)).rejects.toMatchObject({ status: 404 });
  });

  it('permission groups are listed, and a token without API Tokens permissions is refused', async () => {
    const { value } = fake.addUser('ada@example.test', [PG.apiTokensRead.id]);
    const groups = [];
    for await (const group of sdk(value).user.tokens.permissionGroups.list()) groups.push(group);
    expect(groups.map((group) => group.name)).toContain('API Tokens Write');

    const { value: dnsOnly } = fake.addUser('bob@example.test', [PG.dnsRead.id]);
    await expect(sdk(dnsOnly).user.tokens.list()).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(
      sdk(value).user.tokens.create({
        name: 'x',
        policies: [
          {
            effect: 'allow',
            permission_groups: [{ id: PG.zoneRead.id }],
            resources: { 'com.cloudflare.api.account.zone.*': '*' },
          },
        ],
      }),
    ).rejects.toBeInstanceOf(PermissionDeniedError);
  });

  it('account-owned tokens live under /accounts/{id}/tokens, with cfat_ values', async () => {
    const { accountId, value } = fake.addAccount([PG.accountTokensWrite.id]);
    const client = sdk(value);
    expect(await client.accounts.tokens.verify({ account_id: accountId })).toMatchObject({
      status: 'active',
    });
    const created = await client.accounts.tokens.create({
      account_id: accountId,
      name: 'workers deploy',
      policies: [
        {
          effect: 'allow',
          permission_groups: [{ id: PG.workersWrite.id }],
          resources: { [`com.cloudflare.api.account.${accountId}`]: '*' },
        },
      ],
    });
    expect(created.value).toMatch(/^cfat_/);
    const page = await client.accounts.tokens.list({ account_id: accountId });
    expect(page.result.map((token) => token.name)).toEqual([
      'account token maker',
      'workers deploy',
    ]);
    const rolled = await client.accounts.tokens.value.update(created.id ?? '', {
      account_id: accountId,
    });
    expect(fake.accepts(rolled)).toBe(true);
    expect(fake.accepts(created.value ?? '')).toBe(false);
    await client.accounts.tokens.delete(created.id ?? '', { account_id: accountId });
    // A user token may not act on an account's tokens.
    const { value: userToken } = fake.addUser('ada@example.test', [PG.apiTokensWrite.id]);
    await expect(
      sdk(userToken).accounts.tokens.list({ account_id: accountId }),
    ).rejects.toBeInstanceOf(PermissionDeniedError);
  });

  it('lists expired tokens only when include_expired is true, as documented', async () => {
    const { value, userId } = fake.addUser('ada@example.test', [PG.apiTokensRead.id]);
    fake.seed({ kind: 'user', id: userId }, { name: 'gone stale', status: 'expired' });
    const names = async (include_expired?: boolean) =>
      (
        await sdk(value).user.tokens.list(include_expired === undefined ? {} : { include_expired })
      ).result.map((token) => token.name);
    expect(await names()).toEqual(['ada@example.test token maker']);
    expect(await names(false)).toEqual(['ada@example.test token maker']);
    expect(await names(true)).toEqual(['ada@example.test token maker', 'gone stale']);
  });

  it('records what is off-contract: the check itself can fail', async () => {
    const { value } = fake.addUser('ada@example.test', [PG.apiTokensWrite.id]);
    await expect(
      sdk(value).user.tokens.create({
        name: 'bad',
        policies: [
          {
            effect: 'allow',
            permission_groups: [{ id: PG.zoneRead.id }],
            resources: { 'com.cloudflare.api.account.zone.*': '*', 'com.example.nothing': '*' },
          },
        ],
        condition: { request_ip: { in: ['not-a-range'] } },
      }),
    ).rejects.toMatchObject({ status: 400 });
    await expect(sdk(value).user.tokens.list({ per_page: 500 })).rejects.toMatchObject({
      status: 400,
    });
    expect(fake.offContract).toHaveLength(2);
    expect(fake.offContract[0]).toContain('unknown resource com.example.nothing');
    expect(fake.offContract[0]).toContain('request_ip.in must be CIDR ranges');
    expect(fake.offContract[1]).toContain('per_page must be 5–50');
    fake.offContract.length = 0;
  });
});
