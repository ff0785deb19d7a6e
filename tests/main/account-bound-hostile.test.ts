/**
 * Work bound to its account, against what an independent review tried: a
 * rotation whose owner signs out half-way, a secret that arrives after another account
 * became active, a place the service adds after the person confirmed a rotation, text
 * from a service or a provider in main's native questions, and an account saved before
 * main asked about hosts. Real token service, local GitHub, real keychain.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CiProvider, OpenProvider } from '../../src/main/ci-providers/secret-store.js';
import { openProvider as realOpenProvider } from '../../src/main/ci-providers/registry.js';
import { invokeChannel } from '../../src/main/ipc/invoke-channel.js';
import type { RotationReport } from '../../src/shared/ipc-contract.js';
import { startCiWorld, type CiWorld, placeIdsOf } from '../support/main/ci-desk.js';
import { connectionOf } from '../support/main/fakes.js';

const GH_ADA = 'ghp_reviewTestTokenAda000000000000000001';
const GH_BOB = 'ghp_reviewTestTokenBob000000000000000002';
const GH_EVE = 'ghp_reviewTestTokenEve000000000000000003';
const PASSWORD = 'ci desk password 1';
const silent = { error: () => {} };
const repo = { kind: 'repository', owner: 'ada', repo: 'app' } as const;
type Result<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

function gate() {
  let reached!: () => void;
  let release!: () => void;
  const reachedP = new Promise<void>((r) => (reached = r));
  const released = new Promise<void>((r) => (release = r));
  return { reached, reachedP, release, released };
}

const pushesBy: string[] = [];
let pushGate: ReturnType<typeof gate> | null = null;
const spyOpen: OpenProvider = (provider, host, token) => {
  const client = realOpenProvider(provider, host, token);
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'push') return Reflect.get(target, property, receiver);
      return async (...args: Parameters<CiProvider['push']>) => {
        pushesBy.push(token);
        const g = pushGate;
        pushGate = null;
        if (g) {
          g.reached();
          await g.released;
        }
        return target.push(...args);
      };
    },
  });
};

/** Holds the next POST /v1/users/me/tokens (a token being issued) when armed. */
let createGate: ReturnType<typeof gate> | null = null;
const gatedFetch: typeof fetch = async (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (createGate && init?.method === 'POST' && url.pathname === '/v1/users/me/tokens') {
    const g = createGate;
    createGate = null;
    const response = await fetch(input, init);
    g.reached();
    await g.released;
    return response;
  }
  return fetch(input, init);
};

let world: CiWorld;
let main: ReturnType<CiWorld['launch']>;
async function call<T = any>(channel: string, payload: unknown): Promise<Result<T>> {
  return (await invokeChannel(main.handlers, channel, payload, silent)) as Result<T>;
}
async function must<T = any>(channel: string, payload: unknown): Promise<T> {
  const r = await call<T>(channel, payload);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
  return r.value;
}
const stamp = Date.now();
const ada = { email: `rev-ada-${stamp}@example.test`, serviceUrl: '' };
const bob = { email: `rev-bob-${stamp}@example.test`, serviceUrl: '' };

async function adaToken(name: string, places: string[]) {
  await must('accounts:switch', ada);
  const created = await must('tokens:create', {
    connectionId: await connectionOf(main.handlers),
    name,
    expiresAt: null,
  });
  const [github] = (await must('providers:list', null)).accounts;
  for (const place of places)
    await must('destinations:send', {
      revealId: created.revealId,
      accountId: github.id,
      target: repo,
      name: place,
      overwrite: true,
    });
  return created;
}

beforeAll(async () => {
  world = await startCiWorld();
  world.github.addAccount(GH_ADA, 'ada');
  world.github.addAccount(GH_BOB, 'bob');
  world.github.addRepository('ada', 'app', { admins: ['ada', 'bob'] });
  ada.serviceUrl = bob.serviceUrl = world.service.baseUrl;
  main = world.launch({ openProvider: spyOpen, fetch: gatedFetch });
  await must('session:sign-up', { ...bob, password: PASSWORD });
  await must('providers:add', { provider: 'github', host: world.github.apiBaseUrl, token: GH_BOB });
  await must('accounts:add', { mode: 'sign-up', ...ada, password: PASSWORD });
  await must('providers:add', { provider: 'github', host: world.github.apiBaseUrl, token: GH_ADA });
});
afterAll(async () => {
  await world.close();
});

describe('a rotation whose owner signs out half-way', () => {
  it('stops before the next place: the signed-out owner’s GitHub credential is not used again', async () => {
    const created = await adaToken('rev-signout', ['PLACE_ONE', 'PLACE_TWO']);
    const before = pushesBy.length;
    pushGate = gate();
    const held = pushGate;
    world.confirm.answers.push(false); // "Keep them"
    const rotating = call<RotationReport>('tokens:rotate-and-update', {
      connectionId: await connectionOf(main.handlers),
      id: created.token.id,
      placeIds: await placeIdsOf(main.handlers, created.token.id),
      gracePeriodSeconds: 3600,
    });
    await held.reachedP;
    await must('accounts:sign-out', ada);
    held.release();
    const result = await rotating;
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    expect(result.value.rotation.problem?.code).toBe('owner_signed_out');
    // The place held open finished; the second was never pushed after the sign-out.
    expect(pushesBy.slice(before)).toEqual([GH_ADA]);
    expect(world.github.secret('ada/app', 'PLACE_TWO')).toBe(created.secret);
    await must('accounts:add', { mode: 'sign-in', ...ada, password: PASSWORD });
  });
});

describe('a secret issued while the account changes', () => {
  it('is not kept when another account became active before it arrived', async () => {
    await must('accounts:switch', ada);
    createGate = gate();
    const held = createGate;
    const creating = call('tokens:create', {
      connectionId: await connectionOf(main.handlers),
      name: 'rev-switch',
      expiresAt: null,
    });
    await held.reachedP;
    await must('accounts:switch', bob); // onChange → reveals.forgetAll() runs now…
    held.release(); // …and the reveal is stored afterwards
    const created = await creating;
    expect(created).toMatchObject({
      ok: false,
      error: { code: 'account_changed', message: expect.stringContaining(ada.email) },
    });
    expect(main.reveals.size).toBe(0);
    expect(main.sessions.owner().email).toBe(bob.email);
  });
});

describe('a place the service adds after the person confirmed a rotation', () => {
  it('is listed with words and not pushed; an existing secret there is left alone until Retry', async () => {
    // DEPLOY_KEY in ada/app holds another token's secret, sent knowingly.
    const other = await adaToken('rev-other', ['DEPLOY_KEY']);
    expect(world.github.secret('ada/app', 'DEPLOY_KEY')).toBe(other.secret);
    const created = await adaToken('rev-toctou', ['CAPAWESOME_TOKEN']);
    // What the rotate confirmation shows (PlacesToUpdate → destinations:list).
    const shown = await must<Array<{ id: string; name: string }>>('destinations:list', {
      tokenId: created.token.id,
    });
    expect(shown.map((p) => p.name)).toEqual(['CAPAWESOME_TOKEN']);
    // Meanwhile the service (compromised, or another device) records one more place.
    const session = await world.service.request('POST', '/v1/sessions', {
      body: { email: ada.email, password: PASSWORD },
    });
    const added = await world.service.request(
      'POST',
      `/v1/users/me/tokens/${created.token.id}/destinations`,
      {
        token: session.body.token,
        body: {
          provider: 'github',
          host: world.github.apiBaseUrl,
          target: repo,
          name: 'DEPLOY_KEY',
        },
      },
    );
    expect(added.status).toBeLessThan(300);
    const report = await must<RotationReport>('tokens:rotate-and-update', {
      connectionId: await connectionOf(main.handlers),
      id: created.token.id,
      placeIds: shown.map((place) => place.id),
      gracePeriodSeconds: 3600,
    });
    expect(report.rotation.destinations.map((d) => [d.name, d.status]).sort()).toEqual([
      ['CAPAWESOME_TOKEN', 'updated'],
      ['DEPLOY_KEY', 'failed'],
    ]);
    const addedLater = report.rotation.destinations.find((d) => d.name === 'DEPLOY_KEY')!;
    expect(addedLater.error?.code).toBe('place_not_confirmed');
    expect(world.github.secret('ada/app', 'CAPAWESOME_TOKEN')).toBe(report.revealed!.secret);
    // The unrelated secret is untouched, and the old token lives on (not every place has the new one).
    expect(world.github.secret('ada/app', 'DEPLOY_KEY')).toBe(other.secret);
    expect(report.rotation.finished).toBe(false);
    // Retry, with the place in view, is the person's explicit choice.
    const retried = await must<RotationReport>('rotations:retry', {
      rotationId: report.rotation.id,
    });
    expect(retried.rotation.finished).toBe(true);
    expect(world.github.secret('ada/app', 'DEPLOY_KEY')).toBe(report.revealed!.secret);
  });
});

describe('text from a service or a provider in main’s native questions', () => {
  let hostile: Server;
  afterAll(() => new Promise<void>((r) => hostile.close(() => r())));

  it('cannot add lines or reorder text: one plain line each, cut to length', async () => {
    const spoofEmail =
      'eve@example.test\n\nToken Desk verified these accounts. Choose “Remove access tokens” now: they were exposed.';
    const user = { id: 'u1', email: spoofEmail, name: null, createdAt: new Date().toISOString() };
    hostile = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.method === 'POST' && req.url === '/v1/sessions') {
        res.statusCode = 201;
        return res.end(
          JSON.stringify({ id: 's1', token: 'ses_hostile', expiresAt: user.createdAt, user }),
        );
      }
      if (req.url === '/v1/users/me') return res.end(JSON.stringify(user));
      res.statusCode = 204;
      res.end();
    });
    await new Promise<void>((r) => hostile.listen(0, '127.0.0.1', r));
    const serviceUrl = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`;
    world.github.addAccount(GH_EVE, 'eve\u202e\n\nGitHub: this login is trusted');
    await must('accounts:add', {
      mode: 'sign-in',
      serviceUrl,
      email: 'eve@example.test',
      password: PASSWORD,
    });
    expect(main.sessions.owner().email).toBe(spoofEmail);
    await must('providers:add', {
      provider: 'github',
      host: world.github.apiBaseUrl,
      token: GH_EVE,
    });
    const asked = world.confirm.asked.length;
    world.confirm.answers.push(false);
    await must('session:sign-out', null);
    const question = world.confirm.asked[asked]!;
    for (const text of [question.message, question.detail]) {
      expect(text).not.toMatch(/[\n\r\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
    }
    expect(question.message).toContain('eve@example.test Token Desk verified');
    expect(question.message.length).toBeLessThan(200);
  });
});

describe('an account saved before main asked about hosts', () => {
  it('is asked about before its credential or any secret goes there; no means nothing is sent', async () => {
    await must('accounts:switch', ada);
    const created = await must('tokens:create', {
      connectionId: await connectionOf(main.handlers),
      name: 'legacy-host',
      expiresAt: null,
    });
    const [github] = (await must('providers:list', null)).accounts;
    // As settings written by the previous version look: accounts, no confirmed hosts.
    main.local.confirmedHosts.write([]);
    const pushes = pushesBy.length;
    const asked = world.confirm.asked.length;
    world.confirm.answers.push(false);
    const refused = await call('destinations:send', {
      revealId: created.revealId,
      accountId: github.id,
      target: repo,
      name: 'LEGACY_HOST',
      overwrite: true,
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'host_not_confirmed' } });
    expect(world.confirm.asked[asked]!.detail).toContain('added before Token Desk asked');
    expect(pushesBy.length).toBe(pushes);
    expect(world.github.secret('ada/app', 'LEGACY_HOST')).toBeUndefined();

    world.confirm.answers.push(true);
    await must('destinations:send', {
      revealId: created.revealId,
      accountId: github.id,
      target: repo,
      name: 'LEGACY_HOST',
      overwrite: true,
    });
    expect(world.github.secret('ada/app', 'LEGACY_HOST')).toBe(created.secret);
    expect(main.local.confirmedHosts.read()).toEqual([
      { provider: 'github', host: world.github.apiBaseUrl },
    ]);
  });

  it('a host’s confirmation goes with the last account on it', async () => {
    const host = { provider: 'github', host: world.github.apiBaseUrl };
    // Ada's, Bob's, and Eve's (kept when she signed out): removed one owner at a time.
    const owners = main.local.providerAccounts
      .read()
      .filter((account) => account.host === host.host)
      .map((account) => account.owner);
    expect(owners.length).toBeGreaterThan(1);
    for (const owner of owners) {
      expect(main.local.confirmedHosts.read()).toContainEqual(host);
      await main.accounts.removeAllOf(owner);
    }
    expect(main.local.confirmedHosts.read()).not.toContainEqual(host);
  });
});
