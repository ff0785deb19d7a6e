/**
 * The Company network channels against a hostile page: malformed and oversize
 * payloads, a path or a PEM sent by the page (main opens the file dialog itself),
 * credentials planted for a proxy Token Desk does not use, files that must not be
 * trusted (a private key, a leaf, an expired CA, not PEM, over 1 MB, a folder),
 * and addresses the connection check must refuse before anything is sent. Real
 * keychain (in `npm test`), real settings file, a listening socket that counts
 * every connection made to it.
 */
import { X509Certificate } from 'node:crypto';
import Conf from 'conf';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { composeDesk } from '../../../src/main/compose.js';
import { ConnectionVault } from '../../../src/main/connections/vault.js';
import { invokeChannel } from '../../../src/main/ipc/invoke-channel.js';
import {
  MemoryClipboard,
  RecordingConfirm,
  RecordingOpenDialog,
} from '../../../src/harness/stand-ins.js';
import { realTimers } from '../../../src/main/ports.js';
import { testKeychain } from '../../support/main/test-keychain.js';
import { makeCorpPki, type CorpPki } from '../../support/net/corp-pki.js';

const silent = { error: () => {} };
type Result<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

let pki: CorpPki;
let dir: string;
/**
 * Stands where the proxy would be: counts every connection and answers each with 502,
 * as a proxy that will not open the tunnel does (one that only closed the socket would
 * see undici reconnect until the timeout).
 */
let trap: Server;
let trapUrl: string;
let connections = 0;
const keychain = testKeychain();

beforeAll(async () => {
  pki = makeCorpPki();
  dir = mkdtempSync(join(tmpdir(), 'token-desk-net-hostile-'));
  trap = createServer((socket) => {
    connections++;
    socket.once('data', () => socket.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n'));
    socket.on('error', () => {});
  });
  await new Promise<void>((ready) => trap.listen(0, '127.0.0.1', ready));
  trapUrl = `http://127.0.0.1:${(trap.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new ConnectionVault(keychain).removeProxyCredential(trapUrl);
  await new Promise((closed) => trap.close(closed));
  rmSync(dir, { recursive: true, force: true });
  pki?.remove();
});

let desk: ReturnType<typeof composeDesk>;
let openDialog: RecordingOpenDialog;
/** The person's answer to main's native question; yes unless a test queues a no. */
const confirm = new RecordingConfirm(true);
let store: Conf;

beforeEach(() => {
  store = new Conf({
    cwd: mkdtempSync(join(dir, 'settings-')),
    configName: 'settings',
    projectName: 'token-desk',
  });
  openDialog = new RecordingOpenDialog();
  desk = composeDesk({
    keychain,
    store,
    clipboard: new MemoryClipboard(),
    timers: realTimers,
    openDialog,
    confirm,
    proxyEnvironment: { HTTPS_PROXY: trapUrl, HTTP_PROXY: trapUrl },
  });
  desk.settings.update({ serviceUrl: 'https://tokens.corp.test' });
});

const call = async <T = any>(channel: string, payload: unknown) =>
  (await invokeChannel(desk.handlers, channel, payload, silent)) as Result<T>;

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** Nothing of a refused file reached the settings file. */
function expectNothingTrusted(): void {
  expect(desk.trustedAuthorities.list()).toEqual([]);
  const saved = readFileSync(store.path, 'utf8');
  expect(saved).not.toContain('BEGIN');
  expect(saved).not.toContain('PRIVATE');
}

describe('malformed payloads are refused before a handler runs', () => {
  const cases: Array<[string, unknown]> = [
    ['network:status', { anything: 1 }],
    ['network:add-authority', null],
    ['network:add-authority', {}],
    ['network:add-authority', { scope: { kind: 'everything' } }],
    ['network:add-authority', { scope: { kind: 'host' } }],
    ['network:add-authority', { scope: { kind: 'host', host: 'a'.repeat(254) } }],
    ['network:add-authority', { scope: { kind: 'all', host: 'x.test' } }],
    ['network:remove-authority', { fingerprint256: 'AB:CD', scope: { kind: 'all' } }],
    [
      'network:remove-authority',
      { fingerprint256: 'ab:'.repeat(31) + 'ab', scope: { kind: 'all' } },
    ],
    ['network:proxy-sign-in', { proxyOrigin: trapUrl, username: 'ada' }],
    ['network:proxy-sign-in', { proxyOrigin: trapUrl, username: '', password: 'x' }],
    ['network:proxy-sign-in', { proxyOrigin: trapUrl, username: 'a'.repeat(257), password: 'x' }],
    [
      'network:proxy-sign-in',
      { proxyOrigin: trapUrl, username: 'ada', password: 'p'.repeat(1025) },
    ],
    ['network:proxy-sign-in', { proxyOrigin: 'h'.repeat(2049), username: 'ada', password: 'x' }],
    ['network:proxy-sign-in', { proxyOrigin: trapUrl, username: 'ada', password: 'x', host: 'y' }],
    ['network:proxy-sign-out', { proxyOrigin: 42 }],
    ['network:check', { url: `https://x.test/${'a'.repeat(2040)}` }],
    ['network:check', { url: ['https://x.test'] }],
    ['network:check', { url: 'https://x.test', headers: { cookie: 'a=b' } }],
  ];
  it.each(cases)('%s %j', async (channel, payload) => {
    const result = await call(channel, payload);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(openDialog.requests).toEqual([]);
  });
});

describe('adding an authority: main opens the dialog and reads the file itself', () => {
  it('refuses a path or a PEM sent by the page, and never opens the dialog for one', async () => {
    const pem = file('root.pem', pki.rootCa);
    for (const payload of [
      { scope: { kind: 'all' }, path: pem },
      { scope: { kind: 'all' }, pem: pki.rootCa },
      { scope: { kind: 'all' }, file: { path: pem } },
    ]) {
      expect(await call('network:add-authority', payload)).toMatchObject({
        ok: false,
        error: { code: 'invalid_payload' },
      });
    }
    expect(openDialog.requests).toEqual([]);
    expectNothingTrusted();
  });

  it('adds what the person picked, for every host or one host', async () => {
    openDialog.answer = file('root.pem', pki.rootCa);
    const added = await call<{ added: Array<{ subject: string; scope: unknown }> }>(
      'network:add-authority',
      { scope: { kind: 'host', host: 'GHE.corp.test' } },
    );
    expect(added).toMatchObject({
      ok: true,
      value: {
        added: [
          { subject: 'CN=Corp Test Root CA', scope: { kind: 'host', host: 'ghe.corp.test' } },
        ],
      },
    });
    expect(openDialog.requests).toHaveLength(1);
    expect(desk.trustedAuthorities.addedFor('ghe.corp.test')).toHaveLength(1);
    expect(desk.trustedAuthorities.addedFor('tokens.corp.test')).toHaveLength(0);
  });

  it('Cancel adds nothing', async () => {
    openDialog.answer = null;
    expect(await call('network:add-authority', { scope: { kind: 'all' } })).toEqual({
      ok: true,
      value: { cancelled: true },
    });
    expectNothingTrusted();
  });

  it('main asks in a native question, naming the authority, its fingerprint and the scope the page sent; No adds nothing', async () => {
    openDialog.answer = file('root.pem', pki.rootCa);
    confirm.answers.push(false);
    const asked = confirm.asked.length;
    expect(await call('network:add-authority', { scope: { kind: 'all' } })).toEqual({
      ok: true,
      value: { cancelled: true },
    });
    const question = confirm.asked[asked]!;
    expect(question.message).toBe('Trust “CN=Corp Test Root CA” for every host?');
    expect(question.detail).toContain(new X509Certificate(pki.rootCa).fingerprint256);
    expect(question.confirmLabel).toBe('Trust');
    expectNothingTrusted();
  });

  it('a bad host name is refused before the dialog opens', async () => {
    openDialog.answer = file('root.pem', pki.rootCa);
    const result = await call('network:add-authority', {
      scope: { kind: 'host', host: 'evil.test/../x' },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(openDialog.requests).toEqual([]);
    expectNothingTrusted();
  });

  it('a private key is refused loudly and nothing of it is kept', async () => {
    openDialog.answer = file('key.pem', pki.privateKey);
    const result = await call('network:add-authority', { scope: { kind: 'all' } });
    expect(result).toMatchObject({ ok: false, error: { code: 'ca_file_private_key' } });
    if (!result.ok) {
      expect(result.error.message).toContain('PRIVATE KEY');
      expect(result.error.message).not.toContain(pki.privateKey.split('\n')[1]!);
    }
    // A certificate and a key in one file: the whole file is refused.
    openDialog.answer = file('both.pem', `${pki.rootCa}\n${pki.privateKey}`);
    expect(await call('network:add-authority', { scope: { kind: 'all' } })).toMatchObject({
      ok: false,
      error: { code: 'ca_file_private_key' },
    });
    expectNothingTrusted();
  });

  it.each([
    [
      'a server’s own certificate',
      () => pki.site('tokens.corp.test').cert,
      /not a certificate authority's/,
    ],
    ['an expired CA', () => pki.expiredCa, /expired on/],
    ['not PEM', () => 'hello, this is not a certificate', /not a PEM certificate file/],
    [
      'DER bytes',
      () => Buffer.from(pki.rootCa.split('\n').slice(1, -2).join(''), 'base64'),
      /not a PEM/,
    ],
  ])('refuses %s in words', async (_name, content, sentence) => {
    openDialog.answer = file('picked.pem', content());
    const result = await call('network:add-authority', { scope: { kind: 'all' } });
    expect(result).toMatchObject({ ok: false, error: { code: 'ca_file_refused' } });
    if (!result.ok) expect(result.error.message).toMatch(sentence);
    expectNothingTrusted();
  });

  it('refuses a file over 1 MB, a folder and a missing file', async () => {
    openDialog.answer = file('huge.pem', `${pki.rootCa}\n${' '.repeat(1024 * 1024)}`);
    const huge = await call('network:add-authority', { scope: { kind: 'all' } });
    expect(huge).toMatchObject({ ok: false, error: { code: 'ca_file_refused' } });
    if (!huge.ok) expect(huge.error.message).toMatch(/larger than 1 MB/);
    openDialog.answer = dir;
    expect(await call('network:add-authority', { scope: { kind: 'all' } })).toMatchObject({
      ok: false,
      error: { code: 'ca_file_refused', message: 'That is not a file. Choose a PEM file.' },
    });
    openDialog.answer = join(dir, 'gone.pem');
    expect(await call('network:add-authority', { scope: { kind: 'all' } })).toMatchObject({
      ok: false,
      error: { code: 'ca_file_refused' },
    });
    expectNothingTrusted();
  });

  it('removing one that is not there says so', async () => {
    const result = await call('network:remove-authority', {
      fingerprint256: Array.from({ length: 32 }, () => 'AB').join(':'),
      scope: { kind: 'all' },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});

describe('proxy sign-in: only for the proxy in use', () => {
  const vault = () => new ConnectionVault(keychain);

  it.each(['http://proxy.evil.test:3128', 'https://127.0.0.1:1', 'not a url'])(
    'refuses %s and plants nothing',
    async (proxyOrigin) => {
      const result = await call('network:proxy-sign-in', {
        proxyOrigin,
        username: 'ada',
        password: 'planted-password',
      });
      expect(result).toMatchObject({ ok: false, error: { code: 'proxy_not_in_use' } });
      if (!result.ok) expect(result.error.message).toContain(trapUrl);
      if (proxyOrigin.startsWith('http'))
        expect(await vault().proxyCredential(proxyOrigin)).toBeNull();
    },
  );

  it('refuses the proxy in use named with credentials, a path or a query', async () => {
    const { port } = new URL(trapUrl);
    for (const proxyOrigin of [
      `http://eve:pw@127.0.0.1:${port}`,
      `${trapUrl}/path`,
      `${trapUrl}/?x=1`,
      `${trapUrl}#frag`,
    ]) {
      const result = await call('network:proxy-sign-in', {
        proxyOrigin,
        username: 'ada',
        password: 'planted-password',
      });
      expect(result, proxyOrigin).toMatchObject({ ok: false, error: { code: 'proxy_not_in_use' } });
    }
    expect(await vault().proxyCredential(trapUrl)).toBeNull();
  });

  it('refuses a user name Basic authentication would split', async () => {
    const result = await call('network:proxy-sign-in', {
      proxyOrigin: trapUrl,
      username: 'ada:admin',
      password: 'x',
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await vault().proxyCredential(trapUrl)).toBeNull();
  });

  it('saves for the proxy in use, says so without the password, and forgets it', async () => {
    const signedIn = await call<any>('network:proxy-sign-in', {
      proxyOrigin: `${trapUrl}/`,
      username: 'ada.proxy',
      password: 'hostile-test-password-1',
    });
    expect(signedIn.ok).toBe(true);
    expect(JSON.stringify(signedIn)).not.toContain('hostile-test-password-1');
    expect(signedIn.ok && signedIn.value.routes[0].proxy).toEqual({
      origin: trapUrl,
      source: 'HTTPS_PROXY',
      signIn: 'saved',
    });
    expect(await vault().proxyCredential(trapUrl)).toEqual({
      username: 'ada.proxy',
      password: 'hostile-test-password-1',
    });
    const out = await call<any>('network:proxy-sign-out', { proxyOrigin: trapUrl });
    expect(out.ok && out.value.routes[0].proxy.signIn).toBe('none');
    expect(await vault().proxyCredential(trapUrl)).toBeNull();
    expect(
      await call('network:proxy-sign-out', { proxyOrigin: 'http://other.test:1' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'proxy_not_in_use' },
    });
  });
});

describe('the connection check refuses a hostile address before anything is sent', () => {
  it.each([
    'http://example.com/',
    'http://10.0.0.1/',
    'https://user:pass@tokens.corp.test/',
    'https://user@tokens.corp.test/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'ftp://tokens.corp.test/',
    'data:text/plain,hi',
    'tokens.corp.test',
    '',
  ])('%s', async (url) => {
    const before = connections;
    const result = await call('network:check', { url });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(['invalid_input', 'invalid_payload']).toContain(result.error.code);
    expect(connections).toBe(before);
  });

  it('http:// to this computer, at any address but the token service’s, is refused', async () => {
    const before = connections;
    const { port } = new URL(trapUrl);
    for (const url of [
      `http://127.0.0.1:${port}/`,
      `http://localhost:${port}/`,
      'http://[::1]:9200/',
    ]) {
      const result = await call('network:check', { url });
      expect(result, url).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    }
    expect(connections).toBe(before);
  });

  it('Settings’ service URL, which the page can set, does not open this computer to the check', async () => {
    const before = connections;
    const { port } = new URL(trapUrl);
    desk.settings.update({ serviceUrl: `http://127.0.0.1:${port}` });
    try {
      const result = await call('network:check', { url: `http://127.0.0.1:${port}/v1/health` });
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      expect(connections).toBe(before);
    } finally {
      desk.settings.update({ serviceUrl: 'https://tokens.corp.test' });
    }
  });

  it('https:// to this computer or a private network is refused too: no port map by the answers', async () => {
    const before = connections;
    const { port } = new URL(trapUrl);
    for (const url of [
      `https://127.0.0.1:${port}/`,
      `https://localhost:${port}/`,
      'https://app.localhost/',
      'https://[::1]:443/',
      'https://[::ffff:127.0.0.1]/',
      'https://0.0.0.0/',
      'https://10.0.0.5/',
      'https://172.20.1.1/',
      'https://192.168.1.1/',
      'https://169.254.169.254/latest/meta-data/',
      'https://[fd00::1]/',
      'https://[fe80::1]/',
    ]) {
      const result = await call('network:check', { url });
      expect(result, url).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    }
    expect(connections).toBe(before);
  });

  it('one check at a time: a second one while the first runs is refused', async () => {
    const first = call<any>('network:check', { url: 'https://tokens.corp.test/' });
    const second = await call('network:check', { url: 'https://ghe.corp.test/' });
    expect(second).toMatchObject({ ok: false, error: { code: 'busy' } });
    expect((await first).ok).toBe(true);
  });

  it('http:// with credentials to this computer is refused too', async () => {
    const before = connections;
    const { port } = new URL(trapUrl);
    const result = await call('network:check', { url: `http://a:b@127.0.0.1:${port}/` });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(connections).toBe(before);
  });

  it('an allowed address is sent, once, through the proxy in use', async () => {
    const before = connections;
    const result = await call<any>('network:check', { url: 'https://tokens.corp.test/' });
    expect(result.ok).toBe(true);
    expect(connections).toBe(before + 1);
    expect(result.ok && result.value.outcome).toMatchObject({ ok: false, code: 'proxy_refused' });
    expect(result.ok && result.value.proxy).toEqual({ origin: trapUrl, source: 'HTTPS_PROXY' });
  });
});

describe('the status never carries a proxy password', () => {
  it('a sign-in in HTTPS_PROXY itself is named as such, without the password', async () => {
    const { port } = new URL(trapUrl);
    const withCredentials = composeDesk({
      keychain,
      store: new Conf({
        cwd: mkdtempSync(join(dir, 'settings-')),
        configName: 'settings',
        projectName: 'token-desk',
      }),
      clipboard: new MemoryClipboard(),
      timers: realTimers,
      proxyEnvironment: { HTTPS_PROXY: `http://ada:in-url-secret-77@127.0.0.1:${port}` },
    });
    withCredentials.settings.update({ serviceUrl: 'https://tokens.corp.test' });
    const result = await invokeChannel(withCredentials.handlers, 'network:status', null, silent);
    expect(JSON.stringify(result)).not.toContain('in-url-secret-77');
    expect(result).toMatchObject({
      ok: true,
      value: {
        routes: [{ proxy: { origin: trapUrl, source: 'HTTPS_PROXY', signIn: 'in-address' } }, {}],
      },
    });
  });
});
