/**
 * DNS rebinding and proxy trust: the service answers only to host names it knows
 * (checked before any route runs), and believes X-Forwarded-For only when told to.
 */
import { describe, expect, it } from 'vitest';
import { generateSecret } from '../../src/server/auth/secrets.js';
import { parseAllowedHosts, parseTrustProxy, readServiceConfig } from '../../src/server/config.js';
import {
  createToken,
  requestWithHost,
  signUpAndIn,
  serviceForEachTest,
  type RunningService,
} from '../support/server/service-harness.js';

let service: RunningService | undefined;
const start = serviceForEachTest();

const port = () => new URL(service!.baseUrl).port;

/** A sign-up as a rebinding page would send it: JSON, Host naming the page's own domain. */
function postWithHost(path: string, host: string, body: unknown) {
  const { port: p } = new URL(service!.baseUrl);
  const json = JSON.stringify(body);
  return new Promise<{ status: number; body: { code: string; message: string } }>(
    (resolve, reject) => {
      import('node:http')
        .then(({ request }) => {
          const req = request(
            {
              host: '127.0.0.1',
              port: Number(p),
              path,
              method: 'POST',
              setHost: false,
              headers: { host, 'content-type': 'application/json' },
            },
            (res) => {
              let text = '';
              res.on('data', (chunk: Buffer) => (text += chunk));
              res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
            },
          );
          req.on('error', reject);
          req.end(json);
        })
        .catch(reject);
    },
  );
}

describe('Host names on a loopback binding', () => {
  it('answers to 127.0.0.0/8, [::1] and localhost with any port, in any case', async () => {
    service = await start();
    for (const host of [
      `127.0.0.1:${port()}`,
      '127.0.0.1',
      '127.1.2.3:8080',
      `localhost:${port()}`,
      'LocalHost',
      `[::1]:${port()}`,
      '[::1]',
    ]) {
      const response = await requestWithHost(service.baseUrl, '/v1/health', host);
      expect(response.status, host).toBe(200);
    }
  });

  it.each([
    'evil.example',
    'evil.example:4780',
    '127.0.0.1.evil.example',
    'localhost.evil.example',
    'localhost.',
    '0.0.0.0',
    '192.168.1.10',
    '[::ffff:127.0.0.1]',
    '127.0.0.1:80:80',
    '[::1]x',
    '127.0.0.256',
    '',
  ])('refuses Host %j with 421 host_not_allowed before any route runs', async (host) => {
    service = await start();
    const { session } = await signUpAndIn(service);
    for (const path of ['/v1/health', '/v1/users/me', '/v1/no-such-route']) {
      const response = await requestWithHost(service.baseUrl, path, host, {
        authorization: `Bearer ${session}`,
      });
      expect(response.status, `${host} ${path}`).toBe(421);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.body).toMatchObject({ statusCode: 421, code: 'host_not_allowed' });
      expect(response.body.message).toMatch(/DNS rebinding/);
      expect(response.body.message).toMatch(/TOKEN_DESK_ALLOWED_HOSTS/);
    }
  });

  it('refuses a request without any Host header', async () => {
    service = await start();
    const response = await requestWithHost(service.baseUrl, '/v1/health', null);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });

  it('lets a rebinding page neither sign up nor sign in', async () => {
    service = await start();
    const { email, password } = await signUpAndIn(service);
    const signUp = await postWithHost('/v1/users', `evil.example:${port()}`, {
      email: 'victim@example.test',
      password: 'long enough',
    });
    expect(signUp.status).toBe(421);
    expect(signUp.body.code).toBe('host_not_allowed');
    const signIn = await postWithHost('/v1/sessions', `evil.example:${port()}`, {
      email,
      password,
    });
    expect(signIn.status).toBe(421);
    expect(JSON.stringify(signIn.body)).not.toMatch(/ses_/);
    // Nothing was created: the account can be made from a proper host afterwards.
    const real = await service.request('POST', '/v1/users', {
      body: { email: 'victim@example.test', password: 'long enough' },
    });
    expect(real.status).toBe(201);
  });

  it('answers to names listed in allowedHosts as well, on any port', async () => {
    service = await start({ allowedHosts: ['tokens.example.test'] });
    for (const host of ['tokens.example.test', 'TOKENS.example.test:443', `localhost:${port()}`]) {
      expect((await requestWithHost(service.baseUrl, '/v1/health', host)).status, host).toBe(200);
    }
    for (const host of [
      'evil.example',
      'tokens.example.test.evil.example',
      'x.tokens.example.test',
    ]) {
      expect((await requestWithHost(service.baseUrl, '/v1/health', host)).status, host).toBe(421);
    }
  });
});

describe('Host names on other bindings', () => {
  it('answers to IP literals and loopback names, not to other names unless listed', async () => {
    service = await start({ listenHost: '0.0.0.0' });
    for (const host of ['192.0.2.5:4780', '[2001:db8::1]:4780', 'localhost']) {
      expect((await requestWithHost(service.baseUrl, '/v1/health', host)).status, host).toBe(200);
    }
    const named = await requestWithHost(service.baseUrl, '/v1/health', 'tokens.example.test');
    expect(named.status).toBe(421);
    expect(named.body.message).toMatch(/TOKEN_DESK_ALLOWED_HOSTS/);
  });

  it('answers to any name with allowedHosts ["*"]', async () => {
    service = await start({ listenHost: '0.0.0.0', allowedHosts: ['*'] });
    expect((await requestWithHost(service.baseUrl, '/v1/health', 'anything.example')).status).toBe(
      200,
    );
  });
});

describe('X-Forwarded-For and trustProxy', () => {
  async function unknownTokenFrom(address: string) {
    return service!.request('GET', '/v1/users/me', {
      token: generateSecret('api_token'),
      headers: { 'x-forwarded-for': address },
    });
  }

  it('ignores a spoofed X-Forwarded-For by default: the failures all count against the real address', async () => {
    service = await start({ authFailureLimit: { maxFailures: 3, windowMs: 60_000 } });
    for (let i = 1; i <= 3; i++)
      expect((await unknownTokenFrom(`198.51.100.${i}`)).status).toBe(401);
    const limited = await unknownTokenFrom('198.51.100.200');
    expect(limited.status).toBe(429);
  });

  it.each([
    ['an address list', ['127.0.0.1'] as const],
    ['true', true as const],
    ['one hop', 1 as const],
  ])('believes X-Forwarded-For from a trusted proxy (%s)', async (_, trust) => {
    service = await start({
      authFailureLimit: { maxFailures: 3, windowMs: 60_000 },
      trustProxy: typeof trust === 'object' ? [...trust] : trust,
    });
    for (let i = 0; i < 3; i++) expect((await unknownTokenFrom('198.51.100.1')).status).toBe(401);
    expect((await unknownTokenFrom('198.51.100.1')).status).toBe(429);
    expect((await unknownTokenFrom('198.51.100.2')).status).toBe(401);
  });

  it('does not believe X-Forwarded-For from a peer that is not in the trusted list', async () => {
    service = await start({
      authFailureLimit: { maxFailures: 3, windowMs: 60_000 },
      trustProxy: ['10.0.0.0/8'],
    });
    for (let i = 1; i <= 3; i++)
      expect((await unknownTokenFrom(`198.51.100.${i}`)).status).toBe(401);
    expect((await unknownTokenFrom('198.51.100.99')).status).toBe(429);
  });

  it('keeps a live token working from behind the proxy', async () => {
    service = await start({ trustProxy: ['127.0.0.1'] });
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session);
    const me = await service.request('GET', '/v1/users/me', {
      token: token.secret,
      headers: { 'x-forwarded-for': '198.51.100.7' },
    });
    expect(me.status).toBe(200);
  });
});

describe('configuration from the environment', () => {
  it('reads TOKEN_DESK_ALLOWED_HOSTS as a list of host names', () => {
    expect(readServiceConfig({}).allowedHosts).toEqual([]);
    expect(parseAllowedHosts(' Tokens.Example.com , desk.internal,[::1],10.0.0.5 ')).toEqual([
      'tokens.example.com',
      'desk.internal',
      '[::1]',
      '10.0.0.5',
    ]);
    expect(parseAllowedHosts('*')).toEqual(['*']);
    for (const bad of [
      'tokens.example.com:443',
      'http://x.example',
      'a b',
      'x..y',
      ',',
      '-x.example',
    ]) {
      expect(() => parseAllowedHosts(bad), bad).toThrow(/TOKEN_DESK_ALLOWED_HOSTS must be/);
    }
  });

  it('reads TOKEN_DESK_TRUST_PROXY safely: off by default, booleans, hop counts, addresses and CIDRs', () => {
    expect(readServiceConfig({}).trustProxy).toBe(false);
    for (const off of ['', 'false', 'OFF', '0', ' no ']) expect(parseTrustProxy(off)).toBe(false);
    for (const on of ['true', 'on', 'YES']) expect(parseTrustProxy(on)).toBe(true);
    expect(parseTrustProxy('2')).toBe(2);
    expect(parseTrustProxy('127.0.0.1, 10.0.0.0/8,::1,fd00::/8,loopback')).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
      '::1',
      'fd00::/8',
      'loopback',
    ]);
    for (const bad of [
      '10.0.0.0/33',
      'fd00::/129',
      'proxy.example',
      '10.0.0.0/8/1',
      '1e3',
      'yes please',
      '101',
    ]) {
      expect(() => parseTrustProxy(bad), bad).toThrow(/TOKEN_DESK_TRUST_PROXY/);
    }
  });
});
