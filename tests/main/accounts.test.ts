/**
 * Several accounts: each session its own keychain entry, one active,
 * switching, signing out of one leaves the others, all restored on launch. Against
 * two real token services over HTTP, the real keychain (inside scripts/with-keyring.sh)
 * and settings on `conf`.
 */
import Conf from 'conf';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeDesk } from '../../src/main/compose.js';
import { invokeChannel } from '../../src/main/ipc/invoke-channel.js';
import {
  KEYCHAIN_SERVICE,
  keychainAccount,
  tokenDeskConnectionId,
  type StoredSession,
} from '../../src/main/connections/vault.js';
import { removeDir, startService, type RunningService } from '../support/server/service-harness.js';
import { MemoryClipboard } from '../../src/harness/stand-ins.js';
import { connectionOf } from '../support/main/fakes.js';
import { testKeychain } from '../support/main/test-keychain.js';
import { realTimers, type Keychain } from '../../src/main/ports.js';

const keychain: Keychain = testKeychain();
/** The connection id main gives an account (the page names it on token channels). */
const idOf = (ref: { serviceUrl: string; email: string }) =>
  tokenDeskConnectionId(ref.serviceUrl, ref.email);
const PASSWORD = 'several accounts 1';

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
const uniqueEmail = (label: string) => `${label}-${Date.now()}-${++counter}@example.test`;

function profile() {
  const dir = mkdtempSync(join(tmpdir(), 'token-desk-accounts-'));
  dirs.push(dir);
  const launch = () =>
    composeDesk({
      keychain,
      store: new Conf({ cwd: dir, configName: 'settings', projectName: 'token-desk' }),
      clipboard: new MemoryClipboard(),
      timers: realTimers,
    });
  return { dir, launch };
}

async function stored(serviceUrl: string, email: string): Promise<StoredSession | null> {
  const raw = await keychain.getPassword(KEYCHAIN_SERVICE, keychainAccount(serviceUrl, email));
  return raw ? (JSON.parse(raw) as StoredSession) : null;
}

async function answers(service: RunningService, token: string) {
  const response = await service.request('GET', '/v1/users/me', { token });
  return (response.body as { code?: string }).code ?? response.status;
}

/** Two accounts on two services, each with one token of its own; B is active. */
async function twoAccounts() {
  const { dir, launch } = profile();
  const desk = launch().handlers;
  const a = { serviceUrl: serviceA.baseUrl, email: uniqueEmail('alice') };
  const b = { serviceUrl: serviceB.baseUrl, email: uniqueEmail('bob') };
  await desk['accounts:add']({ mode: 'sign-up', ...a, password: PASSWORD, name: 'Alice' });
  await desk['tokens:create']({
    connectionId: await connectionOf(desk),
    name: 'alice-ci',
    expiresAt: null,
  });
  await desk['accounts:add']({ mode: 'sign-up', ...b, password: PASSWORD });
  await desk['tokens:create']({
    connectionId: await connectionOf(desk),
    name: 'bob-ci',
    expiresAt: null,
  });
  return { dir, launch, desk, a, b };
}

const names = async (desk: ReturnType<typeof composeDesk>['handlers']) =>
  (await desk['tokens:list']({ connectionId: await connectionOf(desk) })).map(
    (token) => token.name,
  );

describe('several accounts', () => {
  it('switches between two accounts on two services, each list its own', async () => {
    const { desk, a, b } = await twoAccounts();
    expect(await names(desk)).toEqual(['bob-ci']);

    const state = await desk['accounts:switch'](a);
    expect(state.account).toEqual({ ...a, connectionId: idOf(a), name: 'Alice' });
    expect(state.accounts).toEqual([
      { ...a, connectionId: idOf(a), name: 'Alice', active: true, signedIn: true },
      { ...b, connectionId: idOf(b), name: null, active: false, signedIn: true },
    ]);
    expect(await names(desk)).toEqual(['alice-ci']);

    await desk['accounts:switch'](b);
    expect(await names(desk)).toEqual(['bob-ci']);
    expect(await desk['accounts:list'](null)).toEqual([
      { ...a, connectionId: idOf(a), name: 'Alice', active: false, signedIn: true },
      { ...b, connectionId: idOf(b), name: null, active: true, signedIn: true },
    ]);
    await desk['accounts:sign-out'](a);
    await desk['accounts:sign-out'](b);
  });

  it('a secret revealed under one account cannot be copied or sent after a switch', async () => {
    // Found by the security review: a reveal from account A could be sent with B's
    // provider accounts.
    const { desk, a, b } = await twoAccounts();
    const revealed = await desk['tokens:create']({
      connectionId: await connectionOf(desk),
      name: 'bob-release',
      expiresAt: null,
    });
    expect((await desk['secret:copy']({ revealId: revealed.revealId })).clearsInSeconds).toBe(30);
    await desk['accounts:switch'](a);
    await expect(desk['secret:copy']({ revealId: revealed.revealId })).rejects.toMatchObject({
      code: 'secret_gone',
    });
    await desk['accounts:sign-out'](a);
    await desk['accounts:sign-out'](b);
  });

  it('restores every account on launch, the last active one active, sessions checked', async () => {
    const { launch, desk, a, b } = await twoAccounts();
    await desk['accounts:switch'](a);

    const next = launch().handlers;
    const state = await next['session:get'](null);
    expect(state.account?.email).toBe(a.email);
    expect(state.accounts.map((x) => [x.email, x.active, x.signedIn])).toEqual([
      [a.email, true, true],
      [b.email, false, true],
    ]);
    expect(await names(next)).toEqual(['alice-ci']);
    await next['accounts:switch'](b);
    expect(await names(next)).toEqual(['bob-ci']);
    await next['accounts:sign-out'](a);
    await next['accounts:sign-out'](b);
  });

  it('signing out of one revokes it and deletes its keychain entry; the other keeps both', async () => {
    const { dir, launch, desk, a, b } = await twoAccounts();
    const sessionA = (await stored(a.serviceUrl, a.email))!;
    const sessionB = (await stored(b.serviceUrl, b.email))!;

    // Signing out of the inactive account leaves the active one active.
    const state = await desk['accounts:sign-out'](a);
    expect(state.account?.email).toBe(b.email);
    expect(state.accounts.map((x) => x.email)).toEqual([b.email]);
    expect(await stored(a.serviceUrl, a.email)).toBeNull();
    expect(await answers(serviceA, sessionA.token)).toBe('session_expired');
    expect((await stored(b.serviceUrl, b.email))?.token).toBe(sessionB.token);
    expect(await answers(serviceB, sessionB.token)).toBe(200);
    expect(await names(desk)).toEqual(['bob-ci']);

    // Settings know who the accounts are, never a session.
    const settingsFile = readFileSync(join(dir, 'settings.json'), 'utf8');
    expect(settingsFile).not.toContain(sessionB.token);
    expect(settingsFile).not.toMatch(/ses_/);
    expect(JSON.parse(settingsFile).knownAccounts).toEqual([{ ...b, name: null }]);

    const next = await launch().handlers['session:get'](null);
    expect(next.accounts.map((x) => x.email)).toEqual([b.email]);
    await desk['session:sign-out'](null);
  });

  it('signing out of the active account makes the other one active', async () => {
    const { desk, a, b } = await twoAccounts();
    const sessionB = (await stored(b.serviceUrl, b.email))!;
    const state = await desk['session:sign-out'](null);
    expect(state.account?.email).toBe(a.email);
    expect(await answers(serviceB, sessionB.token)).toBe('session_expired');
    expect(await stored(b.serviceUrl, b.email)).toBeNull();
    expect(await stored(a.serviceUrl, a.email)).not.toBeNull();
    expect(await names(desk)).toEqual(['alice-ci']);
    const last = await desk['session:sign-out'](null);
    expect(last.account).toBeNull();
    expect(last.accounts).toEqual([]);
    await expect(
      desk['tokens:list']({ connectionId: await connectionOf(desk) }),
    ).rejects.toMatchObject({ code: 'signed_out' });
  });

  it('an account whose session ended stays in the menu, signed out, and switching to it asks for sign-in', async () => {
    const { launch, desk, a, b } = await twoAccounts();
    const sessionA = (await stored(a.serviceUrl, a.email))!;
    // Signed out behind the app's back (another device, an admin).
    await serviceA.request('DELETE', `/v1/sessions/${sessionA.sessionId}`, {
      token: sessionA.token,
    });

    const next = launch().handlers;
    const state = await next['session:get'](null);
    expect(state.account?.email).toBe(b.email);
    expect(state.accounts).toEqual([
      { ...a, connectionId: idOf(a), name: 'Alice', active: false, signedIn: false },
      { ...b, connectionId: idOf(b), name: null, active: true, signedIn: true },
    ]);
    expect(await stored(a.serviceUrl, a.email)).toBeNull();
    await expect(next['accounts:switch'](a)).rejects.toMatchObject({
      code: 'sign_in_needed',
      message: expect.stringContaining(a.email),
    });
    expect((await next['session:get'](null)).account?.email).toBe(b.email);

    // Signing in again brings it back, active.
    const back = await next['accounts:add']({ mode: 'sign-in', ...a, password: PASSWORD });
    expect(back.account?.email).toBe(a.email);
    expect(back.accounts.map((x) => x.signedIn)).toEqual([true, true]);
    expect(await names(next)).toEqual(['alice-ci']);
    await next['accounts:sign-out'](a);
    await next['accounts:sign-out'](b);
    await desk.dispose();
  });

  it('tells its listeners about every sign-in, sign-up, add, switch, sign-out and expiry', async () => {
    const { launch } = profile();
    const app = launch();
    const desk = app.handlers;
    let changes = 0;
    app.sessions.onChange(() => changes++);
    const a = { serviceUrl: serviceA.baseUrl, email: uniqueEmail('listened') };
    const b = { serviceUrl: serviceB.baseUrl, email: uniqueEmail('heard') };
    const c = { serviceUrl: serviceB.baseUrl, email: uniqueEmail('added') };
    const told = async (step: () => Promise<unknown>) => {
      const before = changes;
      await step().catch(() => {});
      return changes - before;
    };

    expect(await told(() => desk['session:sign-up']({ ...a, password: PASSWORD }))).toBe(1);
    // Signing in again as the active account replaces its session: a change too.
    expect(await told(() => desk['session:sign-in']({ ...a, password: PASSWORD }))).toBe(1);
    expect(
      await told(() => desk['accounts:add']({ mode: 'sign-up', ...b, password: PASSWORD })),
    ).toBe(1);
    await app.sessions.signUp({ ...c, password: PASSWORD });
    expect(
      await told(() => desk['accounts:add']({ mode: 'sign-in', ...c, password: PASSWORD })),
    ).toBe(1);
    expect(await told(() => desk['accounts:switch'](a))).toBe(1);
    expect(await told(() => desk['accounts:sign-out'](c))).toBe(1);
    expect(await told(() => desk['session:sign-out'](null))).toBe(1);
    // B is active now; its session ends behind the app's back and the next call finds out.
    const connectionB = await connectionOf(desk);
    const sessionB = (await stored(b.serviceUrl, b.email))!;
    await serviceB.request('DELETE', `/v1/sessions/${sessionB.sessionId}`, {
      token: sessionB.token,
    });
    expect(await told(() => desk['tokens:list']({ connectionId: connectionB }))).toBe(1);
    expect((await desk['session:get'](null)).account).toBeNull();
    await desk.dispose();
  });

  it('refuses an account it does not know, and keeps the active one', async () => {
    const { desk, a, b } = await twoAccounts();
    await expect(
      desk['accounts:switch']({ serviceUrl: serviceA.baseUrl, email: 'nobody@example.test' }),
    ).rejects.toMatchObject({ code: 'account_not_found' });
    await expect(
      desk['accounts:sign-out']({ serviceUrl: serviceB.baseUrl, email: a.email }),
    ).rejects.toMatchObject({ code: 'account_not_found' });
    expect((await desk['session:get'](null)).account?.email).toBe(b.email);
    expect(await stored(a.serviceUrl, a.email)).not.toBeNull();
    await desk['accounts:sign-out'](a);
    await desk['accounts:sign-out'](b);
  });

  it('hostile payloads on the account channels are refused before any handler runs', async () => {
    const { launch } = profile();
    const desk = launch().handlers;
    const log = { error: () => {} };
    const hostile: Array<[string, unknown]> = [
      ['accounts:list', { extra: true }],
      ['accounts:add', null],
      ['accounts:add', { mode: 'sign-in', serviceUrl: serviceA.baseUrl, email: 'x@y.z' }],
      [
        'accounts:add',
        { mode: 'steal', serviceUrl: serviceA.baseUrl, email: 'x@y.z', password: PASSWORD },
      ],
      [
        'accounts:add',
        {
          mode: 'sign-in',
          serviceUrl: serviceA.baseUrl,
          email: 'x@y.z',
          password: PASSWORD,
          name: 'sign-in takes no name',
        },
      ],
      [
        'accounts:add',
        { mode: 'sign-up', serviceUrl: 'x'.repeat(3000), email: 'x', password: 'p' },
      ],
      ['accounts:switch', { serviceUrl: serviceA.baseUrl }],
      ['accounts:switch', { serviceUrl: serviceA.baseUrl, email: '' }],
      ['accounts:switch', { serviceUrl: serviceA.baseUrl, email: 'x@y.z', token: 'ses_x' }],
      ['accounts:switch', 'x@y.z'],
      ['accounts:sign-out', { serviceUrl: 42, email: 'x@y.z' }],
      ['accounts:sign-out', { serviceUrl: serviceA.baseUrl, email: 'e'.repeat(255) }],
      ['accounts:sign-out', null],
    ];
    for (const [channel, payload] of hostile) {
      const result = await invokeChannel(desk, channel, payload, log);
      expect(result, `${channel} ${JSON.stringify(payload)?.slice(0, 80)}`).toMatchObject({
        ok: false,
        error: { code: 'invalid_payload' },
      });
    }
    // A sign-in to a remote http:// service sends nothing: refused in words.
    const remote = await invokeChannel(
      desk,
      'accounts:add',
      { mode: 'sign-in', serviceUrl: 'http://203.0.113.5', email: 'x@y.z', password: PASSWORD },
      log,
    );
    expect(remote).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});
