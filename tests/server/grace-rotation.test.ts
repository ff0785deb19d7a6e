/**
 * Rotation with a grace period: the replacement is issued and inherits the
 * old token's destinations; the old token keeps working until graceEndsAt (the
 * injected clock decides, to the millisecond), is listed as replaced meanwhile, can be
 * revoked early, and is revoked from that instant on.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { digestSecret, generateSecret } from '../../src/server/auth/secrets.js';
import { formatUtc } from '../../src/server/human-time.js';
import { MIGRATIONS } from '../../src/server/storage/database.js';
import { POSTGRES_MIGRATIONS } from '../../src/server/storage/postgres-schema.js';
import { MAX_GRACE_PERIOD_SECONDS } from '../../src/shared/ci-destinations.js';
import {
  BACKEND,
  createToken,
  removeDir,
  signUpAndIn,
  sqliteAtVersion,
  startService,
  type RunningService,
} from '../support/server/service-harness.js';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
let service: RunningService;

beforeAll(async () => {
  // Many fresh accounts, one per case, all from 127.0.0.1.
  service = await startService({ signUpLimit: { maxFailures: 1000, windowMs: 60_000 } });
});
afterAll(async () => {
  await service.stop();
  removeDir(service.dataDir);
});

const GITHUB_REPO = {
  provider: 'github',
  host: 'https://api.github.com',
  target: { kind: 'repository', owner: 'ada', repo: 'app' },
  name: 'CAPAWESOME_TOKEN',
};
const GITLAB_PROJECT = {
  provider: 'gitlab',
  host: 'https://gitlab.com',
  target: { kind: 'project', path: 'acme/app', environmentScope: 'production' },
  name: 'CAPAWESOME_TOKEN',
};

const rotate = (session: string, id: string, body?: unknown) =>
  service.request('POST', `/v1/users/me/tokens/${id}/rotate`, {
    token: session,
    ...(body === undefined ? {} : { body }),
  });
const me = (secret: string) => service.request('GET', '/v1/users/me', { token: secret });
const tokens = async (session: string) =>
  (await service.request('GET', '/v1/users/me/tokens', { token: session })).body as Array<
    Record<string, unknown>
  >;

describe('the grace period: bounds', () => {
  it.each([
    ['-1', -1],
    ['604801 (7 days and a second)', MAX_GRACE_PERIOD_SECONDS + 1],
    ['1.5', 1.5],
    ['the string "60"', '60'],
    ['null', null],
    ['1e21', 1e21],
    ['Number.MAX_VALUE', Number.MAX_VALUE],
    ['true', true],
    ['an array', [60]],
    ['an object', { seconds: 60 }],
  ])('refuses %s: 400 invalid_grace_period, nothing rotated', async (_label, value) => {
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session, 'bounds');
    const before = await tokens(session);
    const response = await rotate(session, token.id, { gracePeriodSeconds: value });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ statusCode: 400, code: 'invalid_grace_period' });
    expect(response.body.message).toBe(
      'gracePeriodSeconds must be a whole number of seconds from 0 to 604800 (7 days); 0 revokes the old token at once.',
    );
    expect(await tokens(session)).toEqual(before);
    expect((await me(token.secret)).status).toBe(200);
  });

  it.each([
    ['a number too large for JSON doubles (1e400)', '{"gracePeriodSeconds":1e400}'],
    ['a huge integer literal', `{"gracePeriodSeconds":${'9'.repeat(400)}}`],
    ['-0.5', '{"gracePeriodSeconds":-0.5}'],
  ])('refuses %s written as raw JSON', async (_label, raw) => {
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session, 'raw');
    const response = await service.request('POST', `/v1/users/me/tokens/${token.id}/rotate`, {
      token: session,
      rawBody: raw,
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('invalid_grace_period');
    expect((await me(token.secret)).status).toBe(200);
  });

  it('refuses unknown fields and a non-object body as any route does', async () => {
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session, 'shape');
    const unknown = await rotate(session, token.id, { gracePeriod: 60 });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: 'invalid_request' });
    expect(unknown.body.message).toBe('The field "gracePeriod" is not recognised.');
    const nullBody = await service.request('POST', `/v1/users/me/tokens/${token.id}/rotate`, {
      token: session,
      rawBody: 'null',
      headers: { 'content-type': 'application/json' },
    });
    expect(nullBody.status).toBe(400);
    expect(nullBody.body.code).toBe('invalid_request');
    expect((await me(token.secret)).status).toBe(200);
  });

  it.each([
    ['no body', undefined],
    ['{}', {}],
    ['gracePeriodSeconds 0', { gracePeriodSeconds: 0 }],
  ])('%s: the old token is revoked in the same step, as before', async (_label, body) => {
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session, 'now');
    const rotated = await rotate(session, token.id, body);
    expect(rotated.status).toBe(201);
    expect(rotated.headers.get('cache-control')).toBe('no-store');
    expect(rotated.body.previous).toEqual({ id: token.id, graceEndsAt: null });
    const old = await me(token.secret);
    expect(old.status).toBe(401);
    expect(old.body.code).toBe('token_revoked');
    expect(old.body.message).toMatch(/replaced by a rotation/);
    expect((await tokens(session)).map((t) => t.id)).toEqual([rotated.body.id]);
  });

  it('accepts exactly 604800 seconds (7 days)', async () => {
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session, 'week');
    const rotated = await rotate(session, token.id, {
      gracePeriodSeconds: MAX_GRACE_PERIOD_SECONDS,
    });
    expect(rotated.status).toBe(201);
    expect(rotated.body.previous).toEqual({
      id: token.id,
      graceEndsAt: new Date(service.clock.now() + 7 * DAY).toISOString(),
    });
  });
});

describe('the grace period: the old token', () => {
  it('works until graceEndsAt (to the millisecond), is listed as replaced, then is revoked', async () => {
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session, 'deploy');
    // The list is newest first by creation time; the clock is frozen otherwise.
    service.clock.advance(1000);
    const start = service.clock.now();
    const rotated = await rotate(session, token.id, { gracePeriodSeconds: 3600 });
    expect(rotated.status).toBe(201);
    const graceEndsAt = new Date(start + HOUR).toISOString();
    expect(rotated.body).toMatchObject({
      name: 'deploy',
      replacedById: null,
      graceEndsAt: null,
      destinationCount: 0,
      previous: { id: token.id, graceEndsAt },
    });
    expect(rotated.body.secret).toMatch(/^ca_/);

    const listed = await tokens(session);
    expect(listed.map((t) => t.id)).toEqual([rotated.body.id, token.id]);
    expect(listed[1]).toMatchObject({ replacedById: rotated.body.id, graceEndsAt });
    expect(listed[0]).toMatchObject({ replacedById: null, graceEndsAt: null });

    service.clock.advance(HOUR - 1);
    expect((await me(token.secret)).status).toBe(200);
    expect((await me(rotated.body.secret)).status).toBe(200);
    expect((await tokens(session)).map((t) => t.id)).toContain(token.id);

    service.clock.advance(1);
    const ended = await me(token.secret);
    expect(ended.status).toBe(401);
    expect(ended.headers.get('www-authenticate')).toBe('Bearer');
    expect(ended.body.code).toBe('token_revoked');
    expect(ended.body.message).toBe(
      `This API token ("deploy") was replaced by a rotation on ${formatUtc(graceEndsAt)}. ` +
        `Put the new token (it starts with ${rotated.body.prefix}) in your CI settings in place of this one.`,
    );
    expect((await tokens(session)).map((t) => t.id)).toEqual([rotated.body.id]);
    expect((await me(rotated.body.secret)).status).toBe(200);
    // Treated exactly as revoked: no second revoke, no rotation, no destinations.
    for (const response of [
      await service.request('DELETE', `/v1/users/me/tokens/${token.id}`, { token: session }),
      await rotate(session, token.id, { gracePeriodSeconds: 60 }),
      await service.request('GET', `/v1/users/me/tokens/${token.id}/destinations`, {
        token: session,
      }),
    ]) {
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('token_not_found');
    }
    // The next write wrote the end down, so the row left the token list's index.
    expect(
      await service.query('SELECT revoked_at, revoked_reason FROM api_tokens WHERE id = ?', [
        token.id,
      ]),
    ).toEqual([{ revoked_at: graceEndsAt, revoked_reason: 'rotated' }]);
  });

  it('can be revoked early: 401 at once, still "replaced by a rotation", reason kept', async () => {
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session, 'early');
    const rotated = await rotate(session, token.id, { gracePeriodSeconds: 600 });
    service.clock.advance(60_000);
    const revoked = await service.request('DELETE', `/v1/users/me/tokens/${token.id}`, {
      token: session,
    });
    expect(revoked.status).toBe(204);
    const old = await me(token.secret);
    expect(old.status).toBe(401);
    expect(old.body.message).toBe(
      `This API token ("early") was replaced by a rotation on ${formatUtc(service.clock.now())}. ` +
        `Put the new token (it starts with ${rotated.body.prefix}) in your CI settings in place of this one.`,
    );
    expect((await tokens(session)).map((t) => t.id)).toEqual([rotated.body.id]);
    const rows = await service.query(
      'SELECT revoked_reason, revoked_at FROM api_tokens WHERE id = ?',
      [token.id],
    );
    expect(rows).toEqual([
      { revoked_reason: 'rotated', revoked_at: new Date(service.clock.now()).toISOString() },
    ]);
  });

  it('ends with its replacement: revoking the new token revokes the old one still in grace', async () => {
    // Found by the security review: after "revoke" on the new token, the old (perhaps
    // leaked) one kept working for the rest of its grace, up to a week.
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session, 'leaked');
    const rotated = await rotate(session, token.id, { gracePeriodSeconds: 3600 });
    expect((await me(token.secret)).status).toBe(200);
    service.clock.advance(60_000);
    const revoked = await service.request('DELETE', `/v1/users/me/tokens/${rotated.body.id}`, {
      token: session,
    });
    expect(revoked.status).toBe(204);
    const old = await me(token.secret);
    expect(old.status).toBe(401);
    expect(old.body.code).toBe('token_revoked');
    // It must not point people at the replacement that was just revoked.
    expect(old.body.message).not.toContain(String(rotated.body.prefix));
    expect(await tokens(session)).toEqual([]);
    const events = await service.request('GET', `/v1/users/me/events?tokenId=${token.id}`, {
      token: session,
    });
    expect(
      (events.body.events as Array<{ kind: string; details: { reason?: string } }>).find(
        (event) => event.kind === 'token.revoked',
      )?.details.reason,
    ).toBe('grace_ended');
  });

  it('ends with the newest of a chain: G → G1 → G2 with grace, revoking G2 ends G1 and G too', async () => {
    // Once, only the direct predecessor's grace ended, so G kept working up to a week.
    const { session } = await signUpAndIn(service);
    const g = await createToken(service, session, 'chain');
    service.clock.advance(1000);
    const g1 = (await rotate(session, g.id, { gracePeriodSeconds: 7 * 24 * 3600 })).body;
    service.clock.advance(1000);
    const g2 = (await rotate(session, g1.id, { gracePeriodSeconds: 3600 })).body;
    for (const secret of [g.secret, g1.secret, g2.secret]) {
      expect((await me(secret)).status).toBe(200);
    }
    service.clock.advance(60_000);
    const revoked = await service.request('DELETE', `/v1/users/me/tokens/${g2.id}`, {
      token: session,
    });
    expect(revoked.status).toBe(204);
    for (const [secret, label] of [
      [g.secret, 'G'],
      [g1.secret, 'G1'],
      [g2.secret, 'G2'],
    ] as const) {
      const response = await me(secret);
      expect([label, response.status, response.body.code]).toEqual([label, 401, 'token_revoked']);
      // None points people at a replacement that is gone.
      expect(response.body.message).toMatch(/^This API token was revoked on /);
    }
    expect(await tokens(session)).toEqual([]);
    const ended = await service.query<{ id: string; revoked_at: string }>(
      'SELECT id, revoked_at FROM api_tokens WHERE id IN (?, ?) ORDER BY created_at',
      [g.id, g1.id],
    );
    const now = new Date(service.clock.now()).toISOString();
    expect(ended).toEqual([
      { id: g.id, revoked_at: now },
      { id: g1.id, revoked_at: now },
    ]);
    const events = await service.request('GET', '/v1/users/me/events?kind=token.revoked', {
      token: session,
    });
    expect(
      (events.body.events as Array<{ tokenId: string; details: { reason?: string } }>)
        .map((event) => [event.tokenId, event.details.reason])
        .sort(),
    ).toEqual(
      [
        [g2.id, 'revoked'],
        [g1.id, 'grace_ended'],
        [g.id, 'grace_ended'],
      ].sort(),
    );
  });

  it('ends the oldest grace even when the middle one has already ended on its own', async () => {
    // G → G1 with 7 days, G1 → G2 with 60 s: G1's grace is over, G's is not.
    const { session } = await signUpAndIn(service);
    const g = await createToken(service, session, 'long-grace');
    service.clock.advance(1000);
    const g1 = (await rotate(session, g.id, { gracePeriodSeconds: 7 * 24 * 3600 })).body;
    service.clock.advance(1000);
    const g2 = (await rotate(session, g1.id, { gracePeriodSeconds: 60 })).body;
    service.clock.advance(120_000);
    expect((await me(g1.secret)).status).toBe(401);
    expect((await me(g.secret)).status).toBe(200);
    await service.request('DELETE', `/v1/users/me/tokens/${g2.id}`, { token: session });
    expect((await me(g.secret)).status).toBe(401);
    expect(await tokens(session)).toEqual([]);
  });

  it('revoking the middle of a chain ends it and every older grace, and leaves the newest live', async () => {
    const { session } = await signUpAndIn(service);
    const g = await createToken(service, session, 'middle');
    service.clock.advance(1000);
    const g1 = (await rotate(session, g.id, { gracePeriodSeconds: 3600 })).body;
    service.clock.advance(1000);
    const g2 = (await rotate(session, g1.id, { gracePeriodSeconds: 3600 })).body;
    const revoked = await service.request('DELETE', `/v1/users/me/tokens/${g1.id}`, {
      token: session,
    });
    expect(revoked.status).toBe(204);
    expect((await me(g.secret)).status).toBe(401);
    expect((await me(g1.secret)).status).toBe(401);
    expect((await me(g2.secret)).status).toBe(200);
    expect((await tokens(session)).map((t) => t.id)).toEqual([g2.id]);
  });

  it('cannot be rotated again while its grace runs (409 token_replaced); its replacement can', async () => {
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session, 'twice');
    service.clock.advance(1000);
    const first = await rotate(session, token.id, { gracePeriodSeconds: 3600 });
    const before = await tokens(session);
    const again = await rotate(session, token.id, { gracePeriodSeconds: 3600 });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('token_replaced');
    expect(again.body.message).toBe(
      `This token was already replaced by a rotation; it keeps working until ${formatUtc(first.body.previous.graceEndsAt)}. Rotate its replacement instead, or revoke this one now.`,
    );
    expect(await tokens(session)).toEqual(before);
    const noGrace = await rotate(session, token.id);
    expect(noGrace.status).toBe(409);
    service.clock.advance(1000);
    const next = await rotate(session, first.body.id, { gracePeriodSeconds: 60 });
    expect(next.status).toBe(201);
    expect((await tokens(session)).map((t) => t.id)).toEqual([
      next.body.id,
      first.body.id,
      token.id,
    ]);
  });

  it('never outlives its own expiry: graceEndsAt is capped there, and an expired one is revoked now', async () => {
    const { session } = await signUpAndIn(service);
    const expiresAt = new Date(service.clock.now() + DAY).toISOString();
    const soon = await createToken(service, session, 'soon', expiresAt);
    service.clock.advance(DAY - HOUR);
    const rotated = await rotate(session, soon.id, {
      gracePeriodSeconds: MAX_GRACE_PERIOD_SECONDS,
    });
    expect(rotated.body.previous.graceEndsAt).toBe(expiresAt);

    const short = await createToken(
      service,
      session,
      'short',
      new Date(service.clock.now() + DAY).toISOString(),
    );
    service.clock.advance(DAY);
    const late = await rotate(session, short.id, { gracePeriodSeconds: 3600 });
    expect(late.status).toBe(201);
    expect(late.body.previous.graceEndsAt).toBeNull();
    expect((await me(short.secret)).body.code).toBe('token_revoked');
  });

  it('documents the optional body and the 409 in OpenAPI', async () => {
    const spec = (await service.request('GET', '/v1/openapi.json')).body;
    const operation = spec.paths['/v1/users/me/tokens/{id}/rotate'].post;
    expect(operation.requestBody.required).toBe(false);
    expect(operation['x-optional-body']).toBeUndefined();
    expect(
      operation.requestBody.content['application/json'].schema.properties.gracePeriodSeconds,
    ).toMatchObject({ type: 'integer', minimum: 0, maximum: MAX_GRACE_PERIOD_SECONDS });
    expect(operation.responses['409']).toBeDefined();
    expect(
      operation.responses['201'].content['application/json'].schema.properties.previous,
    ).toBeDefined();
    // Every other body stays required.
    expect(spec.paths['/v1/users/me/tokens'].post.requestBody.required).toBe(true);
    expect(spec.paths['/v1/users/me/tokens/{id}/destinations'].post.requestBody.required).toBe(
      true,
    );
  });

  it('a rotation needs a session, with or without a grace period', async () => {
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session, 'self');
    const response = await rotate(token.secret, token.id, { gracePeriodSeconds: 60 });
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('session_required');
    expect((await me(token.secret)).status).toBe(200);
  });

  it('another user gets the same 404 as a missing token, with a grace period too', async () => {
    const alice = await signUpAndIn(service);
    const bob = await signUpAndIn(service);
    const alices = await createToken(service, alice.session, 'alice');
    const missing = await rotate(bob.session, '00000000-0000-4000-8000-000000000000', {
      gracePeriodSeconds: 60,
    });
    const foreign = await rotate(bob.session, alices.id, { gracePeriodSeconds: 60 });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(missing.body);
    expect((await me(alices.secret)).status).toBe(200);
  });
});

describe('the grace period: destinations', () => {
  it('the replacement inherits every destination with its push times; the old one keeps its own', async () => {
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session, 'places');
    const path = (id: string) => `/v1/users/me/tokens/${id}/destinations`;
    const a = await service.request('POST', path(token.id), {
      token: session,
      body: GITHUB_REPO,
    });
    service.clock.advance(HOUR);
    const b = await service.request('POST', path(token.id), {
      token: session,
      body: GITLAB_PROJECT,
    });
    service.clock.advance(HOUR);
    const rotated = await rotate(session, token.id, { gracePeriodSeconds: 3600 });
    expect(rotated.body.destinationCount).toBe(2);

    const inherited = await service.request('GET', path(rotated.body.id), { token: session });
    const own = await service.request('GET', path(token.id), { token: session });
    const withoutId = ({ id: _id, ...rest }: { id: string }) => rest;
    expect(inherited.body.map(withoutId)).toEqual([a.body, b.body].map(withoutId));
    expect(own.body).toEqual([a.body, b.body]);
    for (const destination of inherited.body) {
      expect([a.body.id, b.body.id]).not.toContain(destination.id);
    }
    const listed = await tokens(session);
    expect(listed.map((t) => t.destinationCount)).toEqual([2, 2]);

    // The old token is being replaced: record pushes on the replacement.
    const onOld = await service.request('POST', path(token.id), {
      token: session,
      body: { ...GITHUB_REPO, name: 'OTHER' },
    });
    expect(onOld.status).toBe(409);
    expect(onOld.body.code).toBe('token_replaced');
    // The app's next step: the push to each place, recorded on the new token.
    service.clock.advance(60_000);
    const pushed = await service.request('POST', path(rotated.body.id), {
      token: session,
      body: GITHUB_REPO,
    });
    expect(pushed.status).toBe(200);
    expect(pushed.body).toMatchObject({
      firstPushedAt: a.body.firstPushedAt,
      lastPushedAt: new Date(service.clock.now()).toISOString(),
    });
    // Forgetting a place on the old token while its grace runs works too.
    const forget = await service.request('DELETE', `${path(token.id)}/${a.body.id}`, {
      token: session,
    });
    expect(forget.status).toBe(204);
  });

  it('a rotation without grace also hands the destinations over', async () => {
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session, 'handover');
    await service.request('POST', `/v1/users/me/tokens/${token.id}/destinations`, {
      token: session,
      body: GITLAB_PROJECT,
    });
    const rotated = await rotate(session, token.id);
    expect(rotated.body.destinationCount).toBe(1);
    const listed = await service.request(
      'GET',
      `/v1/users/me/tokens/${rotated.body.id}/destinations`,
      { token: session },
    );
    expect(listed.body).toEqual([expect.objectContaining(GITLAB_PROJECT)]);
  });
});

describe('the schema migrations for destinations and grace periods (versions 3 and 4)', () => {
  let upgraded: RunningService | undefined;
  afterEach(async () => {
    if (upgraded) {
      await upgraded.stop();
      removeDir(upgraded.dataDir);
      upgraded = undefined;
    }
  });

  // Upgrades a SQLite file written by an older release; PostgreSQL's schema starts at
  // SQLite's version 6, so there is no version-2 PostgreSQL database to upgrade.
  it.skipIf(BACKEND === 'postgres')(
    'upgrades a version-2 database: tokens keep working, list with the new fields, take destinations',
    async () => {
      const at = '2026-05-30T08:15:42.123Z';
      const { dataDir, db } = sqliteAtVersion(2, 'v2@example.test', at);
      const insert = db.prepare(
        `INSERT INTO api_tokens (id, user_id, name, prefix, token_digest, created_at, revoked_at, replaced_by_id, revoked_reason)
       VALUES (?, 'u1', ?, ?, ?, ?, ?, ?, ?)`,
      );
      const [live, rotatedAway] = [1, 2].map(() => generateSecret('api_token'));
      insert.run('t-new', 'deploy', live!.slice(0, 7), digestSecret(live!), at, null, null, null);
      insert.run(
        't-old',
        'deploy',
        rotatedAway!.slice(0, 7),
        digestSecret(rotatedAway!),
        at,
        at,
        't-new',
        'rotated',
      );
      db.close();

      upgraded = await startService({ dataDir });
      const check = new Database(join(dataDir, 'token-service.sqlite'), { readonly: true });
      expect(check.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      const indexes = check
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'token_destinations'",
        )
        .pluck()
        .all();
      check.close();
      expect(indexes).toContain('token_destinations_place');

      expect((await upgraded.request('GET', '/v1/users/me', { token: live })).status).toBe(200);
      expect(
        (await upgraded.request('GET', '/v1/users/me', { token: rotatedAway })).body.code,
      ).toBe('token_revoked');
      // Sign in to the migrated account is not possible (its hash is a stand-in): use a new
      // account for the HTTP side, and check the migrated row directly.
      const after = new Database(join(dataDir, 'token-service.sqlite'), { readonly: true });
      const row = after
        .prepare('SELECT grace_ends_at, revoked_reason FROM api_tokens WHERE id = ?')
        .get('t-new');
      after.close();
      expect(row).toEqual({ grace_ends_at: null, revoked_reason: null });

      const { session } = await signUpAndIn(upgraded);
      const token = await createToken(upgraded, session, 'fresh');
      const added = await upgraded.request('POST', `/v1/users/me/tokens/${token.id}/destinations`, {
        token: session,
        body: GITHUB_REPO,
      });
      expect(added.status).toBe(201);
      const list = await upgraded.request('GET', '/v1/users/me/tokens', { token: session });
      expect(list.body).toEqual([
        expect.objectContaining({
          id: token.id,
          destinationCount: 1,
          replacedById: null,
          graceEndsAt: null,
        }),
      ]);
    },
  );

  // SQLite files only, as above.
  it.skipIf(BACKEND === 'postgres')(
    'upgrades a version-3 database: destination counts are taken from the rows already there',
    async () => {
      const at = '2026-05-30T08:15:42.123Z';
      const { dataDir, db } = sqliteAtVersion(3, 'v3@example.test', at);
      const token = db.prepare(
        `INSERT INTO api_tokens (id, user_id, name, prefix, token_digest, created_at)
       VALUES (?, 'u1', 'n', 'ca_x', ?, ?)`,
      );
      token.run('t-two', digestSecret(generateSecret('api_token')), at);
      token.run('t-none', digestSecret(generateSecret('api_token')), at);
      const place = db.prepare(
        `INSERT INTO token_destinations VALUES (?, 't-two', 'gitlab', 'https://gitlab.com', ?, 'K', ?, ?)`,
      );
      place.run('d1', '{"kind":"group","path":"a","environmentScope":"*"}', at, at);
      place.run('d2', '{"kind":"group","path":"b","environmentScope":"*"}', at, at);
      db.close();

      upgraded = await startService({ dataDir });
      const check = new Database(join(dataDir, 'token-service.sqlite'));
      const counts = () =>
        check.prepare('SELECT id, destination_count FROM api_tokens ORDER BY id').all();
      expect(check.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      expect(counts()).toEqual([
        { id: 't-none', destination_count: 0 },
        { id: 't-two', destination_count: 2 },
      ]);
      // The triggers keep it from then on, whoever writes the rows.
      check.prepare("DELETE FROM token_destinations WHERE id = 'd1'").run();
      expect(counts()[1]).toEqual({ id: 't-two', destination_count: 1 });
      check.close();
    },
  );

  it('deleting a token row deletes its destinations (ON DELETE CASCADE)', async () => {
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session, 'cascade');
    await service.request('POST', `/v1/users/me/tokens/${token.id}/destinations`, {
      token: session,
      body: GITHUB_REPO,
    });
    expect(
      await service.query('SELECT count(*) AS n FROM token_destinations WHERE token_id = ?', [
        token.id,
      ]),
    ).toEqual([{ n: 1 }]);
    if (BACKEND === 'sqlite') {
      // SQLite enforces foreign keys per connection; the service's own has them on.
      const db = new Database(service.databaseFile);
      db.pragma('foreign_keys = ON');
      db.prepare('DELETE FROM api_tokens WHERE id = ?').run(token.id);
      db.close();
    } else {
      await service.query('DELETE FROM api_tokens WHERE id = ?', [token.id]);
    }
    expect(
      await service.query('SELECT count(*) AS n FROM token_destinations WHERE token_id = ?', [
        token.id,
      ]),
    ).toEqual([{ n: 0 }]);
  });

  it.runIf(BACKEND === 'postgres')(
    'records the PostgreSQL schema version, and a second service on the migrated schema sees the same tokens',
    async () => {
      expect(await service.query('SELECT version FROM token_desk_schema')).toEqual([
        { version: POSTGRES_MIGRATIONS.length },
      ]);
      const { session } = await signUpAndIn(service);
      const token = await createToken(service, session, 'shared');
      // Same data directory, so the same schema, already migrated: it starts, and it
      // authenticates what the first one issued.
      // (Not `upgraded`: its afterEach would remove the shared data directory.)
      const second = await startService({ dataDir: service.dataDir });
      try {
        expect(await second.query('SELECT version FROM token_desk_schema')).toEqual([
          { version: POSTGRES_MIGRATIONS.length },
        ]);
        const seen = await second.request('GET', '/v1/users/me/tokens', { token: session });
        expect(seen.status).toBe(200);
        expect(seen.body).toEqual([expect.objectContaining({ id: token.id, name: 'shared' })]);
        const me = await second.request('GET', '/v1/users/me', { token: token.secret });
        expect(me.status).toBe(200);
      } finally {
        await second.stop();
      }
    },
  );
});
