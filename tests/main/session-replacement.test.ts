/**
 * Credentials never travel in clear text to another computer,
 * and a new sign-in never leaves the previous session live and forgotten: it
 * stays a known account (signed in, in the keychain, in the menu). Against
 * two real token services over HTTP, the real keychain (inside `npm test`'s private
 * keyring) and settings on `conf`.
 */
import Conf from 'conf';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeDesk } from '../../src/main/compose.js';
import {
  KEYCHAIN_SERVICE,
  keychainAccount,
  tokenDeskConnectionId,
  type StoredSession,
} from '../../src/main/connections/vault.js';
import { SERVICE_URL_MESSAGES } from '../../src/shared/service-url.js';
import { removeDir, startService, type RunningService } from '../support/server/service-harness.js';
import { MemoryClipboard } from '../../src/harness/stand-ins.js';
import { connectionOf } from '../support/main/fakes.js';
import { testKeychain } from '../support/main/test-keychain.js';
import { realTimers, type Keychain } from '../../src/main/ports.js';

const keychain: Keychain = testKeychain();
const PASSWORD = 'replacement password 1';

let serviceA: RunningService;
let serviceB: RunningService;
const dirs: string[] = [];

beforeAll(async () => {
  [serviceA, serviceB] = await Promise.all([startService(), startService()]);
});
afterAll(async () => {
  for (const service of [serviceA, serviceB]) {
    await service.stop();
    removeDir(service.dataDir);
  }
  for (const dir of dirs) removeDir(dir);
});

let counter = 0;
function uniqueEmail(label: string): string {
  counter += 1;
  return `${label}-${Date.now()}-${counter}@example.test`;
}

/** One app profile (settings directory); `launch` is one start of the app on it, with a fetch that records every URL it is asked for. */
function profile() {
  const dir = mkdtempSync(join(tmpdir(), 'token-desk-replace-'));
  dirs.push(dir);
  const requested: string[] = [];
  const launch = () => {
    const store = new Conf({ cwd: dir, configName: 'settings', projectName: 'token-desk' });
    const recordingFetch: typeof fetch = (input, init) => {
      requested.push(String(input));
      return fetch(input, init);
    };
    const composed = composeDesk({
      keychain,
      store,
      clipboard: new MemoryClipboard(),
      timers: realTimers,
      fetch: recordingFetch,
    });
    return { ...composed, store };
  };
  return { launch, requested };
}

async function storedSession(serviceUrl: string, email: string): Promise<StoredSession | null> {
  const raw = await keychain.getPassword(KEYCHAIN_SERVICE, keychainAccount(serviceUrl, email));
  return raw ? (JSON.parse(raw) as StoredSession) : null;
}

async function sessionAnswers(service: RunningService, token: string) {
  const response = await service.request('GET', '/v1/users/me', { token });
  return { status: response.status, code: (response.body as { code?: string }).code };
}

describe('a new sign-in keeps the previous session as a known account', () => {
  it('signing up on another service keeps the old session live, in the keychain and in the account list', async () => {
    const { launch } = profile();
    const desk = launch().handlers;
    const emailA = uniqueEmail('a');
    const emailB = uniqueEmail('b');
    await desk['session:sign-up']({
      serviceUrl: serviceA.baseUrl,
      email: emailA,
      password: PASSWORD,
    });
    const old = (await storedSession(serviceA.baseUrl, emailA))!;
    expect(await sessionAnswers(serviceA, old.token)).toEqual({ status: 200, code: undefined });

    const state = await desk['session:sign-up']({
      serviceUrl: serviceB.baseUrl,
      email: emailB,
      password: PASSWORD,
    });

    expect(state.account).toMatchObject({ serviceUrl: serviceB.baseUrl, email: emailB });
    expect(state.accounts).toEqual([
      {
        serviceUrl: serviceA.baseUrl,
        email: emailA,
        name: null,
        connectionId: tokenDeskConnectionId(serviceA.baseUrl, emailA),
        active: false,
        signedIn: true,
      },
      {
        serviceUrl: serviceB.baseUrl,
        email: emailB,
        name: null,
        connectionId: tokenDeskConnectionId(serviceB.baseUrl, emailB),
        active: true,
        signedIn: true,
      },
    ]);
    expect(await sessionAnswers(serviceA, old.token)).toEqual({ status: 200, code: undefined });
    expect((await storedSession(serviceA.baseUrl, emailA))?.token).toBe(old.token);
    const current = (await storedSession(serviceB.baseUrl, emailB))!;
    expect(await sessionAnswers(serviceB, current.token)).toMatchObject({ status: 200 });
    // The next launch comes back as B, with A still known and signed in.
    const next = await launch().handlers['session:get'](null);
    expect(next.account?.email).toBe(emailB);
    expect(next.accounts.map((a) => [a.email, a.active, a.signedIn])).toEqual([
      [emailA, false, true],
      [emailB, true, true],
    ]);
    await desk['accounts:sign-out']({ serviceUrl: serviceA.baseUrl, email: emailA });
    await desk['session:sign-out'](null);
  });

  it('signing in as another account on the same service keeps the first one', async () => {
    const { launch } = profile();
    const desk = launch().handlers;
    const first = uniqueEmail('first');
    const second = uniqueEmail('second');
    await desk['session:sign-up']({
      serviceUrl: serviceA.baseUrl,
      email: second,
      password: PASSWORD,
    });
    await desk['session:sign-out'](null);
    await desk['session:sign-up']({
      serviceUrl: serviceA.baseUrl,
      email: first,
      password: PASSWORD,
    });
    const old = (await storedSession(serviceA.baseUrl, first))!;

    const state = await desk['session:sign-in']({
      serviceUrl: serviceA.baseUrl,
      email: second,
      password: PASSWORD,
    });

    expect(state.account?.email).toBe(second);
    expect((await sessionAnswers(serviceA, old.token)).status).toBe(200);
    expect(await storedSession(serviceA.baseUrl, first)).not.toBeNull();
    expect(await storedSession(serviceA.baseUrl, second)).not.toBeNull();
    await desk['session:sign-out'](null);
    await desk['session:sign-out'](null);
    expect((await desk['session:get'](null)).accounts).toEqual([]);
  });

  it('signing in again as the same account replaces the session and keeps the new one', async () => {
    const { launch } = profile();
    const desk = launch().handlers;
    const email = uniqueEmail('same');
    await desk['session:sign-up']({ serviceUrl: serviceA.baseUrl, email, password: PASSWORD });
    const old = (await storedSession(serviceA.baseUrl, email))!;

    const state = await desk['session:sign-in']({
      serviceUrl: serviceA.baseUrl,
      email,
      password: PASSWORD,
    });

    const current = (await storedSession(serviceA.baseUrl, email))!;
    expect(current.token).not.toBe(old.token);
    expect((await sessionAnswers(serviceA, old.token)).code).toBe('session_expired');
    expect((await sessionAnswers(serviceA, current.token)).status).toBe(200);
    expect(state.accounts).toHaveLength(1);
    expect(await desk['tokens:list']({ connectionId: await connectionOf(desk) })).toEqual([]);
    await desk['session:sign-out'](null);
  });

  it('keeps the session a fresh launch has not looked at yet', async () => {
    const { launch } = profile();
    const emailA = uniqueEmail('stored');
    const emailB = uniqueEmail('fresh');
    await launch().handlers['session:sign-up']({
      serviceUrl: serviceA.baseUrl,
      email: emailA,
      password: PASSWORD,
    });
    const old = (await storedSession(serviceA.baseUrl, emailA))!;

    // A new launch signs up elsewhere before it ever asked for the session.
    const desk = launch().handlers;
    const state = await desk['session:sign-up']({
      serviceUrl: serviceB.baseUrl,
      email: emailB,
      password: PASSWORD,
    });

    expect(state.accounts.map((a) => a.email)).toEqual([emailA, emailB]);
    expect((await sessionAnswers(serviceA, old.token)).status).toBe(200);
    expect((await storedSession(serviceA.baseUrl, emailA))?.token).toBe(old.token);
    await desk['session:sign-out'](null);
    await desk['session:sign-out'](null);
  });

  it('keeps the old account while its service is unreachable', async () => {
    const { launch } = profile();
    const desk = launch().handlers;
    const emailA = uniqueEmail('gone');
    const emailB = uniqueEmail('next');
    await desk['session:sign-up']({
      serviceUrl: serviceA.baseUrl,
      email: emailA,
      password: PASSWORD,
    });
    const old = (await storedSession(serviceA.baseUrl, emailA))!;
    const port = Number(new URL(serviceA.baseUrl).port);
    await serviceA.stop();
    try {
      const state = await desk['session:sign-up']({
        serviceUrl: serviceB.baseUrl,
        email: emailB,
        password: PASSWORD,
      });
      expect(state.account?.email).toBe(emailB);
      expect((await storedSession(serviceA.baseUrl, emailA))?.token).toBe(old.token);
    } finally {
      serviceA = await startService({ dataDir: serviceA.dataDir, clock: serviceA.clock, port });
    }
    expect((await sessionAnswers(serviceA, old.token)).status).toBe(200);
    expect((await launch().handlers['session:get'](null)).account?.email).toBe(emailB);
    await desk['session:sign-out'](null);
    await desk['session:sign-out'](null);
    expect((await sessionAnswers(serviceA, old.token)).code).toBe('session_expired');
  });

  it('keeps the current session when the new sign-in fails', async () => {
    const { launch } = profile();
    const desk = launch().handlers;
    const email = uniqueEmail('keep');
    await desk['session:sign-up']({ serviceUrl: serviceA.baseUrl, email, password: PASSWORD });
    const current = (await storedSession(serviceA.baseUrl, email))!;

    await expect(
      desk['session:sign-in']({ serviceUrl: serviceB.baseUrl, email, password: 'wrong password' }),
    ).rejects.toMatchObject({ code: 'invalid_credentials' });

    const state = await desk['session:get'](null);
    expect(state.account?.email).toBe(email);
    expect(state.accounts).toHaveLength(1);
    expect((await sessionAnswers(serviceA, current.token)).status).toBe(200);
    expect(await desk['tokens:list']({ connectionId: await connectionOf(desk) })).toEqual([]);
    await desk['session:sign-out'](null);
  });
});

describe('no credentials over http:// to another computer', () => {
  it('refuses sign-in and sign-up to a plain-http remote URL before sending anything', async () => {
    const { launch, requested } = profile();
    const desk = launch().handlers;
    for (const serviceUrl of ['http://tokens.example.test', 'http://203.0.113.5:4780']) {
      await expect(
        desk['session:sign-in']({ serviceUrl, email: 'a@example.test', password: PASSWORD }),
      ).rejects.toMatchObject({ code: 'invalid_input', message: SERVICE_URL_MESSAGES.httpsNeeded });
      await expect(
        desk['session:sign-up']({ serviceUrl, email: 'a@example.test', password: PASSWORD }),
      ).rejects.toMatchObject({ code: 'invalid_input', message: SERVICE_URL_MESSAGES.httpsNeeded });
    }
    expect(requested).toEqual([]);
  });

  it('does not send a remembered session to a plain-http remote URL, and forgets it', async () => {
    const { launch, requested } = profile();
    const serviceUrl = 'http://tokens.example.test';
    const email = uniqueEmail('legacy');
    const first = launch();
    // As an older version, or a hand edit, would have left them.
    first.store.set('lastAccount', { serviceUrl, email });
    await keychain.setPassword(
      KEYCHAIN_SERVICE,
      keychainAccount(serviceUrl, email),
      JSON.stringify({ sessionId: 's', token: 'ses_legacy', email, name: null }),
    );

    const state = await launch().handlers['session:get'](null);

    expect(state.account).toBeNull();
    expect(requested).toEqual([]);
    expect(await storedSession(serviceUrl, email)).toBeNull();
    expect(first.store.get('lastAccount')).toBeUndefined();
  });
});
