/**
 * The handlers main registers, against a real token service over HTTP, a real
 * keychain (inside `npm test`'s private keyring) and settings on `conf`.
 */
import Conf from 'conf';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeDesk } from '../../src/main/compose.js';
import {
  KEYCHAIN_SERVICE,
  keychainAccount,
  tokenDeskConnectionId,
} from '../../src/main/connections/vault.js';
import { removeDir, startService, type RunningService } from '../support/server/service-harness.js';
import { MemoryClipboard } from '../../src/harness/stand-ins.js';
import { connectionOf } from '../support/main/fakes.js';
import { testKeychain } from '../support/main/test-keychain.js';
import { realTimers, type Keychain } from '../../src/main/ports.js';

const keychain: Keychain = testKeychain();

let service: RunningService;
let settingsDir: string;
const clipboard = new MemoryClipboard();

function launchDesk() {
  const store = new Conf({ cwd: settingsDir, configName: 'settings', projectName: 'token-desk' });
  return composeDesk({ keychain, store, clipboard, timers: realTimers });
}
const launch = () => launchDesk().handlers;

beforeAll(async () => {
  service = await startService();
  settingsDir = mkdtempSync(join(tmpdir(), 'token-desk-app-'));
});
afterAll(async () => {
  await service.stop();
  removeDir(service.dataDir);
  removeDir(settingsDir);
});

describe('desk handlers end to end (no Electron)', () => {
  const email = `desk-${Date.now()}@example.test`;
  const secrets: string[] = [];

  it('starts signed out, signs up, and remembers the service URL', async () => {
    const desk = launch();
    expect((await desk['session:get'](null)).account).toBeNull();
    const state = await desk['session:sign-up']({
      serviceUrl: `${service.baseUrl}/`,
      email,
      password: 'desk password 1',
      name: 'Desk',
    });
    expect(state.account).toEqual({
      serviceUrl: service.baseUrl,
      email,
      name: 'Desk',
      connectionId: tokenDeskConnectionId(service.baseUrl, email),
    });
    expect(state.keychain).toBe('available');
    expect((await desk['settings:get'](null)).serviceUrl).toBe(service.baseUrl);
    expect(await desk['tokens:list']({ connectionId: await connectionOf(desk) })).toEqual([]);
  });

  it('creates, copies (concealed), rotates and revokes, and forgets revealed secrets', async () => {
    const composed = launchDesk();
    const desk = composed.handlers;
    expect((await desk['session:get'](null)).account?.email).toBe(email);
    const created = await desk['tokens:create']({
      connectionId: await connectionOf(desk),
      name: ' ci-github ',
      expiresAt: new Date(Date.now() + 30 * 864e5).toISOString(),
    });
    secrets.push(created.secret);
    expect(created.secret).toMatch(/^ca_[0-9A-Za-z]{36}$/);
    expect(created.token.name).toBe('ci-github');
    expect(created.token).not.toHaveProperty('secret');

    const copy = await desk['secret:copy']({ revealId: created.revealId });
    expect(copy).toEqual({ clearsInSeconds: 30 });
    expect(clipboard.text).toBe(created.secret);
    expect(clipboard.concealed).toBe(true);

    expect(composed.clipboard.clearPending).toBe(true);

    // The snippet replaces the secret on the clipboard: nothing of ours is left to clear.
    await desk['snippet:copy']({ kind: 'curl' });
    expect(clipboard.text).toBe(
      `curl '${service.baseUrl}/v1/users/me' -H "Authorization: Bearer $CAPAWESOME_TOKEN"`,
    );
    expect(clipboard.concealed).toBe(false);
    expect(composed.clipboard.clearPending).toBe(false);

    expect(composed.reveals.size).toBe(1);
    await desk['secret:forget']({ revealId: created.revealId });
    expect(composed.reveals.size).toBe(0);
    await expect(desk['secret:copy']({ revealId: created.revealId })).rejects.toMatchObject({
      code: 'secret_gone',
    });

    const rotated = await desk['tokens:rotate']({
      connectionId: await connectionOf(desk),
      id: created.token.id,
    });
    secrets.push(rotated.secret);
    expect((await service.request('GET', '/v1/users/me', { token: created.secret })).status).toBe(
      401,
    );
    expect((await service.request('GET', '/v1/users/me', { token: rotated.secret })).status).toBe(
      200,
    );

    await desk['tokens:revoke']({ connectionId: await connectionOf(desk), id: rotated.token.id });
    expect((await service.request('GET', '/v1/users/me', { token: rotated.secret })).status).toBe(
      401,
    );
    expect(await desk['tokens:list']({ connectionId: await connectionOf(desk) })).toEqual([]);
    await desk.dispose();
  });

  it('forgetReveals drops every revealed secret at once (page reload, renderer gone)', async () => {
    const composed = launchDesk();
    const desk = composed.handlers;
    await desk['session:get'](null);
    const first = await desk['tokens:create']({
      connectionId: await connectionOf(desk),
      name: 'reload-a',
      expiresAt: null,
    });
    const second = await desk['tokens:create']({
      connectionId: await connectionOf(desk),
      name: 'reload-b',
      expiresAt: null,
    });
    expect(composed.reveals.size).toBe(2);
    desk.forgetReveals();
    expect(composed.reveals.size).toBe(0);
    for (const revealed of [first, second]) {
      await expect(desk['secret:copy']({ revealId: revealed.revealId })).rejects.toMatchObject({
        code: 'secret_gone',
      });
    }
    // The reveal store works again for the next secret.
    const third = await desk['tokens:create']({
      connectionId: await connectionOf(desk),
      name: 'reload-c',
      expiresAt: null,
    });
    await desk['secret:copy']({ revealId: third.revealId });
    expect(clipboard.text).toBe(third.secret);
    for (const revealed of [first, second, third])
      await desk['tokens:revoke']({
        connectionId: await connectionOf(desk),
        id: revealed.token.id,
      });
    await desk.dispose();
  });

  it('refuses invalid input with a sentence and sends nothing', async () => {
    const desk = launch();
    await desk['session:get'](null);
    await expect(
      desk['tokens:create']({
        connectionId: await connectionOf(desk),
        name: '   ',
        expiresAt: null,
      }),
    ).rejects.toMatchObject({
      code: 'invalid_input',
      message: 'Name is required.',
    });
    await expect(
      desk['tokens:create']({
        connectionId: await connectionOf(desk),
        name: 'x'.repeat(101),
        expiresAt: null,
      }),
    ).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(
      desk['tokens:create']({
        connectionId: await connectionOf(desk),
        name: 'ok',
        expiresAt: 'soon',
      }),
    ).rejects.toMatchObject({
      code: 'invalid_input',
    });
    await expect(
      desk['session:sign-in']({ serviceUrl: 'localhost', email, password: 'x' }),
    ).rejects.toMatchObject({ code: 'invalid_input' });
    expect(await desk['tokens:list']({ connectionId: await connectionOf(desk) })).toEqual([]);
  });

  it('passes the service’s own errors through with their words', async () => {
    const desk = launch();
    await expect(
      desk['session:sign-in']({ serviceUrl: service.baseUrl, email, password: 'wrong password' }),
    ).rejects.toMatchObject({
      code: 'invalid_credentials',
      message: 'The email or password is incorrect.',
    });
    await expect(
      desk['session:sign-up']({ serviceUrl: service.baseUrl, email, password: 'desk password 1' }),
    ).rejects.toMatchObject({ code: 'email_taken' });
  });

  it('keeps no secret in the settings file; the keychain holds the session', async () => {
    const file = readFileSync(join(settingsDir, 'settings.json'), 'utf8');
    for (const secret of secrets) expect(file).not.toContain(secret);
    expect(file).not.toMatch(/ses_|ca_[0-9A-Za-z]{36}/);
    const entry = await keychain.getPassword(
      KEYCHAIN_SERVICE,
      keychainAccount(service.baseUrl, email),
    );
    expect(entry).toMatch(/"token":"ses_/);
  });

  it('reports an unreachable service in words, then recovers without a restart', async () => {
    const desk = launch();
    await desk['session:get'](null);
    const port = Number(new URL(service.baseUrl).port);
    await service.stop();
    await expect(
      desk['tokens:list']({ connectionId: await connectionOf(desk) }),
    ).rejects.toMatchObject({
      code: 'unreachable',
      message: expect.stringContaining(`Can't reach the token service at ${service.baseUrl}`),
    });
    service = await startService({ dataDir: service.dataDir, clock: service.clock, port });
    expect(await desk['tokens:list']({ connectionId: await connectionOf(desk) })).toEqual([]);
    expect((await desk['session:get'](null)).account?.email).toBe(email);
  });

  it('signs out: revokes the session, deletes the keychain entry, and the next launch is signed out', async () => {
    const desk = launch();
    const state = await desk['session:sign-in']({
      serviceUrl: service.baseUrl,
      email,
      password: 'desk password 1',
    });
    expect(state.account?.email).toBe(email);
    const stored = JSON.parse(
      (await keychain.getPassword(KEYCHAIN_SERVICE, keychainAccount(service.baseUrl, email)))!,
    );
    expect((await desk['session:sign-out'](null)).account).toBeNull();
    expect(
      await keychain.getPassword(KEYCHAIN_SERVICE, keychainAccount(service.baseUrl, email)),
    ).toBeNull();
    expect((await service.request('GET', '/v1/users/me', { token: stored.token })).body.code).toBe(
      'session_expired',
    );
    expect((await launch()['session:get'](null)).account).toBeNull();
  });

  it('returns to sign-in when the session expires', async () => {
    const desk = launch();
    await desk['session:sign-in']({
      serviceUrl: service.baseUrl,
      email,
      password: 'desk password 1',
    });
    const connectionId = await connectionOf(desk);
    service.clock.advance(31 * 864e5);
    await expect(desk['tokens:list']({ connectionId })).rejects.toMatchObject({
      code: 'session_expired',
    });
    expect((await desk['session:get'](null)).account).toBeNull();
    expect(
      await keychain.getPassword(KEYCHAIN_SERVICE, keychainAccount(service.baseUrl, email)),
    ).toBeNull();
  });
});
