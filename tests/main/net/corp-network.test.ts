/**
 * Token Desk on a company network, against real parts on loopback: a real forward
 * proxy (proxy-chain, with and without Basic authentication), a CA and
 * certificates made for this run by openssl, the real token service and the
 * GitHub stand-in behind TLS at names only the proxy resolves. Main, composed as
 * the app composes it, signs in to https://tokens.corp.test, lists and creates
 * tokens, and sends one to GitHub Enterprise at https://ghe.corp.test; every way
 * this fails answers with its sentence, and no sentence carries a password or token.
 */
import Conf from 'conf';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server as HttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeDesk } from '../../../src/main/compose.js';
import { ConnectionVault } from '../../../src/main/connections/vault.js';
import { invokeChannel } from '../../../src/main/ipc/invoke-channel.js';
import { MemoryClipboard, RecordingConfirm } from '../../../src/harness/stand-ins.js';
import { realTimers } from '../../../src/main/ports.js';
import { startFakeGitHub, type FakeGitHub } from '../../support/ci-providers/github/fake-github.js';
import { startService, type RunningService } from '../../support/server/service-harness.js';
import { memoryKeychain, testKeychain } from '../../support/main/test-keychain.js';
import { connectionOf } from '../../support/main/fakes.js';
import { makeCorpPki, type CorpPki } from '../../support/net/corp-pki.js';
import { startCorpProxy, tlsFront, type CorpProxy } from '../../support/net/corp-network.js';

const TOKENS = 'https://tokens.corp.test';
const GHE = 'https://ghe.corp.test';
const PROXY_USER = 'ada.proxy';
const PROXY_PASSWORD = 'proxy-pass-7f3e1b9c2d';
const GITHUB_TOKEN = 'ghp_corpNetworkTestToken000000000000000000';
const PASSWORD = 'corp network password 1';
const silent = { error: () => {} };

type Result<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

let pki: CorpPki;
let service: RunningService;
let github: FakeGitHub;
let fronts: HttpsServer[];
let openProxy: CorpProxy;
let authProxy: CorpProxy;
let stamp = 0;

beforeAll(async () => {
  pki = makeCorpPki();
  // The service answers to its company name, as it would behind a company's reverse proxy.
  service = await startService({ allowedHosts: ['tokens.corp.test'] });
  github = await startFakeGitHub({ enterprise: true });
  github.addAccount(GITHUB_TOKEN, 'ada');
  github.addRepository('ada', 'app');
  const sites = new Map([
    ['tokens.corp.test', tlsFront(pki.site('tokens.corp.test'), service.baseUrl)],
    ['ghe.corp.test', tlsFront(pki.site('ghe.corp.test'), new URL(github.apiBaseUrl).origin)],
  ]);
  fronts = [...sites.values()];
  openProxy = await startCorpProxy({ sites });
  authProxy = await startCorpProxy({
    sites,
    auth: { username: PROXY_USER, password: PROXY_PASSWORD },
  });
});

afterAll(async () => {
  await Promise.all([openProxy?.close(), authProxy?.close(), service?.stop(), github?.close()]);
  for (const front of fronts ?? []) front.close();
  pki?.remove();
});

/** Main as the app composes it (no fetch given: the outbound layer), on fresh settings. */
function launch(options: {
  env: Record<string, string>;
  trustRoot?: boolean;
  keychain?: ReturnType<typeof memoryKeychain>;
}) {
  const store = new Conf({
    cwd: mkdtempSync(join(tmpdir(), 'token-desk-net-')),
    configName: 'settings',
    projectName: 'token-desk',
  });
  const desk = composeDesk({
    keychain: options.keychain ?? memoryKeychain(),
    store,
    clipboard: new MemoryClipboard(),
    timers: realTimers,
    confirm: new RecordingConfirm(),
    proxyEnvironment: options.env,
  });
  if (options.trustRoot !== false) desk.trustedAuthorities.add(pki.rootCa, { kind: 'all' });
  const call = async <T = any>(channel: string, payload: unknown) =>
    (await invokeChannel(desk.handlers, channel, payload, silent)) as Result<T>;
  const must = async <T = any>(channel: string, payload: unknown): Promise<T> => {
    const result = await call<T>(channel, payload);
    if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
    return result.value;
  };
  return { desk, call, must };
}

function newEmail(): string {
  return `corp-${Date.now()}-${++stamp}@example.test`;
}

/** A new account's sign-up at https://tokens.corp.test, through whatever `call` was launched with. */
function signUpAtTokens(call: ReturnType<typeof launch>['call']) {
  return call('session:sign-up', { serviceUrl: TOKENS, email: newEmail(), password: PASSWORD });
}

/** What must never be in a sentence the window shows. */
function expectNoSecrets(message: string): void {
  for (const secret of [PROXY_PASSWORD, GITHUB_TOKEN, PASSWORD, 'ses_', 'ca_']) {
    expect(message).not.toContain(secret);
  }
  expect(message).not.toMatch(/[a-z0-9.]+:[^@\s]+@127\.0\.0\.1/i);
}

describe('through the company proxy, with the company CA', () => {
  it('signs in to https://tokens.corp.test, lists, creates, and sends a token to GitHub Enterprise', async () => {
    const keychain = testKeychain();
    await new ConnectionVault(keychain).saveProxyCredential(authProxy.url, {
      username: PROXY_USER,
      password: PROXY_PASSWORD,
    });
    const tunnelsBefore = authProxy.tunnels.length;
    const { must, desk } = launch({ env: { HTTPS_PROXY: authProxy.url }, keychain });

    const email = newEmail();
    await must('session:sign-up', { serviceUrl: TOKENS, email, password: PASSWORD, name: 'Ada' });
    // Signed out (the session revoked on the service), then in again, through the proxy.
    await must('session:sign-out', null);
    await must('session:sign-in', { serviceUrl: TOKENS, email, password: PASSWORD });
    // The service's clock stands still in tests: the two sessions are told apart by state only.
    const sessions = await service.query<{ revoked: string | null }>(
      'SELECT s.revoked_at AS revoked FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = ?',
      [email],
    );
    expect(sessions.map((session) => session.revoked !== null).sort()).toEqual([false, true]);
    const connectionId = await connectionOf(desk.handlers);
    expect(await must('tokens:list', { connectionId })).toEqual([]);
    const created = await must<{ token: { id: string; name: string }; revealId: string }>(
      'tokens:create',
      { connectionId, name: 'ci-through-proxy', expiresAt: null },
    );
    const listed = await must<Array<{ id: string; name: string }>>('tokens:list', {
      connectionId,
    });
    expect(listed.map((token) => token.name)).toEqual(['ci-through-proxy']);
    // The service really holds it: read back over its own loopback port.
    const rows = await service.query<{ name: string }>('SELECT name FROM api_tokens');
    expect(rows.map((row) => row.name)).toContain('ci-through-proxy');

    await must('providers:add', { provider: 'github', host: GHE, token: GITHUB_TOKEN });
    const [account] = (await must<{ accounts: Array<{ id: string }> }>('providers:list', null))
      .accounts;
    await must('destinations:send', {
      revealId: created.revealId,
      accountId: account!.id,
      target: { kind: 'repository', owner: 'ada', repo: 'app' },
      name: 'CAPAWESOME_TOKEN',
      overwrite: true,
    });
    const secret = github.secret('ada/app', 'CAPAWESOME_TOKEN');
    expect(secret).toMatch(/^ca_/);
    await new ConnectionVault(keychain).removeProxyCredential(authProxy.url);

    // Every request went through the proxy, to the two company names only.
    const tunnels = authProxy.tunnels.slice(tunnelsBefore);
    expect(new Set(tunnels)).toEqual(new Set(['tokens.corp.test:443', 'ghe.corp.test:443']));
    expect(desk.trustedAuthorities.list().map((authority) => authority.subject)).toEqual([
      'CN=Corp Test Root CA',
    ]);
  });

  it('the same through a proxy that needs no sign-in, named in lower case', async () => {
    const tunnelsBefore = openProxy.tunnels.length;
    const { must } = launch({ env: { https_proxy: openProxy.url } });
    await must('session:sign-up', {
      serviceUrl: TOKENS,
      email: newEmail(),
      password: PASSWORD,
      name: 'Bo',
    });
    expect(openProxy.tunnels.slice(tunnelsBefore)).toContain('tokens.corp.test:443');
  });
});

describe('each failure answers with its sentence', () => {
  it('without a proxy, tokens.corp.test does not resolve at all', async () => {
    const { call } = launch({ env: {} });
    const result = await signUpAtTokens(call);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expectNoSecrets(result.error.message);
    expect(result.error.code).toBe('unreachable');
    expect(result.error.message).toBe(
      "The name tokens.corp.test does not resolve on this computer, so Token Desk could not reach it. Check the address; if tokens.corp.test is only reachable through your company's proxy, set HTTPS_PROXY before starting Token Desk.",
    );
  });

  it('NO_PROXY naming the host sends it direct, where it does not resolve', async () => {
    const tunnelsBefore = openProxy.tunnels.length;
    const { call } = launch({ env: { HTTPS_PROXY: openProxy.url, NO_PROXY: '.corp.test' } });
    const result = await signUpAtTokens(call);
    expect(result).toMatchObject({ ok: false, error: { code: 'unreachable' } });
    if (!result.ok) expectNoSecrets(result.error.message);
    expect(openProxy.tunnels.length).toBe(tunnelsBefore);
  });

  it('a proxy that is down is named, with the variable it came from', async () => {
    const down = await startCorpProxy({ sites: new Map() });
    const url = down.url;
    await down.close();
    const { call } = launch({
      env: { HTTPS_PROXY: url.replace('http://', `http://${PROXY_USER}:${PROXY_PASSWORD}@`) },
    });
    const result = await signUpAtTokens(call);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toEqual({
      code: 'unreachable',
      message: `Can't reach the proxy ${url} (from HTTPS_PROXY) (it refused the connection), so tokens.corp.test was not reached. Check that the proxy is running and that HTTPS_PROXY is right.`,
    });
    expectNoSecrets(result.error.message);
  });

  it('a proxy that accepts and hangs up without a word: one connection, and a sentence naming it', async () => {
    let connections = 0;
    const mute = createNetServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(mute.address() as AddressInfo).port}`;
    try {
      const { call } = launch({ env: { HTTPS_PROXY: url } });
      const result = await signUpAtTokens(call);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.code).toBe('proxy_refused');
      expect(result.error.message).toBe(
        `The proxy ${url} (from HTTPS_PROXY) closed the connection without answering the request to reach tokens.corp.test:443, so it was not reached. Check that ${url} is an HTTP proxy and that it is running.`,
      );
      // undici alone connects again at once, thousands of times, until the timeout.
      expect(connections).toBe(1);
    } finally {
      await new Promise((resolve) => mute.close(resolve));
    }
  });

  it('a proxy that wants a password, with none saved', async () => {
    const { call } = launch({ env: { HTTPS_PROXY: authProxy.url } });
    const result = await signUpAtTokens(call);
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'proxy_auth_failed',
        message: `The proxy ${authProxy.url} (from HTTPS_PROXY) asks for a user name and password, and none is saved for it, so tokens.corp.test was not reached. Sign in to the proxy first.`,
      },
    });
    if (!result.ok) expectNoSecrets(result.error.message);
  });

  it('a wrong proxy password, saved in the keychain', async () => {
    const keychain = memoryKeychain();
    await new ConnectionVault(keychain).saveProxyCredential(authProxy.url, {
      username: PROXY_USER,
      password: `${PROXY_PASSWORD}-old`,
    });
    const refusedBefore = authProxy.refusedForAuth;
    const { call } = launch({ env: { HTTPS_PROXY: authProxy.url }, keychain });
    const result = await signUpAtTokens(call);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toEqual({
      code: 'proxy_auth_failed',
      message: `The proxy ${authProxy.url} (from HTTPS_PROXY) refused the user name and password Token Desk sent for it, so tokens.corp.test was not reached. Sign in to the proxy again with your current password.`,
    });
    expect(authProxy.refusedForAuth).toBeGreaterThan(refusedBefore);
    expectNoSecrets(result.error.message);
  });

  it('the company CA not trusted: unknown authority, and nothing sent', async () => {
    const { call } = launch({ env: { HTTPS_PROXY: openProxy.url }, trustRoot: false });
    const usersBefore = await service.query('SELECT id FROM users');
    const result = await signUpAtTokens(call);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expectNoSecrets(result.error.message);
    expect(result.error.code).toBe('certificate_untrusted');
    expect(result.error.message).toBe(
      `The certificate of tokens.corp.test is signed by an authority this computer does not trust (unknown authority), so Token Desk did not send anything through the proxy ${openProxy.url} (from HTTPS_PROXY). If it is your company's server, add your company's certificate authority (a PEM file from your IT department) to Token Desk's trusted authorities. Token Desk does not skip this check.`,
    );
    expect(await service.query('SELECT id FROM users')).toHaveLength(usersBefore.length);
  });

  it('GitHub Enterprise through a proxy that refuses the password: the provider says so', async () => {
    const keychain = memoryKeychain();
    await new ConnectionVault(keychain).saveProxyCredential(authProxy.url, {
      username: PROXY_USER,
      password: 'not-the-proxy-password',
    });
    const { call, must } = launch({ env: { HTTPS_PROXY: authProxy.url }, keychain });
    // The service on this computer (127.0.0.1) is never proxied: signing in works.
    const tunnelsBefore = authProxy.tunnels.length;
    await must('session:sign-up', {
      serviceUrl: service.baseUrl,
      email: newEmail(),
      password: PASSWORD,
    });
    const result = await call('providers:add', {
      provider: 'github',
      host: GHE,
      token: GITHUB_TOKEN,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('provider_unreachable');
    expect(result.error.message).toBe(
      `The proxy ${authProxy.url} (from HTTPS_PROXY) refused the user name and password Token Desk sent for it, so ghe.corp.test was not reached. Sign in to the proxy again with your current password. (Token Desk was trying to read your GitHub account on GitHub.)`,
    );
    expectNoSecrets(result.error.message);
    expect(authProxy.tunnels.length).toBe(tunnelsBefore);
  });
});
