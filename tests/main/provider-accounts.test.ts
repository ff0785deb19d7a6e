/**
 * Provider accounts through main's handlers: verified on entry against the local
 * GitHub and GitLab, the credential in the keychain and nowhere else, and every
 * hostile or failing case answered in words.
 */
import Conf from 'conf';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeDesk } from '../../src/main/compose.js';
import { invokeChannel } from '../../src/main/ipc/invoke-channel.js';
import {
  PROVIDER_KEYCHAIN_SERVICE,
  providerKeychainAccount,
} from '../../src/main/connections/vault.js';
import {
  DEVELOPER,
  MAINTAINER,
  OWNER,
  signUp,
  startCiWorld,
  type CiWorld,
} from '../support/main/ci-desk.js';
import { MemoryClipboard } from '../../src/harness/stand-ins.js';
import { generateSecret } from '../../src/server/auth/secrets.js';

const GH_TOKEN = 'ghp_accountsTestToken000000000000000001';
const GH_READONLY = 'ghp_accountsTestToken000000000000000002';
const GL_TOKEN = 'glpat-accountsTestToken0001';
const silent = { error: () => {} };

let world: CiWorld;
const results: unknown[] = [];
/** Every handler result and error goes through here, to be scanned for credentials at the end. */
async function call(
  desk: ReturnType<CiWorld['launch']>['handlers'],
  channel: string,
  payload: unknown,
) {
  const result = await invokeChannel(desk, channel, payload, silent);
  results.push(result);
  return result;
}

beforeAll(async () => {
  world = await startCiWorld();
  world.github.addAccount(GH_TOKEN, 'ada');
  world.github.addAccount(GH_READONLY, 'bob');
  world.github.addRepository('ada', 'app', { environments: ['production'] });
  world.github.addRepository('ada', 'site', { admins: ['someone-else'], private: false });
  // A name GitHub would never allow: whatever the provider says, it is not offered as a target.
  world.github.addRepository('ada', '..', { admins: ['ada'] });
  world.github.addOrganization('acme', ['ada']);
  world.gitlab.addUser(GL_TOKEN, 'ada');
  world.gitlab.addProject('acme/mobile/app', { ada: MAINTAINER });
  world.gitlab.addProject('acme/docs', { ada: DEVELOPER });
  world.gitlab.addGroup('acme', { ada: OWNER });
});
afterAll(async () => {
  await world.close();
});

describe('provider accounts', () => {
  const email = `accounts-${Date.now()}@example.test`;
  let githubId = '';
  let gitlabId = '';

  it('refuses every provider channel while signed out', async () => {
    const desk = world.launch().handlers;
    await desk['session:get'](null);
    expect(await call(desk, 'providers:list', null)).toMatchObject({
      ok: false,
      error: { code: 'signed_out' },
    });
  });

  it('adds a GitHub account after asking GitHub who it is, and a GitLab account', async () => {
    const desk = world.launch().handlers;
    await signUp(desk, world, email);
    const github = await call(desk, 'providers:add', {
      provider: 'github',
      host: world.github.apiBaseUrl,
      token: GH_TOKEN,
      target: { kind: 'repository', owner: 'ada', repo: 'app' },
    });
    expect(github).toEqual({
      ok: true,
      value: {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        provider: 'github',
        host: world.github.apiBaseUrl,
        login: 'ada',
      },
    });
    githubId = (github as { value: { id: string } }).value.id;
    const gitlab = await call(desk, 'providers:add', {
      provider: 'gitlab',
      host: `${world.gitlab.url}/`,
      token: GL_TOKEN,
      target: { kind: 'project', path: 'acme/mobile/app', environmentScope: '*' },
    });
    expect(gitlab).toMatchObject({
      ok: true,
      value: { provider: 'gitlab', host: world.gitlab.url, login: 'ada' },
    });
    gitlabId = (gitlab as { value: { id: string } }).value.id;
    expect(world.gitlab.requests.some((request) => request.path === '/api/v4/user')).toBe(true);
  });

  it('lists the accounts after a restart, with the credential still in the keychain', async () => {
    const desk = world.launch().handlers;
    await desk['session:get'](null);
    const listed = await call(desk, 'providers:list', null);
    expect(listed).toMatchObject({
      ok: true,
      value: {
        remembered: true,
        accounts: [
          { id: githubId, provider: 'github', login: 'ada' },
          { id: gitlabId, provider: 'gitlab', login: 'ada' },
        ],
      },
    });
    // Settings hold who and where, not the credential.
    expect(world.settingsText()).toContain('"providerAccounts"');
    expect(world.settingsText()).toContain('"login": "ada"');
    const owner = { serviceUrl: world.service.baseUrl, email };
    expect(
      await world.keychain.getPassword(
        PROVIDER_KEYCHAIN_SERVICE,
        providerKeychainAccount({
          provider: 'github',
          host: world.github.apiBaseUrl,
          login: 'ada',
          owner,
        }),
      ),
    ).toBe(GH_TOKEN);
    // The restarted main can use it: the target list comes from GitHub.
    const targets = await call(desk, 'providers:targets', {
      accountId: githubId,
      list: 'repositories',
    });
    // ada/site is visible but ada is not an admin there: it cannot hold secrets. ada/.. is
    // not a repository name, so it is not offered either.
    expect(targets).toEqual({
      ok: true,
      value: [
        { kind: 'repository', id: expect.any(Number), owner: 'ada', repo: 'app', private: true },
      ],
    });
  });

  it('lists environments, organizations, projects (Maintainer+) and groups', async () => {
    const desk = world.launch().handlers;
    await desk['session:get'](null);
    expect(
      await call(desk, 'providers:targets', {
        accountId: githubId,
        list: 'environments',
        owner: 'ada',
        repo: 'app',
      }),
    ).toEqual({
      ok: true,
      value: [{ kind: 'environment', owner: 'ada', repo: 'app', environment: 'production' }],
    });
    expect(
      await call(desk, 'providers:targets', { accountId: githubId, list: 'organizations' }),
    ).toEqual({ ok: true, value: [{ kind: 'organization', org: 'acme' }] });
    expect(
      await call(desk, 'providers:targets', { accountId: gitlabId, list: 'projects' }),
    ).toEqual({ ok: true, value: [{ kind: 'project', path: 'acme/mobile/app' }] });
    expect(await call(desk, 'providers:targets', { accountId: gitlabId, list: 'groups' })).toEqual({
      ok: true,
      value: [{ kind: 'group', path: 'acme' }],
    });
    // A GitLab list asked of a GitHub account, and the reverse.
    expect(
      await call(desk, 'providers:targets', { accountId: githubId, list: 'projects' }),
    ).toMatchObject({ ok: false, error: { code: 'wrong_provider' } });
    expect(
      await call(desk, 'providers:targets', { accountId: gitlabId, list: 'repositories' }),
    ).toMatchObject({ ok: false, error: { code: 'wrong_provider' } });
  });

  it('refuses a credential where an id belongs, before anything runs', async () => {
    const desk = world.launch().handlers;
    await desk['session:get'](null);
    for (const accountId of [GH_TOKEN, GL_TOKEN, generateSecret('api_token')]) {
      const result = await call(desk, 'providers:remove', { accountId });
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
      expect(JSON.stringify(result)).not.toContain(accountId);
    }
    // An id of the right shape that is not an account here.
    expect(
      await call(desk, 'providers:targets', {
        accountId: '00000000-0000-4000-8000-000000000000',
        list: 'repositories',
      }),
    ).toMatchObject({ ok: false, error: { code: 'provider_account_not_found' } });
  });

  it('another Token Desk account cannot use, list or remove these accounts', async () => {
    const desk = world.launch().handlers;
    await signUp(desk, world, `other-${Date.now()}@example.test`);
    expect(await call(desk, 'providers:list', null)).toMatchObject({
      ok: true,
      value: { accounts: [] },
    });
    for (const [channel, payload] of [
      ['providers:targets', { accountId: githubId, list: 'repositories' }],
      ['providers:remove', { accountId: gitlabId }],
      [
        'destinations:check',
        {
          accountId: githubId,
          target: { kind: 'repository', owner: 'ada', repo: 'app' },
          name: 'CAPAWESOME_TOKEN',
        },
      ],
    ] as const) {
      expect(await call(desk, channel, payload)).toMatchObject({
        ok: false,
        error: { code: 'provider_account_not_found' },
      });
    }
    // Switching back to the first user (still signed in): both accounts are there;
    // and switching to the other again shows none of them.
    const other = (await desk['session:get'](null)).account!;
    await desk['accounts:switch']({ serviceUrl: world.service.baseUrl, email });
    expect(await call(desk, 'providers:list', null)).toMatchObject({
      ok: true,
      value: { accounts: [{ id: githubId }, { id: gitlabId }] },
    });
    await desk['accounts:switch'](other);
    expect(await call(desk, 'providers:list', null)).toMatchObject({
      ok: true,
      value: { accounts: [] },
    });
    // Signing in to the first user again: both accounts are still there.
    await desk['session:sign-in']({
      serviceUrl: world.service.baseUrl,
      email,
      password: 'ci desk password 1',
    });
    expect(await call(desk, 'providers:list', null)).toMatchObject({
      ok: true,
      value: { accounts: [{ id: githubId }, { id: gitlabId }] },
    });
  });

  it('explains bad hosts, credentials, permissions, wrong providers and failures in words', async () => {
    const desk = world.launch().handlers;
    await desk['session:get'](null);
    const add = (payload: Record<string, unknown>) =>
      call(desk, 'providers:add', {
        provider: 'github',
        host: world.github.apiBaseUrl,
        token: GH_TOKEN,
        ...payload,
      });
    expect(await add({ host: 'http://ghe.example.com' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringContaining('Use https:// for GitHub') },
    });
    expect(await add({ host: 'https://user:pw@ghe.example.com' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringContaining('GitHub address') },
    });
    expect(await add({ token: 'ghp_not-a-known-token' })).toMatchObject({
      ok: false,
      error: {
        code: 'provider_bad_credential',
        message: expect.stringContaining('GitHub refused the access token'),
      },
    });
    expect(await add({ token: 'has space' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_payload' },
    });
    // bob's token works but bob cannot manage secrets in ada/app.
    expect(
      await add({ token: GH_READONLY, target: { kind: 'repository', owner: 'ada', repo: 'app' } }),
    ).toMatchObject({
      ok: false,
      error: { code: 'provider_not_found' },
    });
    expect(
      await add({
        token: GH_READONLY,
        target: { kind: 'organization', org: 'acme', visibility: 'all' },
      }),
    ).toMatchObject({
      ok: false,
      error: {
        code: 'provider_missing_permission',
        message: expect.stringContaining('organization_secrets: write'),
      },
    });
    expect(
      await add({ target: { kind: 'project', path: 'acme/app', environmentScope: '*' } }),
    ).toMatchObject({
      ok: false,
      error: { code: 'wrong_provider', message: expect.stringContaining('GitLab') },
    });
    expect(
      await call(desk, 'providers:add', {
        provider: 'gitlab',
        host: world.gitlab.url,
        token: GL_TOKEN,
        target: { kind: 'project', path: 'acme/docs', environmentScope: '*' },
      }),
    ).toMatchObject({
      ok: false,
      error: {
        code: 'provider_missing_permission',
        message: expect.stringContaining('api scope, and the Maintainer role'),
      },
    });

    // GitHub answering garbage, rate-limiting, and not answering at all.
    world.github.failNext('/user', { status: 200, body: { login: 42 } });
    expect(await add({})).toMatchObject({
      ok: false,
      error: { code: 'provider_invalid_response', message: expect.stringContaining('"login"') },
    });
    world.github.violations.length = 0;
    const reset = Math.floor(Date.now() / 1000) + 600;
    world.github.failNext('/user', {
      status: 403,
      body: {
        message: 'API rate limit exceeded',
        documentation_url: 'https://docs.github.com/rest',
      },
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
    });
    expect(await add({})).toMatchObject({
      ok: false,
      error: {
        code: 'provider_rate_limited',
        message: expect.stringContaining(
          `Try again after ${new Date(reset * 1000).toISOString().slice(11, 19)} UTC`,
        ),
      },
    });
    world.gitlab.failNext('/api/v4/user', {
      status: 429,
      body: { message: 'Retry later' },
      headers: { 'retry-after': '120' },
    });
    expect(
      await call(desk, 'providers:add', {
        provider: 'gitlab',
        host: world.gitlab.url,
        token: GL_TOKEN,
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'provider_rate_limited', message: expect.stringContaining('(in 2 min)') },
    });
    for (const provider of ['github', 'gitlab']) {
      expect(
        await call(desk, 'providers:add', {
          provider,
          host: 'http://127.0.0.1:9',
          token: GH_TOKEN,
        }),
      ).toMatchObject({
        ok: false,
        error: {
          code: 'provider_unreachable',
          message: expect.stringMatching(/could not reach Git(Hub|Lab)/),
        },
      });
    }
    // None of these added anything.
    expect(await call(desk, 'providers:list', null)).toMatchObject({
      ok: true,
      value: { accounts: [{ id: githubId }, { id: gitlabId }] },
    });
  });

  it('removes an account and its keychain entry', async () => {
    const desk = world.launch().handlers;
    await desk['session:get'](null);
    expect(await call(desk, 'providers:remove', { accountId: gitlabId })).toEqual({
      ok: true,
      value: null,
    });
    expect(await call(desk, 'providers:list', null)).toMatchObject({
      ok: true,
      value: { accounts: [{ id: githubId }] },
    });
    const entries = await world.keychain.getPassword(
      PROVIDER_KEYCHAIN_SERVICE,
      providerKeychainAccount({
        provider: 'gitlab',
        host: world.gitlab.url,
        login: 'ada',
        owner: { serviceUrl: world.service.baseUrl, email },
      }),
    );
    expect(entries).toBeNull();
    expect(
      await call(desk, 'providers:targets', { accountId: gitlabId, list: 'groups' }),
    ).toMatchObject({ ok: false, error: { code: 'provider_account_not_found' } });
    await call(desk, 'providers:remove', { accountId: githubId });
  });

  it('never puts a provider credential in settings, the service log or any result', () => {
    const everything = [
      world.settingsText(),
      JSON.stringify(results),
      world.service.logs.join('\n'),
    ];
    for (const text of everything) {
      for (const credential of [GH_TOKEN, GH_READONLY, GL_TOKEN])
        expect(text).not.toContain(credential);
      expect(text).not.toMatch(/ghp_|glpat-/);
    }
  });
});

describe('provider accounts without a keychain', () => {
  it('keeps the credential for this run only and says so; after a restart it asks for it again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'token-desk-nokeychain-'));
    const launch = () =>
      composeDesk({
        keychain: null,
        keychainProblem: 'no Secret Service',
        store: new Conf({ cwd: dir, configName: 'settings', projectName: 'token-desk' }),
        clipboard: new MemoryClipboard(),
        confirm: world.confirm,
      }).handlers;
    const desk = launch();
    const email = `nokeychain-${Date.now()}@example.test`;
    await signUp(desk, world, email);
    const added = await call(desk, 'providers:add', {
      provider: 'github',
      host: world.github.apiBaseUrl,
      token: GH_TOKEN,
    });
    expect(added.ok).toBe(true);
    const accountId = (added as { value: { id: string } }).value.id;
    expect(await call(desk, 'providers:list', null)).toMatchObject({
      ok: true,
      value: { remembered: false, accounts: [{ id: accountId }] },
    });
    expect((await call(desk, 'providers:targets', { accountId, list: 'organizations' })).ok).toBe(
      true,
    );

    // Restart: the session is gone too (memory only), so sign in again.
    const restarted = launch();
    await restarted['session:sign-in']({
      serviceUrl: world.service.baseUrl,
      email,
      password: 'ci desk password 1',
    });
    expect(
      await call(restarted, 'providers:targets', { accountId, list: 'organizations' }),
    ).toEqual({
      ok: false,
      error: {
        code: 'provider_credential_missing',
        message: `Token Desk no longer has the access token for ada on GitHub (${world.github.apiBaseUrl}): without a keychain it is kept for one run only. Add the account again in Settings.`,
      },
    });
    expect(JSON.stringify(results)).not.toContain(GH_TOKEN);
  });
});
