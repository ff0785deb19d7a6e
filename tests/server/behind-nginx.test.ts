/**
 * The token service as deployed behind a TLS-terminating reverse proxy: Debian's nginx,
 * on loopback, with a certificate for `tokens.corp.test` from a CA made for the run, and
 * the service started as `npm run server` with TOKEN_DESK_TRUST_PROXY set to the proxy's
 * address and TOKEN_DESK_ALLOWED_HOSTS to its public name (docs/operations.md).
 *
 * Clients connect from 127.0.0.2 and 127.0.0.3, nginx from 127.0.0.1: the client's
 * address and the proxy's differ as they would on a network.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountEvent } from '../../src/shared/events.js';
import { startTokenService, type TokenService } from '../support/processes.js';
import { callFrom, type CallOptions, type Reply } from '../support/server/call-from.js';
import { nginxMissing, startNginx, type Nginx } from '../support/server/nginx.js';
import { createTestCa, type TestCa } from '../support/test-ca.js';

const NAME = 'tokens.corp.test';

let ca: TestCa;
let service: TokenService;
let nginx: Nginx;
let dataDir: string;

/** One HTTPS request to nginx as `tokens.corp.test`, from a chosen local address (127.0.0.2 unless told). */
function call(
  method: string,
  path: string,
  options: Omit<CallOptions, 'tls'> & { trust?: string } = {},
): Promise<Reply> {
  const { trust, ...rest } = options;
  return callFrom(`https://127.0.0.1:${nginx.port}`, method, path, {
    from: '127.0.0.2',
    ...rest,
    headers: { host: `${NAME}:${nginx.port}`, ...options.headers },
    tls: { ca: trust ?? ca.pem, servername: NAME },
  });
}

async function signUp(email: string, password = 'correct horse battery 1') {
  const created = await call('POST', '/v1/users', { body: { email, password, name: 'Dev' } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { email, password };
}

describe('behind nginx terminating TLS', () => {
  beforeAll(async () => {
    if (nginxMissing) throw new Error(nginxMissing);
    ca = createTestCa();
    const certificate = ca.issue([NAME]);
    dataDir = mkdtempSync(join(tmpdir(), 'token-desk-nginx-service-'));
    service = await startTokenService(dataDir, 0, {
      TOKEN_DESK_TRUST_PROXY: '127.0.0.1',
      TOKEN_DESK_ALLOWED_HOSTS: NAME,
    });
    nginx = await startNginx({
      serverName: NAME,
      certFile: certificate.certFile,
      keyFile: certificate.keyFile,
      upstream: service.url,
    });
  });
  afterAll(async () => {
    await nginx?.stop();
    await service?.stop();
    ca?.remove();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs up, signs in, creates and uses a token over HTTPS, and records the client’s address, not the proxy’s nor one the client wrote', async () => {
    const { email, password } = await signUp('behind-nginx@example.test');
    const via = { from: '127.0.0.2', headers: { 'x-forwarded-for': '198.51.100.7' } };
    const signIn = await call('POST', '/v1/sessions', { ...via, body: { email, password } });
    expect(signIn.status).toBe(201);
    const session = signIn.body.token as string;
    const created = await call('POST', '/v1/users/me/tokens', {
      ...via,
      token: session,
      body: { name: 'ci' },
    });
    expect(created.status).toBe(201);
    expect((await call('GET', '/v1/users/me', { ...via, token: created.body.secret })).status).toBe(
      200,
    );

    const listed = await call('GET', '/v1/users/me/tokens', { token: session });
    expect(listed.body.map((t: { lastUsedIp: string }) => t.lastUsedIp)).toEqual(['127.0.0.2']);
    const events = (await call('GET', '/v1/users/me/events?limit=100', { token: session })).body
      .events as AccountEvent[];
    expect(events.length).toBeGreaterThanOrEqual(3);
    for (const event of events) expect(event.ip, event.kind).toBe('127.0.0.2');
  });

  it('limits each client behind the proxy on its own: one meets the 429, the next is still heard', async () => {
    const { email } = await signUp('limits-behind-nginx@example.test');
    // 10 failures per address; a fresh spoofed X-Forwarded-For each time changes nothing.
    for (let i = 1; i <= 10; i++) {
      const wrong = await call('POST', '/v1/sessions', {
        from: '127.0.0.3',
        headers: { 'x-forwarded-for': `198.51.100.${i}` },
        body: { email, password: `wrong password ${i}` },
      });
      expect(wrong.status, `attempt ${i}`).toBe(401);
    }
    const limited = await call('POST', '/v1/sessions', {
      from: '127.0.0.3',
      body: { email, password: 'wrong password 11' },
    });
    expect(limited.status).toBe(429);
    expect(limited.body.message).toMatch(/from this address/);
    const other = await call('POST', '/v1/sessions', {
      from: '127.0.0.4',
      body: { email, password: 'wrong password 12' },
    });
    expect(other.status).toBe(401);
    // Twelve sign-ins, each a real password hash in the service process: slow on a busy machine.
  }, 120_000);

  it('answers only to its public name: another Host through the same proxy gets 421 in words', async () => {
    const refused = await call('GET', '/v1/health', {
      headers: { host: `intranet.corp.test:${nginx.port}` },
    });
    expect(refused.status).toBe(421);
    expect(refused.body.code).toBe('host_not_allowed');
    expect(refused.body.message).toMatch(/intranet\.corp\.test/);
    expect((await call('GET', '/v1/health')).status).toBe(200);
  });

  it('is reached only with the CA trusted: a client without it is refused by TLS, naming the reason', async () => {
    const other = createTestCa('Some other CA');
    try {
      await expect(call('GET', '/v1/health', { trust: other.pem })).rejects.toMatchObject({
        code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      });
    } finally {
      other.remove();
    }
    expect(nginx.errors()).not.toMatch(/\[(error|crit|alert|emerg)\]/);
  });
});
