/**
 * Request logging: one line per request at info with method, route pattern,
 * status, duration, client address and request id; no headers (a place where a secret
 * can slip through); health and readiness checks only at debug; refusals keep their error code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createToken,
  removeDir,
  signUpAndIn,
  startService,
  type RunningService,
} from '../support/server/service-harness.js';

type Line = Record<string, unknown>;

let service: RunningService;
beforeAll(async () => {
  service = await startService({ housekeeping: { intervalMs: null } });
});
afterAll(async () => {
  await service.stop();
  removeDir(service.dataDir);
});

const parsed = (from: number): Line[] =>
  service.logs.slice(from).map((line) => JSON.parse(line) as Line);

describe('request log', () => {
  it('writes exactly one line per request, with route pattern, status, duration, address and request id, and no header', async () => {
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session, 'logged');
    const from = service.logs.length;
    const me = await service.request('GET', '/v1/users/me', {
      token: token.secret,
      headers: { cookie: 'sid=cookie-secret', 'x-api-key': 'key-secret' },
    });
    expect(me.status).toBe(200);
    const dest = await service.request('GET', `/v1/users/me/tokens/${token.id}/destinations`, {
      token: session,
    });
    expect(dest.status).toBe(200);
    const lines = parsed(from);
    expect(lines).toHaveLength(2);
    const [first, second] = lines as [Line, Line];
    expect(first).toMatchObject({
      level: 30,
      msg: 'request',
      method: 'GET',
      route: '/v1/users/me',
      status: 200,
      ip: '127.0.0.1',
    });
    expect(typeof first.reqId).toBe('string');
    expect(typeof first.ms).toBe('number');
    // The pattern, not the URL: ids stay out of the line.
    expect(second.route).toBe('/v1/users/me/tokens/:id/destinations');
    expect(second.reqId).not.toBe(first.reqId);
    const text = service.logs.slice(from).join('\n');
    for (const secret of [token.secret, session, 'cookie-secret', 'key-secret']) {
      expect(text).not.toContain(secret);
    }
    expect(text.toLowerCase()).not.toContain('authorization');
    expect(text).not.toContain('headers');
  });

  it('does not log health checks at info', async () => {
    const from = service.logs.length;
    expect((await service.request('GET', '/v1/health')).status).toBe(200);
    expect(parsed(from)).toEqual([]);
  });

  it('answers readiness when its database answers, and does not log it at info either', async () => {
    const from = service.logs.length;
    const ready = await service.request('GET', '/v1/health/ready');
    expect({ status: ready.status, body: ready.body }).toEqual({
      status: 200,
      body: { status: 'ready' },
    });
    expect(parsed(from)).toEqual([]);
  });

  it('keeps the error code of a refused request, and logs an unknown route without its URL', async () => {
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session, 'to revoke');
    await service.request('DELETE', `/v1/users/me/tokens/${token.id}`, { token: session });
    const from = service.logs.length;
    expect((await service.request('GET', '/v1/users/me', { token: token.secret })).status).toBe(
      401,
    );
    expect((await service.request('GET', '/v1/nowhere?x=1')).status).toBe(404);
    const [refused, missing] = parsed(from) as [Line, Line];
    expect(refused).toMatchObject({ status: 401, code: 'token_revoked', route: '/v1/users/me' });
    expect(missing).toMatchObject({ status: 404, code: 'route_not_found', route: null });
    expect(service.logs.slice(from).join('\n')).not.toContain(token.secret);
  });
});
