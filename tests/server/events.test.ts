/**
 * The audit trail over real HTTP: each kind recorded exactly when it should be,
 * by whom and from where, never with a secret; token.refused at most once per token per
 * hour; filters, cursor pagination that stays put while events are added, bad queries.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_KINDS, type AccountEvent } from '../../src/shared/events.js';
import {
  BACKEND,
  createToken,
  postgresTablesText,
  removeDir,
  signUpAndIn,
  startService,
  type RunningService,
} from '../support/server/service-harness.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
let service: RunningService;
/** Every secret and password handed out in this file, to look for afterwards. */
const secrets: string[] = [];

beforeAll(async () => {
  service = await startService({
    signUpLimit: { maxFailures: 1000, windowMs: 60_000 },
    // X-Forwarded-For from loopback is believed, so tests choose the client address.
    trustProxy: ['127.0.0.1'],
    housekeeping: { intervalMs: null },
  });
});
afterAll(async () => {
  await service.stop();
  removeDir(service.dataDir);
});

async function account() {
  const signed = await signUpAndIn(service);
  secrets.push(signed.session, signed.password);
  return signed;
}
async function token(session: string, name = 'ci', expiresAt?: string) {
  const created = await createToken(service, session, name, expiresAt);
  secrets.push(created.secret);
  return created;
}

interface Page {
  events: AccountEvent[];
  nextCursor: string | null;
}
async function page(session: string, query = ''): Promise<Page> {
  const response = await service.request<Page>('GET', `/v1/users/me/events${query}`, {
    token: session,
  });
  expect(response.status, response.text).toBe(200);
  return response.body;
}
async function all(session: string, query = ''): Promise<AccountEvent[]> {
  const out: AccountEvent[] = [];
  let cursor: string | null = null;
  do {
    const sep = query ? '&' : '?';
    const body: Page = await page(
      session,
      cursor === null ? query : `${query}${sep}cursor=${cursor}`,
    );
    out.push(...body.events);
    cursor = body.nextCursor;
  } while (cursor !== null);
  return out;
}
const kindsOf = (events: AccountEvent[]) => events.map((event) => event.kind);
const use = (secret: string, address = '127.0.0.1', agent = 'ci-runner/1') =>
  service.request('GET', '/v1/users/me', {
    token: secret,
    headers: { 'x-forwarded-for': address, 'user-agent': agent },
  });
const at = () => new Date(service.clock.now()).toISOString();

describe('each kind, exactly when it should be', () => {
  it('session.signed_in on sign-in, with the session, address and client', async () => {
    const { session, sessionId } = await account();
    const events = await page(session);
    expect(events.nextCursor).toBeNull();
    expect(events.events).toEqual([
      {
        id: expect.any(String),
        kind: 'session.signed_in',
        at: at(),
        tokenId: null,
        tokenName: null,
        sessionId,
        actor: { kind: 'session', id: sessionId },
        ip: '127.0.0.1',
        userAgent: 'node',
        details: {},
      },
    ]);
  });

  it('session.sign_in_failed for an existing account only, never with the password', async () => {
    const { session, email } = await account();
    const wrong = 'not the password at all';
    secrets.push(wrong);
    const failed = await service.request('POST', '/v1/sessions', {
      body: { email, password: wrong },
      headers: { 'x-forwarded-for': '198.51.100.9', 'user-agent': 'guesser' },
    });
    expect(failed.status).toBe(401);
    const events = (await page(session, '?kind=session.sign_in_failed')).events;
    expect(events).toEqual([
      expect.objectContaining({
        kind: 'session.sign_in_failed',
        at: at(),
        actor: { kind: 'service', id: null },
        sessionId: null,
        ip: '198.51.100.9',
        userAgent: 'guesser',
        details: {},
      }),
    ]);
    expect(JSON.stringify(events)).not.toContain(wrong);

    // An unknown email: no account, so no row anywhere.
    const countBefore = await rowCount();
    const unknown = await service.request('POST', '/v1/sessions', {
      body: { email: `nobody-${Date.now()}@example.test`, password: wrong },
    });
    expect(unknown.status).toBe(401);
    expect(await rowCount()).toBe(countBefore);
  });

  it('token.created by the session that created it', async () => {
    const { session, sessionId } = await account();
    const created = await token(session, 'ci-github');
    const [event] = (await page(session, '?kind=token.created')).events;
    expect(event).toEqual({
      id: expect.any(String),
      kind: 'token.created',
      at: at(),
      tokenId: created.id,
      tokenName: 'ci-github',
      sessionId: null,
      actor: { kind: 'session', id: sessionId },
      ip: '127.0.0.1',
      userAgent: 'node',
      details: { expiresAt: null },
    });
  });

  it('token.first_used once, then token.used_from_new_address only for an address not seen before', async () => {
    const { session } = await account();
    const created = await token(session);
    await use(created.secret, '203.0.113.1', 'runner-a');
    await use(created.secret, '203.0.113.1', 'runner-a');
    service.clock.advance(MINUTE); // a due write from a known address: no event
    await use(created.secret, '203.0.113.1', 'runner-a');
    await use(created.secret, '203.0.113.2', 'runner-b'); // new, within the minute
    await use(created.secret, '203.0.113.1', 'runner-a'); // seen before
    await use(created.secret, '203.0.113.2', 'runner-b'); // seen before
    service.clock.advance(MINUTE);
    await use(created.secret, '203.0.113.3', 'runner-c'); // new, on a due write
    const events = (await page(session, `?tokenId=${created.id}`)).events;
    expect(kindsOf(events)).toEqual([
      'token.used_from_new_address',
      'token.used_from_new_address',
      'token.first_used',
      'token.created',
    ]);
    expect(events.slice(0, 3).map((e) => [e.ip, e.userAgent, e.actor])).toEqual([
      ['203.0.113.3', 'runner-c', { kind: 'api_token', id: created.id }],
      ['203.0.113.2', 'runner-b', { kind: 'api_token', id: created.id }],
      ['203.0.113.1', 'runner-a', { kind: 'api_token', id: created.id }],
    ]);
  });

  it('a rotation: token.rotated with the replacement id, token.revoked (rotated) and token.created for the replacement', async () => {
    const { session, sessionId } = await account();
    const old = await token(session, 'deploy');
    const rotated = await service.request('POST', `/v1/users/me/tokens/${old.id}/rotate`, {
      token: session,
    });
    expect(rotated.status).toBe(201);
    secrets.push(rotated.body.secret);
    const events = await all(session, '?kind=token.rotated,token.revoked,token.created');
    expect(events.map((e) => [e.kind, e.tokenId, e.tokenName, e.details])).toEqual([
      // One transaction, one millisecond: newest first is the order they were written.
      ['token.revoked', old.id, 'deploy', { reason: 'rotated', replacementId: rotated.body.id }],
      ['token.rotated', old.id, 'deploy', { replacementId: rotated.body.id, graceEndsAt: null }],
      ['token.created', rotated.body.id, 'deploy', { expiresAt: null, rotatedFrom: old.id }],
      ['token.created', old.id, 'deploy', { expiresAt: null }],
    ]);
    for (const event of events) expect(event.actor).toEqual({ kind: 'session', id: sessionId });
  });

  it('a grace period: token.rotated now, token.revoked by the service when the sweep sees it end', async () => {
    const { session } = await account();
    const old = await token(session, 'grace');
    const rotated = await service.request('POST', `/v1/users/me/tokens/${old.id}/rotate`, {
      token: session,
      body: { gracePeriodSeconds: 3600 },
    });
    secrets.push(rotated.body.secret);
    expect(kindsOf((await page(session, `?tokenId=${old.id}`)).events)).toEqual([
      'token.rotated',
      'token.created',
    ]);
    await service.app.housekeeping.run();
    expect(kindsOf((await page(session, `?tokenId=${old.id}`)).events)).toHaveLength(2);
    service.clock.advance(HOUR);
    await service.app.housekeeping.run();
    await service.app.housekeeping.run();
    const [ended] = (await page(session, `?tokenId=${old.id}&kind=token.revoked`)).events;
    expect(ended).toMatchObject({
      at: at(),
      actor: { kind: 'service', id: null },
      ip: null,
      userAgent: null,
      details: {
        reason: 'grace_ended',
        graceEndsAt: rotated.body.previous.graceEndsAt,
        replacementId: rotated.body.id,
      },
    });
    expect((await page(session, `?tokenId=${old.id}&kind=token.revoked`)).events).toHaveLength(1);
  });

  it('token.revoked names the session that revoked it', async () => {
    const { session, sessionId } = await account();
    const created = await token(session);
    const revoked = await service.request('DELETE', `/v1/users/me/tokens/${created.id}`, {
      token: session,
      headers: { 'user-agent': 'TokenDesk/1.0' },
    });
    expect(revoked.status).toBe(204);
    const [event] = (await page(session, '?kind=token.revoked')).events;
    expect(event).toMatchObject({
      tokenId: created.id,
      actor: { kind: 'session', id: sessionId },
      userAgent: 'TokenDesk/1.0',
      details: { reason: 'revoked' },
    });
    // A second, failed revoke records nothing.
    await service.request('DELETE', `/v1/users/me/tokens/${created.id}`, { token: session });
    expect((await page(session, '?kind=token.revoked')).events).toHaveLength(1);
  });

  it('token.expired once per token, from the background sweep', async () => {
    const { session } = await account();
    const expiresAt = new Date(service.clock.now() + DAY).toISOString();
    const created = await token(session, 'short', expiresAt);
    await token(session, 'forever');
    await service.app.housekeeping.run();
    expect((await page(session, '?kind=token.expired')).events).toEqual([]);
    service.clock.advance(DAY);
    await service.app.housekeeping.run();
    await service.app.housekeeping.run();
    expect((await page(session, '?kind=token.expired')).events).toEqual([
      expect.objectContaining({
        tokenId: created.id,
        tokenName: 'short',
        at: at(),
        actor: { kind: 'service', id: null },
        details: { expiresAt },
      }),
    ]);
  });

  it('token.refused (revoked or expired) at most once per token per hour', async () => {
    const { session } = await account();
    const revokedToken = await token(session, 'revoked-one');
    const expiring = await token(
      session,
      'expiring-one',
      new Date(service.clock.now() + MINUTE).toISOString(),
    );
    await service.request('DELETE', `/v1/users/me/tokens/${revokedToken.id}`, { token: session });
    for (let i = 0; i < 5; i++) expect((await use(revokedToken.secret)).status).toBe(401);
    service.clock.advance(HOUR - 1);
    expect((await use(revokedToken.secret, '192.0.2.50')).status).toBe(401);
    expect((await page(session, '?kind=token.refused')).events).toHaveLength(1);
    service.clock.advance(1);
    expect((await use(revokedToken.secret, '192.0.2.50')).status).toBe(401);
    expect((await use(expiring.secret)).status).toBe(401);
    expect((await use(expiring.secret)).status).toBe(401);
    const refused = (await page(session, '?kind=token.refused')).events;
    expect(refused.map((e) => [e.tokenName, e.details, e.ip])).toEqual([
      ['expiring-one', { reason: 'expired' }, '127.0.0.1'],
      ['revoked-one', { reason: 'revoked' }, '192.0.2.50'],
      ['revoked-one', { reason: 'revoked' }, '127.0.0.1'],
    ]);
  });

  it('destination.added (not on a repeat push) and destination.removed, with where but no secret', async () => {
    const { session } = await account();
    const created = await token(session);
    const place = {
      provider: 'github',
      host: 'https://api.github.com',
      target: { kind: 'environment', owner: 'ada', repo: 'app', environment: 'production' },
      name: 'CAPAWESOME_TOKEN',
    };
    const path = `/v1/users/me/tokens/${created.id}/destinations`;
    const added = await service.request('POST', path, { token: session, body: place });
    expect(added.status).toBe(201);
    expect((await service.request('POST', path, { token: session, body: place })).status).toBe(200);
    const removed = await service.request('DELETE', `${path}/${added.body.id}`, {
      token: session,
    });
    expect(removed.status).toBe(204);
    const events = (await page(session, '?kind=destination.added,destination.removed')).events;
    const details = {
      destinationId: added.body.id,
      provider: 'github',
      host: 'https://api.github.com',
      target: 'ada/app · production',
      name: 'CAPAWESOME_TOKEN',
    };
    expect(events.map((e) => [e.kind, e.tokenId, e.details])).toEqual([
      ['destination.removed', created.id, details],
      ['destination.added', created.id, details],
    ]);
  });

  it('tracked_token.added (not on a repeat PUT) and tracked_token.removed, by name, never a token', async () => {
    const { session } = await account();
    const body = {
      vendor: 'npm',
      host: 'https://registry.npmjs.org',
      externalId: 'a3f1c2',
      name: 'publish',
    };
    const path = '/v1/users/me/tracked-tokens';
    const added = await service.request('PUT', path, { token: session, body });
    expect(added.status).toBe(201);
    expect((await service.request('PUT', path, { token: session, body })).status).toBe(200);
    const removed = await service.request('DELETE', `${path}/${added.body.id}`, { token: session });
    expect(removed.status).toBe(204);
    const events = (await page(session, '?kind=tracked_token.added,tracked_token.removed')).events;
    const details = {
      trackedTokenId: added.body.id,
      vendor: 'npm',
      host: body.host,
      name: 'publish',
    };
    expect(events.map((e) => [e.kind, e.tokenId, e.tokenName, e.details])).toEqual([
      ['tracked_token.removed', null, 'publish', { ...details, places: 0 }],
      ['tracked_token.added', null, 'publish', details],
    ]);
  });

  it('session.signed_out names the session signed out and the one that did it', async () => {
    const { session, sessionId, email, password } = await account();
    const other = await service.request('POST', '/v1/sessions', { body: { email, password } });
    secrets.push(other.body.token);
    const out = await service.request('DELETE', `/v1/sessions/${other.body.id}`, {
      token: session,
    });
    expect(out.status).toBe(204);
    const [event] = (await page(session, '?kind=session.signed_out')).events;
    expect(event).toMatchObject({
      sessionId: other.body.id,
      actor: { kind: 'session', id: sessionId },
    });
  });
});

describe('the trail as a whole', () => {
  it('is session-only: an API token gets 403 session_required', async () => {
    const { session } = await account();
    const created = await token(session);
    const response = await service.request('GET', '/v1/users/me/events', {
      token: created.secret,
    });
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('session_required');
  });

  it("shows only the account's own events, whatever tokenId is asked for", async () => {
    const a = await account();
    const b = await account();
    const theirs = await token(b.session, 'theirs');
    const mine = await all(a.session);
    expect(mine.every((e) => e.tokenId === null || e.tokenName !== 'theirs')).toBe(true);
    expect((await page(a.session, `?tokenId=${theirs.id}`)).events).toEqual([]);
  });

  it('filters by token, several kinds, since and until (inclusive; a date alone is a whole day)', async () => {
    const { session } = await account();
    const t1 = await token(session, 'one');
    service.clock.advance(DAY);
    const t2 = await token(session, 'two');
    const day2 = at();
    service.clock.advance(DAY);
    await service.request('DELETE', `/v1/users/me/tokens/${t1.id}`, { token: session });
    expect(kindsOf(await all(session, `?tokenId=${t1.id}`))).toEqual([
      'token.revoked',
      'token.created',
    ]);
    expect((await all(session, `?tokenId=${t2.id}`)).map((e) => e.tokenName)).toEqual(['two']);
    expect(kindsOf(await all(session, '?kind=token.revoked,session.signed_in'))).toEqual([
      'token.revoked',
      'session.signed_in',
    ]);
    expect((await all(session, `?since=${day2}&until=${day2}`)).map((e) => e.tokenId)).toEqual([
      t2.id,
    ]);
    expect((await all(session, `?since=${day2.slice(0, 10)}`)).map((e) => e.kind)).toEqual([
      'token.revoked',
      'token.created',
    ]);
    expect((await all(session, `?until=${day2.slice(0, 10)}`)).map((e) => e.kind)).toEqual([
      'token.created',
      'token.created',
      'session.signed_in',
    ]);
  });

  it('pages newest first and stays put while events are being added: no duplicates, no gaps', async () => {
    const { session } = await account();
    for (let i = 0; i < 12; i++) await token(session, `t${i}`); // several share a millisecond
    const before = await all(session);
    expect(before).toHaveLength(13);
    const first = await page(session, '?limit=5');
    expect(first.events.map((e) => e.id)).toEqual(before.slice(0, 5).map((e) => e.id));
    expect(first.nextCursor).toEqual(expect.any(String));
    // Events arrive between pages (same millisecond as the cursor, and later).
    for (let i = 0; i < 4; i++) await token(session, `late${i}`);
    service.clock.advance(1);
    await token(session, 'later');
    const rest: AccountEvent[] = [];
    let cursor = first.nextCursor;
    while (cursor !== null) {
      const next = await page(session, `?limit=5&cursor=${cursor}`);
      rest.push(...next.events);
      cursor = next.nextCursor;
    }
    const seen = [...first.events, ...rest].map((e) => e.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(before.map((e) => e.id));
    expect(await all(session)).toHaveLength(18);
    // Several kinds (each read through its own index range, then merged) page the same way.
    const everything = await all(session);
    const twoKinds = await all(session, '?kind=session.signed_in,token.created&limit=4');
    expect(twoKinds.map((e) => e.id)).toEqual(everything.map((e) => e.id));
    const oneKind = await all(session, '?kind=token.created&limit=3');
    expect(oneKind.map((e) => e.id)).toEqual(everything.slice(0, 17).map((e) => e.id));
  });

  it('every kind in the shared list is recorded by this file, and no event or database page holds a secret', async () => {
    // What is stored, as bytes: SQLite's file and WAL pages; PostgreSQL's every row of
    // every table in the service's schema, as text.
    const stored =
      BACKEND === 'sqlite'
        ? [readFileSync(service.databaseFile), readFileSync(`${service.databaseFile}-wal`)]
        : [Buffer.from(await postgresTablesText(service.dataDir))];
    const recorded = new Set<string>();
    for (const kind of EVENT_KINDS) {
      if ((await kindCount(kind)) > 0) recorded.add(kind);
    }
    expect([...recorded].sort()).toEqual([...EVENT_KINDS].sort());
    const everything = JSON.stringify(await allEventRows());
    for (const secret of secrets) {
      expect(everything).not.toContain(secret);
      for (const bytes of stored) expect(bytes.includes(Buffer.from(secret))).toBe(false);
    }
    expect(secrets.length).toBeGreaterThan(20);
  });
});

describe('bad queries: 400 with a sentence, nothing else changes', () => {
  it.each([
    ['limit=0', 'invalid_request', /limit must be a whole number from 1 to 200/],
    ['limit=201', 'invalid_request', /limit must be a whole number from 1 to 200/],
    ['limit=abc', 'invalid_request', /limit must be a whole number/],
    ['limit=-1', 'invalid_request', /limit must be a whole number/],
    ['limit=1.5', 'invalid_request', /limit must be a whole number/],
    [
      'kind=token.eaten',
      'invalid_request',
      /"token\.eaten" is not an event kind. Known kinds: token\.created/,
    ],
    ['kind=', 'invalid_request', /kind has an empty entry/],
    ['kind=token.created,,token.revoked', 'invalid_request', /kind has an empty entry/],
    ['since=yesterday', 'invalid_request', /since must be an ISO 8601 date/],
    ['until=2026-02-30', 'invalid_request', /until must be an ISO 8601 date/],
    ['since=2026-13-01T00:00:00Z', 'invalid_request', /since must be an ISO 8601 date/],
    ['since=1700000000', 'invalid_request', /since must be an ISO 8601 date/],
    ['since=2026-06-02&until=2026-06-01', 'invalid_request', /since is later than until/],
    ['cursor=garbage!', 'invalid_cursor', /cursor is not one this service gave out/],
    ['cursor=' + Buffer.from('x|1').toString('base64url'), 'invalid_cursor', /nextCursor/],
    [
      'cursor=' + Buffer.from('2026-06-01T12:00:00.000Z|0').toString('base64url'),
      'invalid_cursor',
      /nextCursor/,
    ],
    [
      'cursor=' + Buffer.from('2026-06-01T12:00:00.000Z|1|2').toString('base64url'),
      'invalid_cursor',
      /nextCursor/,
    ],
    ['cursor=', 'invalid_cursor', /nextCursor/],
    ['tokenId=', 'invalid_request', /tokenId is empty/],
    ['tokenId=' + 'x'.repeat(101), 'invalid_request', /"tokenId" must be at most 100 characters/],
    ['offset=10', 'invalid_request', /"offset" is not recognised/],
    ['limit=5&limit=6', 'invalid_request', /"limit"/],
  ])('%s → 400 %s', async (query, code, message) => {
    const { session } = await account();
    const response = await service.request('GET', `/v1/users/me/events?${query}`, {
      token: session,
    });
    expect(response.status, response.text).toBe(400);
    expect(response.body).toMatchObject({ statusCode: 400, code });
    expect(response.body.message).toMatch(message);
    // The service still answers, and the trail is intact.
    expect(kindsOf((await page(session)).events)).toEqual(['session.signed_in']);
  });
});

// Direct reads of the database, for what HTTP cannot show (rows across accounts).
async function countOf(text: string, params: string[] = []): Promise<number> {
  const [row] = await service.query<{ n: number }>(text, params);
  if (row === undefined) throw new Error(`no count from: ${text}`);
  return row.n;
}
const rowCount = () => countOf('SELECT count(*) AS n FROM events');
const kindCount = (kind: string) =>
  countOf('SELECT count(*) AS n FROM events WHERE kind = ?', [kind]);
const allEventRows = () => service.query('SELECT * FROM events');
