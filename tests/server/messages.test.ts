/**
 * 401 messages are read by people (the Capawesome CLI prints them): they say what
 * happened, in words, with dates as "2026-06-01 12:01 UTC", never an ISO timestamp
 * with milliseconds. A token revoked by a rotation says so, and names its successor.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { digestSecret, generateSecret } from '../../src/server/auth/secrets.js';
import { MIGRATIONS } from '../../src/server/storage/database.js';
import { formatUtc, formatWait } from '../../src/server/human-time.js';
import {
  BACKEND,
  createToken,
  signUpAndIn,
  sqliteAtVersion,
  serviceForEachTest,
  type RunningService,
} from '../support/server/service-harness.js';

let service: RunningService | undefined;
const start = serviceForEachTest();

const DAY = 24 * 60 * 60 * 1000;
/** An ISO timestamp as toISOString writes it; no message may contain one. */
const ISO = /\d{4}-\d\d-\d\dT\d\d:\d\d/;

describe('401 messages for people', () => {
  it('says a rotated-away token was replaced by a rotation, when, and what the new one starts with', async () => {
    service = await start();
    const { session } = await signUpAndIn(service);
    const original = await createToken(service, session, 'deploy');
    service.clock.advance(61_234); // 12:01:01.234
    const rotated = await service.request('POST', `/v1/users/me/tokens/${original.id}/rotate`, {
      token: session,
    });
    const response = await service.request('GET', '/v1/users/me', { token: original.secret });
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('token_revoked');
    expect(response.body.message).toBe(
      `This API token ("deploy") was replaced by a rotation on 2026-06-01 12:01 UTC. ` +
        `Put the new token (it starts with ${rotated.body.prefix}) in your CI settings in place of this one.`,
    );
  });

  it('says when a revoked token was revoked', async () => {
    service = await start();
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session, 'old');
    service.clock.advance(2 * DAY + 61_234);
    await service.request('DELETE', `/v1/users/me/tokens/${token.id}`, { token: session });
    const response = await service.request('GET', '/v1/users/me', { token: token.secret });
    expect(response.body.message).toBe(
      'This API token was revoked on 2026-06-03 12:01 UTC. Create a new token and update the secret in your CI settings.',
    );
  });

  it('says when an expired token expired', async () => {
    service = await start();
    const { session } = await signUpAndIn(service);
    const expiresAt = new Date(service.clock.now() + 7 * DAY + 30_999).toISOString();
    const token = await createToken(service, session, 'short', expiresAt);
    service.clock.advance(8 * DAY);
    const response = await service.request('GET', '/v1/users/me', { token: token.secret });
    expect(response.body.code).toBe('token_expired');
    expect(response.body.message).toBe(
      'This API token expired on 2026-06-08 12:00 UTC. Create a new token and update the secret in your CI settings.',
    );
  });

  it('tells a signed-out session from an expired one', async () => {
    service = await start();
    const signedOut = await signUpAndIn(service);
    service.clock.advance(90_000);
    await service.request('DELETE', `/v1/sessions/${signedOut.sessionId}`, {
      token: signedOut.session,
    });
    const out = await service.request('GET', '/v1/users/me', { token: signedOut.session });
    expect(out.body.code).toBe('session_expired');
    expect(out.body.message).toBe(
      'This session was signed out on 2026-06-01 12:01 UTC. Sign in again.',
    );

    const expiring = await signUpAndIn(service);
    service.clock.advance(31 * DAY);
    const expired = await service.request('GET', '/v1/users/me', { token: expiring.session });
    expect(expired.body.code).toBe('session_expired');
    expect(expired.body.message).toBe(
      'Your session expired on 2026-07-01 12:01 UTC. Sign in again.',
    );
  });

  it('never puts an ISO timestamp in a message', async () => {
    service = await start({ authFailureLimit: { maxFailures: 1, windowMs: 60_000 } });
    const { session } = await signUpAndIn(service);
    const a = await createToken(service, session, 'a');
    const b = await createToken(
      service,
      session,
      'b',
      new Date(service.clock.now() + DAY).toISOString(),
    );
    await service.request('DELETE', `/v1/users/me/tokens/${a.id}`, { token: session });
    service.clock.advance(2 * DAY);
    const unknown = generateSecret('api_token');
    const messages = [];
    for (const token of [a.secret, b.secret, unknown, unknown]) {
      messages.push(
        (await service.request('GET', '/v1/users/me', { token })).body.message as string,
      );
    }
    for (const message of messages) expect(message).not.toMatch(ISO);
  });

  it('formats one way everywhere', () => {
    expect(formatUtc('2026-11-28T09:31:32.661Z')).toBe('2026-11-28 09:31 UTC');
    expect(formatUtc(Date.parse('2026-01-02T03:04:59.999Z'))).toBe('2026-01-02 03:04 UTC');
    expect(formatWait(1)).toBe('1 second');
    expect(formatWait(60)).toBe('60 seconds');
    expect(formatWait(89)).toBe('89 seconds');
    expect(formatWait(90)).toBe('2 minutes');
    expect(formatWait(900)).toBe('15 minutes');
    expect(formatWait(3600)).toBe('60 minutes');
    expect(formatWait(7200)).toBe('2 hours');
  });
});

describe('the schema migration that records why a token was revoked', () => {
  // A SQLite file from an older release; PostgreSQL's schema starts at SQLite's version 6.
  it.skipIf(BACKEND === 'postgres')(
    'upgrades a version-1 database: earlier rotations and revocations get their own messages',
    async () => {
      const at = '2026-05-30T08:15:42.123Z';
      const { dataDir, db } = sqliteAtVersion(1, 'v1@example.test', at);
      const insert = db.prepare(
        `INSERT INTO api_tokens (id, user_id, name, prefix, token_digest, created_at, revoked_at, replaced_by_id)
       VALUES (?, 'u1', ?, ?, ?, ?, ?, ?)`,
      );
      const [live, rotatedAway, revoked] = [1, 2, 3].map(() => generateSecret('api_token'));
      insert.run('t-new', 'deploy', live!.slice(0, 7), digestSecret(live!), at, null, null);
      insert.run(
        't-old',
        'deploy',
        rotatedAway!.slice(0, 7),
        digestSecret(rotatedAway!),
        at,
        at,
        't-new',
      );
      insert.run('t-gone', 'gone', revoked!.slice(0, 7), digestSecret(revoked!), at, at, null);
      db.close();

      service = await start({ dataDir });
      const check = new Database(join(dataDir, 'token-service.sqlite'), { readonly: true });
      expect(check.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      check.close();

      const old = await service.request('GET', '/v1/users/me', { token: rotatedAway });
      expect(old.body.message).toBe(
        `This API token ("deploy") was replaced by a rotation on 2026-05-30 08:15 UTC. ` +
          `Put the new token (it starts with ${live!.slice(0, 7)}) in your CI settings in place of this one.`,
      );
      const gone = await service.request('GET', '/v1/users/me', { token: revoked });
      expect(gone.body.message).toBe(
        'This API token was revoked on 2026-05-30 08:15 UTC. Create a new token and update the secret in your CI settings.',
      );
      expect((await service.request('GET', '/v1/users/me', { token: live })).status).toBe(200);
    },
  );
});
