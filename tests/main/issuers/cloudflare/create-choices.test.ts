/**
 * What the Cloudflare create form may offer: permission groups, and the accounts and
 * zones the connection's token can see, read through the official SDK from a stand-in
 * that may answer with anything.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  PERMISSION_GROUPS as PG,
  startFakeCloudflare,
  type FakeCloudflare,
} from '../../../support/issuers/cloudflare/fake-cloudflare.js';
import { containsPieceOf, issuerFor } from './support.js';

let fake: FakeCloudflare;
let credential: string;
let userId: string;
let accountId: string;
let zoneId: string;

beforeEach(async () => {
  fake = await startFakeCloudflare();
  ({ value: credential, userId } = fake.addUser('ada@example.test', [
    PG.apiTokensWrite.id,
    PG.userDetailsRead.id,
    PG.zoneRead.id,
  ]));
  ({ accountId } = fake.addAccount([PG.accountTokensWrite.id], {
    name: 'Acme',
    members: [userId],
  }));
  fake.addAccount([PG.accountTokensWrite.id], { name: 'Someone else’s' });
  zoneId = fake.addZone(accountId, 'example.com');
});
afterEach(async () => {
  expect(fake.offContract).toEqual([]);
  await fake.close();
});

const issuer = () => issuerFor(fake.apiBase, credential);

describe('Cloudflare create choices', () => {
  it('permission groups, the accounts and zones the token can see, and the user', async () => {
    const choices = await issuer().createChoices();
    expect(choices).toEqual({
      kind: 'cloudflare',
      permissionGroups: expect.arrayContaining([
        { id: PG.dnsWrite.id, name: 'DNS Write', scopes: ['com.cloudflare.api.account.zone'] },
      ]),
      accounts: [{ id: accountId, name: 'Acme' }],
      zones: [{ id: zoneId, name: 'example.com', accountId }],
      userId,
      notes: [],
    });
  });

  it('an account’s token sees its own account and that account’s zones only', async () => {
    const other = fake.addAccount([PG.accountTokensWrite.id, PG.zoneRead.id], { name: 'Beta' });
    const betaZone = fake.addZone(other.accountId, 'beta.example');
    const choices = await issuerFor(
      `${fake.apiBase}/accounts/${other.accountId}`,
      other.value,
    ).createChoices();
    if (choices.kind !== 'cloudflare') throw new Error('not Cloudflare choices');
    expect(choices.zones.map((zone) => zone.id)).not.toContain(zoneId);
    expect(choices.zones.map((zone) => zone.id)).toEqual([betaZone]);
    expect(choices.accounts).toEqual([{ id: other.accountId, name: 'Beta' }]);
    expect(choices.userId).toBeNull();
  });

  it('names with bidi and zero-width characters show them, cut to length', async () => {
    fake.addZone(accountId, '\u202Emoc.elpmaxe\u200B');
    fake.addZone(accountId, `${'a'.repeat(500)}.example`);
    const choices = await issuer().createChoices();
    if (choices.kind !== 'cloudflare') throw new Error('not Cloudflare choices');
    const names = choices.zones.map((zone) => zone.name);
    expect(names).toContain('\uFFFDmoc.elpmaxe\uFFFD');
    const long = names.find((name) => name.startsWith('aaa'))!;
    expect([...long].length).toBe(100);
  });

  it('a token that may not read zones: none offered, said in words', async () => {
    const plain = fake.addUser('bo@example.test', [PG.apiTokensWrite.id]);
    const choices = await issuerFor(fake.apiBase, plain.value).createChoices();
    if (choices.kind !== 'cloudflare') throw new Error('not Cloudflare choices');
    expect(choices.zones).toEqual([]);
    expect(choices.userId).toBeNull();
    expect(choices.notes).toEqual([expect.stringContaining('“Yourself” cannot be chosen')]);
  });

  it('more than 200 zones: 200 offered, the rest said', async () => {
    for (let n = 0; n < 230; n++) fake.addZone(accountId, `z${String(n).padStart(3, '0')}.example`);
    const choices = await issuer().createChoices();
    if (choices.kind !== 'cloudflare') throw new Error('not Cloudflare choices');
    expect(choices.zones).toHaveLength(200);
    expect(choices.notes).toEqual([expect.stringContaining('more zones than the 200')]);
  });

  for (const [label, misbehaviour, words] of [
    ['huge', { kind: 'huge' }, /Cloudflare at .* (answered with more|too large|MB)/],
    ['malformed', { kind: 'malformed' }, /Cloudflare at /],
    ['without a result', { kind: 'no-result' }, /Cloudflare at .*valid page of zones/],
    [
      'a redirect',
      { kind: 'redirect', location: 'http://127.0.0.1:9/client/v4/zones' },
      /redirect/,
    ],
  ] as const) {
    it(`zones answered ${label}: an error in words, nothing offered`, async () => {
      fake.failNext({ method: 'GET', pathPart: '/zones' }, misbehaviour);
      await expect(issuer().createChoices()).rejects.toMatchObject({
        message: expect.stringMatching(words),
      });
    });
  }

  it('an error that echoes the credential never carries it to the page', async () => {
    fake.failNext({ method: 'GET', pathPart: '/accounts' }, { kind: 'echo-credential' });
    const error = (await issuer()
      .createChoices()
      .catch((failure: unknown) => failure)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(containsPieceOf(error.message, credential)).toBe(false);
  });

  it('a failure envelope sent with status 200 is not read as an empty list', async () => {
    fake.failNext({ method: 'GET', pathPart: '/accounts' }, { kind: 'status', status: 200 });
    await expect(issuer().createChoices()).rejects.toMatchObject({
      message: expect.stringContaining('Cloudflare at'),
    });
  });
});
