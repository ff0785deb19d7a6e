/**
 * Settings' Company network against a real company network on loopback: a real
 * proxy (proxy-chain) that wants a sign-in, the company's CA and sites made by
 * openssl for this run, the real token service behind TLS at tokens.corp.test.
 * A person who cannot sign in to Token Desk reads why, signs in to the proxy and
 * adds the CA through the channels the Settings card uses, and then can; the
 * connection check names the route and the certificate, and each failure its
 * sentence.
 */
import Conf from 'conf';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeDesk } from '../../src/main/compose.js';
import { ConnectionVault } from '../../src/main/connections/vault.js';
import { invokeChannel } from '../../src/main/ipc/invoke-channel.js';
import {
  MemoryClipboard,
  RecordingConfirm,
  RecordingOpenDialog,
} from '../../src/harness/stand-ins.js';
import { realTimers } from '../../src/main/ports.js';
import type { NetworkCheckResult, NetworkStatus } from '../../src/shared/ipc-contract.js';
import { startService, type RunningService } from '../support/server/service-harness.js';
import { testKeychain } from '../support/main/test-keychain.js';
import { makeCorpPki, type CorpPki } from '../support/net/corp-pki.js';
import { startCorpProxy, tlsFront, tlsSite, type CorpProxy } from '../support/net/corp-network.js';

const TOKENS = 'https://tokens.corp.test';
const PROXY_USER = 'ada.proxy';
const PROXY_PASSWORD = 'settings-proxy-pass-41c9';
const PASSWORD = 'company network settings 1';
const silent = { error: () => {} };
type Result<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

let pki: CorpPki;
let dir: string;
let service: RunningService;
let sites: Map<string, HttpsServer>;
let proxy: CorpProxy;
const keychain = testKeychain();

beforeAll(async () => {
  pki = makeCorpPki();
  dir = mkdtempSync(join(tmpdir(), 'token-desk-net-settings-'));
  service = await startService({ allowedHosts: ['tokens.corp.test'] });
  sites = new Map([
    ['tokens.corp.test', tlsFront(pki.site('tokens.corp.test'), service.baseUrl)],
    ['old.corp.test', tlsSite(pki.expiredSite('old.corp.test'))],
    ['wrong.corp.test', tlsSite(pki.site('other.corp.test'))],
    [
      'moved.corp.test',
      createHttpsServer(pki.site('moved.corp.test'), (_request, response) =>
        response.writeHead(302, { location: `${TOKENS}/v1/health` }).end(),
      ),
    ],
  ]);
  proxy = await startCorpProxy({
    sites,
    auth: { username: PROXY_USER, password: PROXY_PASSWORD },
  });
});

afterAll(async () => {
  await new ConnectionVault(keychain).removeProxyCredential(proxy.url);
  await Promise.all([proxy?.close(), service?.stop()]);
  for (const site of sites?.values() ?? []) site.close();
  rmSync(dir, { recursive: true, force: true });
  pki?.remove();
});

function launch() {
  const openDialog = new RecordingOpenDialog();
  const confirm = new RecordingConfirm(true);
  const desk = composeDesk({
    keychain,
    store: new Conf({
      cwd: mkdtempSync(join(dir, 'settings-')),
      configName: 'settings',
      projectName: 'token-desk',
    }),
    clipboard: new MemoryClipboard(),
    timers: realTimers,
    openDialog,
    confirm,
    proxyEnvironment: { HTTPS_PROXY: proxy.url, NO_PROXY: 'localhost,.internal.test' },
  });
  desk.settings.update({ serviceUrl: TOKENS });
  const call = async <T = any>(channel: string, payload: unknown) =>
    (await invokeChannel(desk.handlers, channel, payload, silent)) as Result<T>;
  const must = async <T = any>(channel: string, payload: unknown): Promise<T> => {
    const result = await call<T>(channel, payload);
    if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
    return result.value;
  };
  return { desk, openDialog, call, must };
}

const newEmail = () => `netset-${Date.now()}-${Math.random().toString(16).slice(2)}@example.test`;

describe('a person on a company network sets Token Desk up in Settings', () => {
  it('reads why sign-in fails, signs in to the proxy, adds the CA, then signs in', async () => {
    const { call, must, openDialog } = launch();
    const email = newEmail();
    const signUp = () => call('session:sign-up', { serviceUrl: TOKENS, email, password: PASSWORD });

    // How requests leave: the proxy from HTTPS_PROXY, no sign-in saved, NO_PROXY as set.
    const before = await must<NetworkStatus>('network:status', null);
    expect(before).toEqual({
      routes: [
        {
          label: `The token service (${TOKENS})`,
          url: TOKENS,
          proxy: { origin: proxy.url, source: 'HTTPS_PROXY', signIn: 'none' },
          problem: null,
        },
        {
          label: 'Other https sites (GitHub, GitLab, …)',
          url: 'https://github.com/',
          proxy: { origin: proxy.url, source: 'HTTPS_PROXY', signIn: 'none' },
          problem: null,
        },
      ],
      proxySource: 'environment',
      noProxy: 'localhost,.internal.test',
      authorities: [],
      signInRemembered: true,
    });

    expect(await signUp()).toMatchObject({ ok: false, error: { code: 'proxy_auth_failed' } });

    // A wrong password is saved, and the proxy says so.
    await must('network:proxy-sign-in', {
      proxyOrigin: proxy.url,
      username: PROXY_USER,
      password: 'not-it',
    });
    const wrong = await signUp();
    expect(wrong).toMatchObject({ ok: false, error: { code: 'proxy_auth_failed' } });
    if (!wrong.ok) expect(wrong.error.message).toContain('refused the user name and password');

    const signedIn = await must<NetworkStatus>('network:proxy-sign-in', {
      proxyOrigin: proxy.url,
      username: PROXY_USER,
      password: PROXY_PASSWORD,
    });
    expect(signedIn.routes[0]!.proxy!.signIn).toBe('saved');
    expect(JSON.stringify(signedIn)).not.toContain(PROXY_PASSWORD);

    // Through the proxy now, but the company's CA is not trusted yet.
    const untrusted = await signUp();
    expect(untrusted).toMatchObject({ ok: false, error: { code: 'certificate_untrusted' } });
    if (!untrusted.ok)
      expect(untrusted.error.message).toContain("Token Desk's trusted authorities");

    openDialog.answer = join(dir, 'corp-root.pem');
    writeFileSync(openDialog.answer, pki.rootCa);
    const added = await must<{ added: Array<{ subject: string; fingerprint256: string }> }>(
      'network:add-authority',
      { scope: { kind: 'host', host: 'tokens.corp.test' } },
    );
    expect(added.added.map((authority) => authority.subject)).toEqual(['CN=Corp Test Root CA']);

    expect(await signUp()).toMatchObject({ ok: true });
    const tunnels = proxy.tunnels.filter((tunnel) => tunnel === 'tokens.corp.test:443');
    expect(tunnels.length).toBeGreaterThan(0);

    const after = await must<NetworkStatus>('network:status', null);
    expect(after.authorities).toEqual([
      expect.objectContaining({
        subject: 'CN=Corp Test Root CA',
        issuer: 'CN=Corp Test Root CA',
        fingerprint256: added.added[0]!.fingerprint256,
        scope: { kind: 'host', host: 'tokens.corp.test' },
      }),
    ]);
  });
});

describe('Check a connection', () => {
  async function ready() {
    const world = launch();
    await world.must('network:proxy-sign-in', {
      proxyOrigin: proxy.url,
      username: PROXY_USER,
      password: PROXY_PASSWORD,
    });
    world.desk.trustedAuthorities.add(pki.rootCa, { kind: 'all' });
    return world;
  }

  it('names the status, the proxy and the certificate, and returns no body', async () => {
    const { must } = await ready();
    const tunnelsBefore = proxy.tunnels.length;
    const result = await must<NetworkCheckResult>('network:check', {
      url: `${TOKENS}/v1/health`,
    });
    expect(result).toEqual({
      url: `${TOKENS}/v1/health`,
      outcome: { ok: true, status: 200 },
      proxy: { origin: proxy.url, source: 'HTTPS_PROXY' },
      certificate: {
        subject: 'CN=tokens.corp.test',
        issuer: 'CN=Corp Test Root CA',
        notAfter: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    });
    expect(proxy.tunnels.slice(tunnelsBefore)).toEqual(['tokens.corp.test:443']);
  });

  it('a redirect is reported, not followed', async () => {
    const { must } = await ready();
    const tunnelsBefore = proxy.tunnels.length;
    const result = await must<NetworkCheckResult>('network:check', {
      url: 'https://moved.corp.test/',
    });
    expect(result.outcome).toEqual({ ok: true, status: 302 });
    expect(proxy.tunnels.slice(tunnelsBefore)).toEqual(['moved.corp.test:443']);
  });

  it.each([
    ['https://old.corp.test/', 'certificate_expired'],
    ['https://wrong.corp.test/', 'certificate_wrong_name'],
    ['https://elsewhere.example/', 'proxy_refused'],
  ])('%s fails with %s, in words', async (url, code) => {
    const { must } = await ready();
    const result = await must<NetworkCheckResult>('network:check', { url });
    expect(result.outcome).toMatchObject({ ok: false, code });
    expect(result.proxy).toEqual({ origin: proxy.url, source: 'HTTPS_PROXY' });
    expect(result.certificate).toBeNull();
    if (!result.outcome.ok) expect(result.outcome.message).not.toContain(PROXY_PASSWORD);
  });

  it('an authority removed in Settings is no longer trusted', async () => {
    const { must, desk } = await ready();
    const [authority] = desk.trustedAuthorities.list();
    const status = await must<NetworkStatus>('network:remove-authority', {
      fingerprint256: authority!.fingerprint256,
      scope: { kind: 'all' },
    });
    expect(status.authorities).toEqual([]);
    const result = await must<NetworkCheckResult>('network:check', { url: `${TOKENS}/v1/health` });
    expect(result.outcome).toMatchObject({ ok: false, code: 'certificate_untrusted' });
  });

  it('signed out of the proxy, the check says the proxy wants a sign-in', async () => {
    const { must } = await ready();
    await must('network:proxy-sign-out', { proxyOrigin: proxy.url });
    const result = await must<NetworkCheckResult>('network:check', { url: `${TOKENS}/v1/health` });
    expect(result.outcome).toMatchObject({ ok: false, code: 'proxy_auth_failed' });
  });
});
