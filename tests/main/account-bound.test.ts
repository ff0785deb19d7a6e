/**
 * Work belongs to the Token Desk account that started it: a rotation or a
 * send keeps its own session and provider accounts when another account becomes
 * active half-way; a secret revealed before its token was revoked or replaced is not
 * pushed; a provider host never used before is confirmed by main in a native dialog
 * before any token goes there; signing out offers to remove the CI accounts.
 * Real token service over HTTP, the local GitHub, the real keychain in with-keyring.sh.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CiProvider, OpenProvider } from '../../src/main/ci-providers/secret-store.js';
import { openProvider as realOpenProvider } from '../../src/main/ci-providers/registry.js';
import { invokeChannel } from '../../src/main/ipc/invoke-channel.js';
import type { RotationReport } from '../../src/shared/ipc-contract.js';
import { startCiWorld, type CiWorld, placeIdsOf } from '../support/main/ci-desk.js';
import { connectionOf } from '../support/main/fakes.js';

const GH_ADA = 'ghp_boundTestTokenAda0000000000000000001';
const GH_BOB = 'ghp_boundTestTokenBob0000000000000000002';
const GL_ADA = 'glpat-boundTestTokenAda00001';
const PASSWORD = 'ci desk password 1';
const silent = { error: () => {} };
const repo = { kind: 'repository', owner: 'ada', repo: 'app' } as const;

type Result<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

/** Every provider client main opens, by credential, and a gate that can hold pushes open. */
class ProviderSpy {
  readonly pushesBy: string[] = [];
  readonly openedWith: string[] = [];
  private gate: { reached: () => void; release: Promise<void> } | null = null;

  /** The next push waits until `release()`; `reached` resolves once it is waiting. */
  hold(): { reached: Promise<void>; release: () => void } {
    let reached!: () => void;
    let release!: () => void;
    const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    this.gate = { reached, release: released };
    return { reached: reachedPromise, release };
  }

  readonly open: OpenProvider = (provider, host, token) => {
    this.openedWith.push(token);
    const client = realOpenProvider(provider, host, token);
    const record = (pushedWith: string) => this.pushesBy.push(pushedWith);
    const takeGate = () => {
      const gate = this.gate;
      this.gate = null;
      return gate;
    };
    return new Proxy(client, {
      get(target, property, receiver) {
        if (property !== 'push') return Reflect.get(target, property, receiver);
        return async (...args: Parameters<CiProvider['push']>) => {
          record(token);
          const gate = takeGate();
          if (gate) {
            gate.reached();
            await gate.release;
          }
          return target.push(...args);
        };
      },
    });
  };
}

/** The Authorization header of every request main sends to the token service, with its path. */
function recordingFetch(log: Array<{ path: string; authorization: string | null }>): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : {}));
    log.push({ path: url.pathname, authorization: headers.get('authorization') });
    return fetch(input, init);
  };
}

let world: CiWorld;
const spy = new ProviderSpy();
const serviceRequests: Array<{ path: string; authorization: string | null }> = [];
let desk: ReturnType<CiWorld['launch']>['handlers'];

async function call<T = any>(channel: string, payload: unknown): Promise<Result<T>> {
  return (await invokeChannel(desk, channel, payload, silent)) as Result<T>;
}
async function must<T = any>(channel: string, payload: unknown): Promise<T> {
  const result = await call<T>(channel, payload);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
  return result.value;
}
async function status(secret: string): Promise<number> {
  return (await world.service.request('GET', '/v1/users/me', { token: secret })).status;
}

const stamp = Date.now();
const ada = { email: `bound-ada-${stamp}@example.test`, serviceUrl: '' };
const bob = { email: `bound-bob-${stamp}@example.test`, serviceUrl: '' };

beforeAll(async () => {
  world = await startCiWorld();
  world.github.addAccount(GH_ADA, 'ada');
  world.github.addAccount(GH_BOB, 'bob');
  // Both may write ada/app: a push with the wrong account would succeed, so only the
  // credential used tells the accounts apart.
  world.github.addRepository('ada', 'app', { admins: ['ada', 'bob'] });
  world.gitlab.addUser(GL_ADA, 'ada');
  ada.serviceUrl = bob.serviceUrl = world.service.baseUrl;
  desk = world.launch({ openProvider: spy.open, fetch: recordingFetch(serviceRequests) }).handlers;
  // Bob first, then Ada: each with their own GitHub account on the same host.
  await must('session:sign-up', { ...bob, password: PASSWORD });
  await must('providers:add', { provider: 'github', host: world.github.apiBaseUrl, token: GH_BOB });
  await must('accounts:add', { mode: 'sign-up', ...ada, password: PASSWORD });
  await must('providers:add', { provider: 'github', host: world.github.apiBaseUrl, token: GH_ADA });
});
afterAll(async () => {
  await world.close();
});

describe('a rotation belongs to the account that started it', () => {
  it('switching account while a push is held open: the rotation finishes on its own account', async () => {
    const created = await desk['tokens:create']({
      connectionId: await connectionOf(desk),
      name: 'bound-rotation',
      expiresAt: null,
    });
    const [github] = (await must('providers:list', null)).accounts;
    await must('destinations:send', {
      revealId: created.revealId,
      accountId: github.id,
      target: repo,
      name: 'CAPAWESOME_TOKEN',
      overwrite: true,
    });
    const pushesBefore = spy.pushesBy.length;
    const gate = spy.hold();
    const rotating = call<RotationReport>('tokens:rotate-and-update', {
      connectionId: await connectionOf(desk),
      id: created.token.id,
      placeIds: await placeIdsOf(desk, created.token.id),
      gracePeriodSeconds: 3600,
    });
    await gate.reached;
    const requestsBefore = serviceRequests.length;
    // Bob becomes active while Ada's push is waiting on GitHub.
    await must('accounts:switch', bob);
    gate.release();
    const result = await rotating;

    if (!result.ok) throw new Error(JSON.stringify(result.error));
    const report = result.value;
    expect(report.rotation).toMatchObject({ finished: true, oldRevoked: true, problem: null });
    // The old token really ended, on Ada's service with Ada's session: not a 404 from Bob's.
    expect(await status(created.secret)).toBe(401);
    expect(await status(report.revealed!.secret)).toBe(200);
    expect(world.github.secret('ada/app', 'CAPAWESOME_TOKEN')).toBe(report.revealed!.secret);
    // Every push of this rotation used Ada's GitHub credential, never Bob's.
    expect(spy.pushesBy.slice(pushesBefore)).toEqual([GH_ADA]);
    // After the switch, every service request of the rotation carried the same session as before it.
    const before = serviceRequests.slice(0, requestsBefore);
    const adaAuthorization = before.at(-1)!.authorization;
    const after = serviceRequests.slice(requestsBefore);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((entry) => entry.authorization === adaAuthorization)).toBe(true);
    // The place was recorded on Ada's new token, and Bob sees no such token.
    await must('accounts:switch', ada);
    const places = await must<Array<{ name: string }>>('destinations:list', {
      tokenId: report.revealed!.token.id,
    });
    expect(places.map((place) => place.name)).toEqual(['CAPAWESOME_TOKEN']);
  });

  it('the owner signing out half-way stops the rotation and says why; the other account is never used', async () => {
    const created = await desk['tokens:create']({
      connectionId: await connectionOf(desk),
      name: 'bound-sign-out',
      expiresAt: null,
    });
    const [github] = (await must('providers:list', null)).accounts;
    await must('destinations:send', {
      revealId: created.revealId,
      accountId: github.id,
      target: repo,
      name: 'CAPAWESOME_TOKEN_2',
      overwrite: true,
    });
    const pushesBefore = spy.pushesBy.length;
    const gate = spy.hold();
    world.confirm.answers.push(false); // keep Ada's GitHub account when asked
    const rotating = call<RotationReport>('tokens:rotate-and-update', {
      connectionId: await connectionOf(desk),
      id: created.token.id,
      placeIds: await placeIdsOf(desk, created.token.id),
      gracePeriodSeconds: 3600,
    });
    await gate.reached;
    await must('accounts:sign-out', ada);
    gate.release();
    const result = await rotating;
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    expect(result.value.rotation.finished).toBe(false);
    expect(result.value.rotation.problem?.code).toBe('owner_signed_out');
    expect(result.value.rotation.problem?.message).toContain(ada.email);
    expect(spy.pushesBy.slice(pushesBefore)).toEqual([GH_ADA]);
    // Ada's old token was not revoked with anyone else's session: it lasts its grace.
    expect(await status(created.secret)).toBe(200);
    // Ada back for the tests below.
    await must('accounts:add', { mode: 'sign-in', ...ada, password: PASSWORD });
  });
});

describe('only a live token’s secret goes out', () => {
  it('refuses to push a secret whose token was revoked after it was revealed', async () => {
    const created = await desk['tokens:create']({
      connectionId: await connectionOf(desk),
      name: 'revealed-then-revoked',
      expiresAt: null,
    });
    const [github] = (await must('providers:list', null)).accounts;
    await must('tokens:revoke', { connectionId: await connectionOf(desk), id: created.token.id });
    const pushesBefore = spy.pushesBy.length;
    const sent = await call('destinations:send', {
      revealId: created.revealId,
      accountId: github.id,
      target: repo,
      name: 'REVOKED_TOKEN',
      overwrite: true,
    });
    expect(sent).toMatchObject({ ok: false, error: { code: 'token_not_live' } });
    expect(spy.pushesBy.length).toBe(pushesBefore);
    expect(world.github.secret('ada/app', 'REVOKED_TOKEN')).toBeUndefined();
  });

  it('refuses to push a secret whose token was rotated after it was revealed', async () => {
    const created = await desk['tokens:create']({
      connectionId: await connectionOf(desk),
      name: 'revealed-then-rotated',
      expiresAt: null,
    });
    const [github] = (await must('providers:list', null)).accounts;
    // Rotated with a grace period: the old secret still works, but it is on its way out.
    await must('tokens:rotate-and-update', {
      connectionId: await connectionOf(desk),
      id: created.token.id,
      placeIds: await placeIdsOf(desk, created.token.id),
      gracePeriodSeconds: 3600,
    });
    const sent = await call('destinations:send', {
      revealId: created.revealId,
      accountId: github.id,
      target: repo,
      name: 'ROTATED_TOKEN',
      overwrite: true,
    });
    expect(sent).toMatchObject({ ok: false, error: { code: 'token_replaced' } });
    expect(world.github.secret('ada/app', 'ROTATED_TOKEN')).toBeUndefined();
  });

  it('a rotation with no recorded place keeps the old secret for its grace period', async () => {
    const created = await desk['tokens:create']({
      connectionId: await connectionOf(desk),
      name: 'nowhere-yet',
      expiresAt: null,
    });
    const report = await must<RotationReport>('tokens:rotate-and-update', {
      connectionId: await connectionOf(desk),
      id: created.token.id,
      placeIds: await placeIdsOf(desk, created.token.id),
      gracePeriodSeconds: 3600,
    });
    expect(report.rotation).toMatchObject({ finished: true, oldRevoked: false });
    expect(report.rotation.graceEndsAt).not.toBeNull();
    // It may be used where Token Desk cannot see: it keeps working until the grace ends.
    expect(await status(created.secret)).toBe(200);
    const pending = await must<Array<{ newTokenId: string }>>('rotations:list', null);
    expect(pending.some((rotation) => rotation.newTokenId === report.revealed!.token.id)).toBe(
      false,
    );
    const listed = await must<Array<{ id: string; replacedById: string | null }>>('tokens:list', {
      connectionId: await connectionOf(desk),
    });
    expect(listed.find((token) => token.id === created.token.id)?.replacedById).toBe(
      report.revealed!.token.id,
    );
  });
});

describe('a provider host never used before', () => {
  // No account here has used the local GitLab yet.
  const host = () => world.gitlab.url;

  it('is confirmed by main before any token goes there; refused means nothing saved or sent', async () => {
    const opened = spy.openedWith.length;
    const asked = world.confirm.asked.length;
    world.confirm.answers.push(false);
    const requests = world.gitlab.requests.length;
    const refused = await call('providers:add', {
      provider: 'gitlab',
      host: host(),
      token: GL_ADA,
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'host_not_confirmed' } });
    const question = world.confirm.asked[asked]!;
    expect(question.message).toContain(new URL(host()).host);
    expect(question.detail).toContain(host());
    // Nothing went to that host: no client was even opened with the token.
    expect(spy.openedWith.length).toBe(opened);
    expect(world.gitlab.requests.length).toBe(requests);
    const accounts = (await must('providers:list', null)).accounts as Array<{ host: string }>;
    expect(accounts.some((account) => account.host === host())).toBe(false);
  });

  it('once confirmed, the account is saved and the host is not asked about again', async () => {
    world.confirm.answers.push(true);
    const asked = world.confirm.asked.length;
    await must('providers:add', { provider: 'gitlab', host: host(), token: GL_ADA });
    expect(world.confirm.asked.length).toBe(asked + 1);
    await must('providers:add', { provider: 'gitlab', host: host(), token: GL_ADA });
    expect(world.confirm.asked.length).toBe(asked + 1);
  });

  it('github.com needs no question', async () => {
    const github = new ProviderSpy();
    const stub: OpenProvider = (provider, hostName, token) => {
      const client = github.open(provider, hostName, token);
      return new Proxy(client, {
        get: (target, property, receiver) =>
          property === 'whoami'
            ? async () => 'ada'
            : (Reflect.get(target, property, receiver) as unknown),
      });
    };
    const other = world.launch({ openProvider: stub, fetch: recordingFetch([]) }).handlers;
    await invokeChannel(other, 'session:get', null, silent);
    const asked = world.confirm.asked.length;
    const added = await invokeChannel(
      other,
      'providers:add',
      { provider: 'github', host: 'https://github.com', token: GH_ADA },
      silent,
    );
    expect(added).toMatchObject({ ok: true, value: { host: 'https://api.github.com' } });
    expect(world.confirm.asked.length).toBe(asked);
  });
});

describe('signing out offers to remove the account’s GitHub and GitLab credentials', () => {
  it('keeps them when the person says so, removes them (keychain included) when asked', async () => {
    // Bob keeps his; Ada removes hers.
    await must('accounts:switch', bob);
    const bobAccounts = (await must('providers:list', null)).accounts;
    expect(bobAccounts.length).toBe(1);
    world.confirm.answers.push(false);
    const asked = world.confirm.asked.length;
    await must('accounts:sign-out', bob);
    expect(world.confirm.asked[asked]!.message).toContain(bob.email);
    expect(world.confirm.asked[asked]!.detail).toContain('bob on GitHub');

    await must('accounts:switch', ada);
    const adaAccounts = (await must('providers:list', null)).accounts;
    expect(adaAccounts.length).toBeGreaterThan(0);
    world.confirm.answers.push(true);
    await must('session:sign-out', null);
    const settings = world.settingsText();
    for (const account of adaAccounts) expect(settings).not.toContain(account.id);
    for (const account of bobAccounts) expect(settings).toContain(account.id);
    // Ada's credential is gone from the keychain: signed in again, her account list is empty.
    await must('accounts:add', { mode: 'sign-in', ...ada, password: PASSWORD });
    expect((await must('providers:list', null)).accounts).toEqual([]);
  });
});
