/**
 * A GitHub account connected without an access token, through main's handlers against
 * real parts (the GitHub token stand-in answering for github.com, the real token
 * service, the local GitLab, the keychain). GitHub has no API that lists a person's
 * tokens, so tracking needs no credential of the connection's: each token's value is
 * checked with GitHub when it is pasted. Connected by login alone, the account tracks,
 * sends, rotates the guided way and revokes, keeps nothing in the keychain, and never
 * stores CI secrets. Hostile or failing input at the new door (the login, GitHub's
 * answer to the lookup) is refused in words with nothing saved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeChannel } from '../../../src/main/ipc/invoke-channel.js';
import {
  PROVIDER_KEYCHAIN_SERVICE,
  providerKeychainAccount,
} from '../../../src/main/connections/vault.js';
import { MAINTAINER, signUp, startCiWorld, type CiWorld } from '../../support/main/ci-desk.js';
import { RecordingBrowser, RecordingPrompt } from '../../support/issuers/npm/ports.js';
import { asGitHubCom } from '../../support/issuers/github/as-github-com.js';
import {
  startGitHubWithTokens,
  type GitHubWithTokens,
} from '../../support/issuers/github/github-token-stand-in.js';

const GL_TOKEN = 'glpat-tokenlessGitHub00001';
const silent = { error: () => {} };
type Result<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
type Info = {
  id: string;
  kind: string;
  login: string;
  host: string;
  roles: { issuesTokens: boolean; storesSecrets: boolean };
};

let world: CiWorld;
let github: GitHubWithTokens;
/** A private GitHub Enterprise Server: it shows accounts to people signed in only. */
let privateGhes: GitHubWithTokens;
let main: ReturnType<CiWorld['launch']>;
const prompt = new RecordingPrompt();
let onTokenPage: (url: string) => void = () => {};
const browser = new RecordingBrowser((url) => onTokenPage(url));

const call = async <T = any>(channel: string, payload: unknown) =>
  (await invokeChannel(main.handlers, channel, payload, silent)) as Result<T>;
async function must<T = any>(channel: string, payload: unknown): Promise<T> {
  const result = await call<T>(channel, payload);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
  return result.value;
}

const connections = () => must<Info[]>('connections:list', null);
const lookups = (stand: GitHubWithTokens) =>
  stand.tokens.requests.filter((request) => request.path.startsWith('/users/'));

let gitlabId: string;
let ada: Info;
const email = `tokenless-${Date.now()}@example.test`;

beforeAll(async () => {
  [world, github, privateGhes] = await Promise.all([
    startCiWorld(),
    startGitHubWithTokens(),
    startGitHubWithTokens({ enterprise: true, privateMode: true }),
  ]);
  github.tokens.addUser('ada');
  github.tokens.addUser('acme', 'Organization');
  github.tokens.addUser('eve_acme');
  github.tokens.addUser('bo');
  world.gitlab.addUser(GL_TOKEN, 'ada');
  world.gitlab.addProject('acme/app', { ada: MAINTAINER });
  main = world.launch({
    prompt,
    externalLinks: browser,
    fetch: asGitHubCom(github.github.apiBaseUrl),
  });
  await signUp(main.handlers, world, email);
  gitlabId = (
    await must<{ id: string }>('providers:add', {
      provider: 'gitlab',
      host: world.gitlab.url,
      token: GL_TOKEN,
    })
  ).id;
}, 120_000);
afterAll(async () => {
  await main?.handlers.dispose();
  await Promise.all([world?.close(), github?.close(), privateGhes?.close()]);
});

describe('a GitHub account connected without a token', () => {
  it('refuses a login that is not one before anything is sent', async () => {
    const before = github.tokens.requests.length;
    for (const login of [
      '',
      'ada/../../user',
      'a.b',
      '-ada',
      'ada smith',
      'x'.repeat(101),
      'ada\u200b',
    ]) {
      const refused = await call('connections:add', {
        kind: 'github',
        host: 'https://github.com',
        login,
      });
      expect(refused, JSON.stringify(login)).toMatchObject({ ok: false });
      if (!refused.ok) expect(refused.error.message.length).toBeGreaterThan(20);
    }
    // A login for another vendor, and a login beside a token, are refused too.
    expect(
      await call('connections:add', {
        kind: 'npm',
        host: 'https://registry.npmjs.org',
        login: 'ada',
      }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(
      await call('connections:add', {
        kind: 'github',
        host: 'https://github.com',
        login: 'ada',
        token: github.tokens.addToken({ login: 'ada' }),
      }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(github.tokens.requests.slice(before)).toEqual([]);
    expect((await connections()).filter((c) => c.kind === 'github')).toEqual([]);
  });

  it('says in words when GitHub knows no such person, or it is an organization', async () => {
    const unknown = await call('connections:add', {
      kind: 'github',
      host: 'https://github.com',
      login: 'nobody-here',
    });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'github_user_unknown' } });
    const org = await call('connections:add', {
      kind: 'github',
      host: 'https://github.com',
      login: 'acme',
    });
    expect(org).toMatchObject({ ok: false, error: { code: 'github_not_a_person' } });
    if (!org.ok) expect(org.error.message).toContain('organization');
    expect((await connections()).filter((c) => c.kind === 'github')).toEqual([]);
  });

  it('refuses huge, malformed, redirected or mismatched lookups in words, saving nothing', async () => {
    const cases = [
      { how: { kind: 'huge', bytes: 400_000, declared: false }, code: 'github_invalid_response' },
      { how: { kind: 'malformed' }, code: 'github_invalid_response' },
      {
        how: { kind: 'redirect', status: 302, location: 'https://evil.test/' },
        code: 'github_redirect',
      },
      { how: { kind: 'status', status: 500 }, code: 'github_unreachable' },
      {
        how: { kind: 'status', status: 200, body: { login: 'mallory', type: 'User' } },
        code: 'github_invalid_response',
      },
      {
        how: {
          kind: 'status',
          status: 403,
          headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2000000000' },
        },
        code: 'github_rate_limited',
      },
    ] as const;
    for (const { how, code } of cases) {
      github.tokens.misbehaveNext('/users', how);
      const refused = await call('connections:add', {
        kind: 'github',
        host: 'https://github.com',
        login: 'ada',
      });
      expect(refused, how.kind).toMatchObject({ ok: false, error: { code } });
    }
    expect((await connections()).filter((c) => c.kind === 'github')).toEqual([]);
  });

  it('says a private GitHub Enterprise Server cannot be checked without a token', async () => {
    const refused = await call('connections:add', {
      kind: 'github',
      host: privateGhes.github.apiBaseUrl.replace(/\/api\/v3\/?$/, ''),
      login: 'ada',
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'github_needs_token' } });
    // Main asked about the new host first, in words true of a connection without a token.
    expect(world.confirm.asked.at(-1)?.detail).toContain('look your login up there now');
    expect(world.confirm.asked.at(-1)?.detail).not.toContain('access token you entered');
    expect(lookups(privateGhes)).toEqual([
      expect.objectContaining({ method: 'GET', path: '/users/ada', authenticated: false }),
    ]);
    expect((await connections()).filter((c) => c.kind === 'github')).toEqual([]);
  });

  it('connects by login alone: GitHub’s spelling kept, tracks tokens, stores no CI secrets, nothing in the keychain', async () => {
    const before = github.tokens.requests.length;
    ada = await must<Info>('connections:add', {
      kind: 'github',
      host: 'https://github.com',
      login: '  ADA ',
    });
    expect(ada).toMatchObject({
      kind: 'github',
      login: 'ada',
      roles: { issuesTokens: true, storesSecrets: false },
    });
    expect(github.tokens.requests.slice(before)).toEqual([
      expect.objectContaining({ method: 'GET', path: '/users/ADA', authenticated: false }),
    ]);
    expect(
      await world.keychain.getPassword(
        PROVIDER_KEYCHAIN_SERVICE,
        providerKeychainAccount({
          provider: 'github',
          login: 'ada',
          host: ada.host,
          owner: { serviceUrl: world.service.baseUrl, email },
        }),
      ),
    ).toBeNull();
    // Not a CI provider account: not offered for sending, and its targets are refused unasked.
    const providers = await must<{ accounts: { id: string }[] }>('providers:list', null);
    expect(providers.accounts.map((account) => account.id)).not.toContain(ada.id);
    expect(
      await call('providers:targets', { accountId: ada.id, list: 'repositories' }),
    ).toMatchObject({ ok: false, error: { code: 'not_a_ci_account' } });
    const inventory = await must<{ sources: { connectionId: string; problem: unknown }[] }>(
      'tokens:inventory',
      null,
    );
    expect(inventory.sources.find((s) => s.connectionId === ada.id)).toMatchObject({
      problem: null,
    });
    // Asked again, the same login is the same connection.
    const again = await must<Info>('connections:add', {
      kind: 'github',
      host: 'https://github.com',
      login: 'Ada',
    });
    expect(again.id).toBe(ada.id);
    expect((await connections()).filter((c) => c.kind === 'github')).toHaveLength(1);
  });

  let tracked: { id: string; value: string };

  it('tracks, sends and rotates a token the guided way, and revokes it with its value', async () => {
    const value = github.tokens.addToken({ login: 'ada', expiration: '2027-03-01 12:00:00 UTC' });
    prompt.answer({ value });
    const created = await must<{ token: { id: string }; revealId: string; secret: string }>(
      'tokens:create',
      { connectionId: ada.id, name: 'ci-deploy', expiresAt: null },
    );
    tracked = { id: created.token.id, value };
    expect(created.secret).toBe(value);
    // Another person's value is not tracked under ada's login.
    prompt.answer({ value: github.tokens.addToken({ login: 'mallory' }) });
    expect(
      await call('tokens:create', { connectionId: ada.id, name: 'not-ada', expiresAt: null }),
    ).toMatchObject({ ok: false, error: { code: 'github_other_account' } });

    await must('destinations:send', {
      revealId: created.revealId,
      accountId: gitlabId,
      target: { kind: 'project', path: 'acme/app', environmentScope: '*' },
      name: 'GH_TOKEN',
      overwrite: false,
    });
    expect(world.gitlab.variable('project', 'acme/app', 'GH_TOKEN')).toMatchObject({ value });

    let regenerated = '';
    onTokenPage = () => {
      regenerated = github.tokens.regenerate(tracked.value, '2027-06-01 12:00:00 UTC');
      prompt.answer({ value: regenerated, oldValue: '' });
    };
    const places = await must<{ id: string }[]>('destinations:list', {
      tokenId: tracked.id,
      connectionId: ada.id,
    });
    const report = await must<{
      rotation: { finished: boolean; destinations: { status: string }[] };
    }>('tokens:rotate-and-update', {
      connectionId: ada.id,
      id: tracked.id,
      placeIds: places.map((p) => p.id),
    });
    onTokenPage = () => {};
    expect(browser.opened.at(-1)).toBe('https://github.com/settings/tokens');
    expect(report.rotation.finished).toBe(true);
    expect(report.rotation.destinations.map((d) => d.status)).toEqual(['updated']);
    expect(world.gitlab.variable('project', 'acme/app', 'GH_TOKEN')).toMatchObject({
      value: regenerated,
    });
    tracked = { id: tracked.id, value: regenerated };

    prompt.answer({ value: tracked.value });
    await must('tokens:revoke', { connectionId: ada.id, id: tracked.id });
    expect(github.tokens.revoked).toEqual([tracked.value]);
    expect(github.tokens.isLive(tracked.value)).toBe(false);
    const inventory = await must<{ tokens: { id: string }[] }>('tokens:inventory', null);
    expect(inventory.tokens.map((t) => t.id)).not.toContain(tracked.id);
    // Nothing the person pasted is at rest in the settings.
    const settings = world.settingsText();
    for (const secret of [value, regenerated]) expect(settings).not.toContain(secret);
    expect(github.tokens.violations).toEqual([]);
  });

  it('tracks the tokens of a managed (EMU) login, whose name has an underscore', async () => {
    const eve = await must<Info>('connections:add', {
      kind: 'github',
      host: 'https://github.com',
      login: 'eve_acme',
    });
    prompt.answer({ value: github.tokens.addToken({ login: 'eve_acme' }) });
    const created = await must<{ token: { id: string } }>('tokens:create', {
      connectionId: eve.id,
      name: 'emu-deploy',
      expiresAt: null,
    });
    const inventory = await must<{ tokens: { id: string; issuer: { connectionId: string } }[] }>(
      'tokens:inventory',
      null,
    );
    expect(
      inventory.tokens.filter((t) => t.issuer.connectionId === eve.id).map((t) => t.id),
    ).toEqual([created.token.id]);
    await must('connections:remove', { connectionId: eve.id });
  });

  it('becomes a CI account when its token is added, keeping its tracked tokens; never goes back to none', async () => {
    prompt.answer({ value: github.tokens.addToken({ login: 'ada' }) });
    const kept = await must<{ token: { id: string } }>('tokens:create', {
      connectionId: ada.id,
      name: 'kept',
      expiresAt: null,
    });
    const withToken = await must<{ id: string }>('connections:add', {
      kind: 'github',
      host: 'https://github.com',
      token: github.tokens.addToken({ login: 'ada' }),
    });
    expect(withToken.id).toBe(ada.id);
    const listed = (await connections()).find((c) => c.id === ada.id);
    expect(listed?.roles).toEqual({ issuesTokens: true, storesSecrets: true });
    const providers = await must<{ accounts: { id: string }[] }>('providers:list', null);
    expect(providers.accounts.map((account) => account.id)).toContain(ada.id);
    const inventory = await must<{ tokens: { id: string; issuer: { connectionId: string } }[] }>(
      'tokens:inventory',
      null,
    );
    expect(
      inventory.tokens.filter((t) => t.issuer.connectionId === ada.id).map((t) => t.id),
    ).toEqual([kept.token.id]);
    // Connecting it again without a token would drop the token: refused, nothing changed.
    const refused = await call('connections:add', {
      kind: 'github',
      host: 'https://github.com',
      login: 'ada',
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'already_connected' } });
    expect((await connections()).find((c) => c.id === ada.id)?.roles.storesSecrets).toBe(true);
  });

  it('a token added while the page connects the same login without one: the token is kept, whatever the order', async () => {
    const bo = await must<Info>('connections:add', {
      kind: 'github',
      host: 'https://github.com',
      login: 'bo',
    });
    const token = github.tokens.addToken({ login: 'bo' });
    const [withToken, without] = await Promise.all([
      call<Info>('connections:add', { kind: 'github', host: 'https://github.com', token }),
      call<Info>('connections:add', { kind: 'github', host: 'https://github.com', login: 'bo' }),
    ]);
    expect(withToken).toMatchObject({ ok: true, value: { id: bo.id } });
    if (!without.ok) expect(without.error.code).toBe('already_connected');
    expect((await connections()).find((c) => c.id === bo.id)?.roles.storesSecrets).toBe(true);
    expect(
      await world.keychain.getPassword(
        PROVIDER_KEYCHAIN_SERVICE,
        providerKeychainAccount({
          provider: 'github',
          login: 'bo',
          host: bo.host,
          owner: { serviceUrl: world.service.baseUrl, email },
        }),
      ),
    ).toBe(token);
  });

  it('GitHub spelling a login another way keeps one keychain entry, under the new spelling', async () => {
    const entry = (login: string) =>
      world.keychain.getPassword(
        PROVIDER_KEYCHAIN_SERVICE,
        providerKeychainAccount({
          provider: 'github',
          login,
          host: 'https://api.github.com',
          owner: { serviceUrl: world.service.baseUrl, email },
        }),
      );
    const first = github.tokens.addToken({ login: 'Cy' });
    const cy = await must<Info>('connections:add', {
      kind: 'github',
      host: 'https://github.com',
      token: first,
    });
    expect(await entry('Cy')).toBe(first);
    // The same account, as GitHub now spells it.
    const second = github.tokens.addToken({ login: 'cy' });
    const again = await must<Info>('connections:add', {
      kind: 'github',
      host: 'https://github.com',
      token: second,
    });
    expect(again).toMatchObject({ id: cy.id, login: 'cy' });
    expect(await entry('cy')).toBe(second);
    expect(await entry('Cy')).toBeNull();
    await must('connections:remove', { connectionId: cy.id }).catch(() =>
      must('providers:remove', { accountId: cy.id }),
    );
    expect(await entry('cy')).toBeNull();
  });
});
