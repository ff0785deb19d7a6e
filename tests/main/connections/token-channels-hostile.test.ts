/**
 * Token channels name the connection they act on, and main refuses, with words and
 * before anything is sent, a connection the page has no business naming: another
 * account's, one that does not exist, one that stores CI secrets but issues no
 * tokens, a malformed id, or any while signed out. Against the real token service,
 * the local GitHub and the keychain (ci-desk.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeChannel } from '../../../src/main/ipc/invoke-channel.js';
import { startCiWorld, type CiWorld } from '../../support/main/ci-desk.js';

const GH_ADA = 'ghp_connTestTokenAda0000000000000000001';
const GH_BOB = 'ghp_connTestTokenBob0000000000000000002';
const PASSWORD = 'ci desk password 1';
const silent = { error: () => {} };
const repo = { kind: 'repository', owner: 'ada', repo: 'app' } as const;
const MADE_UP = '0b1e9c3a-6e4f-4d0a-8a55-2f3c4d5e6f70';
type Result<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

/** Every request main sends to the token service about tokens (path and method). */
const tokenRequests: string[] = [];
const recordingFetch: typeof fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (url.pathname.startsWith('/v1/users/me/tokens'))
    tokenRequests.push(`${init?.method ?? 'GET'} ${url.pathname}`);
  return fetch(input, init);
};

let world: CiWorld;
let main: ReturnType<CiWorld['launch']>;
const call = async <T = any>(channel: string, payload: unknown) =>
  (await invokeChannel(main.handlers, channel, payload, silent)) as Result<T>;
async function must<T = any>(channel: string, payload: unknown): Promise<T> {
  const r = await call<T>(channel, payload);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
  return r.value;
}

const stamp = Date.now();
const ada = { email: `conn-ada-${stamp}@example.test`, serviceUrl: '' };
const bob = { email: `conn-bob-${stamp}@example.test`, serviceUrl: '' };
let adaConnection: string;
let bobConnection: string;
let adaGitHub: string;
let bobGitHub: string;
let adaToken: { id: string; name: string };
let bobToken: { id: string; name: string };

/** Every token channel, acting on `connectionId` (and Ada's token where one is named). */
function everyTokenChannel(connectionId: string): Array<[string, unknown]> {
  const id = adaToken.id;
  return [
    ['tokens:list', { connectionId }],
    ['destinations:list', { connectionId, tokenId: id }],
    ['tokens:create', { connectionId, name: 'should-not-exist', expiresAt: null }],
    ['tokens:create-choices', { connectionId }],
    ['tokens:revoke', { connectionId, id }],
    ['tokens:rotate', { connectionId, id }],
    ['tokens:revoke-many', { connectionId, ids: [id] }],
    ['tokens:rotate-and-update', { connectionId, id, placeIds: [] }],
    [
      'tokens:rotate-and-send',
      {
        connectionId,
        id,
        placeIds: [],
        send: { accountId: adaGitHub, target: repo, name: 'SHOULD_NOT', overwrite: true },
        endOldNow: true,
      },
    ],
  ];
}

/** Ada's and Bob's tokens as each sees them, to show nothing changed. */
async function bothLists() {
  const names = async (connectionId: string) =>
    (
      await must<Array<{ name: string; replacedById: string | null }>>('tokens:list', {
        connectionId,
      })
    ).map((token) => `${token.name}${token.replacedById ? ' (replaced)' : ''}`);
  await must('accounts:switch', bob);
  const bobs = await names(bobConnection);
  await must('accounts:switch', ada);
  return { adas: await names(adaConnection), bobs };
}

beforeAll(async () => {
  world = await startCiWorld();
  world.github.addAccount(GH_ADA, 'ada');
  world.github.addAccount(GH_BOB, 'bob');
  world.github.addRepository('ada', 'app', { admins: ['ada', 'bob'] });
  ada.serviceUrl = bob.serviceUrl = world.service.baseUrl;
  main = world.launch({ fetch: recordingFetch });
  // Bob first, then Ada (active): each with a GitHub account and a token of their own.
  const joined = async (mode: 'sign-up' | 'add', who: typeof ada, token: string, name: string) => {
    const state =
      mode === 'sign-up'
        ? await must('session:sign-up', { ...who, password: PASSWORD })
        : await must('accounts:add', { mode: 'sign-up', ...who, password: PASSWORD });
    const connectionId: string = state.account.connectionId;
    const github = await must('providers:add', {
      provider: 'github',
      host: world.github.apiBaseUrl,
      token,
    });
    const created = await must('tokens:create', { connectionId, name, expiresAt: null });
    return { connectionId, github: github.id as string, token: created.token };
  };
  ({
    connectionId: bobConnection,
    github: bobGitHub,
    token: bobToken,
  } = await joined('sign-up', bob, GH_BOB, 'bobs'));
  ({
    connectionId: adaConnection,
    github: adaGitHub,
    token: adaToken,
  } = await joined('add', ada, GH_ADA, 'adas'));
});
afterAll(async () => {
  await main?.handlers.dispose();
  await world?.close();
});

describe('token channels name their connection', () => {
  it('each token the page receives says its issuer: the connection and its kind', async () => {
    const issuer = { connectionId: adaConnection, kind: 'token-desk' };
    expect(adaConnection).not.toBe(bobConnection);
    const listed = await must<Array<{ id: string; issuer: unknown }>>('tokens:list', {
      connectionId: adaConnection,
    });
    expect(listed.map((token) => [token.id, token.issuer])).toEqual([[adaToken.id, issuer]]);
    const created = await must('tokens:create', {
      connectionId: adaConnection,
      name: 'issued-here',
      expiresAt: null,
    });
    expect(created.token.issuer).toEqual(issuer);
    const rotated = await must('tokens:rotate', {
      connectionId: adaConnection,
      id: created.token.id,
    });
    expect(rotated.token.issuer).toEqual(issuer);
    await must('tokens:revoke', { connectionId: adaConnection, id: rotated.token.id });
  });

  it('refuses another account’s connection, though it is signed in here: nothing is sent', async () => {
    const before = await bothLists();
    const sent = tokenRequests.length;
    for (const [channel, payload] of everyTokenChannel(bobConnection)) {
      expect(await call(channel, payload), channel).toEqual({
        ok: false,
        error: {
          code: 'connection_not_found',
          message: expect.stringContaining('nothing was done'),
        },
      });
    }
    expect(tokenRequests.length).toBe(sent);
    expect(await bothLists()).toEqual(before);
  });

  it('refuses a connection that does not exist, and another account’s GitHub account', async () => {
    const sent = tokenRequests.length;
    for (const connectionId of [MADE_UP, bobGitHub]) {
      for (const [channel, payload] of everyTokenChannel(connectionId)) {
        expect(await call(channel, payload), `${channel} ${connectionId}`).toMatchObject({
          ok: false,
          error: { code: 'connection_not_found' },
        });
      }
    }
    expect(tokenRequests.length).toBe(sent);
  });

  it('a GitHub account only tracks tokens: none of ours is reached through it, no secret is pushed', async () => {
    const before = await bothLists();
    const sent = tokenRequests.length;
    const pushes = world.github.secret('ada/app', 'SHOULD_NOT');
    const results: Record<string, unknown> = {};
    for (const [channel, payload] of everyTokenChannel(adaGitHub))
      results[channel] = await call(channel, payload);
    // Nothing is tracked yet, and a value is taken only in main's own prompt (none here).
    expect(results['tokens:list']).toEqual({ ok: true, value: [] });
    expect(results['tokens:create']).toMatchObject({ ok: false });
    for (const channel of ['tokens:revoke', 'tokens:rotate', 'tokens:rotate-and-update'])
      expect(results[channel], channel).toMatchObject({ ok: false });
    expect(tokenRequests.length).toBe(sent);
    expect(world.github.secret('ada/app', 'SHOULD_NOT')).toBe(pushes);
    expect(await bothLists()).toEqual(before);
  });

  it('refuses a malformed connection id before any handler runs', async () => {
    const sent = tokenRequests.length;
    for (const connectionId of ['', '../../sessions', GH_ADA, 'glpat-0123456789abcdef', 42, null]) {
      for (const [channel, payload] of everyTokenChannel(adaConnection)) {
        const result = await call(channel, { ...(payload as object), connectionId });
        expect(result, `${channel} ${String(connectionId)}`).toMatchObject({
          ok: false,
          error: { code: 'invalid_payload' },
        });
        expect(JSON.stringify(result)).not.toContain(GH_ADA);
      }
    }
    expect(tokenRequests.length).toBe(sent);
  });

  it('acts with the connection’s own session only: another account’s token id is not found', async () => {
    expect(
      await call('tokens:revoke', { connectionId: adaConnection, id: bobToken.id }),
    ).toMatchObject({
      ok: false,
      error: { code: 'token_not_found' },
    });
    expect((await bothLists()).bobs).toEqual(['bobs']);
  });

  it('lists the active account’s sources side by side, each token with its facts in words', async () => {
    const inventory = await must('tokens:inventory', null);
    expect(inventory.sources).toEqual([
      {
        connectionId: adaConnection,
        kind: 'token-desk',
        label: `Token Desk · ${ada.email}`,
        capabilities: expect.objectContaining({ create: true, rotation: 'grace' }),
        problem: null,
        notes: [],
      },
      {
        connectionId: adaGitHub,
        kind: 'github',
        label: expect.stringMatching(/^GitHub · ada on 127\.0\.0\.1:\d+$/),
        capabilities: expect.objectContaining({ create: false, rotation: 'guided' }),
        problem: null,
        notes: [],
      },
    ]);
    const adas = inventory.tokens.filter((token: { name: string }) => token.name === 'adas');
    expect(adas).toEqual([
      expect.objectContaining({
        id: adaToken.id,
        issuer: { connectionId: adaConnection, kind: 'token-desk' },
        facts: expect.objectContaining({
          source: { kind: 'token-desk', variant: null, label: 'Token Desk' },
          rotation: 'grace',
        }),
      }),
    ]);
    expect(JSON.stringify(inventory)).not.toContain('bobs');
    expect(await call('tokens:inventory', { connectionId: adaConnection })).toMatchObject({
      ok: false,
      error: { code: 'invalid_payload' },
    });
  });

  it('refuses settings our service does not take, and settings too large to be real: nothing is created', async () => {
    const before = await bothLists();
    const sent = tokenRequests.length;
    const base = { connectionId: adaConnection, name: 'should-not-exist', expiresAt: null };
    expect(await call('tokens:create', { ...base, options: { scopes: ['all'] } })).toEqual({
      ok: false,
      error: {
        code: 'invalid_input',
        message: 'Token Desk tokens take a name and an expiry only, so nothing was created.',
      },
    });
    const huge = { packages: Array.from({ length: 5000 }, (_, i) => `@acme/package-${i}`) };
    expect(await call('tokens:create', { ...base, options: huge })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringContaining('too large') },
    });
    expect(
      await call('tokens:rotate', {
        connectionId: adaConnection,
        id: adaToken.id,
        expiresAt: 'soon',
      }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_rotation' } });
    expect(tokenRequests.length).toBe(sent);
    expect(await bothLists()).toEqual(before);
  });

  it('refuses every token channel once signed out, even naming the connection it had', async () => {
    const signedOut = world.launch({ fetch: recordingFetch });
    await signedOut.handlers['session:get'](null);
    await signedOut.handlers['accounts:sign-out'](bob);
    await signedOut.handlers['accounts:sign-out'](ada);
    const sent = tokenRequests.length;
    for (const [channel, payload] of everyTokenChannel(adaConnection)) {
      const result = await invokeChannel(signedOut.handlers, channel, payload, silent);
      expect(result, channel).toMatchObject({ ok: false, error: { code: 'signed_out' } });
    }
    expect(tokenRequests.length).toBe(sent);
    await signedOut.handlers.dispose();
  });
});
