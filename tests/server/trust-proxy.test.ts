/**
 * TOKEN_DESK_TRUST_PROXY against real proxies: nginx and HAProxy append the
 * address they saw to whatever X-Forwarded-For the client sent, so only the entries the
 * trusted hops wrote can be believed. `true` is one hop (the rightmost entry); an entry
 * that is not an IP address is never a limiter key nor stored: the request then counts as
 * coming from the peer that sent it.
 *
 * Loopback stands in for a network: the client connects from 127.0.0.2 (or .3), the
 * proxies from 127.0.0.1 (or .4), so "the client's address" and "the proxy's address"
 * differ as they would on a real network.
 */
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { generateSecret } from '../../src/server/auth/secrets.js';
import type { TrustProxy } from '../../src/server/plugins/host-guard.js';
import type { AccountEvent } from '../../src/shared/events.js';
import { callFrom } from '../support/server/call-from.js';
import {
  BACKEND,
  postgresTablesText,
  serviceForEachTest,
  type RunningService,
} from '../support/server/service-harness.js';

const start = serviceForEachTest();
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const call = callFrom;

/**
 * A reverse proxy as nginx's `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for`
 * (and HAProxy's `option forwardfor`) is: it appends the address it saw to the client's
 * own X-Forwarded-For, and connects upstream from `from`.
 */
async function appendingProxy(upstream: string, from = '127.0.0.1'): Promise<string> {
  const target = new URL(upstream);
  const server = createServer((incoming, outgoing) => {
    const seen = incoming.socket.remoteAddress ?? '';
    const prior = incoming.headers['x-forwarded-for'];
    const headers: IncomingHttpHeaders = {
      ...incoming.headers,
      'x-forwarded-for': prior ? `${String(prior)}, ${seen}` : seen,
    };
    const forwarded = httpRequest(
      {
        host: target.hostname,
        port: Number(target.port),
        method: incoming.method,
        path: incoming.url,
        headers,
        localAddress: from,
        agent: false,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const spoofed = (i: number) => ({ 'x-forwarded-for': `198.51.100.${i}` });

async function signUp(service: RunningService, email: string, password = 'correct horse 1') {
  const created = await call(service.baseUrl, 'POST', '/v1/users', {
    body: { email, password, name: 'Dev' },
  });
  expect(created.status).toBe(201);
  return { email, password };
}

async function eventsOf(url: string, session: string): Promise<AccountEvent[]> {
  const page = await call(url, 'GET', '/v1/users/me/events?limit=100', { token: session });
  expect(page.status).toBe(200);
  return page.body.events as AccountEvent[];
}

/** Everything the service has stored, as bytes or text, to search for a string. */
async function storedText(service: RunningService): Promise<string> {
  if (BACKEND === 'postgres') return postgresTablesText(service.dataDir);
  const files = [service.databaseFile, `${service.databaseFile}-wal`];
  return files.map((file) => readFileSync(file).toString('latin1')).join('\n');
}

describe('TOKEN_DESK_TRUST_PROXY=true behind a proxy that appends to X-Forwarded-For', () => {
  it('a client cannot pick its own address: wrong passwords from rotating spoofed addresses meet the 429', async () => {
    const service = await start({ trustProxy: true });
    const proxy = await appendingProxy(service.baseUrl);
    const { email } = await signUp(service, 'spoof-target@example.test');
    // The per-address window is 10 failures; the account's (20) is not reached.
    for (let i = 1; i <= 10; i++) {
      const wrong = await call(proxy, 'POST', '/v1/sessions', {
        from: '127.0.0.2',
        headers: spoofed(i),
        body: { email, password: `wrong password ${i}` },
      });
      expect(wrong.status, `attempt ${i}`).toBe(401);
    }
    const limited = await call(proxy, 'POST', '/v1/sessions', {
      from: '127.0.0.2',
      headers: spoofed(11),
      body: { email, password: 'wrong password 11' },
    });
    expect(limited.status).toBe(429);
    expect(limited.body.message).toMatch(/from this address/);
    // Another client behind the same proxy has its own window.
    const other = await call(proxy, 'POST', '/v1/sessions', {
      from: '127.0.0.3',
      headers: spoofed(11),
      body: { email, password: 'wrong password 12' },
    });
    expect(other.status).toBe(401);
  });

  it('unknown bearer tokens from rotating spoofed addresses meet the 429', async () => {
    const service = await start({
      trustProxy: true,
      authFailureLimit: { maxFailures: 3, windowMs: 60_000 },
    });
    const proxy = await appendingProxy(service.baseUrl);
    const guess = (i: number) =>
      call(proxy, 'GET', '/v1/users/me', {
        from: '127.0.0.2',
        headers: spoofed(i),
        token: generateSecret('api_token'),
      });
    for (let i = 1; i <= 3; i++) expect((await guess(i)).status, `guess ${i}`).toBe(401);
    expect((await guess(4)).status).toBe(429);
  });

  it('records the address the proxy saw, not the one the client wrote', async () => {
    const service = await start({ trustProxy: true });
    const proxy = await appendingProxy(service.baseUrl);
    const { email, password } = await signUp(service, 'recorded@example.test');
    const via = { from: '127.0.0.2', headers: spoofed(77) };
    const signIn = await call(proxy, 'POST', '/v1/sessions', { ...via, body: { email, password } });
    expect(signIn.status).toBe(201);
    const session = signIn.body.token as string;
    const created = await call(proxy, 'POST', '/v1/users/me/tokens', {
      ...via,
      token: session,
      body: { name: 'ci' },
    });
    expect(created.status).toBe(201);
    expect(
      (await call(proxy, 'GET', '/v1/users/me', { ...via, token: created.body.secret })).status,
    ).toBe(200);
    const [listed] = (await call(proxy, 'GET', '/v1/users/me/tokens', { token: session })).body;
    expect(listed.lastUsedIp).toBe('127.0.0.2');
    const events = await eventsOf(proxy, session);
    expect(events.length).toBeGreaterThanOrEqual(3);
    for (const event of events) expect(event.ip, event.kind).toBe('127.0.0.2');
  });
});

describe('hop counts and proxy address lists', () => {
  it.each<[string, TrustProxy]>([
    ['the proxy address', ['127.0.0.1']],
    ['a CIDR range', ['127.0.0.1/32', '10.0.0.0/8']],
    ['one hop', 1],
  ])(
    'behind one appending proxy, %s: the client address is the one the proxy saw',
    async (_, trustProxy) => {
      const service = await start({
        trustProxy,
        authFailureLimit: { maxFailures: 3, windowMs: 60_000 },
      });
      const proxy = await appendingProxy(service.baseUrl);
      const guess = (from: string, i: number) =>
        call(proxy, 'GET', '/v1/users/me', {
          from,
          headers: spoofed(i),
          token: generateSecret('api_token'),
        });
      for (let i = 1; i <= 3; i++) expect((await guess('127.0.0.2', i)).status).toBe(401);
      expect((await guess('127.0.0.2', 4)).status).toBe(429);
      // A different client (not the proxy's own address, which would be shared by all).
      expect((await guess('127.0.0.3', 5)).status).toBe(401);
    },
  );

  it('two hops behind two appending proxies: the address the outer proxy saw', async () => {
    const service = await start({ trustProxy: 2 });
    const inner = await appendingProxy(service.baseUrl);
    const outer = await appendingProxy(inner, '127.0.0.4');
    const { email, password } = await signUp(service, 'two-hops@example.test');
    const signIn = await call(outer, 'POST', '/v1/sessions', {
      from: '127.0.0.3',
      headers: spoofed(9),
      body: { email, password },
    });
    expect(signIn.status).toBe(201);
    const [signedIn] = await eventsOf(service.baseUrl, signIn.body.token as string);
    expect(signedIn).toMatchObject({ kind: 'session.signed_in', ip: '127.0.0.3' });
  });

  it('with the proxy as the only trusted address, a client connecting directly cannot spoof', async () => {
    const service = await start({
      trustProxy: ['127.0.0.1'],
      authFailureLimit: { maxFailures: 3, windowMs: 60_000 },
    });
    const guess = (i: number) =>
      call(service.baseUrl, 'GET', '/v1/users/me', {
        from: '127.0.0.2',
        headers: spoofed(i),
        token: generateSecret('api_token'),
      });
    for (let i = 1; i <= 3; i++) expect((await guess(i)).status).toBe(401);
    expect((await guess(4)).status).toBe(429);
  });
});

describe('an X-Forwarded-For entry that is not an IP address', () => {
  const HOSTILE = [
    '=HYPERLINK("http://spoof.example/x","open")',
    'not-an-ip-foo',
    '203.0.113.9:4711',
    '[2001:db8::1]',
    'fe80::1%eth0',
  ];

  it.each<[string, TrustProxy]>([
    ['true', true],
    ['one hop', 1],
    ['two hops', 2],
    ['an address list', ['127.0.0.1']],
    ['a range name', ['loopback']],
  ])(
    'is never a limiter key (%s): every such request counts against the peer',
    async (_, trustProxy) => {
      const service = await start({
        trustProxy,
        authFailureLimit: { maxFailures: 3, windowMs: 60_000 },
      });
      const guess = (xff: string) =>
        call(service.baseUrl, 'GET', '/v1/users/me', {
          headers: { 'x-forwarded-for': xff },
          token: generateSecret('api_token'),
        });
      for (const xff of ['not-an-address-1', 'not-an-address-2', 'x, not-an-address-3'])
        expect((await guess(xff)).status, xff).toBe(401);
      expect((await guess('not-an-address-4')).status).toBe(429);
      // The peer's window is full: an address it makes up does not get it a fresh one.
      expect((await guess('=1+1')).status).toBe(429);
    },
  );

  it.each<[string, TrustProxy]>([
    ['true', true],
    ['two hops', 2],
    ['an address list', ['127.0.0.1']],
  ])(
    'is never stored (%s): events, last use, sign-ins and the log show the peer',
    async (_, trustProxy) => {
      const service = await start({ trustProxy });
      for (const hostile of HOSTILE) {
        // Two hops read the second entry from the right: put the hostile one there too.
        const headers = { 'x-forwarded-for': `${hostile}, ${hostile}` };
        const email = `hostile-${HOSTILE.indexOf(hostile)}@example.test`;
        const password = 'correct horse 1';
        const up = await call(service.baseUrl, 'POST', '/v1/users', {
          headers,
          body: { email, password },
        });
        expect(up.status, hostile).toBe(201);
        const failed = await call(service.baseUrl, 'POST', '/v1/sessions', {
          headers,
          body: { email, password: 'not the password' },
        });
        expect(failed.status).toBe(401);
        const signIn = await call(service.baseUrl, 'POST', '/v1/sessions', {
          headers,
          body: { email, password },
        });
        expect(signIn.status, hostile).toBe(201);
        const session = signIn.body.token as string;
        const created = await call(service.baseUrl, 'POST', '/v1/users/me/tokens', {
          headers,
          token: session,
          body: { name: 'ci' },
        });
        expect(created.status).toBe(201);
        const used = await call(service.baseUrl, 'GET', '/v1/users/me', {
          headers,
          token: created.body.secret,
        });
        expect(used.status).toBe(200);

        const [listed] = (
          await call(service.baseUrl, 'GET', '/v1/users/me/tokens', { headers, token: session })
        ).body;
        expect(listed.lastUsedIp, hostile).toBe('127.0.0.1');
        const events = await eventsOf(service.baseUrl, session);
        expect(events.map((event) => event.kind)).toEqual(
          expect.arrayContaining(['session.sign_in_failed', 'session.signed_in', 'token.created']),
        );
        for (const event of events) expect(event.ip, `${hostile}: ${event.kind}`).toBe('127.0.0.1');
        // Requests refused before any route runs are logged too.
        for (const path of ['/v1/no-such-route', '/v1/users/%zz', '/v1/users/me/tokens/%00'])
          expect((await call(service.baseUrl, 'GET', path, { headers })).status).toBeLessThan(500);
      }
      const stored = await storedText(service);
      const logged = service.logs.join('\n');
      for (const marker of [
        'HYPERLINK',
        'spoof.example',
        'not-an-ip',
        '203.0.113.9',
        '2001:db8',
        'fe80::1%',
      ]) {
        expect(stored, marker).not.toContain(marker);
        expect(logged, marker).not.toContain(marker);
      }
      const requestLines = service.logs.filter((l) => l.includes('"ip"'));
      for (const status of [200, 201, 400, 401, 404])
        expect(
          requestLines.some((l) => JSON.parse(l).status === status),
          `${status}`,
        ).toBe(true);
      for (const line of requestLines) expect(JSON.parse(line).ip).toBe('127.0.0.1');
    },
  );
});
