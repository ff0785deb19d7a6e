/**
 * The longest host every layer agrees on (URL_MAX_LENGTH) gets the same answer on SQLite
 * and PostgreSQL, for a token's places and for tracked tokens and their places: a host up
 * to the limit is recorded and found again; a host whose stored form would pass it is a
 * 400 in words on both. PostgreSQL's B-tree entries hold about 2.7 kB and compress what
 * repeats, so the hosts here are made of random letters: a repeated one would compress
 * below the bound and prove nothing.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSTGRES_MIGRATIONS } from '../../src/server/storage/postgres-schema.js';
import { URL_MAX_LENGTH } from '../../src/shared/limits.js';
import {
  BACKEND,
  createToken,
  queryStorage,
  removeDir,
  signUpAndIn,
  startService,
  type RunningService,
} from '../support/server/service-harness.js';

let service: RunningService;

beforeAll(async () => {
  service = await startService({ signUpLimit: { maxFailures: 1000, windowMs: 60_000 } });
});
afterAll(async () => {
  await service.stop();
  removeDir(service.dataDir);
});

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** `length` random lower-case letters and digits. */
function randomLetters(length: number): string {
  return Array.from(randomBytes(length), (byte) => ALPHABET[byte % ALPHABET.length]).join('');
}
/** An https origin of exactly `length` characters, in labels of at most 63 random letters. */
function longOrigin(length: number): string {
  const prefix = 'https://';
  const suffix = '.example';
  let name = '';
  while (name.length < length - prefix.length - suffix.length) {
    const room = length - prefix.length - suffix.length - name.length;
    const label = randomLetters(Math.min(63, room - (name ? 1 : 0)));
    name += name ? `.${label}` : label;
  }
  const origin = `${prefix}${name}${suffix}`;
  expect(origin).toHaveLength(length);
  return origin;
}
/**
 * An https origin shorter than URL_MAX_LENGTH as typed, whose stored form (the host in
 * punycode, as every URL parser writes it) is about three times longer.
 */
function expandingOrigin(): string {
  const label = Array.from({ length: 60 }, (_, i) =>
    String.fromCodePoint(0x4e00 + ((i * 7919) % 20000)),
  ).join('');
  const origin = `https://${Array.from({ length: 30 }, () => label).join('.')}.example`;
  expect(origin.length).toBeLessThan(URL_MAX_LENGTH);
  expect(new URL(origin).origin.length).toBeGreaterThan(URL_MAX_LENGTH);
  return origin;
}

/** A GitLab place with the longest path and scope, so host, target and name fill the row. */
function gitlabPlace(host: string) {
  const segment = () => randomLetters(48);
  return {
    provider: 'gitlab',
    host,
    target: {
      kind: 'project',
      path: Array.from({ length: 20 }, segment).join('/'),
      environmentScope: randomLetters(255),
    },
    name: `T${randomLetters(254)}`.toUpperCase(),
  };
}

describe("a token's places", () => {
  it('records a place whose host is URL_MAX_LENGTH characters, finds it again, and rotates it', async () => {
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session, 'long host');
    const place = gitlabPlace(longOrigin(URL_MAX_LENGTH));
    const path = `/v1/users/me/tokens/${token.id}/destinations`;

    const first = await service.request('POST', path, { token: session, body: place });
    expect(first.status, first.text).toBe(201);
    // The same place again is the same row (the upsert found it), not a second one.
    const again = await service.request('POST', path, { token: session, body: place });
    expect(again.status, again.text).toBe(200);
    const listed = await service.request<Array<{ host: string }>>('GET', path, { token: session });
    expect(listed.body.map((row) => row.host)).toEqual([place.host]);

    // A rotation copies the place onto the replacement, through the same index.
    const rotated = await service.request<{ id: string }>(
      'POST',
      `/v1/users/me/tokens/${token.id}/rotate`,
      { token: session, body: { gracePeriodSeconds: 60 } },
    );
    expect(rotated.status, rotated.text).toBe(201);
    const copied = await service.request<Array<{ host: string }>>(
      'GET',
      `/v1/users/me/tokens/${rotated.body.id}/destinations`,
      { token: session },
    );
    expect(copied.body.map((row) => row.host)).toEqual([place.host]);
  });

  it('refuses, in words, a host whose stored form would pass URL_MAX_LENGTH', async () => {
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session, 'expanding host');
    const path = `/v1/users/me/tokens/${token.id}/destinations`;
    const refused = await service.request<{ code: string; message: string }>('POST', path, {
      token: session,
      body: gitlabPlace(expandingOrigin()),
    });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('invalid_destination');
    expect(refused.body.message).toMatch(
      new RegExp(`"host".*at most ${URL_MAX_LENGTH} characters`),
    );
    const listed = await service.request<unknown[]>('GET', path, { token: session });
    expect(listed.body).toEqual([]);
  });
});

describe('tracked tokens', () => {
  const BASE = '/v1/users/me/tracked-tokens';

  it('tracks a token at a URL_MAX_LENGTH host with the longest id, and records a long place on it', async () => {
    const { session } = await signUpAndIn(service);
    const record = {
      vendor: 'cloudflare',
      host: longOrigin(URL_MAX_LENGTH),
      externalId: randomLetters(256),
      name: 'deploy',
    };
    const created = await service.request<{ id: string }>('PUT', BASE, {
      token: session,
      body: record,
    });
    expect(created.status, created.text).toBe(201);
    const again = await service.request<{ id: string }>('PUT', BASE, {
      token: session,
      body: record,
    });
    expect(again.status, again.text).toBe(200);
    expect(again.body.id).toBe(created.body.id);

    const place = gitlabPlace(longOrigin(URL_MAX_LENGTH));
    const placed = await service.request('POST', `${BASE}/${created.body.id}/destinations`, {
      token: session,
      body: place,
    });
    expect(placed.status, placed.text).toBe(201);
    const placedAgain = await service.request('POST', `${BASE}/${created.body.id}/destinations`, {
      token: session,
      body: place,
    });
    expect(placedAgain.status, placedAgain.text).toBe(200);

    const filtered = await service.request<Array<{ places: unknown[] }>>(
      'GET',
      `${BASE}?host=${encodeURIComponent(record.host)}`,
      { token: session },
    );
    expect(filtered.status, filtered.text).toBe(200);
    expect(filtered.body).toHaveLength(1);
    expect(filtered.body[0]?.places).toHaveLength(1);
  });

  it('refuses, in words, a vendor host or a place host whose stored form would pass URL_MAX_LENGTH', async () => {
    const { session } = await signUpAndIn(service);
    const refused = await service.request<{ code: string; message: string }>('PUT', BASE, {
      token: session,
      body: { vendor: 'npm', host: expandingOrigin(), externalId: 'abc', name: 'publish' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(
      new RegExp(`"host".*at most ${URL_MAX_LENGTH} characters`),
    );

    const created = await service.request<{ id: string }>('PUT', BASE, {
      token: session,
      body: { vendor: 'npm', host: 'https://registry.npmjs.org', externalId: 'abc', name: 'x' },
    });
    expect(created.status, created.text).toBe(201);
    const place = await service.request<{ code: string; message: string }>(
      'POST',
      `${BASE}/${created.body.id}/destinations`,
      { token: session, body: gitlabPlace(expandingOrigin()) },
    );
    expect(place.status).toBe(400);
    expect(place.body.message).toMatch(new RegExp(`"host".*at most ${URL_MAX_LENGTH} characters`));
    const listed = await service.request<Array<{ places: unknown[] }>>('GET', BASE, {
      token: session,
    });
    expect(listed.body.map((row) => row.places)).toEqual([[]]);
  });
});

describe('upgrading', () => {
  it.skipIf(BACKEND !== 'postgres')(
    "PostgreSQL version 3 keeps a token's places and then takes a URL_MAX_LENGTH host",
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'token-service-pg-v3-'));
      let first: RunningService | undefined = await startService({ dataDir });
      let upgraded: RunningService | undefined;
      try {
        const { session } = await signUpAndIn(first);
        const token = await createToken(first, session, 'before the upgrade');
        const path = `/v1/users/me/tokens/${token.id}/destinations`;
        const short = gitlabPlace('https://gitlab.example.com');
        expect((await first.request('POST', path, { token: session, body: short })).status).toBe(
          201,
        );
        await first.stop();
        first = undefined;
        // Version 3's index as it shipped, and its version number.
        await queryStorage(dataDir, 'DROP INDEX token_destinations_place');
        await queryStorage(
          dataDir,
          `CREATE UNIQUE INDEX token_destinations_place
             ON token_destinations(token_id, provider, host, target, name)`,
        );
        await queryStorage(dataDir, 'UPDATE token_desk_schema SET version = 3');

        upgraded = await startService({ dataDir });
        expect(await upgraded.query('SELECT version FROM token_desk_schema')).toEqual([
          { version: POSTGRES_MIGRATIONS.length },
        ]);
        // The session outlives the restart: it is in the database.
        const again = session;
        expect((await upgraded.request('POST', path, { token: again, body: short })).status).toBe(
          200,
        );
        const long = gitlabPlace(longOrigin(URL_MAX_LENGTH));
        const added = await upgraded.request('POST', path, { token: again, body: long });
        expect(added.status, added.text).toBe(201);
        const listed = await upgraded.request<Array<{ host: string }>>('GET', path, {
          token: again,
        });
        expect(listed.body.map((row) => row.host)).toEqual([short.host, long.host]);
      } finally {
        await first?.stop();
        await upgraded?.stop();
        removeDir(dataDir);
      }
    },
  );
});
