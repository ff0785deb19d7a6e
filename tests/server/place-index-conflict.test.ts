/**
 * Two places of one token that the place index cannot tell apart. On PostgreSQL that
 * index keys host and target by their md5 (schema 4), so two different places whose
 * digests collide would both pass the store's look-up by the columns themselves and the
 * second insert would break the index: an answer in words (409), never a 500, with the
 * first place kept and nothing of the second. A real md5 collision of a valid host or
 * target is not something a test can type, so the index is narrowed here to token,
 * provider and name: the very insert, refused by the very index, in either backend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage } from '../../src/server/storage/open-storage.js';
import { sql } from '../../src/server/storage/sql.js';
import {
  BACKEND,
  createToken,
  removeDir,
  signUpAndIn,
  startService,
  storageFor,
  type RunningService,
} from '../support/server/service-harness.js';

let service: RunningService;
let session: string;

beforeAll(async () => {
  service = await startService();
  session = (await signUpAndIn(service)).session;
  // Places that share token, provider and name now collide, as md5 digests could.
  const db = await openStorage(storageFor(service.dataDir));
  try {
    for (const [index, table, owner] of [
      ['token_destinations_place', 'token_destinations', 'token_id'],
      ['tracked_token_destinations_place', 'tracked_token_destinations', 'tracked_token_id'],
    ] as const) {
      await db.run(sql(`DROP INDEX ${index}`));
      await db.run(sql(`CREATE UNIQUE INDEX ${index} ON ${table}(${owner}, provider, name)`));
    }
  } finally {
    await db.close();
  }
});
afterAll(async () => {
  await service.stop();
  removeDir(service.dataDir);
});

const FIRST = {
  provider: 'github',
  host: 'https://api.github.com',
  target: { kind: 'repository', owner: 'ada', repo: 'app' },
  name: 'DEPLOY_TOKEN',
} as const;
const COLLIDING = {
  ...FIRST,
  target: { kind: 'repository', owner: 'ada', repo: 'other' },
} as const;

describe(`a place the index cannot tell from another of the token’s (${BACKEND})`, () => {
  it('our own token: 409 in words, the first place kept, nothing of the second', async () => {
    const token = await createToken(service, session, 'collide');
    const path = `/v1/users/me/tokens/${token.id}/destinations`;
    const first = await service.request('POST', path, { token: session, body: FIRST });
    expect(first.status).toBe(201);
    const second = await service.request('POST', path, { token: session, body: COLLIDING });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'destination_conflict' });
    expect((second.body as { message: string }).message).toMatch(/another place/);
    // The same place again is still an update, not a conflict.
    expect((await service.request('POST', path, { token: session, body: FIRST })).status).toBe(200);
    const listed = (await service.request('GET', path, { token: session })).body as Array<{
      target: unknown;
    }>;
    expect(listed.map((place) => place.target)).toEqual([FIRST.target]);
    // The service goes on answering.
    expect((await service.request('GET', '/v1/users/me/tokens', { token: session })).status).toBe(
      200,
    );
  });

  it('a tracked token: the same 409, the same words', async () => {
    const tracked = await service.request<{ id: string }>('PUT', '/v1/users/me/tracked-tokens', {
      token: session,
      body: { vendor: 'npm', host: 'https://registry.npmjs.org', externalId: 'abc123', name: 'ci' },
    });
    expect(tracked.status).toBe(201);
    const path = `/v1/users/me/tracked-tokens/${(tracked.body as { id: string }).id}/destinations`;
    expect((await service.request('POST', path, { token: session, body: FIRST })).status).toBe(201);
    const second = await service.request('POST', path, { token: session, body: COLLIDING });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'destination_conflict' });
    expect((second.body as { message: string }).message).toMatch(/another place/);
  });
});
