/**
 * Other vendors' tokens an account tracks: `…/users/me/tracked-tokens`, over real HTTP
 * on both storages. What a person typed (or pasted into the wrong box) is checked field
 * by field, a refusal names the field and changes nothing, another account's records are
 * a plain 404, racing requests make one record, and no token ever reaches the database.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestSecret, generateSecret } from '../../src/server/auth/secrets.js';
import { MIGRATIONS } from '../../src/server/storage/database.js';
import { MAX_DESTINATIONS_PER_TOKEN } from '../../src/shared/ci-destinations.js';
import {
  MAX_TRACKED_PLACES_PER_USER,
  MAX_TRACKED_TOKENS_PER_USER,
  type TrackedToken,
} from '../../src/shared/tracked-tokens.js';
import {
  BACKEND,
  createToken,
  postgresTablesText,
  removeDir,
  signUpAndIn,
  startService,
  type RunningService,
} from '../support/server/service-harness.js';

let service: RunningService;
let session: string;
let apiToken: { id: string; secret: string };
/** Every secret this file saw or was sent; none may reach the database or the log. */
const secrets: string[] = [];

// Shaped like real vendor tokens (lengths as the vendors issue them), never valid ones.
const base62 = (n: number, seed: string) =>
  Array.from({ length: n }, (_, i) => 'aZ3kQ9xW2mB7'[(i + seed.length) % 12]).join('');
const VENDOR_TOKENS = {
  npm: `npm_${base62(36, 'npm')}`,
  gitlab: `glpat-${base62(20, 'gl')}`,
  github: `ghp_${base62(36, 'gh')}`,
  githubFine: `github_pat_${base62(22, 'f')}_${base62(59, 'g')}`,
  cloudflare: `cfut_${base62(40, 'cf')}${base62(8, 'c')}`,
};
secrets.push(...Object.values(VENDOR_TOKENS));

beforeAll(async () => {
  service = await startService({ signUpLimit: { maxFailures: 1000, windowMs: 60_000 } });
  const signed = await signUpAndIn(service);
  session = signed.session;
  apiToken = await createToken(service, session, 'ci');
  secrets.push(session, signed.password, apiToken.secret);
});
afterAll(async () => {
  await service.stop();
  removeDir(service.dataDir);
});

const NPM = {
  vendor: 'npm',
  host: 'https://registry.npmjs.org',
  externalId: 'a3f1c2d4e5',
  name: 'publish from CI',
} as const;
const GITHUB_REPO = {
  provider: 'github',
  host: 'https://api.github.com',
  target: { kind: 'repository', owner: 'ada', repo: 'app' },
  name: 'NPM_TOKEN',
} as const;
const GITLAB_PROJECT = {
  provider: 'gitlab',
  host: 'https://gitlab.com',
  target: { kind: 'project', path: 'acme/app', environmentScope: '*' },
  name: 'NPM_TOKEN',
} as const;

const BASE = '/v1/users/me/tracked-tokens';
const one = (id: string) => `${BASE}/${id}`;
const places = (id: string) => `${BASE}/${id}/destinations`;
const iso = () => new Date(service.clock.now()).toISOString();

/** A record, or (on a refusal) the error body beside it. */
type Answer<T> = T & { code: string; message: string };
const track = (body: unknown, as = session) =>
  service.request<Answer<TrackedToken>>('PUT', BASE, { token: as, body });
const list = (as = session, query = '') =>
  service.request<Answer<TrackedToken[]>>('GET', `${BASE}${query}`, { token: as });
const patch = (id: string, body: unknown, as = session) =>
  service.request<Answer<TrackedToken>>('PATCH', one(id), { token: as, body });
const forget = (id: string, as = session) => service.request('DELETE', one(id), { token: as });
const addPlace = (id: string, body: unknown, as = session) =>
  service.request('POST', places(id), { token: as, body });
const removePlace = (id: string, placeId: string, as = session) =>
  service.request('DELETE', `${places(id)}/${placeId}`, { token: as });

async function account() {
  const signed = await signUpAndIn(service);
  secrets.push(signed.session, signed.password);
  return signed;
}
async function tracked(body: Record<string, unknown> = NPM, as = session): Promise<TrackedToken> {
  const response = await track(body, as);
  expect(response.status, response.text).toBe(201);
  return response.body;
}
async function eventsOf(as: string, kinds: string) {
  const response = await service.request('GET', `/v1/users/me/events?kind=${kinds}&limit=200`, {
    token: as,
  });
  expect(response.status).toBe(200);
  return response.body.events as Array<{
    kind: string;
    tokenId: string | null;
    tokenName: string | null;
    actor: { kind: string };
    details: Record<string, unknown>;
  }>;
}
async function rowCount(table: string, where = '1 = 1', params: string[] = []) {
  const [row] = await service.query<{ n: number }>(
    `SELECT count(*) AS n FROM ${table} WHERE ${where}`,
    params,
  );
  return Number(row?.n);
}

describe('tracking a token', () => {
  it('PUT records it (201), lists it with no places; the same token again is 200, same id', async () => {
    const { session: own } = await account();
    const created = await track({ ...NPM, expiresAt: '2027-01-31T12:00:00Z' }, own);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      ...NPM,
      expiresAt: '2027-01-31T12:00:00.000Z',
      expiryCheckedAt: null,
      createdAt: iso(),
      updatedAt: iso(),
      places: [],
    });
    expect((await list(own)).body).toEqual([created.body]);

    service.clock.advance(60_000);
    const again = await track(
      { ...NPM, name: '  renamed at npm  ', expiryCheckedAt: '2026-06-01T14:00:00+02:00' },
      own,
    );
    expect(again.status).toBe(200);
    // The name trimmed, expiresAt kept (left out), the check time in UTC.
    expect(again.body).toEqual({
      ...created.body,
      name: 'renamed at npm',
      expiryCheckedAt: '2026-06-01T12:00:00.000Z',
      updatedAt: iso(),
    });
    // null is an answer: the vendor says it does not expire.
    const cleared = await track({ ...NPM, name: 'renamed at npm', expiresAt: null }, own);
    expect(cleared.status).toBe(200);
    expect(cleared.body.expiresAt).toBeNull();
    expect((await list(own)).body).toEqual([cleared.body]);
  });

  it('a PUT that changes nothing is 200 and leaves updatedAt alone', async () => {
    const { session: own } = await account();
    const created = await tracked(NPM, own);
    service.clock.advance(5000);
    const same = await track(NPM, own);
    expect(same.status).toBe(200);
    expect(same.body).toEqual(created);
  });

  it('stores the host as an origin: lower-case, no default port or trailing slash; http only to this computer', async () => {
    const { session: own } = await account();
    const cases: Array<[string, string]> = [
      ['HTTPS://Registry.NPMJS.org/', 'https://registry.npmjs.org'],
      ['https://gitlab.example.com:443', 'https://gitlab.example.com'],
      ['https://gitlab.example.com:8443/', 'https://gitlab.example.com:8443'],
      ['http://127.0.0.1:4873', 'http://127.0.0.1:4873'],
      ['http://localhost:8080/', 'http://localhost:8080'],
      ['http://[::1]:9000', 'http://[::1]:9000'],
      ['https://bücher.example', 'https://xn--bcher-kva.example'],
    ];
    for (const [host, stored] of cases) {
      const response = await track({ ...NPM, host, externalId: `id-${stored.length}` }, own);
      expect(response.status, host).toBe(201);
      expect(response.body.host).toBe(stored);
    }
    // Written differently, the same origin is the same token.
    expect((await track({ ...NPM, host: 'https://REGISTRY.npmjs.org:443/' }, own)).status).toBe(
      201,
    );
    expect((await track(NPM, own)).status).toBe(200);
  });

  it('one record per (vendor, host, externalId): another vendor, host or id is another token', async () => {
    const { session: own } = await account();
    const a = await tracked({ ...NPM, vendor: 'gitlab', host: 'https://gitlab.com' }, own);
    const b = await tracked({ ...NPM, vendor: 'github', host: 'https://gitlab.com' }, own);
    const c = await tracked({ ...NPM, vendor: 'gitlab', host: 'https://gitlab.example.com' }, own);
    // Vendor ids are case-sensitive.
    const d = await tracked(
      { ...NPM, vendor: 'gitlab', host: 'https://gitlab.com', externalId: 'A3F1C2D4E5' },
      own,
    );
    expect(new Set([a.id, b.id, c.id, d.id]).size).toBe(4);
  });

  it('lists oldest first and filters by vendor and host (the host normalised as stored)', async () => {
    const { session: own } = await account();
    const first = await tracked({ ...NPM, externalId: 'one' }, own);
    service.clock.advance(1000);
    const second = await tracked(
      { vendor: 'cloudflare', host: 'https://api.cloudflare.com', externalId: 'cf1', name: 'dns' },
      own,
    );
    service.clock.advance(1000);
    const third = await tracked({ ...NPM, host: 'http://127.0.0.1:4873', externalId: 'two' }, own);
    // Same millisecond: the order they were made in.
    const fourth = await tracked({ ...NPM, externalId: 'three' }, own);
    const ids = (body: TrackedToken[]) => body.map((token) => token.id);
    expect(ids((await list(own)).body)).toEqual([first.id, second.id, third.id, fourth.id]);
    expect(ids((await list(own, '?vendor=npm')).body)).toEqual([first.id, third.id, fourth.id]);
    expect(ids((await list(own, '?vendor=cloudflare')).body)).toEqual([second.id]);
    expect(ids((await list(own, '?vendor=github')).body)).toEqual([]);
    const npmHost = encodeURIComponent('HTTPS://registry.npmjs.org/');
    expect(ids((await list(own, `?host=${npmHost}`)).body)).toEqual([first.id, fourth.id]);
    expect(
      ids(
        (await list(own, `?vendor=npm&host=${encodeURIComponent('http://127.0.0.1:4873')}`)).body,
      ),
    ).toEqual([third.id]);
    expect(
      ids((await list(own, `?vendor=cloudflare&host=${encodeURIComponent(NPM.host)}`)).body),
    ).toEqual([]);
  });

  it('every vendor in the list can be tracked, each a 201', async () => {
    const { session: own } = await account();
    for (const vendor of ['npm', 'gitlab', 'cloudflare', 'github']) {
      expect((await track({ ...NPM, vendor }, own)).status, vendor).toBe(201);
    }
  });

  it('accepts names and ids at their limits: 200 characters (of any script), 256 printable ASCII', async () => {
    const { session: own } = await account();
    const name = 'é'.repeat(100) + '🚀'.repeat(100);
    const externalId = '!~'.repeat(128);
    const response = await track({ ...NPM, name, externalId }, own);
    expect(response.status, response.text).toBe(201);
    expect(response.body).toMatchObject({ name, externalId });
    // Names a person gives tokens at npm stay names.
    for (const ordinary of ['npm_publish', 'ci npm_token', 'glpat rotation', 'cf token']) {
      const renamed = await track({ ...NPM, name: ordinary, externalId }, own);
      expect(renamed.status, ordinary).toBe(200);
      expect(renamed.body.name).toBe(ordinary);
    }
  });
});

describe('changing a tracked token (PATCH)', () => {
  it('a new vendor id after a rotation: the places follow, the record keeps its id', async () => {
    const { session: own } = await account();
    const token = await tracked(NPM, own);
    const a = await addPlace(token.id, GITHUB_REPO, own);
    const b = await addPlace(token.id, GITLAB_PROJECT, own);
    service.clock.advance(1000);
    const rotated = await patch(token.id, { externalId: 'new-id-after-rotation' }, own);
    expect(rotated.status, rotated.text).toBe(200);
    expect(rotated.body).toEqual({
      ...token,
      externalId: 'new-id-after-rotation',
      updatedAt: iso(),
      places: [a.body, b.body],
    });
    expect((await list(own)).body).toEqual([rotated.body]);
    // The old id is free again; the new one is the token.
    expect((await track({ ...NPM, externalId: 'new-id-after-rotation' }, own)).body.id).toBe(
      token.id,
    );
    expect((await track(NPM, own)).status).toBe(201);
  });

  it('name, expiresAt and expiryCheckedAt, one at a time or together', async () => {
    const { session: own } = await account();
    const token = await tracked(NPM, own);
    const renamed = await patch(token.id, { name: ' deploy ' }, own);
    expect(renamed.body).toMatchObject({ name: 'deploy', externalId: NPM.externalId });
    const expiring = await patch(
      token.id,
      { expiresAt: '2026-12-01T00:00:00Z', expiryCheckedAt: '2026-06-01T12:00:00.123Z' },
      own,
    );
    expect(expiring.body).toMatchObject({
      name: 'deploy',
      expiresAt: '2026-12-01T00:00:00.000Z',
      expiryCheckedAt: '2026-06-01T12:00:00.123Z',
    });
    const unknown = await patch(token.id, { expiresAt: null }, own);
    expect(unknown.body).toMatchObject({
      expiresAt: null,
      expiryCheckedAt: '2026-06-01T12:00:00.123Z',
    });
    // Its own id again is no conflict.
    expect((await patch(token.id, { externalId: NPM.externalId }, own)).status).toBe(200);
  });

  it('to an id another of the account’s records has: 409 tracked_token_exists, nothing changed', async () => {
    const { session: own } = await account();
    const a = await tracked(NPM, own);
    const b = await tracked({ ...NPM, externalId: 'other' }, own);
    const before = (await list(own)).text;
    const taken = await patch(b.id, { externalId: NPM.externalId, name: 'would rename' }, own);
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ statusCode: 409, code: 'tracked_token_exists' });
    expect(taken.body.message).toMatch(/already track/);
    expect((await list(own)).text).toBe(before);
    // The same id at another host is no conflict.
    const elsewhere = await tracked(
      { ...NPM, host: 'http://127.0.0.1:4873', externalId: 'x' },
      own,
    );
    expect((await patch(elsewhere.id, { externalId: NPM.externalId }, own)).status).toBe(200);
    expect(a.id).not.toBe(b.id);
  });

  it('two records renamed to the same id at once: one 200, one 409, never two', async () => {
    const { session: own } = await account();
    const a = await tracked({ ...NPM, externalId: 'a' }, own);
    const b = await tracked({ ...NPM, externalId: 'b' }, own);
    const answers = await Promise.all([
      patch(a.id, { externalId: 'same' }, own),
      patch(b.id, { externalId: 'same' }, own),
    ]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    const ids = (await list(own)).body.map((token) => token.externalId).sort();
    expect(ids).toEqual(ids.includes('a') ? ['a', 'same'] : ['b', 'same']);
  });
});

describe('forgetting a tracked token', () => {
  it('DELETE is 204 and its places go with it; a second DELETE is 404', async () => {
    const { session: own } = await account();
    const token = await tracked(NPM, own);
    const kept = await tracked({ ...NPM, externalId: 'kept' }, own);
    await addPlace(token.id, GITHUB_REPO, own);
    await addPlace(token.id, GITLAB_PROJECT, own);
    const keptPlace = await addPlace(kept.id, GITHUB_REPO, own);
    expect(await rowCount('tracked_token_destinations', 'tracked_token_id = ?', [token.id])).toBe(
      2,
    );
    const removed = await forget(token.id, own);
    expect(removed.status).toBe(204);
    expect(removed.text).toBe('');
    expect(await rowCount('tracked_tokens', 'id = ?', [token.id])).toBe(0);
    expect(await rowCount('tracked_token_destinations', 'tracked_token_id = ?', [token.id])).toBe(
      0,
    );
    expect((await list(own)).body).toEqual([{ ...kept, places: [keptPlace.body] }]);
    const again = await forget(token.id, own);
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ code: 'tracked_token_not_found' });
    // Forgotten, the same token can be tracked anew: a new record.
    const anew = await tracked(NPM, own);
    expect(anew.id).not.toBe(token.id);
    expect(anew.places).toEqual([]);
  });
});

describe('places of a tracked token', () => {
  it('records (201), repeats (200: lastPushedAt now, firstPushedAt kept), lists and removes', async () => {
    const { session: own } = await account();
    const token = await tracked(NPM, own);
    const first = await addPlace(token.id, GITHUB_REPO, own);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      id: expect.any(String),
      ...GITHUB_REPO,
      firstPushedAt: iso(),
      lastPushedAt: iso(),
    });
    service.clock.advance(60_000);
    // The same place written differently (as for our own tokens).
    const again = await addPlace(
      token.id,
      {
        name: 'npm_token',
        target: { repo: 'app', owner: 'ada', kind: 'repository' },
        host: 'https://API.GitHub.com/',
        provider: 'github',
      },
      own,
    );
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, lastPushedAt: iso() });
    service.clock.advance(1000);
    const second = await addPlace(token.id, GITLAB_PROJECT, own);
    expect(second.status).toBe(201);
    expect((await list(own)).body[0]?.places).toEqual([again.body, second.body]);

    const removed = await removePlace(token.id, first.body.id, own);
    expect(removed.status).toBe(204);
    expect((await list(own)).body[0]?.places).toEqual([second.body]);
    const gone = await removePlace(token.id, first.body.id, own);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ code: 'destination_not_found' });
  });

  it(`at most ${MAX_DESTINATIONS_PER_TOKEN} places per token (409), a known one still updates`, async () => {
    const { session: own } = await account();
    const token = await tracked(NPM, own);
    for (let i = 0; i < MAX_DESTINATIONS_PER_TOKEN; i++) {
      expect((await addPlace(token.id, { ...GITLAB_PROJECT, name: `VAR_${i}` }, own)).status).toBe(
        201,
      );
    }
    const over = await addPlace(token.id, { ...GITLAB_PROJECT, name: 'ONE_TOO_MANY' }, own);
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({ code: 'too_many_destinations' });
    expect(over.body.message).toContain(String(MAX_DESTINATIONS_PER_TOKEN));
    expect((await addPlace(token.id, { ...GITLAB_PROJECT, name: 'VAR_3' }, own)).status).toBe(200);
    // Another tracked token of the account has its own allowance.
    const other = await tracked({ ...NPM, externalId: 'other' }, own);
    expect((await addPlace(other.id, GITLAB_PROJECT, own)).status).toBe(201);
  });

  it('20 concurrent records of the same place make one row: one 201, nineteen 200', async () => {
    const { session: own } = await account();
    const token = await tracked(NPM, own);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => addPlace(token.id, GITLAB_PROJECT, own)),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(19);
    expect(new Set(answers.map((r) => r.body.id)).size).toBe(1);
    expect(await rowCount('tracked_token_destinations', 'tracked_token_id = ?', [token.id])).toBe(
      1,
    );
  });

  it('the largest record and place the checks allow are stored, on both storages', async () => {
    const { session: own } = await account();
    // Random, so PostgreSQL cannot compress them below its index entry bound.
    const random = (n: number) =>
      Array.from(randomBytes(n), (b) => 'abcdefghijklmnopqrstuvwxyz0123456789'[b % 36]).join('');
    const host = `https://${Array.from({ length: 31 }, () => random(63)).join('.')}.example`;
    const token = await tracked({ ...NPM, host, externalId: random(256), name: random(200) }, own);
    expect(token.host).toBe(host);
    const place = {
      provider: 'gitlab',
      host,
      target: {
        kind: 'project',
        path: Array.from({ length: 10 }, () => random(90)).join('/'),
        environmentScope: random(200),
      },
      name: `N${random(254).toUpperCase()}`,
    };
    const recorded = await addPlace(token.id, place, own);
    expect(recorded.status, recorded.text).toBe(201);
    expect((await addPlace(token.id, place, own)).status).toBe(200);
  });

  it('every place field is checked as for our own tokens: 400 invalid_destination, nothing recorded', async () => {
    const { session: own } = await account();
    const token = await tracked(NPM, own);
    const bad: Array<[unknown, RegExp]> = [
      [{ ...GITHUB_REPO, host: 'javascript:alert(1)' }, /"host"/],
      [{ ...GITHUB_REPO, host: 'http://github.example.com' }, /"host".*https:\/\//],
      [{ ...GITHUB_REPO, host: 'https://user:pw@github.com' }, /"host".*user name or password/],
      [{ ...GITHUB_REPO, target: GITLAB_PROJECT.target }, /"project" is a GitLab target/],
      [{ ...GITHUB_REPO, name: 'GITHUB_TOKEN' }, /GITHUB_/],
      [{ ...GITLAB_PROJECT, name: VENDOR_TOKENS.gitlab }, /looks like a secret/],
      [{ ...GITHUB_REPO, secret: VENDOR_TOKENS.npm }, /"secret" is not recognised/],
      [[], /JSON object/],
    ];
    for (const [body, message] of bad) {
      const response = await addPlace(token.id, body, own);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body).toMatchObject({ code: 'invalid_destination' });
      expect(response.body.message).toMatch(message);
    }
    expect((await list(own)).body[0]?.places).toEqual([]);
  });
});

describe('limits per account', () => {
  /** Fills the account with tracked tokens underneath the API, `count` of them. */
  async function seedTracked(owner: string, count: number, prefix: string) {
    const now = iso();
    await service.query(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
       INSERT INTO tracked_tokens
         (id, user_id, vendor, host, external_id, name, created_at, updated_at)
       SELECT CAST(? AS TEXT) || CAST(i AS TEXT), ?, 'npm', 'https://registry.npmjs.org',
              CAST(? AS TEXT) || CAST(i AS TEXT), 'seeded', ?, ?
         FROM n
       RETURNING id`,
      [count, `${prefix}${owner}-`, owner, prefix, now, now],
    );
  }

  it(`${MAX_TRACKED_TOKENS_PER_USER.toLocaleString('en-US')} tracked tokens per account: the next is 409, an update still 200`, async () => {
    const { session: own, user } = await account();
    await seedTracked(user.id, MAX_TRACKED_TOKENS_PER_USER - 1, 'seed-');
    const last = await track({ ...NPM, externalId: 'the-last-one' }, own);
    expect(last.status).toBe(201);
    const before = (await list(own)).text;
    const over = await track({ ...NPM, externalId: 'one-too-many' }, own);
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({ statusCode: 409, code: 'too_many_tracked_tokens' });
    expect(over.body.message).toContain('1,000');
    expect(over.body.message).toMatch(/Forget tokens you no longer use/);
    expect((await list(own)).text).toBe(before);
    expect((await track({ ...NPM, externalId: 'the-last-one', name: 'renamed' }, own)).status).toBe(
      200,
    );
    // Another account is not held to this one's count.
    const { session: other } = await account();
    expect((await track(NPM, other)).status).toBe(201);
  });

  it('20 different tokens raced at the limit: exactly as many 201s as were free', async () => {
    const { session: own, user } = await account();
    await seedTracked(user.id, MAX_TRACKED_TOKENS_PER_USER - 5, 'race-');
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => track({ ...NPM, externalId: `raced-${i}` }, own)),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(statuses.filter((s) => s === 409)).toHaveLength(15);
    expect(await rowCount('tracked_tokens', 'user_id = ?', [user.id])).toBe(
      MAX_TRACKED_TOKENS_PER_USER,
    );
  });

  it(`${MAX_TRACKED_PLACES_PER_USER.toLocaleString('en-US')} places for all of an account's tracked tokens: the next is 409`, async () => {
    const { session: own, user } = await account();
    const holders = MAX_TRACKED_PLACES_PER_USER / MAX_DESTINATIONS_PER_TOKEN;
    await seedTracked(user.id, holders, 'full-');
    const now = iso();
    // Every seeded token full but the last, which is one short.
    await service.query(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
       INSERT INTO tracked_token_destinations
         (id, tracked_token_id, provider, host, target, name, first_pushed_at, last_pushed_at)
       SELECT CAST(? AS TEXT) || t.id || '-' || CAST(n.i AS TEXT), t.id, 'gitlab', 'https://gitlab.com',
              '{"kind":"project","path":"acme/app","environmentScope":"*"}', 'VAR_' || n.i, ?, ?
         FROM tracked_tokens t, n
        WHERE t.user_id = ? AND (t.external_id <> ? OR n.i < ?)
       RETURNING id`,
      [
        MAX_DESTINATIONS_PER_TOKEN,
        'p-',
        now,
        now,
        user.id,
        `full-${holders}`,
        MAX_DESTINATIONS_PER_TOKEN,
      ],
    );
    expect(
      await rowCount(
        'tracked_token_destinations d JOIN tracked_tokens t ON t.id = d.tracked_token_id',
        't.user_id = ?',
        [user.id],
      ),
    ).toBe(MAX_TRACKED_PLACES_PER_USER - 1);
    const roomy = (await list(own)).body.find((t) => t.externalId === `full-${holders}`);
    expect(roomy?.places).toHaveLength(MAX_DESTINATIONS_PER_TOKEN - 1);
    const spare = await tracked({ ...NPM, externalId: 'spare' }, own);
    expect((await addPlace(roomy!.id, GITHUB_REPO, own)).status).toBe(201);
    const over = await addPlace(spare.id, GITHUB_REPO, own);
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({ code: 'too_many_destinations' });
    expect(over.body.message).toContain('5,000');
    // The list answers all of it, with every place, well under what main reads (8 MB).
    const all = await list(own);
    expect(all.status).toBe(200);
    expect(all.body.reduce((n, t) => n + t.places.length, 0)).toBe(MAX_TRACKED_PLACES_PER_USER);
    expect(Buffer.byteLength(all.text)).toBeLessThan(8 * 1024 * 1024);
  });
});

describe('twenty PUTs of one token at once', () => {
  it('make one record: one 201 and nineteen 200, one id, one tracked_token.added', async () => {
    const { session: own, user } = await account();
    const answers = await Promise.all(Array.from({ length: 20 }, () => track(NPM, own)));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(19);
    expect(new Set(answers.map((r) => r.body.id)).size).toBe(1);
    expect(await rowCount('tracked_tokens', 'user_id = ?', [user.id])).toBe(1);
    expect(await eventsOf(own, 'tracked_token.added')).toHaveLength(1);
  });
});

type BadCase = [description: string, body: () => unknown, message: RegExp];
const bodyWith = (fields: Record<string, unknown>) => () => ({ ...NPM, ...fields });
const without = (field: keyof typeof NPM) => () => {
  const { [field]: _left, ...rest } = NPM;
  return rest;
};

const badBodies: BadCase[] = [
  // The body as a whole
  ['a JSON array', () => [], /JSON object/],
  ['JSON null', () => null, /JSON object/],
  ['a string', () => 'npm', /JSON object/],
  // Fields nobody asked for: a token smuggled beside the record
  [
    'a token beside the fields',
    bodyWith({ token: VENDOR_TOKENS.npm }),
    /"token" is not recognised.*never the token/,
  ],
  ['a secret beside the fields', bodyWith({ secret: 'x' }), /"secret" is not recognised/],
  ['an id of our choosing', bodyWith({ id: 'mine' }), /"id" is not recognised/],
  ['places in the body', bodyWith({ places: [] }), /"places" is not recognised/],
  // Vendor
  ['no vendor', without('vendor'), /"vendor" is required/],
  [
    'an unknown vendor',
    bodyWith({ vendor: 'pypi' }),
    /"vendor" must be "npm", "gitlab", "cloudflare" or "github"/,
  ],
  ['a vendor in capitals', bodyWith({ vendor: 'NPM' }), /"vendor" must be/],
  ['a numeric vendor', bodyWith({ vendor: 1 }), /"vendor" must be/],
  ['a null vendor', bodyWith({ vendor: null }), /"vendor" must be/],
  // Host
  ['no host', without('host'), /"host" is required/],
  ['an empty host', bodyWith({ host: '' }), /"host"/],
  ['a numeric host', bodyWith({ host: 443 }), /"host" must be a string/],
  [
    'a javascript: host',
    bodyWith({ host: 'javascript:alert(1)' }),
    /"host" must start with https:\/\//,
  ],
  [
    'a data: host',
    bodyWith({ host: 'data:text/html,<script>x</script>' }),
    /"host" must start with https:\/\//,
  ],
  [
    'an ftp host',
    bodyWith({ host: 'ftp://registry.npmjs.org' }),
    /"host" must start with https:\/\//,
  ],
  [
    'http to another computer',
    bodyWith({ host: 'http://example.com' }),
    /"host" must use https:\/\/.*this computer/,
  ],
  [
    'http to a private address',
    bodyWith({ host: 'http://10.0.0.5:4873' }),
    /"host" must use https:\/\//,
  ],
  [
    'a user and password',
    bodyWith({ host: 'https://user:pw@registry.npmjs.org' }),
    /"host" must not contain a user name or password/,
  ],
  [
    'a user alone',
    bodyWith({ host: 'https://ci@gitlab.com' }),
    /"host" must not contain a user name/,
  ],
  [
    'a token as the user',
    bodyWith({ host: `https://${VENDOR_TOKENS.github}@github.com` }),
    /"host" looks like a token/,
  ],
  [
    'a path',
    bodyWith({ host: 'https://registry.npmjs.org/some/path' }),
    /"host" must be an address without a path/,
  ],
  [
    'a path of one slash and a name',
    bodyWith({ host: 'https://gitlab.example.com/gitlab' }),
    /without a path/,
  ],
  [
    'a query',
    bodyWith({ host: 'https://registry.npmjs.org/?token=x' }),
    /"host" must not contain a query or fragment/,
  ],
  ['a bare question mark', bodyWith({ host: 'https://registry.npmjs.org?' }), /query or fragment/],
  ['a fragment', bodyWith({ host: 'https://registry.npmjs.org#x' }), /query or fragment/],
  ['a space', bodyWith({ host: 'https://registry.npmjs.org /' }), /"host" must not contain spaces/],
  [
    'a leading space',
    bodyWith({ host: ' https://registry.npmjs.org' }),
    /"host" must not contain spaces/,
  ],
  [
    'a line break',
    bodyWith({ host: 'https://registry.npmjs.org\n' }),
    /"host" must not contain spaces, line breaks/,
  ],
  ['a NUL', bodyWith({ host: 'https://registry\u0000.npmjs.org' }), /"host"/],
  [
    'a shell character in the host name',
    bodyWith({ host: 'https://npm$js.org' }),
    /"host" must have a host name/,
  ],
  ['just a scheme', bodyWith({ host: 'https://' }), /"host"/],
  [
    'over 2048 characters',
    bodyWith({ host: `https://${'a'.repeat(2045)}.example` }),
    /"host" must be at most 2048/,
  ],
  // externalId
  ['no externalId', without('externalId'), /"externalId" is required/],
  ['an empty externalId', bodyWith({ externalId: '' }), /"externalId" must be the vendor's id/],
  [
    'an externalId of 257 characters',
    bodyWith({ externalId: 'x'.repeat(257) }),
    /1 to 256 printable ASCII/,
  ],
  ['a space in the externalId', bodyWith({ externalId: 'a b' }), /without spaces/],
  ['a tab in the externalId', bodyWith({ externalId: 'a\tb' }), /"externalId"/],
  ['a line break in the externalId', bodyWith({ externalId: 'a\nb' }), /"externalId"/],
  ['a NUL in the externalId', bodyWith({ externalId: 'a\u0000b' }), /"externalId"/],
  ['a non-ASCII externalId', bodyWith({ externalId: 'tökén' }), /printable ASCII/],
  ['a zero-width space in the externalId', bodyWith({ externalId: 'a\u200bb' }), /printable ASCII/],
  ['a numeric externalId', bodyWith({ externalId: 42 }), /"externalId" must be a string/],
  [
    'an npm token as the externalId',
    bodyWith({ externalId: VENDOR_TOKENS.npm }),
    /"externalId" looks like a token/,
  ],
  [
    'a GitLab token as the externalId',
    bodyWith({ externalId: VENDOR_TOKENS.gitlab }),
    /"externalId" looks like a token/,
  ],
  [
    'a fine-grained GitHub token as the externalId',
    bodyWith({ externalId: VENDOR_TOKENS.githubFine }),
    /"externalId" looks like a token/,
  ],
  [
    'a Cloudflare token as the externalId',
    bodyWith({ externalId: VENDOR_TOKENS.cloudflare }),
    /"externalId" looks like a token/,
  ],
  [
    'our own API token as the externalId',
    () => ({ ...NPM, externalId: apiToken.secret }),
    /"externalId" looks like a token/,
  ],
  // name
  ['no name', without('name'), /"name" is required/],
  ['an empty name', bodyWith({ name: '' }), /"name" is required/],
  ['a blank name', bodyWith({ name: '   ' }), /"name" is required/],
  [
    'a name of 201 characters',
    bodyWith({ name: 'n'.repeat(201) }),
    /"name" must be at most 200 characters \(it has 201\)/,
  ],
  [
    'a name with a line break',
    bodyWith({ name: 'pub\nlish' }),
    /"name" must not contain control characters/,
  ],
  [
    'a name with a NUL',
    bodyWith({ name: 'pub\u0000lish' }),
    /"name" must not contain control characters/,
  ],
  [
    'a name with a bidi override',
    bodyWith({ name: 'pub\u202Ehsil' }),
    /"name" must not contain invisible or text-direction characters \(U\+202E/,
  ],
  ['a name with a zero-width joiner', bodyWith({ name: 'pub\u200Dlish' }), /invisible/],
  ['a name with a tag character', bodyWith({ name: 'publish\u{E0041}' }), /invisible/],
  ['a numeric name', bodyWith({ name: 7 }), /"name" must be a string/],
  [
    'a GitHub token as the name',
    bodyWith({ name: VENDOR_TOKENS.github }),
    /"name" looks like a token/,
  ],
  ['an npm token as the name', bodyWith({ name: VENDOR_TOKENS.npm }), /"name" looks like a token/],
  [
    'a GitLab token inside the name',
    bodyWith({ name: `deploy ${VENDOR_TOKENS.gitlab}` }),
    /"name" looks like a token/,
  ],
  [
    'a Cloudflare token as the name',
    bodyWith({ name: VENDOR_TOKENS.cloudflare }),
    /"name" looks like a token/,
  ],
  ['a session token as the name', () => ({ ...NPM, name: session }), /"name" looks like a token/],
  // Timestamps
  [
    'expiresAt in words',
    bodyWith({ expiresAt: 'tomorrow' }),
    /"expiresAt" must be a date and time such as/,
  ],
  [
    'expiresAt as a number',
    bodyWith({ expiresAt: 1_800_000_000_000 }),
    /"expiresAt" must be a date/,
  ],
  [
    'expiresAt as a date alone',
    bodyWith({ expiresAt: '2027-01-31' }),
    /"expiresAt" must be a date and time/,
  ],
  ['expiresAt without a zone', bodyWith({ expiresAt: '2027-01-31T12:00:00' }), /"expiresAt"/],
  ['expiresAt on February 30', bodyWith({ expiresAt: '2027-02-30T00:00:00Z' }), /"expiresAt"/],
  ['expiresAt at hour 24', bodyWith({ expiresAt: '2027-01-01T24:00:00Z' }), /"expiresAt"/],
  ['expiresAt in year 10000', bodyWith({ expiresAt: '+010000-01-01T00:00:00Z' }), /"expiresAt"/],
  [
    'expiresAt before 1970',
    bodyWith({ expiresAt: '1969-12-31T23:59:59Z' }),
    /"expiresAt" must be between 1970 and 9999/,
  ],
  ['expiresAt as an object', bodyWith({ expiresAt: { at: 'x' } }), /"expiresAt"/],
  [
    'expiryCheckedAt in words',
    bodyWith({ expiryCheckedAt: 'now' }),
    /"expiryCheckedAt" must be a date/,
  ],
  [
    'expiryCheckedAt with a line break',
    bodyWith({ expiryCheckedAt: '2027-01-01T00:00:00Z\n' }),
    /"expiryCheckedAt"/,
  ],
];

describe('every bad PUT: 400 invalid_tracked_token naming the field, nothing recorded', () => {
  it.each(badBodies)('%s', async (_description, body, message) => {
    const before = (await list()).text;
    const eventsBefore = await rowCount('events');
    const response = await track(body());
    expect(response.status, response.text).toBe(400);
    expect(response.body).toMatchObject({ statusCode: 400, code: 'invalid_tracked_token' });
    expect(response.body.message).toMatch(message);
    expect(response.body.message).not.toMatch(/FST_|ajv|undefined|anyOf|must match/);
    for (const secret of secrets) expect(response.text).not.toContain(secret);
    expect((await list()).text).toBe(before);
    expect(await rowCount('events')).toBe(eventsBefore);
  });

  it('refuses broken JSON, a forbidden key, non-JSON and a body over 64 KB the way every route does', async () => {
    const before = (await list()).text;
    const broken = await service.request('PUT', BASE, {
      token: session,
      rawBody: '{"vendor":',
      headers: { 'content-type': 'application/json' },
    });
    expect(broken.status).toBe(400);
    expect(broken.body.code).toBe('invalid_json');
    const proto = await service.request('PUT', BASE, {
      token: session,
      rawBody: `{"vendor":"npm","host":"https://registry.npmjs.org","externalId":"p","name":"p","__proto__":{"admin":true}}`,
      headers: { 'content-type': 'application/json' },
    });
    expect(proto.status).toBe(400);
    const constructor = await service.request('PUT', BASE, {
      token: session,
      rawBody: `{"vendor":"npm","host":"https://registry.npmjs.org","externalId":"p","name":"p","constructor":{"prototype":{}}}`,
      headers: { 'content-type': 'application/json' },
    });
    expect(constructor.status).toBe(400);
    // A lone surrogate sent as raw JSON escapes.
    const surrogate = await service.request('PUT', BASE, {
      token: session,
      rawBody: `{"vendor":"npm","host":"https://registry.npmjs.org","externalId":"s","name":"pub\\ud800lish"}`,
      headers: { 'content-type': 'application/json' },
    });
    expect(surrogate.status).toBe(400);
    expect(surrogate.body).toMatchObject({ code: 'invalid_tracked_token' });
    expect(surrogate.body.message).toMatch(/"name" contains a damaged character \(U\+D800/);
    const text = await service.request('PUT', BASE, {
      token: session,
      rawBody: 'vendor=npm',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
    const huge = await track({ ...NPM, name: 'n'.repeat(70_000) });
    expect(huge.status).toBe(413);
    expect(huge.body.code).toBe('payload_too_large');
    expect((await list()).text).toBe(before);
  });
});

const badChanges: BadCase[] = [
  ['an empty object', () => ({}), /Nothing to change/],
  ['a JSON array', () => [], /JSON object/],
  ['JSON null', () => null, /JSON object/],
  ['a new vendor', () => ({ vendor: 'gitlab' }), /"vendor" cannot change/],
  ['a new host', () => ({ host: 'https://npm.example.com' }), /"host" cannot change/],
  [
    'a token beside the fields',
    () => ({ name: 'x', token: VENDOR_TOKENS.npm }),
    /"token" is not recognised/,
  ],
  ['places in the body', () => ({ places: [] }), /"places" is not recognised/],
  ['an empty externalId', () => ({ externalId: '' }), /"externalId"/],
  [
    'an npm token as the externalId',
    () => ({ externalId: VENDOR_TOKENS.npm }),
    /"externalId" looks like a token/,
  ],
  [
    'a GitHub token as the name',
    () => ({ name: VENDOR_TOKENS.github }),
    /"name" looks like a token/,
  ],
  ['a blank name', () => ({ name: ' ' }), /"name" is required/],
  ['a null name', () => ({ name: null }), /"name" must be a string/],
  ['a null externalId', () => ({ externalId: null }), /"externalId" must be a string/],
  ['a bad expiry', () => ({ expiresAt: '2027-13-01T00:00:00Z' }), /"expiresAt"/],
];

describe('every bad PATCH: 400 invalid_tracked_token, nothing changed', () => {
  let target: TrackedToken;
  beforeAll(async () => {
    target = (await track({ ...NPM, externalId: 'patch-target' })).body;
  });

  it.each(badChanges)('%s', async (_description, body, message) => {
    const before = (await list()).text;
    const response = await patch(target.id, body());
    expect(response.status, response.text).toBe(400);
    expect(response.body).toMatchObject({ statusCode: 400, code: 'invalid_tracked_token' });
    expect(response.body.message).toMatch(message);
    for (const secret of secrets) expect(response.text).not.toContain(secret);
    expect((await list()).text).toBe(before);
  });

  it('a body is required', async () => {
    const response = await service.request('PATCH', one(target.id), { token: session });
    expect(response.status).toBe(400);
    expect(response.body.code).toMatch(/invalid_tracked_token|invalid_json/);
  });
});

describe('bad list queries: 400 invalid_request with a sentence', () => {
  it.each([
    ['?vendor=pypi', /"vendor" must be "npm", "gitlab", "cloudflare" or "github"/],
    ['?vendor=', /"vendor" must be/],
    ['?vendor=npm&vendor=gitlab', /"vendor"/],
    [`?host=${encodeURIComponent('javascript:alert(1)')}`, /"host" must start with https:\/\//],
    [`?host=${encodeURIComponent('http://example.com')}`, /"host" must use https:\/\//],
    [
      `?host=${encodeURIComponent('https://registry.npmjs.org/path')}`,
      /"host" must be an address without a path/,
    ],
    [
      `?host=${encodeURIComponent('https://u:p@registry.npmjs.org')}`,
      /"host" must not contain a user name/,
    ],
    [
      `?host=${encodeURIComponent(`https://${VENDOR_TOKENS.npm}.example`)}`,
      /"host" looks like it holds a token/,
    ],
    ['?host=a&host=b', /"host"/],
    ['?owner=me', /"owner" is not recognised/],
  ])('%s', async (query, message) => {
    const response = await list(session, query);
    expect(response.status, response.text).toBe(400);
    expect(response.body).toMatchObject({ code: 'invalid_request' });
    expect(response.body.message).toMatch(message);
  });
});

describe('who may see and change tracked tokens', () => {
  it('an API token gets 403 session_required on every route, and nothing changes', async () => {
    const token = await tracked({ ...NPM, externalId: 'session-only' });
    const place = await addPlace(token.id, GITHUB_REPO);
    const before = (await list()).text;
    for (const [method, url, body] of [
      ['GET', BASE, undefined],
      ['PUT', BASE, NPM],
      ['PUT', BASE, { nonsense: true }],
      ['PATCH', one(token.id), { name: 'stolen' }],
      ['DELETE', one(token.id), undefined],
      ['POST', places(token.id), GITLAB_PROJECT],
      ['DELETE', `${places(token.id)}/${place.body.id}`, undefined],
    ] as const) {
      const response = await service.request(method, url, {
        token: apiToken.secret,
        ...(body === undefined ? {} : { body }),
      });
      expect(response.status, `${method} ${url}`).toBe(403);
      expect(response.body.code).toBe('session_required');
    }
    // No credential at all: 401 before any validation.
    const anonymous = await service.request('PUT', BASE, { body: { nonsense: true } });
    expect(anonymous.status).toBe(401);
    expect((await list()).text).toBe(before);
  });

  it('another account’s record is exactly the 404 of one that never existed, on every route', async () => {
    const alice = await account();
    const bob = await account();
    const alices = await tracked(NPM, alice.session);
    const alicesPlace = await addPlace(alices.id, GITHUB_REPO, alice.session);
    const bobs = await tracked(NPM, bob.session);
    const missing = '00000000-0000-4000-8000-000000000000';
    const aliceBefore = (await list(alice.session)).text;

    // Bob tracking the same vendor id makes his own record; he sees only his.
    expect(bobs.id).not.toBe(alices.id);
    expect((await list(bob.session)).body.map((t) => t.id)).toEqual([bobs.id]);

    const notFound = await patch(missing, { name: 'x' }, bob.session);
    expect(notFound.status).toBe(404);
    expect(notFound.body).toMatchObject({ code: 'tracked_token_not_found' });
    for (const response of [
      await patch(alices.id, { name: 'taken over' }, bob.session),
      await patch(alices.id, { externalId: 'moved' }, bob.session),
      await forget(alices.id, bob.session),
      await addPlace(alices.id, GITLAB_PROJECT, bob.session),
      await removePlace(alices.id, alicesPlace.body.id, bob.session),
      await forget(missing, bob.session),
      await addPlace(missing, GITLAB_PROJECT, bob.session),
      await removePlace(missing, alicesPlace.body.id, bob.session),
    ]) {
      expect(response.status).toBe(404);
      expect(response.body).toEqual(notFound.body);
    }
    // Alice's place id under Bob's own record: the same as a place that never existed.
    const noSuchPlace = await removePlace(bobs.id, missing, bob.session);
    expect(noSuchPlace.status).toBe(404);
    expect(noSuchPlace.body.code).toBe('destination_not_found');
    expect((await removePlace(bobs.id, alicesPlace.body.id, bob.session)).body).toEqual(
      noSuchPlace.body,
    );
    // …and under another of Alice's own records.
    const alicesOther = await tracked({ ...NPM, externalId: 'other' }, alice.session);
    expect((await removePlace(alicesOther.id, alicesPlace.body.id, alice.session)).body).toEqual(
      noSuchPlace.body,
    );
    await forget(alicesOther.id, alice.session);

    expect((await list(alice.session)).text).toBe(aliceBefore);
  });

  it('malformed ids: a plain 404, 414 for one longer than a path segment, 400 for a NUL', async () => {
    for (const id of ['%20%20', 'not-a-uuid', 'a..b', "'%20OR%201=1--", '%E2%80%AE']) {
      const response = await patch(id, { name: 'x' });
      expect(response.status, id).toBe(404);
      expect(response.body.code).toBe('tracked_token_not_found');
    }
    expect((await forget('x'.repeat(500))).status).toBe(414);
    const nul = await forget('a%00b');
    expect(nul.status).toBe(400);
    expect(nul.body.code).toBe('invalid_request');
  });
});

describe('the audit trail', () => {
  it('tracked_token.added on a new record only, tracked_token.removed with its places; places as destination.*', async () => {
    const { session: own } = await account();
    const token = await tracked(NPM, own);
    await track({ ...NPM, name: 'renamed' }, own);
    await patch(token.id, { externalId: 'rotated' }, own);
    const place = await addPlace(token.id, GITHUB_REPO, own);
    await addPlace(token.id, GITHUB_REPO, own);
    await addPlace(token.id, GITLAB_PROJECT, own);
    await removePlace(token.id, place.body.id, own);
    await forget(token.id, own);

    const events = await eventsOf(
      own,
      'tracked_token.added,tracked_token.removed,destination.added,destination.removed',
    );
    const tracked_ = { trackedTokenId: token.id, vendor: 'npm' };
    expect(events.map((e) => [e.kind, e.tokenId, e.tokenName, e.actor.kind, e.details])).toEqual([
      [
        'tracked_token.removed',
        null,
        'renamed',
        'session',
        { ...tracked_, host: NPM.host, name: 'renamed', places: 1 },
      ],
      [
        'destination.removed',
        null,
        'renamed',
        'session',
        {
          destinationId: place.body.id,
          provider: 'github',
          host: 'https://api.github.com',
          target: 'ada/app',
          name: 'NPM_TOKEN',
          ...tracked_,
        },
      ],
      [
        'destination.added',
        null,
        'renamed',
        'session',
        expect.objectContaining({ provider: 'gitlab', target: 'acme/app', ...tracked_ }),
      ],
      [
        'destination.added',
        null,
        'renamed',
        'session',
        expect.objectContaining({ destinationId: place.body.id, ...tracked_ }),
      ],
      [
        'tracked_token.added',
        null,
        NPM.name,
        'session',
        { ...tracked_, host: NPM.host, name: NPM.name },
      ],
    ]);
  });
});

describe('documentation and storage', () => {
  it('documents every route in OpenAPI as session-only', async () => {
    const spec = (await service.request('GET', '/v1/openapi.json')).body;
    const collection = spec.paths['/v1/users/me/tracked-tokens'];
    const record = spec.paths['/v1/users/me/tracked-tokens/{id}'];
    const placesPath = spec.paths['/v1/users/me/tracked-tokens/{id}/destinations'];
    const place = spec.paths['/v1/users/me/tracked-tokens/{id}/destinations/{destinationId}'];
    for (const operation of [
      collection.get,
      collection.put,
      record.patch,
      record.delete,
      placesPath.post,
      place.delete,
    ]) {
      expect(operation.responses['403'], operation.summary).toBeDefined();
      expect(operation.description, operation.summary).toMatch(/session_required/);
    }
    expect(collection.put.responses['201']).toBeDefined();
    expect(collection.put.responses['200']).toBeDefined();
    expect(collection.put.responses['409']).toBeDefined();
    expect(record.patch.responses['409']).toBeDefined();
    expect(collection.put.requestBody.content['application/json'].schema.additionalProperties).toBe(
      false,
    );
  });

  it('never stores a token: not the ones refused, not anywhere in the database files or the log', async () => {
    const token = await tracked({ ...NPM, externalId: 'stored-check' });
    await addPlace(token.id, GITLAB_PROJECT);
    const rows = await service.query('SELECT * FROM tracked_tokens');
    expect(rows.length).toBeGreaterThan(0);
    expect(Object.keys(rows[0] ?? {}).sort()).toEqual(
      [
        'created_at',
        'expires_at',
        'expiry_checked_at',
        'external_id',
        'host',
        'id',
        'name',
        'updated_at',
        'user_id',
        'vendor',
        ...(BACKEND === 'postgres' ? ['seq'] : []),
      ].sort(),
    );
    const log = service.logs.join('\n');
    for (const secret of secrets) expect(log).not.toContain(secret);
    if (BACKEND === 'postgres') {
      const tables = await postgresTablesText(service.dataDir);
      expect(tables).toContain(token.id);
      for (const secret of secrets) expect(tables).not.toContain(secret);
      return;
    }
    for (const file of readdirSync(service.dataDir)) {
      const bytes = readFileSync(join(service.dataDir, file)).toString('latin1');
      for (const secret of secrets) expect(bytes, file).not.toContain(secret);
    }
  });

  it.skipIf(BACKEND === 'postgres')(
    'upgrades a version-7 SQLite database: its accounts and sessions keep working and can track tokens',
    async () => {
      const at = '2026-05-30T08:15:42.123Z';
      // As a version-7 release left it (sqliteAtVersion's account row predates version 7).
      const dataDir = mkdtempSync(join(tmpdir(), 'token-service-v7-'));
      const db = new Database(join(dataDir, 'token-service.sqlite'));
      for (const migration of MIGRATIONS.slice(0, 7)) db.exec(migration);
      db.pragma('user_version = 7');
      db.prepare(
        `INSERT INTO users (id, email, name, password_hash, created_at) VALUES ('u1', ?, null, 'x', ?)`,
      ).run('v7@example.test', at);
      const sessionSecret = generateSecret('session');
      db.prepare(
        `INSERT INTO sessions (id, user_id, token_digest, created_at, expires_at)
         VALUES ('s1', 'u1', ?, ?, '2026-12-01T00:00:00.000Z')`,
      ).run(digestSecret(sessionSecret), at);
      db.close();
      const upgraded = await startService({ dataDir, clock: service.clock });
      try {
        const check = new Database(join(dataDir, 'token-service.sqlite'), { readonly: true });
        expect(check.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
        check.close();
        const created = await upgraded.request('PUT', BASE, { token: sessionSecret, body: NPM });
        expect(created.status, created.text).toBe(201);
        const listed = await upgraded.request('GET', BASE, { token: sessionSecret });
        expect(listed.body).toEqual([created.body]);
      } finally {
        await upgraded.stop();
        removeDir(dataDir);
      }
    },
  );
});
