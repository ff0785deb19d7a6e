/**
 * Main's client for tracked vendor tokens: against the real service, every call does what
 * its route does and the service's refusals arrive as codes and sentences; against a
 * hostile one, ids stay inside their path segment and an answer that is not a tracked
 * token is refused without any of it reaching the error.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, ApiClientError } from '../../src/main/services/api-client.js';
import {
  removeDir,
  signUpAndIn,
  startService,
  type RunningService,
} from '../support/server/service-harness.js';

const api = new ApiClient({ fetch });
const NPM = {
  vendor: 'npm',
  host: 'https://registry.npmjs.org',
  externalId: 'a3f1c2',
  name: 'publish',
} as const;
const PLACE = {
  provider: 'github',
  host: 'https://api.github.com',
  target: { kind: 'repository', owner: 'ada', repo: 'app' },
  name: 'NPM_TOKEN',
} as const;

describe('against the real service', () => {
  let service: RunningService;
  let session: string;
  beforeAll(async () => {
    service = await startService();
    session = (await signUpAndIn(service)).session;
  });
  afterAll(async () => {
    await service.stop();
    removeDir(service.dataDir);
  });

  it('tracks, lists with filters, follows a rotation, records and forgets places, forgets', async () => {
    const url = service.baseUrl;
    const tracked = await api.trackToken(url, session, {
      ...NPM,
      expiresAt: '2027-01-31T12:00:00Z',
    });
    expect(tracked).toMatchObject({ ...NPM, expiresAt: '2027-01-31T12:00:00.000Z', places: [] });
    const local = await api.trackToken(url, session, {
      ...NPM,
      host: 'http://127.0.0.1:4873',
      externalId: 'local',
    });
    // The same token again is the same record.
    expect((await api.trackToken(url, session, { ...NPM, name: 'renamed' })).id).toBe(tracked.id);

    expect((await api.listTrackedTokens(url, session)).map((t) => t.id)).toEqual([
      tracked.id,
      local.id,
    ]);
    // The host goes as one query value, whatever it holds (its port's colon, its slashes).
    const byHost = await api.listTrackedTokens(url, session, { host: 'http://127.0.0.1:4873' });
    expect(byHost.map((t) => t.id)).toEqual([local.id]);
    expect(await api.listTrackedTokens(url, session, { vendor: 'cloudflare' })).toEqual([]);

    const place = await api.addTrackedDestination(url, session, tracked.id, PLACE);
    expect(place).toMatchObject(PLACE);
    const rotated = await api.updateTrackedToken(url, session, tracked.id, { externalId: 'b4e2' });
    expect(rotated).toMatchObject({ id: tracked.id, externalId: 'b4e2', places: [place] });

    await api.removeTrackedDestination(url, session, tracked.id, place.id);
    await api.forgetTrackedToken(url, session, local.id);
    expect(await api.listTrackedTokens(url, session)).toEqual([
      { ...rotated, name: 'renamed', places: [], updatedAt: expect.any(String) },
    ]);
  });

  it("passes the service's refusals on as their codes and sentences", async () => {
    const url = service.baseUrl;
    await expect(
      api.trackToken(url, session, { ...NPM, name: `npm_${'x1Y2'.repeat(9)}` }),
    ).rejects.toMatchObject({
      code: 'invalid_tracked_token',
      status: 400,
      message: expect.stringMatching(/"name" looks like a token/),
    });
    await expect(
      api.updateTrackedToken(url, session, 'no-such-id', { name: 'x' }),
    ).rejects.toMatchObject({ code: 'tracked_token_not_found', status: 404 });
    await expect(api.forgetTrackedToken(url, session, 'no-such-id')).rejects.toMatchObject({
      code: 'tracked_token_not_found',
    });
    await expect(
      api.listTrackedTokens(url, session, { host: 'http://example.com' }),
    ).rejects.toMatchObject({ code: 'invalid_request' });
  });
});

describe('against a hostile service', () => {
  /** A real HTTP server on 127.0.0.1 that records each request and answers `answer`. */
  async function hostile(answer: (request: IncomingMessage, response: ServerResponse) => void) {
    const seen: string[] = [];
    const server = createServer((request, response) => {
      seen.push(`${request.method} ${request.url}`);
      answer(request, response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, seen, close: () => server.close() };
  }
  const json = (body: unknown) => (_request: IncomingMessage, response: ServerResponse) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  const record = {
    id: 't1',
    ...NPM,
    expiresAt: null,
    expiryCheckedAt: null,
    createdAt: '2026-06-01T12:00:00.000Z',
    updatedAt: '2026-06-01T12:00:00.000Z',
    places: [],
  };

  it('keeps every id inside its own path segment', async () => {
    const service = await hostile((_request, response) => {
      response.writeHead(204);
      response.end();
    });
    try {
      await api.forgetTrackedToken(service.url, 'ses_x', '../../tokens/t1?x=1#y');
      await api.removeTrackedDestination(service.url, 'ses_x', 'a/b', '../c');
      expect(service.seen).toEqual([
        'DELETE /v1/users/me/tracked-tokens/..%2F..%2Ftokens%2Ft1%3Fx%3D1%23y',
        'DELETE /v1/users/me/tracked-tokens/a%2Fb/destinations/..%2Fc',
      ]);
    } finally {
      service.close();
    }
  });

  it.each([
    ['a list that is an object', 'list', { hostileKey: [] }],
    ['a list with a record missing its places', 'list', [{ ...record, places: undefined }]],
    ['a list with an unknown vendor', 'list', [{ ...record, vendor: 'pypi' }]],
    [
      'a list with a place of an unknown provider',
      'list',
      [{ ...record, places: [{ provider: 'x' }] }],
    ],
    ['a list of 1,001 records', 'list', Array.from({ length: 1001 }, () => record)],
    ['a record with a numeric name', 'track', { ...record, name: 7 }],
    ['a record whose createdAt is not a time', 'track', { ...record, createdAt: 'yesterday' }],
    ['a change answered with an array', 'update', [record]],
    ['a place answered as a string', 'place', 'EVIL-PAYLOAD'],
  ] as const)(
    'refuses %s as bad_response, with none of it in the message',
    async (_what, call, body) => {
      const service = await hostile(json(body));
      try {
        const attempt =
          call === 'list'
            ? api.listTrackedTokens(service.url, 'ses_x')
            : call === 'track'
              ? api.trackToken(service.url, 'ses_x', NPM)
              : call === 'update'
                ? api.updateTrackedToken(service.url, 'ses_x', 't1', { name: 'x' })
                : api.addTrackedDestination(service.url, 'ses_x', 't1', PLACE);
        const failure = await attempt.catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(ApiClientError);
        expect(failure).toMatchObject({
          code: 'bad_response',
          message: expect.stringMatching(/does not understand, so none of it was used/),
        });
        const message = (failure as Error).message;
        for (const leaked of ['pypi', 'yesterday', 'EVIL-PAYLOAD', 'hostileKey']) {
          expect(message).not.toContain(leaked);
        }
      } finally {
        service.close();
      }
    },
  );

  it('takes a well-formed answer as it is', async () => {
    const service = await hostile(json([record]));
    try {
      expect(await api.listTrackedTokens(service.url, 'ses_x', { vendor: 'npm' })).toEqual([
        record,
      ]);
      expect(service.seen).toEqual(['GET /v1/users/me/tracked-tokens?vendor=npm']);
    } finally {
      service.close();
    }
  });
});
